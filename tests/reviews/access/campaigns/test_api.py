"""The access-review API: the contract's paths, fields and status codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reviews.models import GrantReview

pytestmark = pytest.mark.django_db
DUE = (timezone.now() + timedelta(days=14)).isoformat()


def test_admin_starts_a_campaign_with_one_item_per_active_grant(api, approved, admin):
    grants = [approved(), approved()]
    response = api(admin).post(
        "/api/v1/access-reviews/", {"name": "Q4", "due_at": DUE}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Q4" and body["status"] == "open"
    assert sorted(item["grant"] for item in body["items"]) == sorted(g.pk for g in grants)
    assert body["counts"]["open"] == 2


@pytest.mark.parametrize("who", ["reviewer", "dev_a"])
def test_only_admins_start_campaigns(api, request, who):
    user = request.getfixturevalue(who)
    response = api(user).post(
        "/api/v1/access-reviews/", {"name": "Q4", "due_at": DUE}, format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({"due_at": DUE}, "name"),
        ({"name": "Q4"}, "due_at"),
        ({"name": "Q4", "due_at": "tomorrow"}, "due_at"),
        ({"name": "Q4", "due_at": "2020-01-01T00:00Z"}, "due_at"),
    ],
)
def test_bad_input_gets_field_errors(api, admin, body, field):
    response = api(admin).post("/api/v1/access-reviews/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_reviewer_reads_items_and_decides(api, approved, admin, reviewer2, used):
    grant = approved(models=["chat-small", "chat-large"])
    used(grant, "chat-small", "/v1/chat/completions", requests=5, tokens=100)
    campaign = (
        api(admin)
        .post("/api/v1/access-reviews/", {"name": "Q4", "due_at": DUE}, format="json")
        .json()
    )
    client = api(reviewer2)

    items = client.get(f"/api/v1/access-reviews/{campaign['id']}/items/").json()
    assert items["count"] == 1
    item = items["results"][0]
    assert item["grant"]["models"] == ["chat-small", "chat-large"]
    assert item["used"]["models"] == ["chat-small"] and item["used"]["requests"] == 5
    assert item["suggested_reduction"]["models"] == ["chat-small"]
    assert item["may_decide"] is True

    response = client.post(
        f"/api/v1/access-review-items/{item['id']}/decide/",
        {"decision": "reduce", "rationale": "chat-large unused", **item["suggested_reduction"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "reduced"
    assert response.json()["grant"]["models"] == ["chat-small"]

    again = client.post(
        f"/api/v1/access-review-items/{item['id']}/decide/", {"decision": "certify"}, format="json"
    )
    assert again.status_code == 409


def test_decide_errors(api, approved, admin, reviewer2, dev_a):
    approved()
    campaign = (
        api(admin)
        .post("/api/v1/access-reviews/", {"name": "Q4", "due_at": DUE}, format="json")
        .json()
    )
    item_id = campaign["items"][0]["id"]
    url = f"/api/v1/access-review-items/{item_id}/decide/"
    assert api(reviewer2).post(url, {"decision": "approve"}, format="json").status_code == 400
    revoke = api(reviewer2).post(url, {"decision": "revoke"}, format="json")
    assert revoke.status_code == 400 and "rationale" in revoke.json()
    wider = api(reviewer2).post(
        url, {"decision": "reduce", "limits": {"requests_per_minute": 10**6}}, format="json"
    )
    assert wider.status_code == 400 and "limits" in wider.json()
    assert api(dev_a).post(url, {"decision": "certify"}, format="json").status_code == 403
    assert (
        api(reviewer2)
        .post("/api/v1/access-review-items/999999/decide/", {"decision": "certify"}, format="json")
        .status_code
        == 404
    )
    assert GrantReview.objects.get(pk=item_id).status == "open"


def test_end_early_and_bulk_certify(api, approved, admin, reviewer2):
    approved(), approved()
    campaign = (
        api(admin)
        .post("/api/v1/access-reviews/", {"name": "Q4", "due_at": DUE}, format="json")
        .json()
    )
    first, second = (item["id"] for item in campaign["items"])
    certified = api(reviewer2).post(
        "/api/v1/access-review-items/certify/", {"items": [first, 999999]}, format="json"
    )
    assert certified.json() == {"certified": [first], "skipped": 1}

    url = f"/api/v1/access-reviews/{campaign['id']}/end/"
    assert api(admin).post(url, {}, format="json").status_code == 400
    assert api(reviewer2).post(url, {"open_items": "keep"}, format="json").status_code == 403
    ended = api(admin).post(url, {"open_items": "suspend"}, format="json")
    assert ended.status_code == 200 and ended.json()["counts"]["lapsed"] == 1
    assert api(admin).post(url, {"open_items": "keep"}, format="json").status_code == 409


def test_schedules(api, admin, reviewer):
    client = api(admin)
    made = client.post(
        "/api/v1/access-review-schedules/",
        {"name": "Quarterly review", "cadence": "quarterly", "due_days": 14},
        format="json",
    )
    assert made.status_code == 201
    assert (
        client.post(
            "/api/v1/access-review-schedules/",
            {"name": "Quarterly review", "cadence": "quarterly", "due_days": 14},
            format="json",
        ).status_code
        == 409
    )
    assert [s["id"] for s in client.get("/api/v1/access-review-schedules/").json()] == [
        made.json()["id"]
    ]
    assert api(reviewer).get("/api/v1/access-review-schedules/").status_code == 403
    assert client.delete(f"/api/v1/access-review-schedules/{made.json()['id']}/").status_code == 204
    assert client.delete(f"/api/v1/access-review-schedules/{made.json()['id']}/").status_code == 404
