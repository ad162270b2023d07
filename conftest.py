"""Real parts for tests: which are here, and what is skipped when one is missing.

Tests marked `postgres`, `redis` or `browser` need PostgreSQL, Redis or Debian's Chromium.
On a newcomer's machine without them those tests are skipped, and the run ends by naming
them and why. With REQUIRE_REAL_PARTS=1 (CI) a missing part fails the run instead.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_answers() -> bool:
    url = settings.CACHES["default"].get("LOCATION") or ""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return False
    parts = urlsplit(url if isinstance(url, str) else url[0])
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _missing_parts() -> dict[str, str]:
    missing = {}
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing["postgres"] = (
            "no PostgreSQL (none answers at 127.0.0.1:5432 and "
            "DATABASE_URL names none); the rest ran on SQLite"
        )
    if not _redis_answers():
        missing["redis"] = (
            "no Redis (none answers at 127.0.0.1:6379 and CACHE_URL names none); "
            "the rest used the local-memory cache"
        )
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        missing["browser"] = f"no Chromium at {CHROMIUM} (Debian package `chromium`)"
    return missing


_skipped: dict[str, list[str]] = {}


def pytest_collection_modifyitems(config, items):
    missing = _missing_parts()
    needed = {m for item in items for m in missing if item.get_closest_marker(m)}
    if needed and os.environ.get("REQUIRE_REAL_PARTS") == "1":
        reasons = "; ".join(missing[m] for m in sorted(needed))
        pytest.exit(f"REQUIRE_REAL_PARTS=1 but a real part is missing: {reasons}", returncode=3)
    for item in items:
        for part in needed:
            if item.get_closest_marker(part):
                item.add_marker(pytest.mark.skip(reason=missing[part]))
                _skipped.setdefault(missing[part], []).append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if not _skipped:
        return
    terminalreporter.section("skipped: a real part is missing on this machine")
    for reason, ids in _skipped.items():
        terminalreporter.write_line(f"{len(ids)} test(s) skipped because {reason}:")
        for nodeid in ids:
            terminalreporter.write_line(f"    {nodeid}")
