"""The audit page: administrators only, filters and search, keyset pages without duplicates
or gaps, and the chain's status from the last verification rather than a walk per load."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent, ChainVerification
from audit.verification import verification_run

pytestmark = pytest.mark.django_db
LINK = re.compile(r'<a href="([^"]+)" rel="(prev|next)">')


def links(response) -> dict[str, str]:
    return {rel: html.unescape(href) for href, rel in LINK.findall(response.content.decode())}


def shown_ids(response) -> list[int]:
    return [e.id for e in response.context["page"].events]


def walk(client, start: str, rel: str) -> list[list[int]]:
    """Follows the page's `rel` links from `start` to the end: the ids of each page."""
    pages, url = [], start
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(shown_ids(response))
        url = links(response).get(rel)
        if url:
            url = "/audit/" + url
    return pages


@pytest.mark.parametrize(
    "persona, status", [("dev_a", 403), ("reviewer", 403), ("gateway", 403), ("admin", 200)]
)
def test_only_administrators_open_the_page_and_its_export(request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export/", {"format": "csv"}).status_code == status
    assert client.post("/audit/verify/").status_code in {403: (403,), 200: (302,)}[status]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/audit/").status_code == 302
    assert client.get("/audit/export/").status_code == 302


@pytest.mark.parametrize("filters", [{}, {"action": "page.walk"}])
def test_older_and_newer_links_cover_every_event_once(staff_client, dev_a, write, filters):
    write(60, action="page.walk", actor=dev_a)
    write(45, action="page.other")
    expected = list(
        AuditEvent.objects.filter(**filters).order_by("-id").values_list("id", flat=True)
    )
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    down = walk(staff_client, f"/audit/?{query}", "next")
    assert [i for page in down for i in page] == expected
    assert all(len(page) == 50 for page in down[:-1])
    # Back up from the oldest page with Newer: the same pages, in reverse.
    last = down[-1][-1]
    up = walk(staff_client, f"/audit/?{query}&after={last - 1}", "prev")
    assert [i for page in reversed(up) for i in page] == expected


def test_pages_keep_the_filters_and_neither_count_nor_offset(staff_client, dev_a, write):
    write(120, action="page.filtered", actor=dev_a)
    with CaptureQueriesContext(connection) as queries:
        first = staff_client.get("/audit/", {"action": "page.filtered", "actor": dev_a.email})
    older = links(first)["next"]
    assert "action=page.filtered" in older and f"actor={dev_a.email}".replace("@", "%40") in older
    sql = " ".join(
        q["sql"].upper() for q in queries.captured_queries if "AUDIT_AUDITEVENT" in q["sql"].upper()
    )
    assert "COUNT(" not in sql and "OFFSET" not in sql
    second = staff_client.get("/audit/" + older)
    assert set(shown_ids(second)).isdisjoint(shown_ids(first))
    assert {e.action for e in second.context["page"].events} == {"page.filtered"}


def test_a_new_event_does_not_shift_the_older_pages(staff_client, write):
    write(70, action="page.shift")
    first = staff_client.get("/audit/", {"action": "page.shift"})
    write(5, action="page.shift")
    second = staff_client.get("/audit/" + links(first)["next"])
    assert shown_ids(second) == [i - 50 for i in shown_ids(first)[:20]]


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("action", "filter.b", {"b1", "b2"}),
        ("target_type", "gadget", {"b2", "c1"}),
        ("target_id", "T-1", {"a1", "c1"}),
        ("q", "needle", {"b1", "c1"}),
        ("q", "NEEDLE", {"b1", "c1"}),
        ("q", "g%d", set()),  # a % is a percent sign, not a wildcard
        ("q", "100%", {"a1"}),
    ],
)
def test_each_filter_and_the_search(staff_client, write, field, value, expected):
    marks = {}
    for name, action, target_type, target_id, data in [
        ("a1", "filter.a", "widget", "T-1", {"note": "100% plain"}),
        ("b1", "filter.b", "widget", "T-2", {"note": "a Needle here"}),
        ("b2", "filter.b", "gadget", "T-3", {"note": "hay"}),
        ("c1", "filter.c", "gadget", "T-1", {"note": "needles"}),
    ]:
        marks[
            write(
                1,
                action=action,
                target_type=target_type,
                target_id=target_id,
                data={**data, "mark": name},
            )[0].id
        ] = name
    response = staff_client.get("/audit/", {field: value})
    assert response.status_code == 200
    assert {marks[i] for i in shown_ids(response) if i in marks} == expected


