"""From the gateway's verify calls to a flag: real Redis, the flush task, the monitoring task."""

import pytest
from django.utils import timezone

from approvals.keys import keystore
from approvals.keys import services as keys
from approvals.keys.tasks import flush_usage
from approvals.models import UsageScope
from reviews.access.tasks import monitor_usage
from reviews.models import AnomalyFlag, GrantReview

pytestmark = [pytest.mark.redis, pytest.mark.django_db]
CHAT = "/v1/chat/completions"


@pytest.fixture
def gateway_call(api, gateway, grant, dev_a):
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    client = api(gateway)

    def call(model, endpoint=CHAT, tokens=10):
        response = client.post(
            "/api/v1/keys/verify/",
            {"key": key, "model": model, "endpoint": endpoint, "tokens": tokens},
            format="json",
        )
        assert response.status_code == 200
        return response.json()["code"]

    return call


def test_calls_of_a_model_never_asked_for_reach_usage_scope_and_raise_a_flag(
    grant, gateway_call, committed
):
    assert keystore.client() is not None
    assert [gateway_call("chat-small", tokens=100) for _ in range(3)] == ["VALID"] * 3
    assert {gateway_call("reasoning-large") for _ in range(5)} == {"SCOPE_DENIED"}
    assert gateway_call("no-such-model") == "SCOPE_DENIED"
    assert flush_usage.delay().get() >= 1
    rows = {
        (s.model_name, s.endpoint): (s.requests, s.tokens, s.denied)
        for s in UsageScope.objects.filter(grant=grant, day=timezone.localdate())
    }
    assert rows == {
        ("chat-small", CHAT): (3, 300, 0),
        ("reasoning-large", CHAT): (0, 0, 5),
        ("(other)", CHAT): (0, 0, 1),
    }
    with committed():
        monitor_usage.delay().get()
    flag = AnomalyFlag.objects.get(grant=grant)
    assert (flag.rule, flag.severity, flag.figures["observed"]) == (
        "unrequested_scope",
        "warning",
        6,
    )
    assert flag.review == GrantReview.objects.get(grant=grant, kind="anomaly")
    assert gateway_call("chat-small") == "VALID"  # a warning does not suspend


def test_a_severe_finding_is_refused_at_the_gateway_on_the_next_call(
    grant, gateway_call, committed, settings
):
    settings.MONITORING_UNREQUESTED_SEVERE_CALLS = 10
    assert {gateway_call("vision-v1", "/v1/images/analyze") for _ in range(10)} == {"SCOPE_DENIED"}
    flush_usage.delay().get()
    with committed():
        monitor_usage.delay().get()
    assert AnomalyFlag.objects.get(grant=grant).suspended
    assert gateway_call("chat-small") == "SUSPENDED"
