from celery import shared_task
from django.conf import settings

from approvals.policy.classifier import versions as classifiers

from . import lifecycle


@shared_task(
    name="approvals.screen_application",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def screen_application(application_id: int) -> None:
    lifecycle.application_screen(application_id=application_id)


@shared_task(name="approvals.sweep_submitted")
def sweep_submitted() -> int:
    """Screens applications left in `submitted` (their task was lost or never queued)."""
    ids = lifecycle.stuck_submitted_ids(older_than_seconds=settings.APPROVALS_SWEEP_AFTER_SECONDS)
    for application_id in ids:
        lifecycle.application_screen(application_id=application_id)
    return len(ids)


@shared_task(name="approvals.train_classifier")
def train_classifier() -> int:
    """The optional monthly retraining (CLASSIFIER_RETRAIN_MONTHLY): a draft, never published
    without an administrator."""
    return classifiers.classifier_train(actor=None, notes="Monthly retraining").number
