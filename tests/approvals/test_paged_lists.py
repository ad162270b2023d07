"""Applications and grants come a page at a time, newest first, to whoever may see them: the
API by cursor (`count` stops at 1,000), the portal's pages fifty at a time, the developer's
home a bounded summary whatever the numbers."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import Application, Grant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
START = timezone.now() - timedelta(days=30)


def organization_of(user):
    return user.memberships.get().organization


def applications_made(dev, n: int, *, status="approved", start=START, ties=3) -> list:
    """`n` applications of dev's organization, `ties` created in the same minute."""
    return Application.objects.bulk_create(
        Application(
            organization=organization_of(dev),
            created_by=dev,
            status=status,
            title=f"{dev.email} {status} {i}",
            description="A use case.",
            audience="internal",
            model_names=["chat-small"],
            endpoints=["/v1/chat/completions"],
            expected_requests_per_minute=10,
            expected_monthly_tokens=1000,
            created_at=start + timedelta(minutes=i // ties),
            sla_due_at=start + timedelta(days=3) if status == "in_review" else None,
        )
        for i in range(n)
    )


def grants_made(dev, n: int) -> list[Grant]:
    return Grant.objects.bulk_create(
        Grant(
            application=a,
            organization=a.organization,
            model_names=["chat-small"],
            endpoints=["/v1/chat/completions"],
            limits={"requests_per_minute": 60, "tokens_per_minute": 1000, "monthly_tokens": 10**6},
            created_at=a.created_at,
            expires_at=timezone.now() + timedelta(days=300),
        )
        for a in applications_made(dev, n)
    )


def newest_first(rows) -> list[int]:
    return [r.pk for r in sorted(rows, key=lambda r: (r.created_at, r.pk), reverse=True)]


def walk(client, url) -> list[int]:
    seen = []
    while url:
        body = client.get(url).json()
        seen += [a["id"] for a in body["results"]]
        url = body["next"]
    return seen


def test_the_applications_api_walks_what_each_role_may_see_once(api, dev_a, dev_b, reviewer, admin):
    a = applications_made(dev_a, 7) + applications_made(dev_a, 2, status="draft")
    b = applications_made(dev_b, 5, start=START + timedelta(seconds=30))
    url = "/api/v1/applications/?page_size=3"
    assert walk(api(dev_a), url) == newest_first(a)
    assert walk(api(dev_b), url) == newest_first(b)
    assert walk(api(admin), url) == newest_first(a + b)
    assert walk(api(reviewer), url) == newest_first([x for x in a + b if x.status != "draft"])
    filtered = api(dev_a).get(url + "&status=draft").json()
    assert filtered["count"] == 2 and filtered["count_exact"] is True


def test_backwards_from_a_later_page_gives_the_page_before(api, dev_a):
    made = newest_first(applications_made(dev_a, 9))
    client = api(dev_a)
    first = client.get("/api/v1/applications/?page_size=4").json()
    second = client.get(first["next"]).json()
    assert [x["id"] for x in second["results"]] == made[4:8]
    back = client.get(second["previous"]).json()
    assert [x["id"] for x in back["results"]] == made[:4] and back["previous"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [("cursor=%%%", "cursor"), ("cursor=WyJuIiwgWzFdXQ", "cursor"), ("page_size=201", "page_size")],
)
def test_a_bad_cursor_or_page_size_is_a_400_naming_the_field(api, dev_a, query, field):
    response = api(dev_a).get(f"/api/v1/applications/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_the_count_stops_at_1000(api, admin, dev_a):
    applications_made(dev_a, 1001, ties=50)
    body = api(admin).get("/api/v1/applications/?page_size=1").json()
    assert (body["count"], body["count_exact"]) == (1000, False)


def page_walk(client, url, row, noun) -> list[int]:
    seen = []
    while url:
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        seen += [int(pk) for pk in re.findall(row, text)]
        found = re.search(rf'<a href="([^"]+)" rel="next">Next {noun}</a>', text)
        url = html.unescape(found.group(1)) if found else None
    return seen


def test_the_applications_page_shows_fifty_at_a_time(client, dev_a, dev_b):
    mine = applications_made(dev_a, 61, status="in_review")
    applications_made(dev_b, 4, status="in_review")
    client.force_login(dev_a)
    first = client.get("/portal/applications/").content.decode()
    assert first.count('href="/portal/applications/') >= 50 and "61 applications" in first
    row = r'<td><a href="/portal/applications/(\d+)/">'
    seen = page_walk(client, "/portal/applications/?status=in_review", row, "applications")
    assert seen == newest_first(mine)
    assert client.get("/portal/applications/?cursor=zzz").status_code == 400


def test_the_grants_page_shows_fifty_at_a_time(client, dev_a, dev_b, admin):
    mine = grants_made(dev_a, 52)
    theirs = grants_made(dev_b, 3)
    row = r'<section class="grant-card" [^>]*data-grant="(\d+)"'
    client.force_login(dev_a)
    assert page_walk(client, "/portal/grants/", row, "grants") == newest_first(mine)
    client.force_login(admin)
    assert page_walk(client, "/portal/grants/", row, "grants") == newest_first(mine + theirs)


def home_queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/portal/")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_developers_home_costs_the_same_with_three_grants_or_thirty(client, dev_a):
    grants_made(dev_a, 3)
    few, _ = home_queries(client, dev_a)
    grants_made(dev_a, 27)
    many, page = home_queries(client, dev_a)
    assert many == few
    assert page.count('<li data-grant="') == 10
    assert "All your grants</a> (30; the newest 10 are shown here)" in page
    assert "All 30 applications" in page


def test_the_grants_api_walks_what_each_role_may_see_once(api, dev_a, dev_b, reviewer, admin):
    a, b = grants_made(dev_a, 6), grants_made(dev_b, 4)
    url = "/api/v1/grants/?page_size=4"
    assert walk(api(dev_a), url) == newest_first(a)
    assert walk(api(admin), url) == newest_first(a + b)
    org_b = organization_of(dev_b).pk
    assert walk(api(admin), f"{url}&organization={org_b}") == newest_first(b)
    assert walk(api(dev_a), f"{url}&organization={org_b}") == []
    Grant.objects.filter(pk=a[0].pk).update(status="suspended")
    suspended = api(dev_a).get("/api/v1/grants/?status=suspended").json()
    assert [g["id"] for g in suspended["results"]] == [a[0].pk] and suspended["count"] == 1
    assert api(reviewer).get("/api/v1/grants/").status_code == 403
    for query, field in (("status=lost", "status"), ("organization=x", "organization")):
        refused = api(admin).get(f"/api/v1/grants/?{query}")
        assert refused.status_code == 400 and field in refused.json()
    assert api(admin).get("/api/v1/grants/?cursor=abc").status_code == 400
