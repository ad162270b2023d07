"""The developer's home: what waits for them, their applications by status, their grants'
use against the limits, their keys. Read only; a handful of queries whatever the numbers.

The access reviews (reviews.GrantReview) and the comments (reviews.Comment) are reached
through their reverse relations (grant.reviews, application.comments): approvals does not
import reviews."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from approvals import access
from approvals.keys.usage import used_in_period_many
from approvals.models import Application, Grant

from . import reading

S = Application.Status
GRANT_EXPIRY_WARNING = timedelta(days=30)
ASKING = (S.IN_REVIEW, S.CHANGES_REQUESTED)  # where a reviewer's question waits for an answer


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


def todos(user, applications: list[Application], grants: list[Grant], now: datetime) -> list[Todo]:
    found: list[Todo] = []
    asking = [a for a in applications if a.status in ASKING]
    unread = reading.unread_counts(user, asking)
    for a in asking:
        last = a.comments.order_by("-created_at", "-pk").select_related("author").first()
        unanswered = (
            last is not None
            and not a.organization.memberships.filter(user_id=last.author_id).exists()
        )
        if unread.get(a.pk) or unanswered:
            found.append(
                Todo(
                    "question",
                    f"A reviewer asked a question about \u201c{a.title}\u201d: answer it.",
                    f"/portal/applications/{a.pk}/#comments",
                    last.created_at if last else None,
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
    for grant in grants:
        for key in grant.keys.all():
            if key.revoked_at is None and key.expires_at and key.expires_at > now:
                found.append(
                    Todo(
                        "key_grace",
                        f"Key \u201c{key.name}\u201d was rotated and stops working at "
                        f"{key.expires_at:%Y-%m-%d %H:%M} UTC: switch to its new key.",
                        f"/portal/grants/{grant.pk}/",
                        key.expires_at,
                    )
                )
        if grant.status == Grant.Status.ACTIVE and grant.expires_at - now < GRANT_EXPIRY_WARNING:
            found.append(
                Todo(
                    "grant_expiry",
                    f"The grant for \u201c{grant.application.title}\u201d expires on "
                    f"{grant.expires_at:%Y-%m-%d}: apply again in time to keep access.",
                    f"/portal/grants/{grant.pk}/",
                    grant.expires_at,
                )
            )
        for review in grant.reviews.filter(status="open", kind="campaign"):
            due = f" by {review.due_at:%Y-%m-%d}" if review.due_at else ""
            found.append(
                Todo(
                    "access_review",
                    f"The grant for \u201c{grant.application.title}\u201d is in an access "
                    f"review{due}: reviewers re-certify it; if nobody does in time it is "
                    "suspended. Make sure its use still matches the application.",
                    f"/portal/grants/{grant.pk}/",
                    review.due_at,
                )
            )
    return found


def dashboard(user) -> dict:
    now = timezone.now()
    applications = list(
        access.applications_visible_to(user).select_related("organization").order_by("-created_at")
    )
    counts = {status: 0 for status in S.values}
    for a in applications:
        counts[a.status] += 1
    live = Q(keys__revoked_at__isnull=True) & (
        Q(keys__expires_at__isnull=True) | Q(keys__expires_at__gt=now)
    )
    grants = list(
        access.grants_visible_to(user)
        .select_related("application")
        .prefetch_related("keys")
        .annotate(active_keys=Count("keys", filter=live))
        .order_by("-created_at")
    )
    used = used_in_period_many([g.pk for g in grants], _month_start(now), now)
    return {
        "todos": todos(user, applications, grants, now),
        "status_counts": [(s, S(s).label, counts[s]) for s in S.values if counts[s]],
        "application_count": len(applications),
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
