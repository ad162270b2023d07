"""Schemathesis against a live server, once per persona: `python -m tests.fuzz` (CI runs it).

Makes a throwaway PostgreSQL database (FUZZ_DATABASE, default access_review_fuzz, on the
server of DATABASE_URL), migrates it, loads the default policy, builds the world of
tests/world.py (eight personas, an application in review, a grant with a key, an access
review, ...), serves the app with gunicorn, and runs `st run` for each persona with its own
API token: a fixed seed, a bounded number of examples, and the checks that fail on any 5xx,
any answer the schema does not declare and any body that does not match it. Exits non-zero
when any run found a failure; prints the cases run per persona. Not a pytest module.

Options (environment): FUZZ_SEED (default 20261201), FUZZ_MAX_EXAMPLES (default 12),
FUZZ_PORT (default 8765), FUZZ_CACHE_URL (default redis://127.0.0.1:6379/14; flushed),
FUZZ_PERSONAS (comma-separated subset), FUZZ_KEEP_DATABASE=1 (keep it for a look after).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
# Admin last: its cases revoke, suspend, publish and end what the others read.
ORDER = ["anonymous", "gateway", "dev_b", "dev_a", "reviewer", "reviewer_org_a", "specialist"]
ORDER.append("admin")


def _database_urls() -> tuple[str, str]:
    base = (
        os.environ.get("DATABASE_URL")
        or f"postgres://{os.environ.get('USER', 'root')}@127.0.0.1:5432/postgres"
    )
    parts = urlsplit(base)
    name = os.environ.get("FUZZ_DATABASE", "access_review_fuzz")
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
    )


def _recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(env: dict) -> dict:
    """Migrate, load the policy, build the world; persona -> token, and the ids to try."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from approvals.models import ClassifierVersion
    from tests import world

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_policy", verbosity=0)
    # Screening on the rules alone, as in the tests: no model loaded by the web workers.
    ClassifierVersion.objects.all().delete()
    cache.clear()
    built = world.world_build(world.personas_create())
    return {"tokens": world.tokens_issue(built.users), "ids": built.ids}


def _serve(env: dict, port: int, log) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("fuzz: gunicorn did not start (see its log)") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("fuzz: gunicorn did not answer in 60 s")


def _config(ids: dict, directory: str) -> str:
    """Path ids: half the cases take one of the world's objects, half anything."""
    path = Path(directory) / "schemathesis.toml"
    values = sorted(set(ids.values()))
    path.write_text(
        "[dictionaries.ids]\n"
        f"values = {json.dumps(values)}\n"
        "[dictionaries.numbers]\n"
        "values = [1, 2]\n"
        "[parameters]\n"
        '"path.id" = { dictionary = "ids", probability = 0.5 }\n'
        '"path.number" = { dictionary = "numbers", probability = 0.5 }\n'
    )
    return str(path)


def _run(persona: str, token: str | None, port: int, config: str, seed: str, examples: str):
    command = [
        str(BIN / "st"),
        "--config-file",
        config,
        "run",
        f"http://127.0.0.1:{port}/api/v1/schema/?format=json",
        "--url",
        f"http://127.0.0.1:{port}",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--seed",
        seed,
        "--max-examples",
        examples,
        "--workers",
        "2",
        "--no-shrink",
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
    ]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    started = time.monotonic()
    # In the temporary directory: its crash cache (.schemathesis/) would replay old cases.
    done = subprocess.run(
        command, cwd=Path(config).parent, capture_output=True, text=True, check=False
    )
    output = done.stdout + done.stderr
    cases = re.search(r"Test cases:\s*(\d+) generated", output)
    return done.returncode, int(cases.group(1)) if cases else 0, time.monotonic() - started, output


def _tool_error_only(output: str) -> bool:
    """A run that found no failure but hit an error inside the tool (seen: CPython 3.11's
    `ast.parse` racing in hypothesis's lambda descriptions under two workers)."""
    return "Failures:" not in output and "Runtime Error" in output and "SystemError" in output


def main() -> int:
    admin_url, url = _database_urls()
    name = urlsplit(url).path.lstrip("/")
    port = int(os.environ.get("FUZZ_PORT", "8765"))
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": url,
        "CACHE_URL": os.environ.get("FUZZ_CACHE_URL", "redis://127.0.0.1:6379/14"),
        "EMAIL_URL": "dummymail://",  # the world sends mail; nobody reads it here
    }
    env.pop("CELERY_BROKER_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    _recreate_database(admin_url, name)
    prepared = _prepare(env)
    wanted = os.environ.get("FUZZ_PERSONAS", "")
    personas = [p for p in ORDER if not wanted or p in wanted.split(",")]
    seed = os.environ.get("FUZZ_SEED", "20261201")
    examples = os.environ.get("FUZZ_MAX_EXAMPLES", "12")
    failed, total = [], 0
    with (
        tempfile.TemporaryDirectory() as directory,
        open(Path(directory) / "gunicorn.log", "w+") as log,
    ):
        config = _config(prepared["ids"], directory)
        server = _serve(env, port, log)
        try:
            for persona in personas:
                code, cases, seconds, output = _run(
                    persona, prepared["tokens"][persona], port, config, seed, examples
                )
                if code != 0 and _tool_error_only(output):
                    print(f"fuzz: {persona}: schemathesis itself errored (no failure); again")
                    code, cases, seconds, output = _run(
                        persona, prepared["tokens"][persona], port, config, seed, examples
                    )
                total += cases
                print(f"fuzz: {persona:<15} {cases:>6} cases {seconds:6.1f} s  exit {code}")
                if code != 0:
                    failed.append(persona)
                    print(output[-20000:])
        finally:
            server.terminate()
            server.wait(timeout=30)
            if failed:
                log.seek(0)
                print("fuzz: gunicorn log (tail):\n" + log.read()[-5000:])
    if os.environ.get("FUZZ_KEEP_DATABASE") != "1":
        _drop_database(admin_url, name)
    print(
        f"fuzz: {total} cases over {len(personas)} personas; failed: {', '.join(failed) or 'none'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
