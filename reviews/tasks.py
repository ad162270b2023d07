"""Celery tasks of the review queue: thin, taking ids; the services decide what happens and
make a repeated run harmless."""

from smtplib import SMTPException

from celery import shared_task

from . import campaign_mail, campaigns, claims, monitoring, notifications, policy_changes

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


# Access reviews (reviews/campaigns.py, reviews/campaign_mail.py).


@shared_task(name="reviews.campaigns_due")
def campaigns_due() -> dict[str, int]:
    """Periodic: reminders before due dates, then the campaigns whose due date passed."""
    return {"reminded": campaigns.campaign_remind(), "lapsed": campaigns.campaign_close_due()}


@shared_task(name=campaigns.START_TASK)
def start_scheduled_campaign(name: str, due_days: int) -> int:
    """Run by beat from an administrator's schedule (django-celery-beat)."""
    return campaigns.scheduled_start(name=name, due_days=due_days).pk


@shared_task(name="reviews.send_grant_review_mail", **MAIL_RETRY)
def send_grant_review_mail(item_id: int) -> int:
    return campaign_mail.send_grant_review_mail(item_id)


@shared_task(name="reviews.sweep_grant_mail")
def sweep_grant_mail() -> int:
    """Periodic: mails about changed grants that never went out are sent."""
    return campaign_mail.grant_mail_sweep()


@shared_task(name="reviews.send_campaign_reminder_mail", **MAIL_RETRY)
def send_campaign_reminder_mail(campaign_id: int) -> int:
    return campaign_mail.send_campaign_reminder_mail(campaign_id)


@shared_task(name="reviews.send_campaign_closed_mail", **MAIL_RETRY)
def send_campaign_closed_mail(campaign_id: int) -> int:
    return campaign_mail.send_campaign_closed_mail(campaign_id)


# Policy changes (reviews/policy_changes.py).


@shared_task(name="reviews.rescreen_grants", acks_late=True)
def rescreen_grants() -> dict:
    """On commit of a publication, and periodically (so that publications made elsewhere,
    e.g. on the admin site, are caught): re-screens the active grants under the current
    policy unless that was done. Takes no id: the latest version's run covers older ones."""
    run = policy_changes.rescreen_pending()
    return {"policy": run.policy.number, **run.counts}


# Monitoring for anomalous use (reviews/monitoring.py).


@shared_task(name="reviews.monitor_usage")
def monitor_usage() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE "monitor-usage"): flags each finding once per window."""
    return monitoring.monitor_usage()


@shared_task(name="reviews.send_suspension_mail", **MAIL_RETRY)
def send_suspension_mail(flag_id: int) -> int:
    return monitoring.send_suspension_mail(flag_id)
