"""Setup: the environment (production settings against the soak's own PostgreSQL database
and Redis), a fresh database, and four grants with a key each and a gateway token."""

import os
import secrets
from pathlib import Path

from bench import databases
from bench.soak.parameters import DB_NAME, POSTGRES, RATE, SECONDS, WORKERS, SoakError
from bench.soak.parameters import grant_limits as limits_for
from bench.verify.parameters import APPLICATION


def configure_environment(redis_url: str, folder: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_PROXY_COUNT": "0",
            "DATABASE_URL": f"{POSTGRES.rstrip('/')}/{DB_NAME}",
            "CACHE_URL": redis_url,
            "GATEWAY_REDIS_URL": redis_url,
            "GATEWAY_PROCESSES": str(WORKERS),
            "EMAIL_FILE_PATH": str(folder / "mail"),
            "LOG_LEVEL": "WARNING",
        }
    )
    for name in ("CELERY_BROKER_URL", "DJANGO_DEBUG", "GATEWAY_REDIS_CLUSTER"):
        os.environ.pop(name, None)


def fresh_database() -> None:
    import psycopg

    try:
        databases.recreate(POSTGRES, DB_NAME)
    except psycopg.Error as exc:
        raise SoakError(f"PostgreSQL at {POSTGRES}: {exc}") from exc


def drop_database() -> None:
    databases.drop(POSTGRES, DB_NAME)


def make_grants() -> tuple[str, dict[str, str], dict[str, int], dict[str, dict]]:
    """The gateway's token; per grant name its key, its id and its limits."""
    from django.core.management import call_command

    from accounts import services
    from approvals import lifecycle
    from approvals.keys import keystore
    from approvals.keys import services as keys
    from approvals.models import Grant, ProductionKey
    from reviews import claims, decisions

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_policy", verbosity=0)
    password = secrets.token_urlsafe(24)
    make = services.account_create
    reviewer = make(actor=None, email="r@soak.example", password=password, role="reviewer")
    developer = make(
        actor=None,
        email="d@soak.example",
        password=password,
        role="developer",
        organization_name="Soak Org",
    )
    gateway = make(actor=None, email="g@soak.example", password=password, role="gateway")
    key_texts, grant_ids, limits = {}, {}, limits_for(RATE, SECONDS)
    for name, wanted in limits.items():
        application = lifecycle.application_create(
            actor=developer,
            organization=developer.memberships.get().organization,
            content={**APPLICATION, "title": f"Soak {name}"},
        )
        lifecycle.application_submit(actor=developer, application=application)
        lifecycle.application_screen(application_id=application.pk)
        application.refresh_from_db()
        if application.status != "in_review":
            raise SoakError(f"the soak application was routed to {application.status}")
        claims.claim(reviewer=reviewer, application=application)
        decisions.decide(reviewer=reviewer, application=application, decision="approve")
        grant = Grant.objects.get(application=application)
        Grant.objects.filter(pk=grant.pk).update(limits=wanted)
        _, key_texts[name] = keys.key_mint(actor=developer, grant=grant, name=f"soak-{name}")
        keystore.publish(list(ProductionKey.objects.filter(grant=grant)))
        grant_ids[name] = grant.pk
    _, token = services.api_token_issue(user=gateway)
    return token, key_texts, grant_ids, limits
