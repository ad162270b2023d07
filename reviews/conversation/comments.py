from django.db import transaction

from accounts.errors import InvalidInput
from approvals.models import Application
from audit.services import record
from reviews.models import Comment

from . import mail as comment_mail

BODY_MAX = 5000
ORDER = ("created_at", "pk")  # a conversation reads oldest first; the pk makes it total


@transaction.atomic
def comment_add(*, author, application: Application, body: str) -> Comment:
    """The caller has checked that the author may see the application (approvals.access)."""
    body = body.strip()
    if not body or len(body) > BODY_MAX:
        raise InvalidInput(
            "A comment needs 1 to 5000 characters.",
            code="invalid",
            extra={"body": [f"Write 1 to {BODY_MAX} characters."]},
        )
    comment = Comment.objects.create(application=application, author=author, body=body)
    record(
        actor=author,
        action="comment.added",
        target_type="application",
        target_id=application.pk,
        data={"comment": comment.pk},
    )
    # Mailed after the commit: a rolled-back comment is never announced.
    transaction.on_commit(lambda: comment_mail.enqueue_comment_mail(comment.pk))
    return comment


def shown_author(comment: Comment, viewer) -> str:
    """Applicants see "Reviewer", never a reviewer's identity."""
    members = comment.application.organization.memberships
    if viewer.role == "developer" and not members.filter(user_id=comment.author_id).exists():
        return "Reviewer"
    return comment.author.email


def shown_authors(page, viewer, application: Application) -> dict[int, str]:
    """shown_author for a page of one application's comments, in one query."""
    members = set(application.organization.memberships.values_list("user_id", flat=True))
    hidden = viewer.role == "developer"
    return {
        c.pk: "Reviewer" if hidden and c.author_id not in members else c.author.email for c in page
    }