def test_actor_by_email_in_any_case_or_by_id(staff_client, dev_a, dev_b, write):
    mine = {e.id for e in write(3, actor=dev_a, action="actor.test")}
    write(2, actor=dev_b, action="actor.test")
    by_email = staff_client.get("/audit/", {"actor": dev_a.email.upper(), "action": "actor.test"})
    by_id = staff_client.get("/audit/", {"actor": str(dev_a.pk), "action": "actor.test"})
    assert set(shown_ids(by_email)) == set(shown_ids(by_id)) == mine


def test_since_and_until(staff_client, write):
    events = write(3, action="time.test")
    since = events[1].at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    response = staff_client.get("/audit/", {"action": "time.test", "since": since})
    assert shown_ids(response) == [events[2].id, events[1].id]
    response = staff_client.get("/audit/", {"action": "time.test", "until": since})
    assert shown_ids(response) == [events[0].id]


@pytest.mark.parametrize("params", [{"since": "yesterday"}, {"q": "ab"}, {"before": "x1"}])
def test_bad_filters_are_refused_not_ignored(staff_client, write, params):
    write(2)
    response = staff_client.get("/audit/", params)
    assert response.status_code == 400
    if "before" not in params:
        assert response.context["page"] is None
        assert "Check the filters" in response.content.decode()


def test_export_links_carry_the_current_filters(staff_client, write):
    write(1, action="link.test")
    page = staff_client.get("/audit/", {"action": "link.test", "q": "thing"}).content.decode()
    hrefs = {html.unescape(h) for h in re.findall(r'href="(/audit/export/[^"]+)"', page)}
    assert hrefs == {
        "/audit/export/?format=csv&action=link.test&q=thing",
        "/audit/export/?format=jsonl&action=link.test&q=thing",
    }


def test_the_page_shows_the_last_verification_without_walking_the_chain(
    staff_client, write, monkeypatch
):
    write(3)
    verification_run(trigger=ChainVerification.Trigger.SCHEDULE)

    def walk_refused(**kwargs):
        raise AssertionError("the page walked the chain")

    monkeypatch.setattr("audit.chain._walk", walk_refused)
    page = staff_client.get("/audit/").content.decode()
    assert "Chain verified" in page and "no edit or gap" in page
    assert f"{AuditEvent.objects.count()} events checked" in page
    assert "hourly schedule" in page


def test_the_page_says_when_the_chain_was_never_verified(staff_client):
    assert "has not been verified yet" in staff_client.get("/audit/").content.decode()


def test_the_page_shows_a_broken_chain(staff_client, write, tamper):
    events = write(4)
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", '{"n": 7}', events[1].id)
    verification_run(trigger=ChainVerification.Trigger.SCHEDULE)
    page = staff_client.get("/audit/").content.decode()
    assert f"Chain broken at event #{events[1].id}" in page
    assert 'class="chain broken"' in page


def test_the_page_warns_when_verification_stopped_running(staff_client, write):
    run = verification_run(trigger=ChainVerification.Trigger.SCHEDULE)
    ChainVerification.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - timedelta(hours=3)
    )
    assert "is the Celery beat running?" in staff_client.get("/audit/").content.decode()


def test_an_administrator_asks_for_a_verification_now(
    staff_client, admin, write, django_capture_on_commit_callbacks
):
    write(2)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/audit/verify/")
    assert response.status_code == 302 and response.url == "/audit/"
    run = ChainVerification.objects.get()
    assert (run.trigger, run.kind, run.requested_by, run.ok) == ("admin", "full", admin, True)
    page = staff_client.get("/audit/").content.decode()
    assert (
        "Chain verified" in page
        and "administrator's request (ada@provider.example)" in html.unescape(page)
    )


@pytest.mark.postgres
def test_a_query_over_the_time_limit_asks_for_narrower_filters(
    staff_client, api, admin, write, settings, monkeypatch
):
    write(1)
    settings.AUDIT_QUERY_TIME_LIMIT_SECONDS = 0.05

    def slow_page(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr("audit.views.keyset_page", slow_page)
    monkeypatch.setattr("audit.query.pagination.keyset_page", slow_page)
    response = staff_client.get("/audit/", {"q": "anything"})
    assert response.status_code == 200
    assert "took too long to search" in response.content.decode()
    refused = api(admin).get("/api/v1/audit-events/", {"q": "anything"})
    assert refused.status_code == 400 and refused.json()["code"] == "query_too_slow"
    # The limit was for those queries only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.1)")
