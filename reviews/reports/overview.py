"""What an administrator sees first on signing in: how much waits in each review route, the
open access reviews and re-reviews, the policy and classifier in force, the audit chain."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.errors import NotFound
from approvals import routing
from approvals.models import Application
from approvals.policy.classifier.versions import current_classifier
from approvals.policy.versions import current_policy
from audit.verification import Status, verification_status
from reviews.models import Campaign, GrantReview

ROUTE_LABELS = {
    routing.STANDARD: "Standard",
    routing.EXTRA_SCRUTINY: "Extra scrutiny",
    routing.POLICY_ESCALATION: "Policy escalation",
}


@dataclass(frozen=True)
class RouteQueue:
    route: str
    label: str
    waiting: int
    overdue: int
    unclaimed: int


@dataclass(frozen=True)
class Overview:
    queues: list[RouteQueue]
    campaigns: list  # open campaigns, each with .open_items and .all_items
    rereviews: int  # open re-reviews outside campaigns (anomalies, policy changes)
    policy: object  # the published PolicyVersion in force, or None
    classifier: object  # the ClassifierVersion in force, or None
    chain: Status


def overview() -> Overview:
    now = timezone.now()
    counts = {
        row["route_name"]: row
        for row in Application.objects.filter(status=Application.Status.IN_REVIEW)
        .values("route_name")
        .annotate(
            waiting=Count("pk"),
            overdue=Count("pk", filter=Q(sla_due_at__lt=now)),
            unclaimed=Count("pk", filter=Q(claim__isnull=True)),
        )
    }
    queues = [
        RouteQueue(
            route=route,
            label=label,
            waiting=counts.get(route, {}).get("waiting", 0),
            overdue=counts.get(route, {}).get("overdue", 0),
            unclaimed=counts.get(route, {}).get("unclaimed", 0),
        )
        for route, label in ROUTE_LABELS.items()
    ]
    campaigns = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN)
        .annotate(
            all_items=Count("items"),
            open_items=Count("items", filter=Q(items__status=GrantReview.Status.OPEN)),
        )
        .order_by("due_at")
    )
    rereviews = GrantReview.objects.filter(
        status=GrantReview.Status.OPEN, campaign__isnull=True
    ).count()
    try:
        policy = current_policy()
    except NotFound:
        policy = None
    return Overview(
        queues=queues,
        campaigns=campaigns,
        rereviews=rereviews,
        policy=policy,
        classifier=current_classifier(),
        chain=verification_status(),
    )
