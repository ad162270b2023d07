"""POST /api/v1/keys/verify/batch/: up to 100 checks, answered in order, each as verify
answers it, charged in order against the same limits."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from approvals.keys import keystore, limits
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey, UsageBucket
from tests.approvals.keys.test_verify import json_values

pytestmark = pytest.mark.django_db
VERIFY, BATCH = "/api/v1/keys/verify/", "/api/v1/keys/verify/batch/"
SCOPE = {"model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": 10}


@pytest.fixture
def key(grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


@pytest.fixture
def gw(api, gateway):
    return api(gateway)


def batch(client, checks):
    return client.post(BATCH, {"checks": checks}, format="json")


def limit(grant, **values):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **values})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


def test_checks_are_answered_in_order_each_with_its_own_outcome(gw, key):
    checks = [
        {"key": key, **SCOPE},
        {"key": "lmk_garbage", **SCOPE},
        {"key": key, **SCOPE, "model": "chat-large"},
        {"key": key, **SCOPE, "tokens": 25},
    ]
    response = batch(gw, checks)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["code"] for r in results] == ["VALID", "NOT_FOUND", "SCOPE_DENIED", "VALID"]
    first, last = results[0]["remaining"], results[3]["remaining"]
    # the fourth check sees the first one's charge
    assert last["requests_per_minute"] == first["requests_per_minute"] - 1
    assert last["tokens_per_minute"] == first["tokens_per_minute"] - 25
    assert last["monthly_tokens"] == first["monthly_tokens"] - 25


def test_the_checks_of_one_batch_share_the_grants_limits(gw, grant, key):
    limit(grant, requests_per_minute=3)
    results = batch(gw, [{"key": key, **SCOPE}] * 5).json()["results"]
    assert [r["code"] for r in results] == ["VALID"] * 3 + ["RATE_LIMITED"] * 2
    assert 0 < results[4]["retry_after"] <= 60
    assert gw.post(VERIFY, {"key": key, **SCOPE}, format="json").json()["code"] == "RATE_LIMITED"


def test_each_answer_is_the_one_verify_gives(gw, key, dev_a, grant):
    revoked = keys.key_mint(actor=dev_a, grant=grant, name="old")
    keystore.publish([keys.key_revoke(actor=dev_a, key=revoked[0])])  # what its commit runs
    checks = [
        {"key": key, **SCOPE},
        {"key": "lmk_garbage", **SCOPE},
        {"key": key, **SCOPE, "endpoint": "/v1/embeddings"},
        {"key": revoked[1], **SCOPE},
    ]
    in_batch = batch(gw, checks).json()["results"]
    single = [gw.post(VERIFY, check, format="json").json() for check in checks]
    for one, alone in zip(in_batch, single, strict=True):
        assert {**one, "remaining": None} == {**alone, "remaining": None}
    assert [r["code"] for r in single] == ["VALID", "NOT_FOUND", "SCOPE_DENIED", "REVOKED"]
    assert single[0]["remaining"]["requests_per_minute"] == (
        in_batch[0]["remaining"]["requests_per_minute"] - 1
    )


def test_a_batch_is_counted_in_usage_as_its_checks(gw, grant, key):
    batch(gw, [{"key": key, **SCOPE}] * 4 + [{"key": key, **SCOPE, "model": "chat-large"}])
    assert limits.flush(keystore.client()) >= 1
    bucket = UsageBucket.objects.get(grant=grant)
    assert (bucket.requests, bucket.tokens, bucket.scope_denied) == (4, 40, 1)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"checks": []}, "checks"),
        ({"checks": [{"key": "k", **SCOPE}] * 101}, "checks"),
        ({}, "checks"),
        ({"checks": {"key": "k"}}, "checks"),
        ([], "non_field_errors"),
        (
            {"checks": [{"key": "k", **SCOPE}, {"key": "k", **SCOPE, "tokens": -1}]},
            "checks[1].tokens",
        ),
        ({"checks": [{"key": "k", **SCOPE}, "text"]}, "checks[1]"),
    ],
)
def test_a_bad_batch_is_a_400_naming_the_field_and_charges_nothing(gw, key, grant, body, field):
    if isinstance(body, dict) and isinstance(body.get("checks"), list):
        body = {"checks": [{**c, "key": key} if isinstance(c, dict) else c for c in body["checks"]]}
    response = gw.post(BATCH, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not UsageBucket.objects.filter(grant=grant).exists()
    assert limits.flush(keystore.client()) == 0  # nothing was charged in Redis either


def test_only_the_gateway_may_batch(api, dev_a, key):
    assert api().post(BATCH, {"checks": [{"key": key, **SCOPE}]}, format="json").status_code == 401
    assert (
        api(dev_a).post(BATCH, {"checks": [{"key": key, **SCOPE}]}, format="json").status_code
        == 403
    )


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(st.sampled_from(["checks", "x"]), json_values, max_size=2)
    | st.fixed_dictionaries({"checks": st.lists(json_values, min_size=1, max_size=3)})
    | json_values
)
def test_hostile_batches_get_not_found_or_a_400_never_a_500(gw, body):
    response = gw.post(BATCH, body, format="json")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert {r["code"] for r in response.json()["results"]} == {"NOT_FOUND"}


def test_a_revocation_after_this_process_read_the_key_is_seen_by_the_whole_batch(gw, dev_a, key):
    assert gw.post(VERIFY, {"key": key, **SCOPE}, format="json").json()["code"] == "VALID"
    keystore.publish([keys.key_revoke(actor=dev_a, key=ProductionKey.objects.get())])
    results = batch(gw, [{"key": key, **SCOPE}] * 2).json()["results"]
    assert [r["code"] for r in results] == ["REVOKED", "REVOKED"]


def test_the_first_batch_of_a_month_is_charged_in_order_too(gw, grant, key):
    limit(grant, requests_per_minute=2)
    keystore.client().flushdb()  # no monthly counter yet: Redis restarted, or a new month
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))
    results = batch(gw, [{"key": key, **SCOPE}] * 3).json()["results"]
    assert [r["code"] for r in results] == ["VALID", "VALID", "RATE_LIMITED"]


def test_a_batchs_charges_take_one_round_trip(gw, key, monkeypatch):
    import redis

    assert batch(gw, [{"key": key, **SCOPE}]).status_code == 200  # the key's record is read
    sent, executed = [], []
    original, execute = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counting(client, *args, **options):
        sent.append(args[0])
        return original(client, *args, **options)

    def executing(pipe, *args, **kwargs):
        executed.append(len(pipe.command_stack))
        return execute(pipe, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    monkeypatch.setattr(redis.client.Pipeline, "execute", executing)
    results = batch(gw, [{"key": key, **SCOPE}] * 20).json()["results"]
    assert {r["code"] for r in results} == {"VALID"}
    assert executed == [20] and "EVALSHA" not in sent
