import importlib
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import AppendOnly, AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def existing() -> int:
    """Events already in the log (setting up the test database publishes the policy)."""
    return AuditEvent.objects.count()


def write(n, actor=None, action="thing.happened"):
    return [
        record(actor=actor, action=action, target_type="thing", target_id=i, data={"n": i})
        for i in range(n)
    ]


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_form_a_chain_that_verifies():
    before = existing()
    events = write(3)
    assert [e.id for e in events] == [before + 1, before + 2, before + 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert verify_chain().ok and verify_chain().events_checked == before + 3


def test_an_event_in_a_rolled_back_transaction_leaves_no_trace():
    first = write(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        write(1)
        raise RuntimeError("the change failed")
    assert write(1)[0].id == first.id + 1
    assert verify_chain().ok


def test_the_model_refuses_to_change_or_remove_events():
    event = write(1)[0]
    event.action = "something.else"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.happened"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_postgres_refuses_update_and_delete(statement):
    write(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(statement)
    assert AuditEvent.objects.filter(action="thing.happened").count() == 2


@pytest.mark.postgres
def test_postgres_refuses_truncate():
    write(1)
    count = existing()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("SET LOCAL audit.allow_truncate = 'off'")
        raw("TRUNCATE audit_auditevent")
    assert existing() == count


@pytest.mark.postgres
def test_no_session_setting_lets_truncate_through_the_deployed_trigger():
    """Issue 12.4: `SET LOCAL audit.allow_truncate = 'on'` opened TRUNCATE in production.
    The function as the migrations leave it (the test database swaps in an escape of its own,
    tests/conftest.py) refuses it whatever the session sets."""
    migration = importlib.import_module("audit.migrations.0005_no_truncate_escape")
    write(1)
    count = existing()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(migration.REFUSE)  # as deployed; rolled back with the savepoint
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("SET LOCAL audit.allow_truncate = 'on'")
        raw("TRUNCATE audit_auditevent")
    assert existing() == count


def tamper(sql, *params):
    """What somebody with the table owner's rights could do: switch the trigger off."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # settle deferred foreign-key checks first
        raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_refuse_update_delete")
    raw(sql, *params)
    if connection.vendor == "postgresql":
        raw("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_refuse_update_delete")


def test_verification_names_an_edited_event(api, admin):
    third = write(5)[2].id
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", '{"n": 99}', third)
    report = verify_chain()
    assert (report.ok, report.first_bad_id) == (False, third)
    assert api(admin).get("/api/v1/audit-events/verify/").json()["first_bad_id"] == third


def test_verification_names_the_gap_left_by_a_deleted_event():
    events = write(5)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", events[1].id)
    assert verify_chain().first_bad_id == events[2].id


def test_verification_notices_the_newest_events_removed():
    events = write(5)
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", events[3].id)
    report = verify_chain()
    assert (report.ok, report.first_bad_id) == (False, events[3].id)


def test_verification_notices_a_relinked_forgery():
    """Rewriting an event and recomputing its own hash still breaks the next link."""
    from audit.chain import event_hash

    events = write(3)
    event = AuditEvent.objects.get(pk=events[1].id)
    event.action = "forged"
    tamper(
        "UPDATE audit_auditevent SET action = 'forged', hash = %s WHERE id = %s",
        event_hash(event),
        event.id,
    )
    assert verify_chain().first_bad_id == events[2].id


def test_verify_command_exits_1_naming_the_first_bad_event(capsys):
    events = write(3)
    call_command("verify_audit_chain")
    assert f"{existing()} events checked" in capsys.readouterr().out
    tamper("UPDATE audit_auditevent SET target_id = 'x' WHERE id = %s", events[1].id)
    with pytest.raises(CommandError, match=f"broken at event {events[1].id} ") as failed:
        call_command("verify_audit_chain")
    assert failed.value.returncode == 1  # manage.py exits with it


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    write(1)  # the chain head exists
    before = existing()
    writers, per_writer, errors = 8, 25, []
    start = threading.Barrier(writers)

    def writer(k):
        try:
            start.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record(
                        actor=None,
                        action="parallel.write",
                        target_type="writer",
                        target_id=k,
                        data={"i": i},
                    )
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and report.events_checked == before + writers * per_writer
    assert sorted(AuditEvent.objects.values_list("id", flat=True)) == list(
        range(1, before + writers * per_writer + 1)
    )


def test_events_carry_the_request_id(api, dev_a):
    api().post(
        "/api/v1/auth/token/",
        {"email": dev_a.email, "password": "nope"},
        format="json",
        HTTP_X_REQUEST_ID="req-1234567890",
    )
    assert AuditEvent.objects.get(action="account.login_failed").request_id == "req-1234567890"


def test_audit_api_filters(api, admin, dev_a):
    write(2, actor=dev_a, action="widget.made")
    write(1, action="widget.broken")
    client = api(admin)
    assert client.get("/api/v1/audit-events/", {"action": "widget.made"}).json()["count"] == 2
    by_actor = client.get("/api/v1/audit-events/", {"actor": dev_a.email}).json()
    assert {e["action"] for e in by_actor["results"]} == {"widget.made"}
    one = client.get("/api/v1/audit-events/", {"target_type": "thing", "target_id": "0"}).json()
    assert one["count"] == 2
    first = one["results"][0]
    assert set(first) >= {
        "id",
        "at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "data",
        "prev_hash",
        "hash",
    }
    future = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get("/api/v1/audit-events/", {"since": future}).json()["count"] == 0
    assert client.get("/api/v1/audit-events/", {"until": future}).json()["count"] >= 3
    assert client.get("/api/v1/audit-events/", {"since": "yesterday"}).status_code == 400
