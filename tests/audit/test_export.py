"""Exports: exactly the filtered events, streamed, in CSV (formula-safe) and JSON Lines,
recorded in the log before they go out; administrators only."""

import csv
import io
import json
from datetime import datetime

import pytest

from audit.chain import canonical_json
from audit.models import AuditEvent
from audit.query.exports import COLUMNS, defuse

pytestmark = pytest.mark.django_db


def expected_rows(**filters) -> list[dict]:
    return [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "data": e.data,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in AuditEvent.objects.filter(**filters).order_by("id")
    ]


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def parse_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == COLUMNS
    return [
        {
            **row,
            "id": int(row["id"]),
            "at": datetime.fromisoformat(row["at"]),
            "data": json.loads(row["data"]),
        }
        for row in reader
    ]


def parse_jsonl(text: str) -> list[dict]:
    assert text.endswith("\n")
    rows = [json.loads(line) for line in text.splitlines()]
    return [{**row, "at": datetime.fromisoformat(row["at"])} for row in rows]


@pytest.fixture
def events(write, dev_a, monkeypatch):
    """Three kinds of event, with chunks small enough that each export takes several."""
    monkeypatch.setattr("audit.query.exports.CHUNK_SIZE", 4)
    write(25, actor=dev_a, action="export.many", data=lambda i: {"i": i, "text": 'é ü \n,"'})
    write(3, action="export.few", target_type="gadget")
    write(2, action="export.other")


@pytest.mark.parametrize("fmt, parse", [("csv", parse_csv), ("jsonl", parse_jsonl)])
@pytest.mark.parametrize(
    "filters", [{"action": "export.many"}, {"target_type": "gadget"}, {"q": "export.o"}, {}]
)
def test_the_export_is_exactly_the_filtered_events(staff_client, events, fmt, parse, filters):
    expected = {**filters}
    if "q" in expected:
        expected = {"action": "export.other"}
    rows = expected_rows(**expected)
    response = staff_client.get("/audit/export/", {"format": fmt, **filters})
    assert response.status_code == 200
    assert parse(body(response)) == rows  # exported before this export's own event


@pytest.mark.parametrize("fmt, media_type", [("csv", "text/csv"), ("jsonl", "application/jsonl")])
def test_the_api_export_matches_too(api, admin, events, fmt, media_type):
    response = api(admin).get(
        "/api/v1/audit-events/export/", {"format": fmt, "action": "export.few"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)
    assert f'.{fmt}"' in response["Content-Disposition"]
    parse = parse_csv if fmt == "csv" else parse_jsonl
    assert parse(body(response)) == expected_rows(action="export.few")


def test_exporting_is_recorded_before_the_file_goes_out(staff_client, admin, events):
    response = staff_client.get(
        "/audit/export/", {"format": "jsonl", "action": "export.few", "target_type": "gadget"}
    )
    recorded = AuditEvent.objects.order_by("-id").first()
    assert (recorded.action, recorded.actor, recorded.target_type) == (
        "audit.exported",
        admin,
        "audit_log",
    )
    assert recorded.data == {
        "format": "jsonl",
        "up_to_id": recorded.id - 1,
        "filters": {"action": "export.few", "target_type": "gadget"},
    }
    body(response)  # streamed after the record
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


def test_events_appended_during_the_download_are_not_in_it(staff_client, events, write):
    response = staff_client.get("/audit/export/", {"format": "csv"})
    up_to = AuditEvent.objects.get(action="audit.exported").data["up_to_id"]
    write(3, action="export.late")
    rows = parse_csv(body(response))
    assert rows[-1]["id"] == up_to and len(rows) == up_to


def test_csv_cells_that_spreadsheets_would_run_are_defused(staff_client, write):
    hostile = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    for text in hostile:
        write(1, action="formula.test", target_id=text, data={"v": text})
    from audit.services import record

    record(
        actor=None,
        actor_label="=cmd|' /C calc'!A0",
        action="formula.test",
        target_type="thing",
        target_id="ok",
    )
    rows = parse_csv(
        body(staff_client.get("/audit/export/", {"format": "csv", "action": "formula.test"}))
    )
    assert [r["target_id"] for r in rows[:-1]] == ["'" + t for t in hostile]
    assert rows[-1]["actor"] == "'=cmd|' /C calc'!A0"
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        for r in rows
        for cell in r.values()
        if isinstance(cell, str)
    )
    # JSON Lines is the lossless one.
    lines = parse_jsonl(
        body(staff_client.get("/audit/export/", {"format": "jsonl", "action": "formula.test"}))
    )
    assert [r["target_id"] for r in lines[:-1]] == hostile


def test_defuse_leaves_ordinary_text_alone():
    assert defuse("application.submitted") == "application.submitted"
    assert defuse(canonical_json({"a": 1})) == '{"a":1}'
    assert defuse("-1") == "'-1"


@pytest.mark.parametrize("persona", ["dev_a", "reviewer", "gateway"])
def test_only_administrators_export(request, api, client, persona):
    user = request.getfixturevalue(persona)
    assert api(user).get("/api/v1/audit-events/export/", {"format": "csv"}).status_code == 403
    client.force_login(user)
    assert client.get("/audit/export/", {"format": "jsonl"}).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_anonymous_api_export_is_refused(api):
    assert api().get("/api/v1/audit-events/export/").status_code == 401


@pytest.mark.parametrize("params", [{"format": "xlsx"}, {"since": "soon"}, {"q": "a"}])
def test_a_bad_export_request_is_refused_and_not_recorded(api, admin, staff_client, params):
    response = api(admin).get("/api/v1/audit-events/export/", params)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert staff_client.get("/audit/export/", params).status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_the_export_defaults_to_csv(api, admin, write):
    write(1)
    response = api(admin).get("/api/v1/audit-events/export/")
    assert response["Content-Type"].startswith("text/csv")
