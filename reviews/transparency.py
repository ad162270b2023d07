"""The transparency report: the figures a provider would publish about its production-access
reviews over a period of whole months.

Every figure about applications follows one cohort: the applications *received* in the
period (their first revision was submitted in it), each counted in the month it was received
and by its outcome as it stands when the report is made. So a month's figures add up
(received = approved + rejected + auto-rejected + withdrawn + open), and recent months change
while their open applications are decided. Grant suspensions are counted in the month they
happened.

Every figure is an aggregate query (a handful per report, whatever the number of
applications); Python only arranges the grouped rows. Counts below `min_cell` (the setting
TRANSPARENCY_MIN_CELL) are suppressed before they leave this module: a small count in a
domain and month could identify an applicant.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
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
from django.utils import timezone

from accounts.errors import InvalidInput
from approvals.models import Application, Domain, Revision
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION, STANDARD

from .models import AnomalyFlag, Decision, GrantReview, SlaNotice

S = Application.Status
MAX_MONTHS = 60
DEFAULT_MONTHS = 12
NO_DOMAIN = "(none)"
AUTO_REJECTED = "auto_rejected"

# Outcome of a received application, by its status now; any other status is "open".
OUTCOME_OF = {S.APPROVED: "approved", S.REJECTED: "rejected", S.AUTO_REJECTED: AUTO_REJECTED,
              S.WITHDRAWN: "withdrawn"}
APPLICATION_COLUMNS = (
    ("received", "Received"), ("approved", "Approved"), ("rejected", "Rejected by reviewers"),
    (AUTO_REJECTED, "Rejected by policy"), ("withdrawn", "Withdrawn"), ("open", "Still open"),
    ("escalated", "Escalated"))
OUTCOME_SERIES = ("approved", "rejected", AUTO_REJECTED, "withdrawn", "open")
ROUTE_LABELS = {STANDARD: "Standard review", EXTRA_SCRUTINY: "Extra scrutiny",
                POLICY_ESCALATION: "Policy escalation", AUTO_REJECTED: "Rejected by policy",
                "all": "All decided applications"}

DEFINITIONS = {
    "applications": (
        "Applications received in the period: those whose first version was submitted in it, "
        "each counted in the month it was received and by its outcome today. Rejected by policy: "
        "the applicant declared a prohibited domain and the screening rejected it without review. "
        "Escalated: the screening found text suggesting a prohibited use and sent the "
        "application to administrators (a policy escalation); it is counted under its outcome "
        "as well. Still open: submitted, in review, or waiting for the applicant's changes."),
    "domains": (
        "An application counts under every policy domain it was flagged for: the domains the "
        "applicant declared and those the screening detected in its latest version. So one "
        "application can count in several domains; “(none)” is an application flagged for no "
        "domain."),
    "time_to_decision": (
        "From the submission of an application's first version to its final outcome: the "
        "screening that rejected it by policy, or the reviewer decision that approved it (the "
        "last approval required) or rejected it. Time the applicant took to make requested "
        "changes is included. Applications received in the period and decided by now; by the "
        "route the screening gave the version that was decided. The median: half took longer."),
    "sla": (
        "Each route has a deadline for the reviewers' answer (the SLA, set when an "
        "application enters review, reset by a resubmission or a cleared escalation). "
        "Decided late: the last reviewer decision (approval, rejection or a request for "
        "changes) came after the deadline of the application's latest round. Open late: still "
        "in review past it. Notified: administrators were sent a breach notice about it (one "
        "per version)."),
    "escalations": (
        "Automated escalations: applications that the screening sent to a policy escalation, "
        "or to extra scrutiny although the applicant declared no domain, because it detected "
        "a domain in their text. Confirmed: a person rejected that version or asked for "
        "changes to it. Approved as asked: approved with no person objecting to it. "
        "Undecided: still in review, or withdrawn. Confirmation rate: confirmed out of "
        "confirmed and approved as asked."),
    "suspensions": (
        "Grants suspended in each month: by an access-review campaign (its item was not "
        "reviewed by the due date) or by usage monitoring (an anomaly severe enough to suspend "
        "the grant). Distinct grants per month and cause."),
    "suppression": (
        "Counts below {floor} (other than 0) are shown as “<{floor}” and left blank in the "
        "downloads, as are medians and rates based on fewer than {floor} applications: a small "
        "count could identify an applicant. Totals are published as they are, so a suppressed "
        "count may sometimes be worked out from the others."),
}


class InvalidPeriod(InvalidInput):
    code = "invalid_period"


# --- the period ---------------------------------------------------------------------------

def _shift(month: date, months: int) -> date:
    n = month.year * 12 + month.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    first: date  # the first day of the first month
    last: date   # the first day of the last month

    @property
    def months(self) -> list[date]:
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1
        return [_shift(self.first, n) for n in range(count)]

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(_shift(self.last, 1), time.min,
                                tzinfo=timezone.get_current_timezone())

    @property
    def params(self) -> dict[str, str]:
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}


MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month(text: str, field: str) -> date:
    found = MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1970:
        raise InvalidPeriod(f"“{text}” is not a month: write it as YYYY-MM.",
                            extra={field: ["A month as YYYY-MM."]})
    return date(int(found[1]), int(found[2]), 1)


def period_of(*, start: str | None, end: str | None, today: date) -> Period:
    """The months from `start` to `end` (YYYY-MM, both included). Without `end`, up to this
    month; without `start`, the twelve months up to `end`."""
    last = _month(end, "to") if end else today.replace(day=1)
    first = _month(start, "from") if start else _shift(last, 1 - DEFAULT_MONTHS)
    if first > last:
        raise InvalidPeriod("The first month comes after the last.",
                            extra={"from": ["Not after “to”."]})
    period = Period(first, last)
    if len(period.months) > MAX_MONTHS:
        raise InvalidPeriod(f"A report covers at most {MAX_MONTHS} months.",
                            extra={"to": [f"At most {MAX_MONTHS} months after “from”."]})
    return period


def min_cell() -> int:
    """TRANSPARENCY_MIN_CELL: counts below it are suppressed (0 suppresses nothing)."""
    return max(0, int(getattr(settings, "TRANSPARENCY_MIN_CELL", 5)))


# --- what a table holds -------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """A count as published: `value` is None when it is suppressed."""

    value: int | None
    floor: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        return f"<{self.floor}" if self.value is None else f"{self.value:,}"


@dataclass(frozen=True)
class Span:
    """A median duration, in whole seconds; None when there is none or it is suppressed."""

    seconds: int | None
    suppressed: bool = False
    floor: int = 0

    @property
    def value(self) -> int | None:
        return self.seconds

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"<{self.floor} decided"
        if self.seconds is None:
            return "none decided"
        if self.seconds < 3600:
            return f"{self.seconds / 60:.0f} minutes"
        if self.seconds < 72 * 3600:
            return f"{self.seconds / 3600:.1f} hours"
        return f"{self.seconds / 86400:.1f} days"


@dataclass(frozen=True)
class Share:
    """A rate between 0 and 1, rounded to three places; None when there is none or its base
    is suppressed."""

    value: float | None
    suppressed: bool = False
    floor: int = 0

    @property
    def text(self) -> str:
        if self.suppressed:
            return f"<{self.floor} decided"
        return "none decided" if self.value is None else f"{self.value:.0%}"


@dataclass(frozen=True)
class Row:
    key: dict[str, str]  # e.g. {"month": "2025-01"} or {"domain": "legal", "month": "2025-01"}
    label: str
    cells: tuple  # of Cell, Span or Share, in the order of the table's columns


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: list[Row]
    total: Row | None = None

    def row(self, **key) -> Row:
        return next(r for r in [*self.rows, self.total] if r is not None and r.key == key)

    def values(self, row: Row) -> dict:
        return {name: cell.value for (name, _), cell in zip(self.columns, row.cells, strict=True)}

    def named(self, row: Row) -> list[tuple[str, object]]:
        return [(name, cell) for (name, _), cell in zip(self.columns, row.cells, strict=True)]

    @property
    def lines(self) -> list[tuple[Row, list]]:
        """For templates: each row with its (column, cell) pairs."""
        return [(row, self.named(row)) for row in self.rows]

    @property
    def total_line(self) -> list | None:
        return None if self.total is None else self.named(self.total)


@dataclass(frozen=True)
class Report:
    period: Period
    min_cell: int
    generated_at: datetime
    by_month: Table
    by_domain: Table
    by_domain_month: Table
    time_to_decision: Table
    sla: Table
    escalations: Table
    suspensions: Table

    @property
    def tables(self) -> list[Table]:
        return [self.by_month, self.by_domain, self.by_domain_month, self.time_to_decision,
                self.sla, self.escalations, self.suspensions]


class _Publish:
    """Turns raw figures into published ones under one threshold."""

    def __init__(self, floor: int) -> None:
        self.floor = floor

    def small(self, n: int) -> bool:
        return 0 < n < self.floor

    def count(self, n: int) -> Cell:
        return Cell(None if self.small(n) else n, self.floor)

    def span(self, seconds: float | None, base: int) -> Span:
        if self.small(base):
            return Span(None, suppressed=True, floor=self.floor)
        return Span(None if seconds is None else round(seconds))

    def share(self, part: int, base: int) -> Share:
        if self.small(base):
            return Share(None, suppressed=True, floor=self.floor)
        return Share(round(part / base, 3) if base else None)


def _month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def _month_label(month: date) -> str:
    return f"{month:%B %Y}"


# --- the queries --------------------------------------------------------------------------

class Median(Aggregate):
    """PostgreSQL's exact median of an interval or a number."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def _received(period: Period):
    """One row per application received in the period: its first revision."""
    return (Revision.objects
            .filter(number=1, submitted_at__gte=period.start, submitted_at__lt=period.end)
            .annotate(month=TruncMonth("submitted_at", output_field=DateField())))


