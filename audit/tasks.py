import logging

from celery import shared_task

from .chain import verify_chain

log = logging.getLogger(__name__)


@shared_task(name="audit.tasks.verify_audit_chain")
def verify_audit_chain() -> dict:
    """Hourly (beat): a broken chain is logged at ERROR for the on-call to see."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at event %s", report.first_bad_id)
    return {"ok": report.ok, "events_checked": report.events_checked,
            "first_bad_id": report.first_bad_id}
