"""Celery tasks of access reviews, policy changes and monitoring: thin, taking ids; the
services decide what happens and make a repeated run harmless. Task names keep the "reviews."
prefix: beat's schedule and administrators' django-celery-beat rows name them."""

from celery import shared_task

from reviews.tasks import MAIL_RETRY

from . import campaigns, mail, monitoring, policy_changes

# Campaigns (campaigns.py, mail.py).


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
    return mail.send_grant_review_mail(item_id)


@shared_task(name="reviews.sweep_grant_mail")
def sweep_grant_mail() -> int:
    """Periodic: mails about changed grants that never went out are sent."""
    return mail.grant_mail_sweep()


@shared_task(name="reviews.send_campaign_reminder_mail", **MAIL_RETRY)
def send_campaign_reminder_mail(campaign_id: int) -> int:
    return mail.send_campaign_reminder_mail(campaign_id)


@shared_task(name="reviews.send_campaign_closed_mail", **MAIL_RETRY)
def send_campaign_closed_mail(campaign_id: int) -> int:
    return mail.send_campaign_closed_mail(campaign_id)


# Policy changes (policy_changes.py).


@shared_task(name="reviews.rescreen_grants", acks_late=True)
def rescreen_grants() -> dict:
    """On commit of a publication, and periodically (so that publications made elsewhere,
    e.g. on the admin site, are caught): re-screens the active grants under the current
    policy unless that was done. Takes no id: the latest version's run covers older ones."""
    run = policy_changes.rescreen_pending()
    return {"policy": run.policy.number, **run.counts}


# Monitoring for anomalous use (monitoring.py).


@shared_task(name="reviews.monitor_usage")
def monitor_usage() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE "monitor-usage"): flags each finding once per window."""
    return monitoring.monitor_usage()


@shared_task(name="reviews.send_suspension_mail", **MAIL_RETRY)
def send_suspension_mail(flag_id: int) -> int:
    return monitoring.send_suspension_mail(flag_id)
