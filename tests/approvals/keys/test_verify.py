"""The verify call's outcomes, limits, fallbacks and hostile input."""

import threading

import pytest
from django.db import connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from approvals import grants
from approvals.keys import keystore, limits, verify
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey, UsageBucket

pytestmark = pytest.mark.django_db
IN_SCOPE = {"model": "chat-small", "endpoint": "/v1/chat/completions"}


@pytest.fixture
def key(grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


def check(text, tokens=10, **scope):
    return verify.key_verify(key=text, tokens=tokens, **{**IN_SCOPE, **scope})


def limit(grant, **values):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **values})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


def test_a_wrong_secret_with_a_valid_shape_is_not_found(key):
    from approvals.keys import keyformat

    forged_body = key[:20] + ("A" if key[20] != "A" else "B") + key[21:-6]
    forged = forged_body + keyformat.checksum(forged_body)
    assert check(forged).code == "NOT_FOUND"


def test_requests_per_minute_are_limited(grant, key):
    limit(grant, requests_per_minute=3)
    assert [check(key).code for _ in range(4)] == ["VALID"] * 3 + ["RATE_LIMITED"]


def test_tokens_per_minute_are_limited(grant, key):
    limit(grant, tokens_per_minute=100)
    assert [check(key, tokens=40).code for _ in range(3)] == ["VALID", "VALID", "RATE_LIMITED"]


def test_the_monthly_quota_is_enforced_and_reported(grant, key):
    limit(grant, monthly_tokens=1000)
    assert check(key, tokens=900).remaining["monthly_tokens"] == 100
    assert check(key, tokens=200).code == "QUOTA_EXCEEDED"


@pytest.mark.parametrize(
    "status, code", [("suspended", "SUSPENDED"), ("revoked", "REVOKED"), ("expired", "EXPIRED")]
)
def test_the_grants_status_takes_effect_at_once(
    grant, key, admin, status, code, django_capture_on_commit_callbacks
):
    assert check(key).code == "VALID"
    with django_capture_on_commit_callbacks(execute=True):
        grants.grant_status_set(actor=admin, grant=grant, status=status, reason="test")
    assert check(key).code == code


def test_usage_is_flushed_to_postgresql_and_survives_a_redis_restart(grant, key, dev_a):
    r = keystore.client()
    for _ in range(3):
        check(key, tokens=100)
    assert limits.flush(r) >= 1
    bucket = UsageBucket.objects.get(grant=grant)
    assert (bucket.requests, bucket.tokens) == (3, 300)
    assert ProductionKey.objects.get(grant=grant).last_used_at is not None
    r.flushdb()  # Redis restarts empty
    answer = check(key, tokens=100)
    assert answer.remaining["monthly_tokens"] == grant.limits["monthly_tokens"] - 400


def test_with_redis_unreachable_the_database_answers_with_a_conservative_limit(
    grant, key, settings
):
    limit(grant, requests_per_minute=8)
    settings.GATEWAY_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.GATEWAY_PROCESSES = 4
    keystore.reset()
    codes = [check(key).code for _ in range(3)]
    assert codes == ["VALID", "VALID", "RATE_LIMITED"]  # 8 / 4 processes = 2 here
    assert UsageBucket.objects.get(grant=grant).requests == 2
    assert check(key, model="chat-large").code == "SCOPE_DENIED"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_clients_get_exactly_the_limit(default_policy, grant, key):
    limit(grant, requests_per_minute=25)
    results, start = [], threading.Barrier(8)

    def client():
        try:
            start.wait()
            results.extend(check(key, tokens=1).code for _ in range(10))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("VALID") == 25 and results.count("RATE_LIMITED") == 55


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
    | st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


@hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["key", "model", "endpoint", "tokens", "x"]), json_values, max_size=5
    )
    | json_values
)
def test_hostile_input_gets_not_found_or_a_400_never_a_500(api, gateway, body):
    response = api(gateway).post("/api/v1/keys/verify/", body, format="json")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["code"] == "NOT_FOUND"


def test_a_rotated_key_stops_at_the_end_of_its_grace_and_that_is_audited(grant, dev_a):
    from datetime import timedelta

    from django.utils import timezone

    from audit.models import AuditEvent

    old, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    keys.key_rotate(actor=dev_a, key=old, grace="1h")
    ProductionKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert keys.keys_expired_record() == 1
    assert keys.keys_expired_record() == 0
    assert AuditEvent.objects.filter(action="key.expired", target_id=str(old.pk)).exists()


def test_a_repeated_valid_call_costs_one_redis_round_trip(key):
    assert check(key).code == "VALID"  # the first call reads the record
    r = keystore.client()
    sent = []
    original = r.execute_command

    def counting(*args, **options):
        sent.append(args[0])
        return original(*args, **options)

    r.execute_command = counting
    try:
        assert check(key).code == "VALID"
    finally:
        r.execute_command = original
    assert sent == ["EVALSHA"]


def test_a_copy_read_before_a_revocation_is_not_acted_on(
    grant, key, dev_a, django_capture_on_commit_callbacks
):
    assert check(key).code == "VALID"  # this process now holds a copy of the record
    with django_capture_on_commit_callbacks(execute=True):
        keys.key_revoke(actor=dev_a, key=ProductionKey.objects.get(grant=grant))
    assert check(key).code == "REVOKED"
    assert check(key, model="chat-large").code == "REVOKED"  # refusals confirm the copy too


@pytest.mark.redis
def test_a_monthly_counter_that_vanishes_as_it_is_seeded_is_answered_from_postgresql(
    grant, key, monkeypatch
):
    """Redis flushed between seeding the month and charging (seen under the benchmark): the
    call is answered from PostgreSQL, never a 500."""
    r = keystore.client()
    real_set = r.set
    monkeypatch.setattr(
        r,
        "set",
        lambda name, *args, **kwargs: (
            None if name.startswith("ar:mon:") else real_set(name, *args, **kwargs)
        ),
    )
    assert check(key).code == "VALID"
    assert UsageBucket.objects.get(grant=grant).requests == 1  # written by the fallback
