"""The review queue: what a reviewer may decide, most urgent first."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from approvals.models import Application

from . import eligibility
from .models import Decision


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


def items_for(reviewer, *, route=None, domain=None, older_than_hours=None, claimed=None):
    """Applications in review this reviewer may decide and has not decided yet: never their
    own organization's, never in a domain they opted out of, escalations for admins only.
    Items needing a specialist come first for the specialists; then the oldest SLA."""
    candidates = (
        Application.objects.filter(status=Application.Status.IN_REVIEW)
        .select_related("claim", "organization")
        .annotate(
            latest_revision_id=Max("revisions__id"),  # revisions only grow
            waiting_since=Max("revisions__submitted_at"),
        )
        .order_by("sla_due_at", "pk")
    )
    if route:
        candidates = candidates.filter(route_name=route)
    if older_than_hours is not None:
        candidates = candidates.filter(
            updated_at__lte=timezone.now() - timedelta(hours=older_than_hours)
        )
    members_of = set(reviewer.memberships.values_list("organization_id", flat=True))
    decided = set(
        Decision.objects.filter(reviewer=reviewer).values_list("application_id", "revision_id")
    )
    approvals = _approvals_by_application(candidates)
    now, items = timezone.now(), []
    for application in candidates:
        if eligibility.refusal(reviewer, application, member_org_ids=members_of):
            continue
        if domain and domain not in application.flagged_domains:
            continue
        if (application.pk, application.latest_revision_id) in decided:
            continue
        held = getattr(application, "claim", None)
        if claimed is not None and bool(held) != claimed:
            continue
        needs = eligibility.needs_specialist(application, approvals.get(application.pk, []))
        items.append(
            Item(
                application=application,
                needs_specialist=needs,
                for_my_specialty=needs and eligibility.is_specialist_for(reviewer, application),
                claimed_by=held.reviewer_id if held else None,
                overdue=bool(application.sla_due_at and application.sla_due_at < now),
                waited=now - (application.waiting_since or application.updated_at),
                due_in=(application.sla_due_at - now) if application.sla_due_at else None,
            )
        )
    items.sort(key=lambda item: not item.for_my_specialty)  # stable: SLA order kept within
    return items


def _approvals_by_application(applications) -> dict[int, list[Decision]]:
    """Approvals of each application's latest revision (earlier revisions' do not count)."""
    latest = {a.pk: a.latest_revision_id for a in applications}
    by_application: dict[int, list[Decision]] = {}
    for decision in Decision.objects.filter(
        revision_id__in=latest.values(), decision=Decision.Kind.APPROVE
    ):
        by_application.setdefault(decision.application_id, []).append(decision)
    return by_application


def counts_by_route(items: list[Item]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.application.route_name] = counts.get(item.application.route_name, 0) + 1
    return counts
