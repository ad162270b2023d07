"""Issue 12.3: the database's owner could rewrite the audit log undetected. Switching the
append-only trigger off (`SET session_replication_role = replica`), editing an event,
recomputing every hash after it and moving the chain head passed verification; so did
deleting the newest events and rewinding the head. Now each event's hash is keyed with a
secret the database never holds (AUDIT_CHAIN_KEY, HMAC-SHA256) and signed digests of the
chain head are written outside it (AUDIT_DIGEST_DIR); verification checks both.

The attacker here has the code and the database, not the key: the hashes it recomputes
are the public, unkeyed SHA-256 of the event."""

import hashlib
import json

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent, ChainHead
from audit.services import record
from audit.tasks import write_audit_digest

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
KEY = "chain-key-for-tests-" + "Zx7" * 10
OLD_KEY = "retired-chain-key-" + "Qw3" * 10


@pytest.fixture
def keyed(settings):
    settings.AUDIT_CHAIN_KEY = KEY
    return settings


@pytest.fixture
def anchored(keyed, tmp_path):
    keyed.AUDIT_DIGEST_DIR = str(tmp_path)
    return tmp_path


def write(n, action="thing.happened"):
    return [
        record(actor=None, action=action, target_type="thing", target_id=i, data={"n": i})
        for i in range(n)
    ]


# --- what the owner of the database can do --------------------------------------------