def _of_application(model, **lookups):
    return model.objects.filter(application=OuterRef("application_id"), **lookups)


def _last_decision_at():
    return Subquery(_of_application(Decision).order_by("-created_at").values("created_at")[:1],
                    output_field=DateTimeField())


def _in_domain(slug: str) -> Q:
    if slug == NO_DOMAIN:
        return Q(application__flagged_domains=[])
    if connection.vendor == "postgresql":
        return Q(application__flagged_domains__contains=[slug])
    # Without JSON containment (SQLite), the slug in quotes matches only itself in the list.
    return Q(application__flagged_domains__icontains=f'"{slug}"')


def _domains() -> list[tuple[str, str, str]]:
    """(slug, name, kind) of every domain any policy version named, as the newest one names
    it; prohibited first."""
    named: dict[str, tuple[str, str]] = {}
    for slug, name, kind in (Domain.objects.order_by("-policy__number")
                             .values_list("slug", "name", "kind")):
        named.setdefault(slug, (name, kind))
    return sorted(((s, n, k) for s, (n, k) in named.items()), key=lambda d: (d[2] != "prohibited",
                                                                            d[0]))


# Automated escalations: which revisions count, by route (see DEFINITIONS["escalations"]).
AUTOMATED = {POLICY_ESCALATION: {"route__name": POLICY_ESCALATION},
             EXTRA_SCRUTINY: {"route__name": EXTRA_SCRUTINY, "content__domains": []}}
