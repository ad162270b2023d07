"""The review queue: what a reviewer may decide, most urgent first."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts import paging
from approvals.models import Application
from approvals.routing import EXTRA_SCRUTINY, ROUTE_NAMES

from . import eligibility
from .models import Claim, Decision

PAGE_SIZE = 50


@dataclass
class Item:
    application: Application
    needs_specialist: bool
    for_my_specialty: bool
    claimed_by: int | None
    overdue: bool
    waited: timedelta  # since the revision under review was submitted
    due_in: timedelta | None  # until the SLA's due time; negative once overdue

    @property
    def waited_label(self) -> str:
        return duration(self.waited)

    @property
    def due_label(self) -> str:
        if self.due_in is None:
            return ""
        if self.due_in < timedelta(0):
            return f"overdue by {duration(-self.due_in)}"
        return f"due in {duration(self.due_in)}"


def duration(delta: timedelta) -> str:
    """A person's reading of a span: "12 min", "3 h", "2 d" (rounded down)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def reviewable(reviewer, *, route=None, domain=None, older_than_hours=None, claimed=None):
    """Applications in review this reviewer may decide and has not decided yet (never their
    own organization's, never in a domain they opted out of, escalations for admins only),
    with the filters: one queryset, no order."""
    rows = eligibility.reviewable(reviewer)
    if route:
        rows = rows.filter(route_name=route)
    if domain:
        rows = rows.filter(flagged_domains__overlaps=[domain])
    if older_than_hours is not None:
        rows = rows.filter(updated_at__lte=timezone.now() - timedelta(hours=older_than_hours))
    if claimed is not None:
        held = Exists(Claim.objects.filter(application=OuterRef("pk")))
        rows = rows.filter(held if claimed else ~held)
    return rows


def tiers(reviewer, rows) -> list:
    """`rows` split by rank, each read in SLA order: for a specialist, the items needing
    their specialty (rank 0), then the rest (rank 1)."""
    return [
        rows.filter(eligibility.for_specialty(reviewer)),
        rows.filter(eligibility.not_for_specialty(reviewer)),
    ]


ORDER = ("sla_due_at", "pk")  # within a rank; the queue's order is (rank, sla_due_at, pk)


def page(reviewer, *, cursor=None, size=None, **filters) -> paging.Page:
    """A page of the queue, most urgent first, as Items: a query per rank it reaches, and
    one for the approvals that say whether an extra-scrutiny item still needs a specialist."""
    shown = (
        reviewable(reviewer, **filters)
        .select_related("claim", "organization")
        .annotate(waiting_since=F("current_revision__submitted_at"))
    )
    found = paging.keyset_tiers(
        tiers(reviewer, shown), order=ORDER, cursor=cursor, size=size or PAGE_SIZE
    )
    scrutinised = [a.current_revision_id for a in found if a.route_name == EXTRA_SCRUTINY]
    approved = set(
        Decision.objects.filter(
            revision_id__in=scrutinised, decision=Decision.Kind.APPROVE, as_specialist=True
        ).values_list("application_id", flat=True)
        if scrutinised
        else ()
    )
    now = timezone.now()
    items = [_item(a, a.pk in approved, now) for a in found]
    return paging.Page(items, found.next_cursor, found.previous_cursor)


def _item(application: Application, specialist_approved: bool, now) -> Item:
    held = getattr(application, "claim", None)
    needs = application.route_name == EXTRA_SCRUTINY and not specialist_approved
    return Item(
        application=application,
        needs_specialist=needs,
        for_my_specialty=application.rank == 0,
        claimed_by=held.reviewer_id if held else None,
        overdue=application.sla_due_at < now,
        waited=now - (application.waiting_since or application.updated_at),
        due_in=application.sla_due_at - now,
    )


def counts_by_route(reviewer, **filters) -> dict[str, tuple[int, bool]]:
    """(count, exact) per route of what the reviewer may decide with these filters: exact up
    to paging.COUNT_CAP, a lower bound beyond; at most COUNT_CAP + 1 rows read per route, in
    one query."""
    rows = reviewable(reviewer, **filters)
    mine = eligibility.routes_for(reviewer)
    by_route = {
        name: rows.filter(route_name=name) if name in mine else rows.none() for name in ROUTE_NAMES
    }
    return paging.capped_counts(by_route, cap=paging.COUNT_CAP)
