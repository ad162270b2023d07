from celery import shared_task

from . import verification


@shared_task(name="audit.tasks.verify_audit_chain")
def verify_audit_chain(verification_id: int | None = None) -> dict:
    """Hourly (beat) without arguments: an incremental or full run (see audit.verification),
    recorded for the audit page; a broken chain is logged at ERROR for the on-call to see.
    With an id: runs that administrator's request (idempotent on redelivery)."""
    if verification_id is None:
        run = verification.verification_scheduled()
    else:
        run = verification.verification_perform(verification_id=verification_id)
    return {"ok": run.ok, "events_checked": run.events_checked, "first_bad_id": run.first_bad_id}