def owner_sql(sql, *params):
    """As the table's owner: the append-only trigger does not fire in replica mode."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = origin")


def public_hash(event: AuditEvent, prev_hash: str) -> str:
    """The chain's unkeyed SHA-256, as anyone reading the code can compute it."""
    body = json.dumps(
        {
            "id": event.id,
            "at": event.at.isoformat(timespec="microseconds"),
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "data": event.data,
            "request_id": event.request_id,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def has_key_column() -> bool:
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "audit_auditevent")
    return any(column.name == "key_id" for column in columns)


def rewrite_from(event_id: int, data: dict) -> None:
    """Edit one event, recompute the hash of it and of every later event, move the head."""
    prev = AuditEvent.objects.get(pk=event_id - 1).hash
    unkey = ", key_id = ''" if has_key_column() else ""
    for event in AuditEvent.objects.filter(id__gte=event_id).order_by("id"):
        if event.id == event_id:
            event.data = data
        event.hash = public_hash(event, prev)
        owner_sql(
            f"UPDATE audit_auditevent SET data = %s, prev_hash = %s, hash = %s{unkey} "
            "WHERE id = %s",
            json.dumps(event.data),
            prev,
            event.hash,
            event.id,
        )
        prev = event.hash
    owner_sql("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", prev)


def drop_newest(n: int) -> int:
    """Delete the newest n events and rewind the head to the one before: the first gone."""
    keep = AuditEvent.objects.order_by("-id")[n]
    owner_sql("DELETE FROM audit_auditevent WHERE id > %s", keep.id)
    owner_sql(
        "UPDATE audit_chainhead SET last_id = %s, last_hash = %s WHERE id = 1", keep.id, keep.hash
    )
    return keep.id + 1


@pytest.fixture
def admin_api(api, admin):
    """Signed in before the test's attack: signing in is itself recorded in the log."""
    return api(admin)


def verify_api(client) -> dict:
    response = client.get("/api/v1/audit-events/verify/")
    assert response.status_code == 200
    return response.json()


def command_fails_at(event_id) -> str:
    with pytest.raises(CommandError, match=f"broken at event {event_id}") as failed:
        call_command("verify_audit_chain")
    assert failed.value.returncode == 1
    return str(failed.value)


# --- the attacks ----------------------------------------------------------------------


def test_an_untouched_anchored_chain_verifies_by_command_and_api(anchored, admin_api, capsys):
    write(4)
    assert write_audit_digest()["head_id"] == ChainHead.objects.get().last_id
    write(2)
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "Audit chain ok" in out and "HMAC-SHA256" in out and "1 digest" in out
    report = verify_api(admin_api)
    assert (report["ok"], report["first_bad_id"]) == (True, None)
    assert report["keyed"] is True and report["keyed_events"] >= 6
    assert report["digests_checked"] == 1 and report["problem"] == ""


def test_edit_recompute_and_move_the_head_is_caught_by_the_key(keyed, admin_api):
    events = write(5)
    rewrite_from(events[2].id, {"n": 99, "forged": True})
    assert ChainHead.objects.get().last_hash == AuditEvent.objects.order_by("-id")[0].hash
    report = verify_api(admin_api)
    assert (report["ok"], report["first_bad_id"]) == (False, events[2].id)
    assert "key" in report["problem"]
    command_fails_at(events[2].id)


def test_rewriting_every_keyed_event_without_the_key_is_caught(keyed, admin_api):
    """The owner turns the whole keyed part back into plain SHA-256: no keyed event is left
    for the downgrade to show at, but a key is configured and the newest event is unkeyed."""
    first_keyed = write(3)[0].id
    rewrite_from(first_keyed, {"n": 0, "forged": True})
    report = verify_api(admin_api)
    assert report["ok"] is False and "not keyed" in report["problem"]
    with pytest.raises(CommandError, match="broken at event"):
        call_command("verify_audit_chain")


def test_edit_recompute_and_move_the_head_is_caught_by_the_digest(anchored, admin_api):
    events = write(5)
    digested = write_audit_digest()["head_id"]
    rewrite_from(events[1].id, {"n": 42})
    report = verify_api(admin_api)
    assert report["ok"] is False and report["first_bad_id"] <= digested
    command_fails_at(report["first_bad_id"])


def test_deleting_the_newest_events_and_rewinding_the_head_is_caught(anchored, admin_api):
    write(6)
    write_audit_digest()
    first_gone = drop_newest(2)
    report = verify_api(admin_api)
    assert (report["ok"], report["first_bad_id"]) == (False, first_gone)
    assert "digest" in report["problem"]
    command_fails_at(first_gone)


def test_events_newer_than_the_last_digest_can_still_be_rewound_unnoticed(anchored, admin_api):
    """The documented limit (docs/operations.md): a digest anchors the chain up to its head;
    what was appended after the last digest can be removed with the head rewound."""
    write(3)
    write_audit_digest()
    write(3)
    drop_newest(2)
    assert verify_api(admin_api)["ok"] is True


def test_without_a_key_or_digests_the_attacks_pass_and_the_report_says_so(admin_api):
    """Unkeyed and without digests the chain proves nothing against its owner: the report
    says so instead of only "ok"."""
    events = write(4)
    rewrite_from(events[1].id, {"n": 7})
    drop_newest(1)
    report = verify_api(admin_api)
    assert report["ok"] is True and report["keyed"] is False
    assert any("AUDIT_CHAIN_KEY is not set" in w for w in report["warnings"])
    assert any("AUDIT_DIGEST_DIR" in w for w in report["warnings"])


# --- the digests ------------------------------------------------------------------------


def digest_files(directory):
    return sorted(directory.glob("audit-digest-*.json"))


def test_a_digest_names_the_head_time_and_previous_digest_signed(anchored):
    write(2)
    write_audit_digest()
    write(1)
    write_audit_digest()
    first, second = (json.loads(p.read_text()) for p in digest_files(anchored))
    head = ChainHead.objects.get()
    assert (second["head_id"], second["head_hash"]) == (head.last_id, head.last_hash)
    assert second["number"] == first["number"] + 1 and second["at"]
    assert first["previous_digest_hash"] is None
    assert (
        second["previous_digest_hash"]
        == hashlib.sha256(digest_files(anchored)[0].read_bytes()).hexdigest()
    )
    assert second["signature"] and second["key_id"]
    assert KEY not in digest_files(anchored)[1].read_text()


def test_a_forged_or_missing_digest_fails_verification(anchored, admin_api):
    for _ in range(3):
        write(1)
        write_audit_digest()
    last = digest_files(anchored)[-1]
    forged = json.loads(last.read_text())
    forged["head_id"] -= 1  # names an older head: the owner would like to rewind to it
    last.write_text(json.dumps(forged))
    report = verify_api(admin_api)
    assert report["ok"] is False and "signature" in report["problem"]
    last.unlink()
    assert verify_api(admin_api)["ok"] is True  # the newest digest removed: not seen
    digest_files(anchored)[0].unlink()
    assert verify_api(admin_api)["ok"] is True  # the oldest may be archived away
    write(1)
    write_audit_digest()
    write(1)
    write_audit_digest()
    digest_files(anchored)[1].unlink()  # one in the middle: the digests' own chain breaks
    report = verify_api(admin_api)
    assert report["ok"] is False and "digest" in report["problem"]


def test_the_writer_does_not_digest_a_chain_broken_since_the_last_digest(anchored):
    write(3)
    write_audit_digest()
    drop_newest(1)
    write(2)
    assert write_audit_digest() == {"written": False, "head_id": None}
    assert len(digest_files(anchored)) == 1


def test_without_a_directory_or_a_key_no_digest_is_written(keyed, tmp_path):
    write(1)
    assert write_audit_digest()["written"] is False
    keyed.AUDIT_DIGEST_DIR = str(tmp_path)
    keyed.AUDIT_CHAIN_KEY = ""
    assert write_audit_digest()["written"] is False
    assert digest_files(tmp_path) == []


def test_beat_writes_digests_every_quarter_hour():
    from celery import current_app

    entry = django_settings.CELERY_BEAT_SCHEDULE["write-audit-digest"]
    assert entry == {"task": "audit.tasks.write_audit_digest", "schedule": 900.0}
    assert "audit.tasks.write_audit_digest" in current_app.tasks


# --- keys -------------------------------------------------------------------------------


def test_events_are_keyed_only_while_a_key_is_configured(keyed, admin_api):
    """The events from before the key (the session's setup) stay plain SHA-256 and verify;
    those after are HMAC-SHA256, and the report counts both."""
    assert AuditEvent.objects.filter(key_id="").exists()
    write(3)
    report = verify_api(admin_api)
    assert report["ok"] is True and report["keyed"] is True
    assert (report["unkeyed_events"], report["keyed_events"]) == (
        AuditEvent.objects.filter(key_id="").count(),
        AuditEvent.objects.exclude(key_id="").count(),
    )
    assert report["keyed_events"] >= 3
    assert report["keyed_events"] + report["unkeyed_events"] == report["events_checked"]


def test_a_retired_key_still_verifies_the_events_it_keyed(keyed, admin_api):
    keyed.AUDIT_CHAIN_KEY = OLD_KEY
    write(2)
    keyed.AUDIT_CHAIN_KEY = KEY
    keyed.AUDIT_CHAIN_PREVIOUS_KEYS = [OLD_KEY]
    write(2)
    assert verify_api(admin_api)["ok"] is True
    keyed.AUDIT_CHAIN_PREVIOUS_KEYS = []
    report = verify_api(admin_api)
    assert report["ok"] is False and "not configured" in report["problem"]


def test_keyed_events_cannot_be_verified_once_the_key_is_gone(keyed, admin_api):
    write(2)
    keyed.AUDIT_CHAIN_KEY = ""
    report = verify_api(admin_api)
    assert report["ok"] is False and "not configured" in report["problem"]


def test_the_hourly_incremental_run_checks_the_digests_too(anchored):
    from audit.tasks import verify_audit_chain

    write(3)
    assert verify_audit_chain()["ok"] is True  # the first run: full
    write(4)
    write_audit_digest()
    first_gone = drop_newest(2)
    report = verify_audit_chain()  # incremental: only what came after the last good run
    assert report == {"ok": False, "events_checked": 2, "first_bad_id": first_gone}
