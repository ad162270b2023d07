"""Mail about access reviews and re-reviews: the holder's developers hear when a decision or a
missed due date changes their grant; reviewers and administrators are reminded before a
campaign's due date; administrators get each campaign's outcome. Published on commit, sent by
Celery tasks (reviews/access/tasks.py) like the other review mail (reviews.notifications)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from reviews import notifications
from reviews.models import AnomalyFlag, Campaign, GrantReview

from . import grant_reviews

S = GrantReview.Status
CHANGES = {  # what the developers' subject says, by the item's outcome
    S.LAPSED: "suspended: not re-certified in time",
    S.REVOKED: "revoked after review",
    S.REDUCED: "reduced after review",
    S.CERTIFIED: "reinstated after review",
}


def send_grant_review_mail(item_id: int) -> int:
    item = (
        GrantReview.objects.select_related("grant__application", "campaign")
        .filter(pk=item_id)
        .first()
    )
    if (
        item is None
        or item.status not in CHANGES
        or item.mail_due_at is None
        or item.mailed_at is not None
    ):
        return 0  # nothing owed, or a redelivered or repeated task: nothing twice
    grant, application = item.grant, item.grant.application
    context = {
        "outcome": item.status,
        "change": CHANGES[item.status],
        "grant_id": grant.pk,
        "title": application.title,
        "kind": item.get_kind_display(),
        "campaign": item.campaign.name if item.campaign else "",
        "due_at": item.due_at,
        "rationale": item.rationale,
        "models": grant.model_names,
        "endpoints": grant.endpoints,
        "limits": notifications.limits_shown(grant.limits),
        "link": notifications.site(f"/portal/grants/{grant.pk}/"),
    }
    subject = f"Production access {CHANGES[item.status]}: grant #{grant.pk}"
    sent = notifications.send(
        "access/grant_review", subject, context, notifications.applicants(application)
    )
    GrantReview.objects.filter(pk=item.pk, mailed_at__isnull=True).update(mailed_at=timezone.now())
    return sent


def grant_mail_sweep(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Publishes again the mails about changed grants that never went out (their task was
    lost, or never left because the broker was down): an item's outcome to the holder, a
    monitoring suspension to the organization and the admins. Returns how many."""
    now = timezone.now()
    recent = {"lt": now - older_than, "gt": now - timedelta(days=7)}
    items = list(
        GrantReview.objects.filter(
            mail_due_at__lt=recent["lt"], mail_due_at__gt=recent["gt"], mailed_at__isnull=True
        ).values_list("pk", flat=True)[:500]
    )
    flags = list(
        AnomalyFlag.objects.filter(
            suspended=True,
            mailed_at__isnull=True,
            created_at__lt=recent["lt"],
            created_at__gt=recent["gt"],
        ).values_list("pk", flat=True)[:500]
    )
    for item_id in items:
        notifications.enqueue("send_grant_review_mail", item_id)
    for flag_id in flags:
        notifications.enqueue("send_suspension_mail", flag_id)
    return len(items) + len(flags)


def send_campaign_reminder_mail(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.OPEN).first()
    if campaign is None:
        return 0
    open_items = campaign.items.filter(status=S.OPEN)
    staff = User.objects.filter(is_active=True, role__in=[Role.REVIEWER, Role.ADMIN]).order_by(
        "email"
    )
    recipients = [
        user.email
        for user in staff
        if user.role == Role.ADMIN or grant_reviews.items_for(user, open_items).exists()
    ]
    context = {
        "name": campaign.name,
        "due_at": campaign.due_at,
        "open_items": open_items.count(),
        "link": notifications.site(f"/reviews/access-reviews/{campaign.pk}/"),
    }
    return notifications.send(
        "access/campaign_reminder",
        f"Access review due soon: \u201c{campaign.name}\u201d",
        context,
        recipients,
    )


def send_campaign_closed_mail(campaign_id: int) -> int:
    from .campaigns import summary_of  # campaigns imports this module

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    summary = summary_of(campaign)
    context = {
        "name": campaign.name,
        "how": campaign.closed_how,
        "due_at": campaign.due_at,
        "rows": [(label, summary[value]) for value, label in S.choices],
        "link": notifications.site(f"/reviews/access-reviews/{campaign.pk}/"),
    }
    return notifications.send(
        "access/campaign_closed",
        f"Access review closed: \u201c{campaign.name}\u201d",
        context,
        notifications.admins(),
    )