OBJECTIONS = [Decision.Kind.REJECT, Decision.Kind.REQUEST_CHANGES]


def _flags() -> dict:
    """Per application: whether each route escalated it automatically (in any revision) and
    whether a person objected to such a revision (rejected it or asked for changes)."""
    flags = {}
    for route, lookups in AUTOMATED.items():
        flags[f"{route}_escalated"] = Exists(_of_application(Revision, **lookups))
        flags[f"{route}_confirmed"] = Exists(_of_application(
            Decision, decision__in=OBJECTIONS, **{f"revision__{k}": v for k, v in lookups.items()}))
    return flags


def _application_counts(period: Period, slugs: list[str]) -> list[dict]:
    """Grouped by month, status and the escalation flags (a few hundred rows at most); a
    count per domain alongside. Grouping by the flags computes each once per application."""
    flags = _flags()
    per_domain = {f"d{n}": Count("pk", filter=_in_domain(slug)) for n, slug in enumerate(slugs)}
    return list(_received(period).annotate(**flags)
                .values("month", "application__status", *flags)
                .annotate(n=Count("pk"), **per_domain).order_by())


def _decided(period: Period):
    """The applications received in the period and decided by now, each with `took` (first
    submission to final outcome) and `group` (the route of the version decided)."""
    latest = _of_application(Revision).order_by("-number")
    decided_at = Case(
        When(application__status=S.AUTO_REJECTED,
             then=Subquery(latest.values("screened_at")[:1], output_field=DateTimeField())),
        default=_last_decision_at(), output_field=DateTimeField())
    group = Case(When(application__status=S.AUTO_REJECTED, then=Value(AUTO_REJECTED)),
                 default=Subquery(latest.annotate(name=KT("route__name")).values("name")[:1]),
                 output_field=CharField())
    return (_received(period)
            .filter(application__status__in=[S.APPROVED, S.REJECTED, S.AUTO_REJECTED])
            .annotate(took=ExpressionWrapper(decided_at - F("submitted_at"),
                                             output_field=DurationField()), group=group))


