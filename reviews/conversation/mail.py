"""Mail about comments, both ways: a reviewer's comment goes to the organization's developers,
a developer's reply to the reviewer who holds the claim (or else the last reviewer who
commented). Published after the commit of the comment; Comment.mailed_at is the outbox mark,
and comment_mail_sweep sends again what a broker outage lost. Developers read "Reviewer",
never who."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from approvals.models import Application
from audit.services import record
from reviews import notifications
from reviews.models import Claim, Comment


def is_applicant(comment: Comment) -> bool:
    return comment.application.organization.memberships.filter(user_id=comment.author_id).exists()


def recipients(comment: Comment) -> list[str]:
    application = comment.application
    if not is_applicant(comment):
        return [a for a in notifications.applicants(application) if a != comment.author.email]
    held = Claim.objects.filter(application=application).select_related("reviewer").first()
    if held and held.reviewer.is_active:
        return [held.reviewer.email]
    members = application.organization.memberships.values("user_id")
    last = (
        Comment.objects.filter(application=application, author__is_active=True)
        .exclude(author_id__in=members)
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )
    return [last.author.email] if last else []


def enqueue_comment_mail(comment_id: int) -> None:
    notifications.enqueue("send_comment_mail", comment_id)


def send_comment_mail(comment_id: int) -> int:
    """Sends one comment's mail once; returns how many were sent."""
    comment = Comment.objects.select_related("application", "author").filter(pk=comment_id).first()
    if comment is None or comment.mailed_at is not None:
        return 0
    application: Application = comment.application
    to_developers = not is_applicant(comment)
    context = {
        "application_id": application.pk,
        "title": application.title,
        "body": comment.body,
        "to_developers": to_developers,
        "author": "A reviewer" if to_developers else comment.author.email,
        "link": (
            notifications.portal_link(application.pk)
            if to_developers
            else notifications.review_link(application.pk)
        )
        + "#comments",
    }
    prefix = "New comment from a reviewer" if to_developers else "New reply from the developer"
    addresses = recipients(comment)
    sent = notifications.send(
        "comment", notifications.subject(prefix, application), context, addresses
    )
    with transaction.atomic():
        if Comment.objects.filter(pk=comment.pk, mailed_at__isnull=True).update(
            mailed_at=timezone.now()
        ):
            record(
                actor=None,
                action="comment.mailed",
                target_type="application",
                target_id=application.pk,
                data={
                    "comment": comment.pk,
                    "to": "developers" if to_developers else "reviewer",
                    "recipients": sent,
                },
                actor_label="mail",
            )
    return sent


def comment_mail_sweep(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Publishes again the comment mails not sent yet; returns how many."""
    pending = notifications.unmailed(Comment, older_than=older_than)
    for comment_id in pending:
        enqueue_comment_mail(comment_id)
    return len(pending)
