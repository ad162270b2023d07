"""Limits answered without Redis (issue 12.9, 12.10): the embedded default, where there is one
process and no Redis, enforces the whole limit; only Redis configured but down shares it
between GATEWAY_PROCESSES. A refusal's `remaining` agrees with it and says when to retry."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from approvals.keys import keystore
from approvals.models import ProductionKey

from .test_verify import check, limit

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def key(grant, dev_a):
    from approvals.keys import services as keys

    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


@pytest.fixture
def embedded(settings):
    """No Redis configured at all, as `make run` has it out of the box."""
    settings.GATEWAY_REDIS_URL = ""
    settings.GATEWAY_PROCESSES = 4
    keystore.reset()


@pytest.fixture
def redis_down(settings):
    settings.GATEWAY_REDIS_URL = CLOSED_PORT
    settings.GATEWAY_PROCESSES = 4
    keystore.reset()


def next_minute_in(moment: datetime) -> int:
    return 60 - moment.second


def test_without_redis_configured_the_whole_limit_applies(grant, key, embedded):
    limit(grant, requests_per_minute=60)
    answers = [check(key, tokens=1) for _ in range(61)]
    assert [a.code for a in answers].count("VALID") == 60
    assert answers[59].remaining["requests_per_minute"] == 0
    refusal = answers[60]
    assert refusal.code == "RATE_LIMITED"
    assert refusal.remaining["requests_per_minute"] == 0


def test_a_five_a_minute_grant_gets_five_calls_in_the_embedded_default(grant, key, embedded):
    limit(grant, requests_per_minute=5)
    assert [check(key).code for _ in range(6)] == ["VALID"] * 5 + ["RATE_LIMITED"]


def test_with_redis_down_the_share_is_what_remaining_reports(grant, key, redis_down):
    limit(grant, requests_per_minute=8)
    answers = [check(key) for _ in range(3)]
    assert [a.code for a in answers] == ["VALID", "VALID", "RATE_LIMITED"]  # 8 / 4 = 2 here
    assert [a.remaining["requests_per_minute"] for a in answers] == [1, 0, 0]


def test_a_rate_limited_answer_says_when_to_retry(grant, key, embedded):
    limit(grant, requests_per_minute=1)
    assert check(key).retry_after is None
    before = timezone.now()
    refusal = check(key)
    after = timezone.now()
    assert refusal.code == "RATE_LIMITED"
    assert next_minute_in(after) <= refusal.retry_after <= next_minute_in(before)


def test_a_quota_exceeded_answer_says_when_the_month_turns(grant, key, embedded):
    limit(grant, monthly_tokens=100)
    refusal = check(key, tokens=200)
    assert refusal.code == "QUOTA_EXCEEDED"
    now = timezone.now()
    turn = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
    assert abs((turn - now).total_seconds() - refusal.retry_after) <= 2


@pytest.mark.redis
def test_the_verify_call_gives_retry_after_in_its_body_and_header(grant, key, api, gateway):
    limit(grant, requests_per_minute=1)
    client = api(gateway)
    body = {"key": key, "model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": 1}
    first = client.post("/api/v1/keys/verify/", body, format="json")
    assert first.json()["code"] == "VALID" and first.json()["retry_after"] is None
    refused = client.post("/api/v1/keys/verify/", body, format="json")
    assert refused.status_code == 200
    assert refused.json()["code"] == "RATE_LIMITED"
    assert refused.json()["remaining"]["requests_per_minute"] == 0
    assert 1 <= refused.json()["retry_after"] <= 60
    assert refused["Retry-After"] == str(refused.json()["retry_after"])


def test_a_keys_last_use_is_recorded_without_redis(grant, key, embedded):
    assert check(key).code == "VALID"
    used = ProductionKey.objects.get(grant=grant).last_used_at
    assert used is not None and abs((timezone.now() - used).total_seconds()) < 60
