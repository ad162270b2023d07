import pytest

from approvals.models import Domain
from approvals.policy import versions as policy
from reviews.models import GrantReview
from tests.approvals.policy.conftest import LOOSER, STRICTER

pytestmark = pytest.mark.django_db

LIST = "/api/v1/policy-versions/"


def simulate(number):
    return f"/api/v1/policy-versions/{number}/simulate/"


def publish(number):
    return f"/api/v1/policy-versions/{number}/publish/"


def test_admin_simulates_a_draft(api, admin, approved, submitted, loyalty_draft):
    stricter = approved(**STRICTER).application
    looser = submitted(**LOOSER)
    response = api(admin).post(simulate(2))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert {
        k: body["summary"][k]
        for k in ("screened", "changed", "stricter", "looser", "active_grants_stricter")
    } == {"screened": 2, "changed": 2, "stricter": 1, "looser": 1, "active_grants_stricter": 1}
    first, second = body["changes"]
    assert (
        first["application"],
        first["direction"],
        first["before"]["route"],
        first["after"]["route"],
        first["new_domains"],
        first["grant_active"],
    ) == (stricter.pk, "stricter", "standard", "extra_scrutiny", ["finance-credit"], True)
    assert first["evidence"][0]["text"] == "loyalty points"
    assert (second["application"], second["direction"], second["dropped_domains"]) == (
        looser.pk,
        "looser",
        ["medical-health"],
    )
    assert len(body["fingerprint"]) == 16


def test_simulating_a_published_version_is_a_conflict(api, admin):
    response = api(admin).post(simulate(1))
    assert response.status_code == 409
    assert response.json()["code"] == "not_a_draft"


def test_an_unknown_version_is_404(api, admin):
    assert api(admin).post(simulate(99)).status_code == 404
    assert api(admin).post(publish(99)).status_code == 404


def test_a_draft_whose_rules_do_not_compile_is_400(api, admin, loyalty_draft):
    Domain.objects.filter(policy=loyalty_draft, slug="spam").update(rules={"triggers": [{}]})
    for path in (simulate(2), publish(2)):
        response = api(admin).post(path)
        assert response.status_code == 400 and response.json()["code"] == "invalid_rules"
    assert policy.current_policy().number == 1


def test_admin_publishes_and_the_stricter_grants_get_a_rereview(
    api, admin, approved, loyalty_draft, django_capture_on_commit_callbacks
):
    grant = approved(**STRICTER)
    approved(**LOOSER)
    fingerprint = api(admin).post(simulate(2)).json()["fingerprint"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api(admin).post(publish(2), {"fingerprint": fingerprint}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published" and len(callbacks) == 1
    assert list(GrantReview.objects.values_list("grant", "kind", "policy_number")) == [
        (grant.pk, "policy", 2)
    ]
    again = api(admin).post(publish(2))
    assert again.status_code == 409 and again.json()["code"] == "already_published"
    listed = api(admin).get(LIST).json()
    assert [(v["number"], v["status"]) for v in listed] == [(2, "published"), (1, "published")]
    assert listed[0]["rescreen"]["counts"]["opened"] == 1 and listed[0]["rescreen"]["done"]


def test_publishing_after_the_draft_changed_is_a_conflict(api, admin, loyalty_draft):
    fingerprint = api(admin).post(simulate(2)).json()["fingerprint"]
    Domain.objects.filter(policy=loyalty_draft, slug="finance-credit").update(rules={})
    response = api(admin).post(publish(2), {"fingerprint": fingerprint}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "simulation_stale"


@pytest.mark.parametrize("persona", ["dev_a", "reviewer"])
def test_only_admins_may_simulate_publish_or_list(request, api, persona, loyalty_draft):
    client = api(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == 403
    assert client.post(simulate(2)).status_code == 403
    assert client.post(publish(2)).status_code == 403
    assert policy.current_policy().number == 1


def test_anonymous_callers_are_refused(api, loyalty_draft):
    assert api().post(simulate(2)).status_code in (401, 403)
    assert api().post(publish(2)).status_code in (401, 403)


def test_the_schema_describes_the_policy_endpoints(api, admin):
    response = api(admin).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    assert "/api/v1/policy-versions/{number}/simulate/" in paths
    assert "/api/v1/policy-versions/{number}/publish/" in paths
    simulation = response.json()["components"]["schemas"]["Simulation"]
    assert {"summary", "changes", "fingerprint"} <= set(simulation["properties"])
