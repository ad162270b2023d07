"""Access-review campaigns: every active grant is re-certified by a due date.

An administrator starts one (or schedules one, e.g. quarterly); each grant active at the
start becomes an item, decided in reviews.access.grant_reviews. Reviewers and administrators are
reminded CAMPAIGN_REMINDER_HOURS before the due date; at the due date every item still open
lapses and suspends its grant (the holder's developers are told). Ending a campaign early says
what happens to the open items: suspend them as the due date would, or close them and leave
their grants as they are.
"""

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.errors import Conflict, InvalidInput, NotFound
from approvals import grants as grant_terms
from approvals.models import Grant
from audit.services import record
from reviews import notifications
from reviews.models import Campaign, GrantReview

S = GrantReview.Status
SUSPEND, KEEP = "suspend", "keep"  # what ending early does with open items
NAME_MAX = 120
START_TASK = "reviews.start_scheduled_campaign"
# When a scheduled campaign starts (minute hour day-of-month month day-of-week, UTC).
CADENCES = {
    "monthly": ("Monthly, on the 1st at 06:00 UTC", ("0", "6", "1", "*", "*")),
    "quarterly": (
        "Quarterly, on 1 January, April, July and October at 06:00 UTC",
        ("0", "6", "1", "1,4,7,10", "*"),
    ),
    "yearly": ("Yearly, on 1 January at 06:00 UTC", ("0", "6", "1", "1", "*")),
}