def _decision_times(period: Period) -> dict[str, tuple[int, float | None]]:
    """{route group: (decided, median seconds)}, with "all" for every decided application."""
    decided = _decided(period)
    if connection.vendor != "postgresql":
        return median_by_offset(decided)
    rows = decided.values("group").annotate(n=Count("pk"), median=Median("took")).order_by()
    found = {row["group"]: (row["n"], _seconds(row["median"])) for row in rows}
    everything = decided.aggregate(n=Count("pk"), median=Median("took"))
    found["all"] = (everything["n"], _seconds(everything["median"]))
    return found


def _seconds(value) -> float | None:
    return None if value is None else value.total_seconds()


def median_by_offset(decided) -> dict[str, tuple[int, float | None]]:
    """The same medians without PERCENTILE_CONT (SQLite): counts per group, then the middle
    one or two values of each, ordered and sliced by the database."""
    counts = {row["group"]: row["n"]
              for row in decided.values("group").annotate(n=Count("pk")).order_by()}
    counts["all"] = sum(counts.values())
    found = {}
    for group, n in counts.items():
        scope = decided if group == "all" else decided.filter(group=group)
        took = scope.order_by("took").values_list("took", flat=True)
        middle = list(took[(n - 1) // 2:n // 2 + 1])
        median = sum(middle, timedelta()).total_seconds() / len(middle) if middle else None
        found[group] = (n, median)
    return found


def _sla(period: Period, now: datetime) -> list[dict]:
    # The last decision came after the deadline exactly when any decision did.
    after_due = Exists(_of_application(Decision,
                                       created_at__gt=OuterRef("application__sla_due_at")))
    late_decided = Q(application__status__in=[S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED],
                     after_due=True)
    late_open = Q(application__status=S.IN_REVIEW, application__sla_due_at__lt=now)
    notified = Exists(SlaNotice.objects.filter(revision__application=OuterRef("application_id"),
                                               kind=SlaNotice.Kind.BREACHED))
    return list(_received(period)
                .annotate(after_due=after_due, notified=notified)
                .values("month")
                .annotate(with_deadline=Count("pk",
                                              filter=Q(application__sla_due_at__isnull=False)),
                          decided_late=Count("pk", filter=late_decided),
                          open_late=Count("pk", filter=late_open),
                          notified=Count("pk", filter=Q(notified=True)))
                .order_by())


def _escalations(rows: list[dict]) -> dict[str, dict[str, int]]:
    found = {route: dict.fromkeys(("escalated", "confirmed", "approved_as_asked"), 0)
             for route in (*AUTOMATED, "all")}
    for row in rows:
        approved = row["application__status"] == S.APPROVED
        routes = [r for r in AUTOMATED if row[f"{r}_escalated"]]
        objected = any(row[f"{r}_confirmed"] for r in routes)
        for route, confirmed in [(r, row[f"{r}_confirmed"]) for r in routes] + (
                [("all", objected)] if routes else []):
            found[route]["escalated"] += row["n"]
            found[route]["confirmed"] += row["n"] if confirmed else 0
            found[route]["approved_as_asked"] += row["n"] if approved and not confirmed else 0
    return found


def _suspensions(period: Period) -> dict[date, dict[str, int]]:
    lapsed = (GrantReview.objects.filter(status=GrantReview.Status.LAPSED)
              .annotate(at=Coalesce("decided_at", "due_at")))
    flagged = AnomalyFlag.objects.filter(suspended=True).annotate(at=F("created_at"))
    found: dict[date, dict[str, int]] = {}
    for cause, rows in (("by_campaign", lapsed), ("by_monitoring", flagged)):
        grouped = (rows.filter(at__gte=period.start, at__lt=period.end)
                   .values(month=TruncMonth("at", output_field=DateField()))
                   .annotate(n=Count("grant", distinct=True)).order_by())
        for row in grouped:
            found.setdefault(row["month"], {})[cause] = row["n"]
    return found


# --- the report ---------------------------------------------------------------------------

def _tally(rows: list[dict], slugs: list[str]):
    names = [name for name, _ in APPLICATION_COLUMNS]
    by_month: dict[date, dict[str, int]] = {}
    by_domain: dict[str, dict[str, int]] = {slug: dict.fromkeys(names, 0) for slug in slugs}
    cube: dict[tuple[str, date], dict[str, int]] = {}
    for row in rows:
        measures = ["received", OUTCOME_OF.get(row["application__status"], "open")]
        measures += ["escalated"] if row[f"{POLICY_ESCALATION}_escalated"] else []
        month = by_month.setdefault(row["month"], dict.fromkeys(names, 0))
        for measure in measures:
            month[measure] += row["n"]
            for n, slug in enumerate(slugs):
                if row[f"d{n}"]:
                    by_domain[slug][measure] += row[f"d{n}"]
                    cell = cube.setdefault((slug, row["month"]), dict.fromkeys(names, 0))
                    cell[measure] += row[f"d{n}"]
    return by_month, by_domain, cube


def _counts_row(publish: _Publish, key: dict, label: str, figures: dict[str, int],
                columns) -> Row:
    return Row(key, label, tuple(publish.count(figures.get(name, 0)) for name, _ in columns))


def _application_tables(period: Period, publish: _Publish):
    domains = _domains() + [(NO_DOMAIN, "No domain flagged", "")]
    slugs = [slug for slug, _, _ in domains]
    rows = _application_counts(period, slugs)
    by_month, by_domain, cube = _tally(rows, slugs)
    columns = APPLICATION_COLUMNS
    total = {name: sum(m.get(name, 0) for m in by_month.values()) for name, _ in columns}
    months = Table("applications_by_month", columns, [
        _counts_row(publish, {"month": _month_key(m)}, _month_label(m), by_month.get(m, {}),
                    columns) for m in period.months],
        total=_counts_row(publish, {"month": "total"}, "All months", total, columns))
    domain_rows = Table("applications_by_domain", columns, [
        _counts_row(publish, {"domain": slug}, name, by_domain[slug], columns)
        for slug, name, _ in domains])
    names = {slug: name for slug, name, _ in domains}
    cube_rows = Table("applications_by_domain_and_month", columns, [
        _counts_row(publish, {"domain": slug, "month": _month_key(m)},
                    f"{names[slug]}, {_month_label(m)}", cube[(slug, m)], columns)
        for slug in slugs for m in period.months if (slug, m) in cube])
    return months, domain_rows, cube_rows, _escalation_table(_escalations(rows), publish)


def _time_table(period: Period, publish: _Publish) -> Table:
    found = _decision_times(period)
    rows = []
    for group in ("all", STANDARD, EXTRA_SCRUTINY, POLICY_ESCALATION, AUTO_REJECTED):
        n, median = found.get(group, (0, None))
        rows.append(Row({"group": group}, ROUTE_LABELS[group],
                        (publish.count(n), publish.span(median, n))))
    return Table("time_to_decision", (("decided", "Decided"), ("median_seconds", "Median time")),
                 rows)


SLA_COLUMNS = (("with_deadline", "Reviewed with a deadline"), ("decided_late", "Decided late"),
               ("open_late", "Open past the deadline"), ("breached", "Breaches in all"),
               ("notified", "Breach notices sent"))


def _sla_table(period: Period, publish: _Publish, now: datetime) -> Table:
    found = {row.pop("month"): row for row in _sla(period, now)}
    for figures in found.values():
        figures["breached"] = figures["decided_late"] + figures["open_late"]
    total = {name: sum(f[name] for f in found.values()) for name, _ in SLA_COLUMNS}
    return Table("sla", SLA_COLUMNS, [
        _counts_row(publish, {"month": _month_key(m)}, _month_label(m), found.get(m, {}),
                    SLA_COLUMNS) for m in period.months],
        total=_counts_row(publish, {"month": "total"}, "All months", total, SLA_COLUMNS))


ESCALATION_COLUMNS = (("escalated", "Escalated automatically"), ("confirmed", "Confirmed"),
                      ("approved_as_asked", "Approved as asked"), ("undecided", "Undecided"),
                      ("confirmation_rate", "Confirmation rate"))


def _escalation_table(found: dict[str, dict[str, int]], publish: _Publish) -> Table:
    rows = []
    labels = {POLICY_ESCALATION: "Policy escalation", EXTRA_SCRUTINY: "Extra scrutiny (detected)",
              "all": "Either"}
    for route in (POLICY_ESCALATION, EXTRA_SCRUTINY, "all"):
        f = found[route]
        undecided = f["escalated"] - f["confirmed"] - f["approved_as_asked"]
        settled = f["confirmed"] + f["approved_as_asked"]
        rows.append(Row({"group": route}, labels[route], (
            publish.count(f["escalated"]), publish.count(f["confirmed"]),
            publish.count(f["approved_as_asked"]), publish.count(undecided),
            publish.share(f["confirmed"], settled))))
    return Table("escalations", ESCALATION_COLUMNS, rows)


SUSPENSION_COLUMNS = (("by_campaign", "By an access review"), ("by_monitoring", "By monitoring"))


def _suspension_table(period: Period, publish: _Publish) -> Table:
    found = _suspensions(period)
    total = {name: sum(f.get(name, 0) for f in found.values()) for name, _ in SUSPENSION_COLUMNS}
    return Table("grant_suspensions", SUSPENSION_COLUMNS, [
        _counts_row(publish, {"month": _month_key(m)}, _month_label(m), found.get(m, {}),
                    SUSPENSION_COLUMNS) for m in period.months],
        total=_counts_row(publish, {"month": "total"}, "All months", total, SUSPENSION_COLUMNS))


def _without_jit() -> None:
    """PostgreSQL's JIT compiles these aggregates of many expressions for longer than they
    run (at 100,000 applications: 4.2 s of compiling for a 1.8 s query): off for this
    transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


@transaction.atomic
def report(*, period: Period, min_cell: int, now: datetime | None = None) -> Report:
    """Every figure of the period, counts below `min_cell` suppressed. Read-only."""
    _without_jit()
    now = now or timezone.now()
    publish = _Publish(min_cell)
    months, domains, cube, escalations = _application_tables(period, publish)
    return Report(period=period, min_cell=min_cell, generated_at=now, by_month=months,
                  by_domain=domains, by_domain_month=cube,
                  time_to_decision=_time_table(period, publish),
                  sla=_sla_table(period, publish, now),
                  escalations=escalations,
                  suspensions=_suspension_table(period, publish))


def definitions(floor: int) -> dict[str, str]:
    texts = dict(DEFINITIONS)
    if floor > 1:
        texts["suppression"] = texts["suppression"].format(floor=floor)
    else:
        texts["suppression"] = "No count is suppressed (TRANSPARENCY_MIN_CELL is 0 or 1)."
    return texts
