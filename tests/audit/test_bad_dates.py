"""Issue 12.13: a time filter PostgreSQL cannot take (an offset past +-15:59, a time that
falls outside years 1-9999 in UTC) answered 500 on the list and broke an export's stream
mid-way. Each is a 400 with the field's error, before anything streams, on the API list,
both exports and the audit page; a sound offset still filters."""

from datetime import timedelta

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

BAD = [
    "0431-09-03T08:11:39-17:25",  # the black-box test's case: offset beyond what PG accepts
    "2026-01-01T00:00:00+16:00",
    "2026-01-01T00:00:00+99:99",  # no such offset at all
    "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
    "2026-02-30T00:00:00Z",
]


def exported() -> int:
    return AuditEvent.objects.filter(action="audit.exported").count()


@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("value", BAD)
def test_the_api_list_answers_400_naming_the_field(api, admin, write, name, value):
    write(2)
    response = api(admin).get("/api/v1/audit-events/", {name: value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert name in response.json()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("value", BAD)
def test_the_api_export_answers_400_before_streaming(api, admin, write, fmt, value):
    write(2)
    before = exported()
    response = api(admin).get("/api/v1/audit-events/export/", {"format": fmt, "since": value})
    assert response.status_code == 400 and not response.streaming
    assert "since" in response.json()
    assert exported() == before  # nothing was recorded as exported


@pytest.mark.parametrize("value", BAD)
def test_the_page_export_answers_400_before_streaming(staff_client, write, value):
    write(2)
    before = exported()
    response = staff_client.get("/audit/export/", {"format": "csv", "until": value})
    assert response.status_code == 400 and not response.streaming
    assert "until" in response.content.decode().lower()
    assert exported() == before


@pytest.mark.parametrize("value", BAD)
def test_the_audit_page_says_what_is_wrong(staff_client, write, value):
    write(2)
    response = staff_client.get("/audit/", {"since": value})
    assert response.status_code == 400
    assert response.context["page"] is None
    errors = response.context["filter"].errors
    assert "since" in errors and errors["since"][0] in response.content.decode()


def test_a_sound_offset_still_filters_in_utc(api, admin, write):
    events = write(3, action="offset.test")
    # events[1]'s time written at -05:00: the same instant.
    at = (events[1].at - timedelta(hours=5)).replace(tzinfo=None).isoformat() + "-05:00"
    listed = api(admin).get("/api/v1/audit-events/", {"action": "offset.test", "since": at})
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()["results"]] == [events[2].id, events[1].id]
    export = api(admin).get(
        "/api/v1/audit-events/export/", {"format": "jsonl", "action": "offset.test", "until": at}
    )
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) == 1 and f'"id":{events[0].id},' in lines[0]