def campaign_start(*, actor, name: str, due_at: datetime, now: datetime | None = None) -> Campaign:
    """One item per grant active now (not past its expiry). Audited as one event naming the
    grants; the items' usage period is the CAMPAIGN_USAGE_DAYS before now."""
    now = now or timezone.now()
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = ["Name the campaign."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"At most {NAME_MAX} characters."]
    if due_at <= now + timedelta(hours=1):
        errors["due_at"] = ["The due date must be at least an hour from now."]
    if errors:
        raise InvalidInput("The campaign cannot start.", extra=errors)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name,
            due_at=due_at,
            created_by=actor,
            created_at=now,
            period_start=now - timedelta(days=settings.CAMPAIGN_USAGE_DAYS),
        )
        active = list(
            Grant.objects.filter(status=Grant.Status.ACTIVE, expires_at__gt=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        GrantReview.objects.bulk_create(
            GrantReview(
                grant_id=pk,
                campaign=campaign,
                kind=GrantReview.Kind.CAMPAIGN,
                reason=f"Access review \u201c{name}\u201d: re-certify by "
                f"{due_at:%Y-%m-%d %H:%M} UTC.",
                due_at=due_at,
                created_at=now,
            )
            for pk in active
        )
        record(
            actor=actor,
            actor_label="" if actor else "system",
            action="campaign.started",
            target_type="campaign",
            target_id=campaign.pk,
            data={
                "name": name,
                "due_at": due_at,
                "period_start": campaign.period_start,
                "grants": active,
            },
        )
    return campaign


def campaign_close_due(now: datetime | None = None) -> int:
    """Periodic: open campaigns past their due date close; their open items lapse and suspend
    their grants. Idempotent; returns how many items lapsed."""
    now = now or timezone.now()
    lapsed = 0
    for campaign_id in Campaign.objects.filter(
        status=Campaign.Status.OPEN, due_at__lte=now
    ).values_list("pk", flat=True):
        lapsed += _close(campaign_id, actor=None, how="due", open_items=SUSPEND, now=now)
    return lapsed


def campaign_end(*, actor, campaign: Campaign, open_items: str) -> int:
    """An administrator ends a campaign before its due date; `open_items` says what happens to
    the items still open: "suspend" (as at the due date) or "keep" (closed, grants unchanged).
    Returns how many items that touched."""
    if open_items not in (SUSPEND, KEEP):
        raise InvalidInput(
            "Say what happens to the open items.",
            extra={"open_items": [f"One of: {SUSPEND}, {KEEP}."]},
        )
    return _close(
        campaign.pk, actor=actor, how=open_items, open_items=open_items, now=timezone.now()
    )


def end_preview(campaign: Campaign) -> dict[str, int]:
    """What ending `campaign` now touches: its open items, and how many of their grants are
    active (those "suspend" suspends)."""
    open_items = campaign.items.filter(status=GrantReview.Status.OPEN)
    return {
        "open": open_items.count(),
        "active_grants": open_items.filter(grant__status=Grant.Status.ACTIVE).count(),
    }


def _close(campaign_id: int, *, actor, how: str, open_items: str, now: datetime) -> int:
    """Each item in its own transaction (a grant suspended is one state change, audited with
    it), then the campaign; a run cut short is finished by the next."""
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != Campaign.Status.OPEN:
        raise Conflict("This campaign is already closed.", code="campaign_closed")
    touched = 0
    for item_id in campaign.items.filter(status=S.OPEN).values_list("pk", flat=True):
        touched += _close_item(
            item_id, actor=actor, suspend=open_items == SUSPEND, campaign=campaign
        )
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status != Campaign.Status.OPEN:
            return touched  # another run closed it meanwhile
        campaign.status, campaign.closed_at, campaign.closed_how = Campaign.Status.CLOSED, now, how
        campaign.save(update_fields=["status", "closed_at", "closed_how"])
        summary = summary_of(campaign)
        record(
            actor=actor,
            actor_label="" if actor else "system",
            action="campaign.closed",
            target_type="campaign",
            target_id=campaign.pk,
            data={"how": how, "due_at": campaign.due_at, "items": summary},
        )
        transaction.on_commit(
            lambda: notifications.enqueue("send_campaign_closed_mail", campaign_id)
        )
    return touched


def _close_item(item_id: int, *, actor, suspend: bool, campaign: Campaign) -> int:
    with transaction.atomic():
        item = (
            GrantReview.objects.select_for_update(of=("self",))
            .select_related("grant")
            .filter(pk=item_id, status=S.OPEN)
            .first()
        )
        if item is None:  # decided a moment ago
            return 0
        grant = item.grant
        suspends = suspend and grant.status == Grant.Status.ACTIVE
        if suspends:
            grant_terms.grant_status_set(
                actor=actor,
                grant=grant,
                status="suspended",
                reason=f"Not re-certified in access review \u201c{campaign.name}\u201d by "
                f"{campaign.due_at:%Y-%m-%d %H:%M} UTC.",
            )
        item.status = S.LAPSED if suspend else S.CLOSED
        item.mail_due_at = timezone.now() if suspends else None
        item.save(update_fields=["status", "mail_due_at"])
        record(
            actor=actor,
            actor_label="" if actor else "system",
            action="grant_review.lapsed" if suspend else "grant_review.closed",
            target_type="grant_review",
            target_id=item.pk,
            data={"grant": grant.pk, "campaign": campaign.pk, "grant_suspended": suspends},
        )
        if suspends:
            transaction.on_commit(lambda: notifications.enqueue("send_grant_review_mail", item_id))
    return 1


def summary_of(campaign: Campaign) -> dict[str, int]:
    counts = dict.fromkeys(S.values, 0)
    counts.update(campaign.items.order_by().values_list("status").annotate(n=Count("pk")))
    return counts


def campaign_remind(now: datetime | None = None) -> int:
    """Periodic: once per campaign, CAMPAIGN_REMINDER_HOURS before its due date, the reviewers
    who may decide an open item and the administrators hear what is left. Returns how many
    campaigns were reminded."""
    now = now or timezone.now()
    reminded = 0
    soon = now + timedelta(hours=settings.CAMPAIGN_REMINDER_HOURS)
    for campaign_id in Campaign.objects.filter(
        status=Campaign.Status.OPEN, reminded_at__isnull=True, due_at__gt=now, due_at__lte=soon
    ).values_list("pk", flat=True):
        with transaction.atomic():
            campaign = (
                Campaign.objects.select_for_update(skip_locked=True)
                .filter(pk=campaign_id, reminded_at__isnull=True)
                .first()
            )
            if campaign is None:
                continue
            campaign.reminded_at = now
            campaign.save(update_fields=["reminded_at"])
            open_count = campaign.items.filter(status=S.OPEN).count()
            record(
                actor=None,
                actor_label="system",
                action="campaign.reminded",
                target_type="campaign",
                target_id=campaign.pk,
                data={"open_items": open_count, "due_at": campaign.due_at},
            )
            if open_count:
                transaction.on_commit(
                    lambda pk=campaign.pk: notifications.enqueue("send_campaign_reminder_mail", pk)
                )
            reminded += 1
    return reminded


# Scheduled campaigns: django-celery-beat rows that beat (DatabaseScheduler) reads.


def schedules():
    return PeriodicTask.objects.filter(task=START_TASK).select_related("crontab").order_by("name")


def schedule_create(*, actor, name: str, cadence: str, due_days: int) -> PeriodicTask:
    name = " ".join((name or "").split())
    errors = {}
    if not name or len(name) > NAME_MAX - 20:
        errors["name"] = [f"Name it, in at most {NAME_MAX - 20} characters."]
    if cadence not in CADENCES:
        errors["cadence"] = [f"One of: {', '.join(CADENCES)}."]
    if not isinstance(due_days, int) or not 1 <= due_days <= 90:
        errors["due_days"] = ["From 1 to 90 days."]
    if errors:
        raise InvalidInput("The schedule cannot be saved.", extra=errors)
    minute, hour, day, month, weekday = CADENCES[cadence][1]
    with transaction.atomic():
        if PeriodicTask.objects.filter(name=f"Access review: {name}").exists():
            raise Conflict(
                "A schedule with this name exists.",
                code="duplicate",
                extra={"name": ["Already scheduled."]},
            )
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day,
            month_of_year=month,
            day_of_week=weekday,
            timezone="UTC",
        )
        task = PeriodicTask.objects.create(
            name=f"Access review: {name}",
            task=START_TASK,
            crontab=crontab,
            kwargs=json.dumps({"name": name, "due_days": due_days}),
            description=CADENCES[cadence][0],
        )
        record(
            actor=actor,
            action="campaign.scheduled",
            target_type="campaign_schedule",
            target_id=task.pk,
            data={"name": name, "cadence": cadence, "due_days": due_days},
        )
    return task


def schedule_delete(*, actor, schedule_id: int) -> None:
    with transaction.atomic():
        task = (
            PeriodicTask.objects.select_for_update().filter(pk=schedule_id, task=START_TASK).first()
        )
        if task is None:
            raise NotFound("No such schedule.")
        record(
            actor=actor,
            action="campaign.unscheduled",
            target_type="campaign_schedule",
            target_id=task.pk,
            data={"name": task.name},
        )
        task.delete()


def scheduled_start(*, name: str, due_days: int, now: datetime | None = None) -> Campaign:
    """What beat runs: a campaign named after the schedule and the day it starts. A repeated
    delivery the same day starts nothing new."""
    now = now or timezone.now()
    full_name = f"{name} {now:%Y-%m-%d}"
    existing = Campaign.objects.filter(name=full_name).first()
    if existing is not None:
        return existing
    return campaign_start(
        actor=None, name=full_name, due_at=now + timedelta(days=due_days), now=now
    )


def get_campaign(pk: int) -> Campaign:
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise NotFound("No such access review.")
    return campaign
