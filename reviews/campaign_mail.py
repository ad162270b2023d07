"""Mail about access reviews and re-reviews: the holder's developers hear when a decision or a
missed due date changes their grant; reviewers and administrators are reminded before a
campaign's due date; administrators get each campaign's outcome. Published on commit, sent by
Celery tasks (reviews/tasks.py) like the other review mail (reviews.notifications)."""

from accounts.models import Role, User

from . import grant_reviews, notifications
from .models import Campaign, GrantReview

S = GrantReview.Status
CHANGES = {  # what the developers' subject says, by the item's outcome
    S.LAPSED: "suspended: not re-certified in time",
    S.REVOKED: "revoked after review",
    S.REDUCED: "reduced after review",
    S.CERTIFIED: "reinstated after review",
}


def send_grant_review_mail(item_id: int) -> int:
    item = (GrantReview.objects.select_related("grant__application", "campaign")
            .filter(pk=item_id).first())
    if item is None or item.status not in CHANGES:
        return 0
    grant, application = item.grant, item.grant.application
    context = {
        "outcome": item.status, "change": CHANGES[item.status], "grant_id": grant.pk,
        "title": application.title, "kind": item.get_kind_display(),
        "campaign": item.campaign.name if item.campaign else "",
        "due_at": item.due_at, "rationale": item.rationale,
        "models": grant.model_names, "endpoints": grant.endpoints,
        "limits": notifications.limits_shown(grant.limits),
        "link": notifications.site(f"/portal/grants/{grant.pk}/"),
    }
    subject = f"Production access {CHANGES[item.status]}: grant #{grant.pk}"
    return notifications.send("grant_review", subject, context,
                              notifications.applicants(application))


def send_campaign_reminder_mail(campaign_id: int) -> int:
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.OPEN).first()
    if campaign is None:
        return 0
    open_items = campaign.items.filter(status=S.OPEN)
    staff = (User.objects.filter(is_active=True, role__in=[Role.REVIEWER, Role.ADMIN])
             .order_by("email"))
    recipients = [user.email for user in staff if user.role == Role.ADMIN
                  or grant_reviews.items_for(user, open_items)]
    context = {"name": campaign.name, "due_at": campaign.due_at,
               "open_items": open_items.count(),
               "link": notifications.site(f"/reviews/access-reviews/{campaign.pk}/")}
    return notifications.send("campaign_reminder",
                              f"Access review due soon: \u201c{campaign.name}\u201d",
                              context, recipients)


def send_campaign_closed_mail(campaign_id: int) -> int:
    from .campaigns import summary_of  # campaigns imports this module

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    summary = summary_of(campaign)
    context = {"name": campaign.name, "how": campaign.closed_how, "due_at": campaign.due_at,
               "rows": [(label, summary[value]) for value, label in S.choices],
               "link": notifications.site(f"/reviews/access-reviews/{campaign.pk}/")}
    return notifications.send("campaign_closed",
                              f"Access review closed: \u201c{campaign.name}\u201d",
                              context, notifications.admins())
