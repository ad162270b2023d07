"""The aggregate queries behind the transparency report. Each takes a period (anything with
`start` and `end`, aware datetimes) and returns grouped rows: a few hundred at most, whatever
the number of applications. The cohort is the applications received in the period: their
first revision was submitted in it."""

from datetime import timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncMonth

from approvals.models import Application, Domain, Revision
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION
from reviews.models import AnomalyFlag, Decision, GrantReview, SlaNotice

S = Application.Status
NO_DOMAIN = "(none)"
AUTO_REJECTED = "auto_rejected"


def without_jit() -> None:
    """PostgreSQL's JIT compiles these aggregates of many expressions for longer than they
    run (at 100,000 applications: 4.2 s of compiling for a 1.8 s query): off for this
    transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


class Median(Aggregate):
    """PostgreSQL's exact median of an interval or a number."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def received(period):
    """One row per application received in the period: its first revision."""
    return Revision.objects.filter(
        number=1, submitted_at__gte=period.start, submitted_at__lt=period.end
    ).annotate(month=TruncMonth("submitted_at", output_field=DateField()))


def of_application(model, **lookups):
    return model.objects.filter(application=OuterRef("application_id"), **lookups)


def last_decision_at():
    return Subquery(
        of_application(Decision).order_by("-created_at").values("created_at")[:1],
        output_field=DateTimeField(),
    )


def in_domain(slug: str) -> Q:
    if slug == NO_DOMAIN:
        return Q(application__flagged_domains=[])
    if connection.vendor == "postgresql":
        return Q(application__flagged_domains__contains=[slug])
    # Without JSON containment (SQLite), the slug in quotes matches only itself in the list.
    return Q(application__flagged_domains__icontains=f'"{slug}"')


def domains() -> list[tuple[str, str, str]]:
    """(slug, name, kind) of every domain any policy version named, as the newest one names
    it; prohibited first."""
    named: dict[str, tuple[str, str]] = {}
    for slug, name, kind in Domain.objects.order_by("-policy__number").values_list(
        "slug", "name", "kind"
    ):
        named.setdefault(slug, (name, kind))
    found = [(slug, name, kind) for slug, (name, kind) in named.items()]
    return sorted(found, key=lambda d: (d[2] != "prohibited", d[0]))


# Automated escalations: which revisions count, by route (see definitions.py).
AUTOMATED = {
    POLICY_ESCALATION: {"route__name": POLICY_ESCALATION},
    EXTRA_SCRUTINY: {"route__name": EXTRA_SCRUTINY, "content__domains": []},
}
OBJECTIONS = [Decision.Kind.REJECT, Decision.Kind.REQUEST_CHANGES]


def escalation_flags() -> dict:
    """Per application: whether each route escalated it automatically (in any revision) and
    whether a person objected to such a revision (rejected it or asked for changes)."""
    found = {}
    for route, lookups in AUTOMATED.items():
        on_revision = {f"revision__{k}": v for k, v in lookups.items()}
        found[f"{route}_escalated"] = Exists(of_application(Revision, **lookups))
        found[f"{route}_confirmed"] = Exists(
            of_application(Decision, decision__in=OBJECTIONS, **on_revision)
        )
    return found


def application_counts(period, slugs: list[str]) -> list[dict]:
    """Grouped by month, status and the escalation flags (a few hundred rows at most); a
    count per domain alongside. Grouping by the flags computes each once per application."""
    flagged = escalation_flags()
    per_domain = {f"d{n}": Count("pk", filter=in_domain(slug)) for n, slug in enumerate(slugs)}
    return list(
        received(period)
        .annotate(**flagged)
        .values("month", "application__status", *flagged)
        .annotate(n=Count("pk"), **per_domain)
        .order_by()
    )


def decided(period):
    """The applications received in the period and decided by now, each with `took` (first
    submission to final outcome) and `group` (the route of the version decided)."""
    latest = of_application(Revision).order_by("-number")
    decided_at = Case(
        When(
            application__status=S.AUTO_REJECTED,
            then=Subquery(latest.values("screened_at")[:1], output_field=DateTimeField()),
        ),
        default=last_decision_at(),
        output_field=DateTimeField(),
    )
    group = Case(
        When(application__status=S.AUTO_REJECTED, then=Value(AUTO_REJECTED)),
        default=Subquery(latest.annotate(name=KT("route__name")).values("name")[:1]),
        output_field=CharField(),
    )
    return (
        received(period)
        .filter(application__status__in=[S.APPROVED, S.REJECTED, S.AUTO_REJECTED])
        .annotate(
            took=ExpressionWrapper(decided_at - F("submitted_at"), output_field=DurationField()),
            group=group,
        )
    )


