"""The audit log reads as a console: an event page, targets as links, an action pick-list,
dates on one line, data as key/value pairs."""

import re

import pytest

from approvals import lifecycle
from audit.models import AuditEvent
from tests.world import APPLICATION

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(dev_a):
    return lifecycle.application_create(
        actor=dev_a, organization=dev_a.memberships.get().organization, content=APPLICATION
    )


@pytest.mark.parametrize("persona, status", [("dev_a", 403), ("reviewer", 403), ("admin", 200)])
def test_only_administrators_open_an_event(request, client, write, persona, status):
    (event,) = write(1)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/audit/{event.id}/").status_code == status
    assert client.get("/audit/targets/thing/1/").status_code in (status, 404)


def test_the_event_page_shows_data_as_pairs_and_links_its_target(client, admin, application):
    event = AuditEvent.objects.filter(action="application.created").latest("id")
    client.force_login(admin)
    page = client.get(f"/audit/{event.id}/").content.decode()
    assert f"Event #{event.id}" in page
    assert '<dl class="event-data">' in page
    # JSON only in the "as recorded" disclosure, not as the way the data is shown.
    assert "{&quot;" not in page.split('class="event-raw"')[0]
    assert (
        "/audit/targets/application/" in page or f"/reviews/applications/{application.pk}/" in page
    )
    assert f"?target_type=application&amp;target_id={application.pk}" in page
    # The target link leads to the application's review page.
    response = client.get(f"/audit/targets/application/{application.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/reviews/applications/{application.pk}/"
    assert client.get("/audit/targets/login/1/").status_code == 404
    assert client.get("/audit/targets/grant/not-a-number/").status_code == 404
    assert client.get("/audit/999999/").status_code == 404


def test_nested_data_reads_as_nested_pairs(client, admin, write):
    (event,) = write(1, data={"limits": {"monthly_tokens": 10_000_000}, "models": ["a", "b"]})
    client.force_login(admin)
    page = client.get(f"/audit/{event.id}/").content.decode()
    assert "<dt>Monthly tokens</dt><dd>10,000,000</dd>" in page
    assert "<li>a</li><li>b</li>" in page


def test_the_log_links_events_and_targets_and_picks_actions(client, admin, application, write):
    write(2, action="thing.happened")
    client.force_login(admin)
    page = client.get("/audit/").content.decode()
    created = AuditEvent.objects.filter(action="application.created").latest("id")
    assert f'href="/audit/{created.id}/"' in page
    assert f'href="/audit/targets/application/{application.pk}/"' in page
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', page, re.S)
    assert select, "the action filter is a pick-list"
    assert '<option value="application.created">' in select.group(1)
    assert '<option value="thing.happened">' in select.group(1)
    # A date stays on one line.
    assert re.search(
        r'<time class="event-time" [^>]*>\d{4}-\d\d-\d\d&nbsp;\d\d:\d\d:\d\d</time>', page
    )
    filtered = client.get("/audit/", {"action": "thing.happened"})
    assert filtered.status_code == 200
    assert {e.action for e in filtered.context["page"].events} == {"thing.happened"}
    assert '<option value="thing.happened" selected>' in filtered.content.decode()
