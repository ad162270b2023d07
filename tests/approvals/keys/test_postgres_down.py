"""Verify with PostgreSQL down (issue 12.8): the gateway's own token and the keys Redis holds
need no database, so verify goes on answering them once the gateway-token cache runs out;
what does need the database is a typed 503 with Retry-After, never a 500."""

from contextlib import contextmanager

import pytest
from django.db import connections

from accounts.auth import gateway as gateway_auth
from approvals.keys import services as keys

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
SCOPE = {"model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": 1}


@contextmanager
def postgres_down():
    """Every new connection goes to a port where nothing listens."""
    connection = connections["default"]
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = 1
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def verify_call(api, gateway, default_policy):
    client = api(gateway)
    return lambda key: client.post("/api/v1/keys/verify/", {"key": key, **SCOPE}, format="json")


def test_verify_answers_from_redis_when_postgresql_is_down(
    default_policy, grant, dev_a, verify_call, settings
):
    known = keys.key_mint(actor=dev_a, grant=grant, name="seen")[1]
    unseen = keys.key_mint(actor=dev_a, grant=grant, name="unseen")[1]
    assert verify_call(known).json()["code"] == "VALID"
    settings.GATEWAY_AUTH_CACHE_SECONDS = 0  # the gateway-token cache has run out
    with postgres_down():
        again = verify_call(known)
        assert again.status_code == 200, again.content
        assert again.json()["code"] == "VALID"
        refused = verify_call(unseen)  # its record was never in Redis: needs PostgreSQL
        assert refused.status_code == 503
        assert refused.json() == {
            "detail": "The service is briefly unavailable; try again shortly.",
            "code": "unavailable",
        }
        assert int(refused["Retry-After"]) > 0
    gateway_auth.forget()
    assert verify_call(unseen).json()["code"] == "VALID"  # back up: answered again


def test_other_api_calls_answer_503_when_postgresql_is_down(api, dev_a):
    client = api(dev_a)
    with postgres_down():
        answer = client.get("/api/v1/me/")
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
