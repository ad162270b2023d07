"""The settings as an operator meets them: each case runs a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], "
    "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'mail': s.EMAIL_BACKEND, 'debug': s.DEBUG}))"
)
CONFIG_VARS = (
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "EMAIL_FILE_PATH",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
)


def run(args, module, **env):
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update(DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def shown(module, **env):
    done = run(["-c", SHOW], module, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_with_no_configuration_the_app_runs_embedded():
    s = shown("config.settings.local")
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["eager"] is True
    assert s["mail"] == "django.core.mail.backends.console.EmailBackend"


def test_mail_goes_to_files_when_a_path_is_given(tmp_path):
    s = shown("config.settings.local", EMAIL_FILE_PATH=str(tmp_path))
    assert s["mail"] == "django.core.mail.backends.filebased.EmailBackend"


def test_urls_switch_to_postgresql_redis_and_a_real_broker():
    s = shown(
        "config.settings.local",
        DATABASE_URL="postgres://u@db.internal:5432/app",
        CACHE_URL="redis://cache.internal:6379/0",
        CELERY_BROKER_URL="redis://cache.internal:6379/1",
    )
    assert s["db"] == "django.db.backends.postgresql"
    assert s["cache"] == "config.cache.ResilientRedisCache"  # Redis, with a local fallback
    assert s["eager"] is False and s["broker"] == "redis://cache.internal:6379/1"


def test_production_refuses_to_start_without_a_secret_key():
    done = run(["-c", SHOW], "config.settings.production", DJANGO_ALLOWED_HOSTS="example.com")
    assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    done = run(["-c", SHOW], "config.settings.production", DJANGO_SECRET_KEY="x" * 60)
    assert done.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in done.stderr


def test_production_passes_the_deployment_checklist(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "config.settings.production",
        DJANGO_SECRET_KEY="k" * 30 + "-Zq9%x" * 6,
        DJANGO_ALLOWED_HOSTS="access.example.com",
        AUDIT_CHAIN_KEY="a" * 20 + "-Kc7!y" * 4,
        AUDIT_DIGEST_DIR=str(tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_without_the_audit_anchors_fails_the_checklist():
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "config.settings.production",
        DJANGO_SECRET_KEY="k" * 30 + "-Zq9%x" * 6,
        DJANGO_ALLOWED_HOSTS="access.example.com",
    )
    assert done.returncode != 0
    assert "audit.W003" in done.stderr and "audit.W005" in done.stderr


def test_a_web_process_knows_every_task_the_services_publish_by_name():
    """Services publish tasks by name from Celery's registry; a process that only set Django
    up (gunicorn) must have them, or a submit's screening would wait for the sweep."""
    code = (
        "import json, django; django.setup(); from celery import current_app; "
        "print(json.dumps(sorted(current_app.tasks)))"
    )
    done = run(["-c", code], "config.settings.local")
    assert done.returncode == 0, done.stderr
    names = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {
        "approvals.screen_application",
        "reviews.send_decision_mail",
        "reviews.send_grant_review_mail",
        "reviews.send_suspension_mail",
        "reviews.rescreen_grants",
        "audit.tasks.verify_audit_chain",
    } <= names
