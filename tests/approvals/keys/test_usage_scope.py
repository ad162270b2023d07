"""Per-scope usage: each call's model and endpoint counted in the same Redis round trip as its
limits, flushed into UsageScope per grant and day; the same without Redis."""

import pytest
from django.utils import timezone

from approvals.keys import keystore, limits, verify
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey, UsageBucket, UsageScope

pytestmark = pytest.mark.django_db
CHAT = ("chat-small", "/v1/chat/completions")


@pytest.fixture
def key(grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


def call(key, model, endpoint, tokens=10):
    return verify.key_verify(key=key, model=model, endpoint=endpoint, tokens=tokens).code


def scope_rows(grant):
    return {
        (s.model_name, s.endpoint): (s.requests, s.tokens, s.denied)
        for s in UsageScope.objects.filter(grant=grant)
    }


def test_calls_are_counted_by_model_and_endpoint_and_flushed_per_day(grant, key):
    Grant.objects.filter(pk=grant.pk).update(
        model_names=["chat-small", "embed-v2"], endpoints=["/v1/chat/completions", "/v1/embeddings"]
    )
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))
    for _ in range(3):
        assert call(key, *CHAT, tokens=100) == "VALID"
    assert call(key, "embed-v2", "/v1/embeddings", tokens=7) == "VALID"
    assert call(key, "chat-large", "/v1/chat/completions") == "SCOPE_DENIED"
    assert limits.flush(keystore.client()) >= 1  # 2 should the calls straddle a minute
    assert scope_rows(grant) == {
        CHAT: (3, 300, 0),
        ("embed-v2", "/v1/embeddings"): (1, 7, 0),
        ("chat-large", "/v1/chat/completions"): (0, 0, 1),
    }
    assert UsageScope.objects.filter(grant=grant).first().day == timezone.localdate()
    bucket = UsageBucket.objects.get(grant=grant)
    assert (bucket.requests, bucket.tokens, bucket.scope_denied) == (4, 307, 1)


def test_a_second_flush_adds_to_the_days_rows(grant, key):
    r = keystore.client()
    call(key, *CHAT, tokens=5)
    limits.flush(r)
    call(key, *CHAT, tokens=5)
    call(key, "vision-v1", "/v1/chat/completions")
    limits.flush(r)
    assert scope_rows(grant) == {CHAT: (2, 10, 0), ("vision-v1", "/v1/chat/completions"): (0, 0, 1)}


def test_denied_names_outside_the_catalogue_are_kept_as_other(grant, key):
    for n in range(20):
        assert call(key, f"made-up-{n}", f"/v1/x/{n}") == "SCOPE_DENIED"
    assert call(key, "chat-small", "/v1/unknown") == "SCOPE_DENIED"
    assert call(key, "chat\tsmall", "/v1/chat/completions") == "SCOPE_DENIED"
    limits.flush(keystore.client())
    assert scope_rows(grant) == {
        ("(other)", "(other)"): (0, 0, 20),
        ("chat-small", "(other)"): (0, 0, 1),
        ("(other)", "/v1/chat/completions"): (0, 0, 1),
    }


def test_refused_calls_other_than_scope_denied_add_nothing(grant, key):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, "requests_per_minute": 1})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))
    assert [call(key, *CHAT), call(key, *CHAT)] == ["VALID", "RATE_LIMITED"]
    limits.flush(keystore.client())
    assert scope_rows(grant) == {CHAT: (1, 10, 0)}


def test_the_scope_is_counted_in_the_same_round_trip(key):
    assert call(key, *CHAT) == "VALID"  # the first call reads the record
    r = keystore.client()
    sent, original = [], r.execute_command

    def counting(*args, **options):
        sent.append(args[0])
        return original(*args, **options)

    r.execute_command = counting
    try:
        assert call(key, *CHAT) == "VALID"
    finally:
        r.execute_command = original
    assert sent == ["EVALSHA"]


def test_without_redis_usage_and_denials_go_to_postgresql_by_scope(grant, key, settings):
    settings.GATEWAY_REDIS_URL = "redis://127.0.0.1:1/0"
    keystore.reset()
    assert call(key, *CHAT, tokens=30) == "VALID"
    assert call(key, *CHAT, tokens=30) == "VALID"
    assert call(key, "reasoning-large", "/v1/chat/completions") == "SCOPE_DENIED"
    assert call(key, "nonsense", "/v1/chat/completions") == "SCOPE_DENIED"
    assert scope_rows(grant) == {
        CHAT: (2, 60, 0),
        ("reasoning-large", "/v1/chat/completions"): (0, 0, 1),
        ("(other)", "/v1/chat/completions"): (0, 0, 1),
    }
    assert UsageBucket.objects.get(grant=grant).scope_denied == 2
