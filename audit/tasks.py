from celery import shared_task

from audit.anchor import digests

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


@shared_task(name="audit.tasks.write_audit_digest")
def write_audit_digest() -> dict:
    """Every 15 minutes (beat): a signed digest of the chain head into AUDIT_DIGEST_DIR,
    after checking what was appended since the last one (see audit.anchor.digests)."""
    digest = digests.digest_write()
    return {"written": digest is not None, "head_id": digest.head_id if digest else None}
