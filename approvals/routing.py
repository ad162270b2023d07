"""Turns a screening into a requirement: which queue, how many approvals, from whom, by when."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models

from approvals.policy import screening as s

STANDARD = "standard"
EXTRA_SCRUTINY = "extra_scrutiny"
POLICY_ESCALATION = "policy_escalation"
ROUTE_NAMES = (STANDARD, EXTRA_SCRUTINY, POLICY_ESCALATION)

# Application's, for the review queue (reviews/queue.py): in-review rows in SLA order (never
# NULL there), of every route or one; the route index covers what eligibility reads, so that
# a capped count is an index-only scan (PostgreSQL; elsewhere the include is left out).
IN_REVIEW = models.Q(status="in_review")
QUEUE_CONSTRAINTS = [
    models.CheckConstraint(
        condition=~IN_REVIEW | models.Q(sla_due_at__isnull=False), name="in_review_has_sla"
    )
]
QUEUE_INDEXES = [
    models.Index(fields=["status", "sla_due_at"]),
    models.Index(fields=["sla_due_at", "id"], condition=IN_REVIEW, name="application_queue_sla"),
    models.Index(
        fields=["route_name", "sla_due_at", "id"],
        include=["organization_id", "flagged_domains", "decided_by"],
        condition=IN_REVIEW,
        name="application_queue_route",
    ),
]

# The lists that grow without bound (accounts/paging.py keyset pages), beside the queue's:
# each list's order ends in the id, so that a page is one range of its index however deep.
APPLICATION_INDEXES = [  # newest first: everyone's (admins, reviewers), an organization's
    models.Index(fields=["created_at", "id"], name="apps_newest"),
    models.Index(fields=["organization", "created_at", "id"], name="apps_org_newest"),
]
GRANT_INDEXES = [  # newest first: everyone's (admins), an organization's
    models.Index(fields=["created_at", "id"], name="grant_newest"),
    models.Index(fields=["organization", "created_at", "id"], name="grant_org_newest"),
]
KEY_INDEXES = [models.Index(fields=["grant", "created_at", "id"], name="key_grant_newest")]


@dataclass(frozen=True)
class Route:
    name: str
    required_approvals: int
    specialist_domains: list[str]  # one approval must come from a specialist of one of these
    decided_by: str  # "reviewers" or "admins"
    sla_due_at: datetime

    def as_dict(self) -> dict:
        return {**asdict(self), "sla_due_at": self.sla_due_at.isoformat()}


def route_for(result: s.Screening, *, submitted_at: datetime) -> Route | None:
    """None when the policy itself rejects the application (a declared prohibited domain)."""
    if result.outcome == s.PROHIBITED_DECLARED:
        return None
    if result.outcome == s.PROHIBITED_SUSPECTED:
        name, approvals, decided_by, specialists = POLICY_ESCALATION, 1, "admins", []
    elif result.outcome == s.SCRUTINY:
        specialists = sorted({m.domain for m in result.matches if m.kind == s.EXTRA_SCRUTINY})
        name, approvals, decided_by = EXTRA_SCRUTINY, 2, "reviewers"
    else:
        name, approvals, decided_by, specialists = STANDARD, 1, "reviewers", []
    hours = settings.APPROVALS_SLA_HOURS[name]
    return Route(
        name=name,
        required_approvals=approvals,
        specialist_domains=specialists,
        decided_by=decided_by,
        sla_due_at=submitted_at + timedelta(hours=hours),
    )
