"""The developer's home: what waits for them, their applications by status, their newest
grants' use against the limits, their keys. Read only; a handful of queries whatever the
numbers (counts capped at 1,000, at most GRANTS_SHOWN grants, TODO_LIMIT to-dos a kind).

The access reviews (reviews.GrantReview) and the comments (reviews.Comment) are reached
through their reverse relations (grant.reviews, application.comments): approvals does not
import reviews."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Membership
from accounts.paging import capped_count, count_label
from approvals import access
from approvals.keys.services import active_key_count
from approvals.keys.usage import used_in_period_many
from approvals.models import Application, Grant, ProductionKey

from . import reading

S = Application.Status
GRANT_EXPIRY_WARNING = timedelta(days=30)
ASKING = (S.IN_REVIEW, S.CHANGES_REQUESTED)  # where a reviewer's question waits for an answer
GRANTS_SHOWN = 10  # the newest grants, with their use this month; the grants page has all
TODO_LIMIT = 20  # of each kind of to-do


@dataclass(frozen=True)
class Todo:
    kind: str  # question | changes | key_grace | grant_expiry | access_review
    text: str
    link: str  # a path
    at: datetime | None = None


@dataclass(frozen=True)
class GrantUse:
    grant: Grant
    active_keys: int
    month_tokens: int
    peak_rpm: int
    refused: int

    def _share(self, used: int, limit: int) -> int:
        return min(100, round(100 * used / limit)) if limit else 0

    @property
    def tokens_share(self) -> int:
        return self._share(self.month_tokens, self.grant.limits.get("monthly_tokens", 0))

    @property
    def rpm_share(self) -> int:
        return self._share(self.peak_rpm, self.grant.limits.get("requests_per_minute", 0))


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _related(model, name: str):
    """The model behind a reverse relation (reviews' Comment and GrantReview): approvals does
    not import reviews."""
    return model._meta.get_field(name).related_model


def todos(user, applications, grants, now: datetime) -> list[Todo]:
    """What waits for the developer, at most TODO_LIMIT of each kind, in a few queries
    whatever the numbers: `applications` and `grants` are the querysets they may see."""
    found: list[Todo] = []
    comment = _related(Application, "comments")
    last = comment.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    asking = list(
        applications.filter(status__in=ASKING)
        .annotate(
            last_author=Subquery(last.values("author_id")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
        )
        .annotate(
            answered=Exists(
                Membership.objects.filter(
                    organization=OuterRef("organization"), user=OuterRef("last_author")
                )
            )
        )
        .order_by("-created_at", "-pk")[:TODO_LIMIT]
    )
    unread = reading.unread_counts(user, asking)
    for a in asking:
        if unread.get(a.pk) or (a.last_author is not None and not a.answered):
            found.append(
                Todo(
                    "question",
                    f"A reviewer asked a question about \u201c{a.title}\u201d: answer it.",
                    f"/portal/applications/{a.pk}/#comments",
                    a.last_at,
                )
            )
        if a.status == S.CHANGES_REQUESTED:
            found.append(
                Todo(
                    "changes",
                    f"Reviewers asked for changes to \u201c{a.title}\u201d: edit it and submit "
                    "it again.",
                    f"/portal/applications/{a.pk}/",
                )
            )
    in_grace = ProductionKey.objects.filter(
        grant__in=grants, revoked_at__isnull=True, expires_at__gt=now
    ).order_by("expires_at", "pk")[:TODO_LIMIT]
    for key in in_grace:
        found.append(
            Todo(
                "key_grace",
                f"Key \u201c{key.name}\u201d was rotated and stops working at "
                f"{key.expires_at:%Y-%m-%d %H:%M} UTC: switch to its new key.",
                f"/portal/grants/{key.grant_id}/",
                key.expires_at,
            )
        )
    expiring = grants.filter(
        status=Grant.Status.ACTIVE, expires_at__lt=now + GRANT_EXPIRY_WARNING
    ).select_related("application")
    for grant in expiring.order_by("expires_at", "pk")[:TODO_LIMIT]:
        found.append(
            Todo(
                "grant_expiry",
                f"The grant for \u201c{grant.application.title}\u201d expires on "
                f"{grant.expires_at:%Y-%m-%d}: apply again in time to keep access.",
                f"/portal/grants/{grant.pk}/",
                grant.expires_at,
            )
        )
    reviews = _related(Grant, "reviews").objects.filter(
        grant__in=grants, status="open", kind="campaign"
    )
    for review in reviews.select_related("grant__application").order_by("pk")[:TODO_LIMIT]:
        due = f" by {review.due_at:%Y-%m-%d}" if review.due_at else ""
        found.append(
            Todo(
                "access_review",
                f"The grant for \u201c{review.grant.application.title}\u201d is in an access "
                f"review{due}: reviewers re-certify it; if nobody does in time it is "
                "suspended. Make sure its use still matches the application.",
                f"/portal/grants/{review.grant_id}/",
                review.due_at,
            )
        )
    return found


def dashboard(user) -> dict:
    """Bounded whatever the numbers: counts stop at 1,000, the newest GRANTS_SHOWN grants
    show their use (the grants page lists them all), each kind of to-do at most TODO_LIMIT."""
    now = timezone.now()
    applications = access.applications_visible_to(user)
    counts = {status: capped_count(applications.filter(status=status)) for status in S.values}
    visible = access.grants_visible_to(user)
    grants = list(
        visible.select_related("application")
        .annotate(active_keys=active_key_count(now))
        .order_by("-created_at", "-pk")[:GRANTS_SHOWN]
    )
    used = used_in_period_many([g.pk for g in grants], _month_start(now), now)
    grant_count = capped_count(visible)
    return {
        "todos": todos(user, applications, visible, now),
        "status_counts": [
            (s, S(s).label, count_label(*counts[s])) for s in S.values if counts[s][0]
        ],
        "application_count": count_label(*capped_count(applications)),
        "grant_count": count_label(*grant_count),
        "more_grants": grant_count[0] > len(grants),
        "grant_uses": [
            GrantUse(
                grant=g,
                active_keys=g.active_keys,
                month_tokens=used[g.pk].tokens,
                peak_rpm=used[g.pk].peak_requests_per_minute,
                refused=used[g.pk].scope_denied,
            )
            for g in grants
        ],
    }
