"""Verifications are recorded; the hourly one is incremental between daily full ones; an
administrator's request is a row first; the command and the API keep their contracts."""

import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import verification
from audit.chain import verify_chain, verify_chain_since
from audit.models import AuditEvent, ChainVerification
from audit.services import record
from audit.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db
Kind, Trigger = ChainVerification.Kind, ChainVerification.Trigger


def age(run, hours):
    ChainVerification.objects.filter(pk=run.pk).update(
        finished_at=timezone.now() - timedelta(hours=hours)
    )


def test_the_hourly_task_records_a_full_run_first_then_incremental_ones(write):
    write(3)
    assert verify_audit_chain() == {
        "ok": True,
        "events_checked": AuditEvent.objects.count(),
        "first_bad_id": None,
    }
    first = ChainVerification.objects.get()
    assert (first.kind, first.trigger, first.last_id) == (
        Kind.FULL,
        Trigger.SCHEDULE,
        AuditEvent.objects.count(),
    )
    assert first.duration is not None and first.started_at <= first.finished_at
    write(4)
    assert verify_audit_chain()["events_checked"] == 4
    latest = verification.latest_finished()
    assert (latest.kind, latest.last_id) == (Kind.INCREMENTAL, AuditEvent.objects.count())


def test_the_incremental_run_reads_only_the_new_events(write):
    write(5)
    verify_audit_chain()
    write(2)
    with CaptureQueriesContext(connection) as queries:
        verify_audit_chain()
    walked = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "audit_auditevent"' in q["sql"] and '"id" >' in q["sql"]
    ]
    assert walked and all(f'"id" > {AuditEvent.objects.count() - 2}' in sql for sql in walked)


def test_a_full_run_comes_back_once_the_last_full_one_is_a_day_old(write):
    write(2)
    full = verification.verification_run(trigger=Trigger.SCHEDULE)
    assert verification.scheduled_kind() == Kind.INCREMENTAL
    age(full, 25)
    assert verification.scheduled_kind() == Kind.FULL


def test_after_a_broken_run_the_next_one_is_full_and_still_broken(write, tamper):
    events = write(4)
    verify_audit_chain()
    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", '{"x": 1}', events[1].id)
    # The edit is before the checkpoint: only the full run sees it (within a day).
    assert verify_audit_chain()["ok"] is True
    assert verification.latest_finished().kind == Kind.INCREMENTAL
    assert call_command_fails(events[1].id)
    assert verification.scheduled_kind() == Kind.FULL
    assert verify_audit_chain()["first_bad_id"] == events[1].id


def call_command_fails(bad_id) -> bool:
    with pytest.raises(CommandError, match=f"broken at event {bad_id} ") as failed:
        call_command("verify_audit_chain")
    return failed.value.returncode == 1


def test_an_incremental_run_notices_its_starting_event_changed(write, tamper):
    events = write(3)
    good = verify_chain()
    tamper("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", events[-1].id)
    report = verify_chain_since(last_id=good.last_id, last_hash=good.last_hash)
    assert (report.ok, report.first_bad_id) == (False, events[-1].id)


def test_an_incremental_run_notices_the_newest_events_removed(write, tamper):
    write(2)
    good = verify_chain()
    events = write(3)
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", events[1].id)
    report = verify_chain_since(last_id=good.last_id, last_hash=good.last_hash)
    assert (report.ok, report.first_bad_id) == (False, events[1].id)


def test_the_command_records_its_run_and_can_be_incremental(write, capsys):
    write(2)
    call_command("verify_audit_chain")
    write(1)
    call_command("verify_audit_chain", "--incremental")
    assert "1 events checked (incremental" in capsys.readouterr().out
    assert list(ChainVerification.objects.order_by("pk").values_list("trigger", "kind")) == [
        (Trigger.COMMAND, Kind.FULL),
        (Trigger.COMMAND, Kind.INCREMENTAL),
    ]


