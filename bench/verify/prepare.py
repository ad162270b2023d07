"""Setup: the environment config.settings.bench needs, a fresh database and Redis db, and
the fixture (a developer's minted key, the gateway's knox token, the anchor's APIKey).
"""

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import databases
from bench.verify.parameters import (
    ANCHOR_URL,
    APPLICATION,
    BATCH_CHECKS,
    BATCH_URL,
    DB_NAME,
    ENDPOINT,
    FLOOR_URL,
    MODEL,
    POSTGRES,
    REDIS_URL,
    TOKENS,
    VERIFY_URL,
    WORKERS,
    BenchError,
)


@dataclass
class Fixture:
    key: str  # the developer's production key, as minted
    token: str  # the gateway account's knox token
    api_key: str  # the anchor's djangorestframework-api-key key
    grant_id: int
    limits: dict


def configure_environment() -> Path:
    """What config.settings.bench (production) needs; the same environment goes to gunicorn."""
    mail_dir = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.bench",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"{POSTGRES.rstrip('/')}/{DB_NAME}",
            "CACHE_URL": REDIS_URL,
            "GATEWAY_REDIS_URL": REDIS_URL,
            "GATEWAY_PROCESSES": str(WORKERS),
            "EMAIL_FILE_PATH": str(mail_dir),  # the decision mail of the setup, not the console
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)  # setup tasks run in-process
    os.environ.pop("DJANGO_DEBUG", None)
    return mail_dir


def fresh_database() -> None:
    import psycopg

    try:
        databases.recreate(POSTGRES, DB_NAME)
    except psycopg.Error as exc:
        raise BenchError(f"PostgreSQL at {POSTGRES}: {exc}") from exc


def fresh_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).flushdb()
    except redis.RedisError as exc:
        raise BenchError(f"Redis at {REDIS_URL}: {exc}") from exc


def make_fixture() -> Fixture:
    """A developer with an approved grant and a minted key, a gateway account with a knox
    token (as tests/approvals/keys/conftest.py makes a grant), and the anchor's APIKey."""
    from django.core.management import call_command
    from rest_framework_api_key.models import APIKey

    from accounts import services
    from approvals import lifecycle
    from approvals.keys import services as keys
    from reviews import claims, decisions

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_policy", verbosity=0)
    password = secrets.token_urlsafe(24)
    reviewer = services.account_create(
        actor=None, email="reviewer@bench.example", password=password, role="reviewer"
    )
    developer = services.account_create(
        actor=None,
        email="developer@bench.example",
        password=password,
        role="developer",
        organization_name="Bench Org",
    )
    gateway = services.account_create(
        actor=None, email="gateway@bench.example", password=password, role="gateway"
    )
    application = lifecycle.application_create(
        actor=developer, organization=developer.memberships.get().organization, content=APPLICATION
    )
    lifecycle.application_submit(actor=developer, application=application)
    lifecycle.application_screen(application_id=application.pk)
    application.refresh_from_db()
    if application.status != "in_review":
        raise BenchError(f"the bench application was routed to {application.status}")
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision="approve")
    application.refresh_from_db()
    grant = application.grant
    _, key_text = keys.key_mint(actor=developer, grant=grant, name="bench")
    _, token = services.api_token_issue(user=gateway)
    _, api_key = APIKey.objects.create_key(name="bench anchor")
    return Fixture(
        key=key_text, token=token, api_key=api_key, grant_id=grant.pk, limits=grant.limits
    )


def requests_for(fx: Fixture) -> dict[str, tuple[str, dict, dict]]:
    """Per target: path, headers, JSON body. The same body for the first three; the batch
    asks the same check BATCH_CHECKS times."""
    body = {"key": fx.key, "model": MODEL, "endpoint": ENDPOINT, "tokens": TOKENS}
    gateway = {"Authorization": f"Token {fx.token}"}
    return {
        "floor": (FLOOR_URL, {}, body),
        "anchor": (ANCHOR_URL, {"Authorization": f"Api-Key {fx.api_key}"}, body),
        "verify": (VERIFY_URL, gateway, body),
        "batch": (BATCH_URL, gateway, {"checks": [body] * BATCH_CHECKS}),
    }


def checks_per_request(name: str) -> int:
    return BATCH_CHECKS if name == "batch" else 1
