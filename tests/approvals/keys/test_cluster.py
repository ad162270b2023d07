"""Verify and flush through a real three-node Redis Cluster (GATEWAY_REDIS_CLUSTER): every key
one script, MULTI or pipeline touches is in one hash slot, so no call meets CROSSSLOT, and
grants whose counters live on different nodes are each limited and flushed exactly."""

import pytest
from django.utils import timezone

from approvals.keys import keystore, limits, verify
from approvals.keys import services as keys
from approvals.models import Grant, KeyUsage, ProductionKey, UsageBucket
from reviews import claims, decisions
from tests.rediscluster import redis_cluster  # noqa: F401  (fixture)

pytestmark = [pytest.mark.redis, pytest.mark.django_db]
IN_SCOPE = {"model": "chat-small", "endpoint": "/v1/chat/completions"}


@pytest.fixture
def cluster(redis_cluster, settings, monkeypatch):  # noqa: F811
    """The gateway's Redis is the cluster; any Redis failure (CROSSSLOT among them) fails the
    test instead of quietly answering from PostgreSQL."""
    settings.GATEWAY_REDIS_URL = redis_cluster
    settings.GATEWAY_REDIS_CLUSTER = True
    keystore.reset()
    r = keystore.client()
    r.flushall(target_nodes="primaries")

    def failed(exc):
        raise AssertionError(f"the gateway's Redis failed: {exc!r}")

    monkeypatch.setattr(keystore, "mark_down", failed)
    yield r
    keystore.reset()


@pytest.fixture
def spread_grants(cluster, in_review, reviewer):
    """Three grants of Org A whose counters live on three different nodes."""
    found = {}
    for _ in range(30):
        application = in_review()
        claims.claim(reviewer=reviewer, application=application)
        decisions.decide(reviewer=reviewer, application=application, decision="approve")
        grant = application.grant
        node = cluster.get_node_from_key(f"ar:rpm:{{{grant.pk}}}:x").name
        found.setdefault(node, grant)
        if len(found) == 3:
            return list(found.values())
    pytest.fail(f"30 grants landed on {len(found)} of the 3 nodes")


def check(text, tokens=10, **scope):
    return verify.key_verify(key=text, tokens=tokens, **{**IN_SCOPE, **scope}).code


def tight(grant, **values):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **values})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


def test_each_limit_and_a_revocation_hold_on_every_node(
    spread_grants, dev_a, django_capture_on_commit_callbacks
):
    for grant in spread_grants:
        server = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
        batch = keys.key_mint(actor=dev_a, grant=grant, name="batch")[1]
        tight(grant, requests_per_minute=3, monthly_tokens=1000)
        assert [check(server) for _ in range(4)] == ["VALID"] * 3 + ["RATE_LIMITED"]
        assert check(batch) == "RATE_LIMITED"  # the grant's minute, shared by its keys
        tight(grant, requests_per_minute=100, monthly_tokens=1000)
        assert check(batch, tokens=2000) == "QUOTA_EXCEEDED"
        assert check(batch, model="chat-large") == "SCOPE_DENIED"
        with django_capture_on_commit_callbacks(execute=True):
            keys.key_revoke(actor=dev_a, key=ProductionKey.objects.get(grant=grant, name="batch"))
        assert check(batch) == "REVOKED"  # this process held a copy: it is not acted on
        assert check(server) == "VALID"


def test_flush_moves_every_nodes_counts_to_postgresql_exactly(spread_grants, dev_a, cluster):
    sent = {}
    for n, grant in enumerate(spread_grants, start=1):
        key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
        sent[grant.pk] = (n + 1, 7 * (n + 1))
        assert [check(key, tokens=7) for _ in range(n + 1)] == ["VALID"] * (n + 1)
        assert check(key, model="chat-large") == "SCOPE_DENIED"
    assert limits.flush(cluster) >= 3
    assert limits.flush(cluster) == 0  # nothing left, nothing counted twice
    for grant in spread_grants:
        buckets = UsageBucket.objects.filter(grant=grant)
        assert (
            sum(b.requests for b in buckets),
            sum(b.tokens for b in buckets),
            sum(b.scope_denied for b in buckets),
        ) == (*sent[grant.pk], 1)
        usage = KeyUsage.objects.get(key__grant=grant)
        assert (usage.requests, usage.scope_denied) == (sent[grant.pk][0], 1)
        assert ProductionKey.objects.get(grant=grant).last_used_at <= timezone.now()


def test_a_grant_reduced_mid_stream_is_seen_at_once(spread_grants, dev_a, admin, cluster):
    from approvals import grants

    grant = spread_grants[0]
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    assert check(key) == "VALID"
    grants.grant_terms_reduce(
        actor=admin, grant=grant, limits={"requests_per_minute": 1}, reason="test"
    )
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))  # what commit runs
    assert check(key) == "RATE_LIMITED"


def test_counts_a_failed_flush_could_not_write_wait_in_redis_for_the_next(
    spread_grants, dev_a, cluster, monkeypatch
):
    from django.db import DatabaseError

    from approvals.keys import buckets

    grant = spread_grants[1]
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    assert [check(key, tokens=5) for _ in range(3)] == ["VALID"] * 3
    real = buckets.record_usage

    def refused(**kwargs):
        raise DatabaseError("PostgreSQL went away")

    monkeypatch.setattr(buckets, "record_usage", refused)
    with pytest.raises(DatabaseError):
        limits.flush(cluster)
    monkeypatch.setattr(buckets, "record_usage", real)
    assert check(key, tokens=5) == "VALID"
    assert limits.flush(cluster) >= 1
    buckets_ = UsageBucket.objects.filter(grant=grant)
    assert (sum(b.requests for b in buckets_), sum(b.tokens for b in buckets_)) == (4, 20)
    assert KeyUsage.objects.get(key__grant=grant).requests == 4


def test_a_cluster_that_cannot_be_reached_is_answered_from_postgresql(grant, dev_a, settings):
    settings.GATEWAY_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.GATEWAY_REDIS_CLUSTER = True
    keystore.reset()
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    assert check(key) == "VALID"  # not a 500: PostgreSQL answers, at the outage share
    assert UsageBucket.objects.get(grant=grant).requests == 1
    keystore.reset()
