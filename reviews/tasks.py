"""Celery tasks of the review queue: thin, taking ids; the services decide what happens and
make a repeated run harmless."""

from smtplib import SMTPException

from celery import shared_task

from . import claims, notifications
from .conversation import mail as comment_mail

# A mail server that is down or refusing for a while is retried with backoff, five times at
# most; anything else (a bug, a template error) fails at once instead of repeating.
MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name="reviews.send_decision_mail", **MAIL_RETRY)
def send_decision_mail(decision_id: int) -> int:
    return notifications.send_decision_mail(decision_id)


@shared_task(name="reviews.send_comment_mail", **MAIL_RETRY)
def send_comment_mail(comment_id: int) -> int:
    return comment_mail.send_comment_mail(comment_id)


@shared_task(name="reviews.sweep_comment_mail")
def sweep_comment_mail() -> int:
    """Periodic: comment mails that never went out are sent."""
    return comment_mail.comment_mail_sweep()


@shared_task(name="reviews.send_sla_mail", **MAIL_RETRY)
def send_sla_mail(notice_id: int) -> int:
    return notifications.send_sla_mail(notice_id)


@shared_task(name="reviews.notify_sla")
def notify_sla() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE): each notice once, however often it runs."""
    return notifications.sla_notify()


@shared_task(name="reviews.release_idle_claims")
def release_idle_claims() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): releases claims idle past REVIEW_CLAIM_IDLE_MINUTES."""
    return claims.release_idle()


@shared_task(name="reviews.sweep_decision_mail")
def sweep_decision_mail() -> int:
    """Periodic: decision mails that never went out are sent."""
    return notifications.decision_mail_sweep()
