"""Tests: PostgreSQL and Redis when they answer at their local addresses (or at
DATABASE_URL / CACHE_URL), the embedded default otherwise. Tests that need a real part are
marked and skipped with a reason when it is missing (see conftest.py); CI refuses skips."""

import os
import socket
from urllib.parse import urlsplit

LOCAL_POSTGRES = "postgres://root@127.0.0.1:5432/access_review"
LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=0.5):
            return True
    except OSError:
        return False


for _name, _url in (("DATABASE_URL", LOCAL_POSTGRES), ("CACHE_URL", LOCAL_REDIS)):
    if _name not in os.environ and _answers(_url):
        os.environ[_name] = _url
# Tests run tasks in-process; a test that needs a real worker starts one itself.
os.environ.pop("CELERY_BROKER_URL", None)

from .base import *  # noqa: E402, F403
from .base import DATABASES, env  # noqa: E402

SECRET_KEY = "test-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Lets transactional tests reset the append-only audit table (see audit migration 0002).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c audit.allow_truncate=on"
REDIS_URL_FOR_TESTS = env.str("CACHE_URL", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the apps and static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