def test_the_api_verify_keeps_its_contract_and_is_recorded(api, admin, write):
    write(2)
    body = api(admin).get("/api/v1/audit-events/verify/").json()
    contract = {key: body.pop(key) for key in ("ok", "events_checked", "first_bad_id")}
    assert contract == {
        "ok": True,
        "events_checked": AuditEvent.objects.count(),
        "first_bad_id": None,
    }
    # Added by issue 12.3, beside the contract's fields: what the chain is anchored with.
    assert set(body) == {
        "keyed",
        "keyed_events",
        "unkeyed_events",
        "digests_checked",
        "problem",
        "warnings",
    }
    run = ChainVerification.objects.get()
    assert (run.trigger, run.kind, run.requested_by) == (Trigger.API, Kind.FULL, admin)


def test_the_api_gives_the_last_verification_and_takes_a_request(
    api, admin, write, django_capture_on_commit_callbacks
):
    client = api(admin)
    assert client.get("/api/v1/audit-events/verification/").status_code == 404
    write(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/audit-events/verification/")
    assert response.status_code == 202 and response.json()["trigger"] == "admin"
    last = client.get("/api/v1/audit-events/verification/").json()
    assert (last["ok"], last["kind"], last["requested_by"]) == (True, "full", admin.email)


@pytest.mark.parametrize("persona", ["dev_a", "reviewer", "gateway"])
def test_only_administrators_see_or_request_verifications(request, api, persona):
    client = api(request.getfixturevalue(persona))
    assert client.get("/api/v1/audit-events/verification/").status_code == 403
    assert client.post("/api/v1/audit-events/verification/").status_code == 403


def test_a_request_the_broker_lost_is_run_by_the_hourly_task(admin, write, monkeypatch):
    write(1)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(verify_audit_chain, "apply_async", broker_down)
    with transaction.atomic():  # stands for the request's transaction: on_commit runs at its end
        requested = verification.verification_request(actor=admin)
    run = ChainVerification.objects.get(pk=requested.verification.pk)
    assert run.finished_at is None
    # Asked again while it waits: the same request.
    assert verification.verification_request(actor=admin).already_pending
    ChainVerification.objects.filter(pk=run.pk).update(
        requested_at=timezone.now() - timedelta(minutes=10)
    )
    verify_audit_chain()
    run.refresh_from_db()
    assert run.ok is True and run.trigger == Trigger.ADMIN


def test_running_a_request_twice_runs_it_once(admin, write):
    write(1)
    run = ChainVerification.objects.create(trigger=Trigger.ADMIN, requested_by=admin)
    verify_audit_chain(verification_id=run.pk)
    finished = ChainVerification.objects.get(pk=run.pk).finished_at
    verify_audit_chain(verification_id=run.pk)
    assert ChainVerification.objects.get(pk=run.pk).finished_at == finished


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_verification_during_appends_sees_one_consistent_chain():
    """The walk and the chain head come from one snapshot: events appended meanwhile are
    neither half-seen nor reported as a broken chain."""
    record(actor=None, action="race.seed", target_type="thing", target_id=0)
    stop, errors = threading.Event(), []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    record(actor=None, action="race.write", target_type="thing", target_id=1)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        reports = [verify_chain(chunk_size=5) for _ in range(15)]
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert all(r.ok for r in reports), [r for r in reports if not r.ok]
    assert reports[-1].events_checked > reports[0].events_checked


def test_a_request_that_keeps_failing_does_not_stop_the_hourly_run(admin, write, monkeypatch):
    write(1)
    stuck = ChainVerification.objects.create(
        trigger=Trigger.ADMIN, requested_by=admin, requested_at=timezone.now() - timedelta(hours=1)
    )

    def fails(*, verification_id):
        raise RuntimeError("worker died")

    monkeypatch.setattr(verification, "verification_perform", fails)
    assert verify_audit_chain()["ok"] is True
    assert ChainVerification.objects.get(pk=stuck.pk).finished_at is None
    assert verification.latest_finished().trigger == Trigger.SCHEDULE
