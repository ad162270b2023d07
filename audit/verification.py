"""Verifications of the chain: run, record, request, and what the audit page shows.

The hourly task checks only what was appended since the last good run (incremental), and the
whole chain when the last full check is older than AUDIT_FULL_VERIFICATION_HOURS (24 by
default) or anything looked wrong: an edit to an old event is found within that time, and
the hourly cost follows what was appended, not the length of the log. The management command
and the API's verify call always check the whole chain.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.anchor.digests import digests_read
from audit.anchor.keys import keyring

from .chain import GENESIS, verify_chain, verify_chain_since
from .models import ChainVerification

log = logging.getLogger(__name__)
Kind, Trigger = ChainVerification.Kind, ChainVerification.Trigger
# A request not picked up by a worker within this long is run by the hourly task instead.
REQUEST_STALE_AFTER = timedelta(minutes=5)


def full_verification_every() -> timedelta:
    return timedelta(hours=settings.AUDIT_FULL_VERIFICATION_HOURS)


def verification_run(
    *,
    trigger: str,
    kind: str = Kind.FULL,
    requested_by=None,
    verification: ChainVerification | None = None,
) -> ChainVerification:
    """Verifies the chain now and records the run (a new row, or the given pending one)."""
    run = verification or ChainVerification(trigger=trigger, requested_by=requested_by)
    start = last_good() if kind == Kind.INCREMENTAL else None
    run.kind = Kind.INCREMENTAL if start else Kind.FULL  # nothing good to start from: all
    run.started_at = timezone.now()
    ring = keyring()
    # Read before the walk's snapshot: every head they name was committed before it.
    digests = digests_read(ring)
    if start:
        report = verify_chain_since(
            last_id=start.last_id,
            last_hash=start.last_hash or GENESIS,
            ring=ring,
            anchors=digests.anchors,
        )
    else:
        report = verify_chain(ring=ring, anchors=digests.anchors)
    run.finished_at = timezone.now()
    run.duration = run.finished_at - run.started_at
    run.ok, run.events_checked, run.first_bad_id = (
        report.ok and not digests.problem,
        report.events_checked,
        report.first_bad_id,
    )
    run.last_id, run.last_hash = report.last_id, report.last_hash
    run.keyed_events, run.unkeyed_events = report.keyed_events, report.unkeyed_events
    run.digests_checked = len(digests.found)
    run.problem = (report.problem or digests.problem)[:500]
    run.save()
    if not run.ok:
        log.error(
            "audit chain broken at event %s (%s verification #%s): %s",
            run.first_bad_id,
            run.kind,
            run.pk,
            run.problem,
        )
    return run


def warnings(run: ChainVerification) -> list[str]:
    """What a sound verification still cannot vouch for, in words, for every report."""
    found = []
    if not settings.AUDIT_CHAIN_KEY:
        found.append(
            "AUDIT_CHAIN_KEY is not set: the chain is plain SHA-256, which whoever can write "
            "the database can recompute after editing an event."
        )
    elif run.unkeyed_events:
        found.append(
            f"{run.unkeyed_events} events from before AUDIT_CHAIN_KEY was set are plain "
            "SHA-256; the keyed events after them vouch for them."
        )
    if not settings.AUDIT_DIGEST_DIR:
        found.append(
            "AUDIT_DIGEST_DIR is not set: no digest of the chain head is kept outside the "
            "database, so deleting the newest events and rewinding the head goes unnoticed."
        )
    elif not run.digests_checked:
        found.append("No digest of the chain head has been written yet.")
    return found


def last_good() -> ChainVerification | None:
    latest = latest_finished()
    return latest if latest and latest.ok else None


def latest_finished(kind: str | None = None) -> ChainVerification | None:
    runs = ChainVerification.objects.exclude(finished_at=None)
    if kind:
        runs = runs.filter(kind=kind)
    return runs.order_by("-finished_at", "-pk").first()


def scheduled_kind() -> str:
    """Incremental after a good run while the last good full one is recent; full otherwise."""
    full = latest_finished(Kind.FULL)
    if last_good() is None or full is None or not full.ok:
        return Kind.FULL
    return (
        Kind.FULL
        if full.finished_at < timezone.now() - full_verification_every()
        else Kind.INCREMENTAL
    )


def verification_scheduled() -> ChainVerification:
    """The hourly run; it also runs any administrator's request that no worker picked up."""
    for stuck in pending().filter(requested_at__lt=timezone.now() - REQUEST_STALE_AFTER):
        try:
            verification_perform(verification_id=stuck.pk)
        except Exception:  # the scheduled run below must happen whatever this one does
            log.exception("chain verification %s failed; the hourly run goes on", stuck.pk)
    return verification_run(trigger=Trigger.SCHEDULE, kind=scheduled_kind())


def pending():
    return ChainVerification.objects.filter(finished_at=None)


@dataclass(frozen=True)
class Requested:
    verification: ChainVerification
    already_pending: bool


def verification_request(*, actor) -> Requested:
    """An administrator asks for a full verification now. The row is the request: the task
    runs it (at once with eager Celery), and if the broker is down the hourly task does."""
    existing = pending().order_by("requested_at").first()
    if existing is not None:
        return Requested(existing, already_pending=True)
    with transaction.atomic():
        run = ChainVerification.objects.create(
            trigger=Trigger.ADMIN, kind=Kind.FULL, requested_by=actor
        )
        transaction.on_commit(lambda: enqueue(run.pk))
    return Requested(run, already_pending=False)


def enqueue(verification_id: int) -> None:
    """Never raises or hangs the request (CELERY_BROKER_* bound the publish)."""
    try:  # by name: audit/tasks.py imports this module
        current_app.tasks["audit.tasks.verify_audit_chain"].apply_async(
            kwargs={"verification_id": verification_id}, retry=False
        )
    except Exception:  # any broker failure; the hourly task runs the request instead
        log.warning(
            "could not queue chain verification %s; the hourly run will do it", verification_id
        )


def verification_perform(*, verification_id: int) -> ChainVerification:
    """Runs a requested verification. Idempotent: a finished one is returned as it is."""
    run = ChainVerification.objects.get(pk=verification_id)
    if run.finished_at is not None:
        return run
    return verification_run(trigger=run.trigger, kind=run.kind, verification=run)


@dataclass(frozen=True)
class Status:
    """What the audit page says about the chain."""

    latest: ChainVerification | None
    latest_full: ChainVerification | None
    pending: ChainVerification | None
    stale: bool  # no run for longer than the hourly schedule explains


def verification_status() -> Status:
    latest = latest_finished()
    stale = latest is None or latest.finished_at < timezone.now() - timedelta(hours=2)
    return Status(
        latest=latest,
        latest_full=latest_finished(Kind.FULL),
        pending=pending().order_by("requested_at").first(),
        stale=stale,
    )