def decision_times(period) -> dict[str, tuple[int, float | None]]:
    """{route group: (decided, median seconds)}, with "all" for every decided application."""
    taken = decided(period)
    if connection.vendor != "postgresql":
        return median_by_offset(taken)
    rows = taken.values("group").annotate(n=Count("pk"), median=Median("took")).order_by()
    found = {row["group"]: (row["n"], _seconds(row["median"])) for row in rows}
    everything = taken.aggregate(n=Count("pk"), median=Median("took"))
    found["all"] = (everything["n"], _seconds(everything["median"]))
    return found


def _seconds(value) -> float | None:
    return None if value is None else value.total_seconds()


def median_by_offset(taken) -> dict[str, tuple[int, float | None]]:
    """The same medians without PERCENTILE_CONT (SQLite), from `decided(period)`: counts per
    group, then the middle one or two values of each, ordered and sliced by the database."""
    counts = {
        row["group"]: row["n"] for row in taken.values("group").annotate(n=Count("pk")).order_by()
    }
    counts["all"] = sum(counts.values())
    found: dict[str, tuple[int, float | None]] = {"all": (0, None)}
    for group, n in counts.items():
        if not n:
            continue
        scope = taken if group == "all" else taken.filter(group=group)
        took = scope.order_by("took").values_list("took", flat=True)
        middle = list(took[(n - 1) // 2 : n // 2 + 1])
        median = sum(middle, timedelta()).total_seconds() / len(middle) if middle else None
        found[group] = (n, median)
    return found


def sla_counts(period, now) -> list[dict]:
    # The last decision came after the deadline exactly when any decision did.
    after_due = Exists(of_application(Decision, created_at__gt=OuterRef("application__sla_due_at")))
    late_decided = Q(
        application__status__in=[S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED], after_due=True
    )
    late_open = Q(application__status=S.IN_REVIEW, application__sla_due_at__lt=now)
    notified = Exists(
        SlaNotice.objects.filter(
            revision__application=OuterRef("application_id"), kind=SlaNotice.Kind.BREACHED
        )
    )
    return list(
        received(period)
        .annotate(after_due=after_due, notified=notified)
        .values("month")
        .annotate(
            with_deadline=Count("pk", filter=Q(application__sla_due_at__isnull=False)),
            decided_late=Count("pk", filter=late_decided),
            open_late=Count("pk", filter=late_open),
            notified=Count("pk", filter=Q(notified=True)),
        )
        .order_by()
    )


def escalations(rows: list[dict]) -> dict[str, dict[str, int]]:
    found = {
        route: dict.fromkeys(("escalated", "confirmed", "approved_as_asked"), 0)
        for route in (*AUTOMATED, "all")
    }
    for row in rows:
        approved = row["application__status"] == S.APPROVED
        routes = [r for r in AUTOMATED if row[f"{r}_escalated"]]
        objected = any(row[f"{r}_confirmed"] for r in routes)
        for route, confirmed in [(r, row[f"{r}_confirmed"]) for r in routes] + (
            [("all", objected)] if routes else []
        ):
            found[route]["escalated"] += row["n"]
            found[route]["confirmed"] += row["n"] if confirmed else 0
            found[route]["approved_as_asked"] += row["n"] if approved and not confirmed else 0
    return found


def suspension_counts(period) -> dict:
    lapsed = GrantReview.objects.filter(status=GrantReview.Status.LAPSED).annotate(
        at=Coalesce("decided_at", "due_at")
    )
    flagged = AnomalyFlag.objects.filter(suspended=True).annotate(at=F("created_at"))
    found: dict = {}
    for cause, rows in (("by_campaign", lapsed), ("by_monitoring", flagged)):
        grouped = (
            rows.filter(at__gte=period.start, at__lt=period.end)
            .values(month=TruncMonth("at", output_field=DateField()))
            .annotate(n=Count("grant", distinct=True))
            .order_by()
        )
        for row in grouped:
            found.setdefault(row["month"], {})[cause] = row["n"]
    return found
