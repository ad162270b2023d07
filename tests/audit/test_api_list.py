"""The API list keeps its contract ({"count", "next", "previous", "results"}, the filters, the
fields) with keyset links, and a count that never reads the whole table."""

import pytest

from audit.models import AuditEvent
from audit.query import pagination

pytestmark = pytest.mark.django_db
FIELDS = {"id", "at", "actor", "action", "target_type", "target_id", "data", "prev_hash", "hash"}


def follow(client, url, params=None, key="next"):
    pages = []
    while url:
        body = client.get(url, params).json()
        params = None  # the links carry them
        pages.append(body)
        url = body[key]
    return pages


@pytest.mark.parametrize("filters", [{}, {"action": "api.walk"}, {"q": "api.wa"}])
def test_next_and_previous_links_cover_every_event_once(api, admin, write, filters):
    write(23, action="api.walk")
    write(9, action="api.else")
    client = api(admin)
    query = AuditEvent.objects.all()
    if filters:
        query = query.filter(action="api.walk")
    expected = list(query.order_by("-id").values_list("id", flat=True))
    down = follow(client, "/api/v1/audit-events/", {"page_size": 5, **filters})
    ids = [e["id"] for page in down for e in page["results"]]
    assert ids == expected
    assert all(page["count"] == len(expected) and page["count_exact"] for page in down)
    assert down[0]["previous"] is None and down[-1]["next"] is None
    up = follow(client, down[-1]["previous"], key="previous")
    assert [e["id"] for page in reversed(up) for e in page["results"]] == expected[
        : -len(down[-1]["results"])
    ]


def test_the_results_keep_their_fields(api, admin, dev_a, write):
    write(1, actor=dev_a, action="api.fields", data={"k": [1, 2]})
    event = api(admin).get("/api/v1/audit-events/", {"action": "api.fields"}).json()["results"][0]
    assert set(event) >= FIELDS
    assert (event["actor"], event["data"]) == (dev_a.email, {"k": [1, 2]})


def test_an_unfiltered_count_is_the_chain_heads_position(
    api, admin, write, django_assert_num_queries
):
    write(3)
    body = api(admin).get("/api/v1/audit-events/").json()
    assert body["count"] == AuditEvent.objects.count() and body["count_exact"] is True


def test_a_large_filtered_count_is_a_documented_lower_bound(api, admin, write, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 4)
    write(6, action="api.many")
    write(3, action="api.some")
    client = api(admin)
    many = client.get("/api/v1/audit-events/", {"action": "api.many"}).json()
    assert (many["count"], many["count_exact"], len(many["results"])) == (4, False, 6)
    some = client.get("/api/v1/audit-events/", {"action": "api.some"}).json()
    assert (some["count"], some["count_exact"]) == (3, True)


@pytest.mark.parametrize(
    "params",
    [{"before": "abc"}, {"after": "-1"}, {"page_size": "0"}, {"page_size": "501"}, {"q": "xy"}],
)
def test_bad_paging_or_search_is_a_400(api, admin, params):
    assert api(admin).get("/api/v1/audit-events/", params).status_code == 400


def test_the_schema_documents_the_new_endpoints(api, admin):
    paths = (
        api(admin)
        .get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()["paths"]
    )
    export = paths["/api/v1/audit-events/export/"]["get"]
    names = {p["name"] for p in export["parameters"]}
    assert names >= {"format", "actor", "action", "target_type", "target_id", "since", "until", "q"}
    assert set(export["responses"]["200"]["content"]) == {"text/csv", "application/jsonl"}
    listing = paths["/api/v1/audit-events/"]["get"]
    assert {"before", "after", "page_size", "q"} <= {p["name"] for p in listing["parameters"]}
    assert "/api/v1/audit-events/verification/" in paths
