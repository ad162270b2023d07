"""What a process admits while Redis is down is added to Redis's counters when it is back:
a grant's month and minute are not granted twice over by an outage."""

import pytest

from approvals.keys import keystore, verify
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def check(key, tokens):
    return verify.key_verify(
        key=key, model="chat-small", endpoint="/v1/chat/completions", tokens=tokens
    ).code


@pytest.fixture
def key(grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


def tight(grant, **values):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **values})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


@pytest.fixture
def redis_down(settings):
    """`redis_down(True)`: the gateway's Redis cannot be reached; `redis_down(False)`: back."""
    real = settings.GATEWAY_REDIS_URL
    settings.GATEWAY_PROCESSES = 1

    def switch(down: bool) -> None:
        settings.GATEWAY_REDIS_URL = "redis://127.0.0.1:1/0" if down else real
        keystore.reset()

    return switch


def test_tokens_admitted_during_an_outage_count_against_the_month_after_it(grant, key, redis_down):
    tight(grant, monthly_tokens=1000)
    assert check(key, 100) == "VALID"  # Redis counts the month: 100
    redis_down(True)
    assert check(key, 300) == "VALID"  # PostgreSQL answers: 300 written there
    redis_down(False)
    assert check(key, 700) == "QUOTA_EXCEEDED"  # 100 + 300 + 700 is over the month
    assert check(key, 600) == "VALID"


def test_calls_admitted_during_an_outage_count_against_the_minute_after_it(grant, key, redis_down):
    tight(grant, requests_per_minute=4)
    assert check(key, 1) == "VALID"
    redis_down(True)
    assert [check(key, 1) for _ in range(3)] == ["VALID"] * 3  # this process's share: all 4
    redis_down(False)
    assert check(key, 1) == "RATE_LIMITED"


def batch(key, *tokens):
    checks = [
        {"key": key, "model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": t}
        for t in tokens
    ]
    return [answer.code for answer in verify.key_verify_many(checks)]


def test_a_batch_after_an_outage_counts_what_the_outage_admitted(grant, key, redis_down):
    tight(grant, requests_per_minute=5)
    assert batch(key, 1) == ["VALID"]
    redis_down(True)
    assert [check(key, 1) for _ in range(3)] == ["VALID"] * 3  # 4 of 5 this minute
    redis_down(False)
    assert batch(key, 1, 1) == ["VALID", "RATE_LIMITED"]  # the outage's 3 are counted
