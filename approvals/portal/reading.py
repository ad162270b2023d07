"""Who has read how much of an application's conversation (ReadMark): the portal and the
review pages mark it when they show the comments, and show what is new to the reader.

Comments are reached through their reverse relation (application.comments): approvals does
not import reviews.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.paging import capped_count, count_label, page_for
from approvals.models import Application, ReadMark
from audit.services import record


def read_at(user, application: Application) -> datetime | None:
    mark = ReadMark.objects.filter(user=user, application=application).first()
    return mark.read_at if mark else None


def unread(user, application: Application, since: datetime | None):
    """The comments by others after `since` (all of them when the reader never looked)."""
    comments = application.comments.exclude(author=user)
    return comments.filter(created_at__gt=since) if since else comments


@transaction.atomic
def mark_read(*, user, application: Application, upto: datetime | None = None) -> datetime | None:
    """Moves the reader's mark to `upto` (now), never back; returns where it was. Reading
    comments one had not seen is audited (who saw the question, when); a look with nothing new
    writes nothing."""
    upto = upto or timezone.now()
    mark = ReadMark.objects.select_for_update().filter(user=user, application=application).first()
    before = mark.read_at if mark else None
    if before and before >= upto:
        return before
    seen = list(
        unread(user, application, before).filter(created_at__lte=upto).values_list("pk", flat=True)
    )
    if not seen:
        return before
    # Two tabs opening the page at once: update_or_create settles the race for the row.
    ReadMark.objects.update_or_create(
        user=user, application=application, defaults={"read_at": upto}
    )
    record(
        actor=user,
        action="comment.read",
        target_type="application",
        target_id=application.pk,
        data={"comments": seen},
    )
    return before


COMMENTS_PER_PAGE = 50
COMMENT_PAGES = ("-created_at", "-pk")  # the latest page first; each page reads oldest first


def conversation(request, application: Application) -> dict:
    """The comments a page shows: marks the conversation read, then the latest 50 (or the
    page `?cursor=` names), oldest first, with links to earlier and later ones; which of them
    are new to the reader, and how many are new in all (capped: "1,000+")."""
    user = request.user
    since = mark_read(user=user, application=application)
    page, pager = page_for(
        request,
        application.comments.select_related("author"),
        order=COMMENT_PAGES,
        size=COMMENTS_PER_PAGE,
    )
    shown = list(reversed(page.items))
    new = unread(user, application, since)
    return {
        "comments_shown": shown,
        "comments_pager": pager,
        "new_ids": set(new.filter(pk__in=[c.pk for c in shown]).values_list("pk", flat=True)),
        "new_count": count_label(*capped_count(new)),
    }


def unread_counts(user, applications) -> dict[int, int]:
    """Comments new to `user` per application, in one query."""
    mark = ReadMark.objects.filter(user=user, application=OuterRef("pk")).values("read_at")[:1]
    rows = (
        Application.objects.filter(pk__in=[a.pk for a in applications])
        .annotate(mark=Subquery(mark))
        .annotate(
            new=Count(
                "comments",
                filter=~Q(comments__author=user)
                & (Q(mark__isnull=True) | Q(comments__created_at__gt=F("mark"))),
            )
        )
        .values_list("pk", "new")
    )
    return {pk: new for pk, new in rows}
