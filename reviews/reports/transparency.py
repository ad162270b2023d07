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
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import InvalidInput
from approvals.models import Application
from approvals.routing import EXTRA_SCRUTINY, POLICY_ESCALATION, STANDARD

from . import queries as q
from .queries import AUTO_REJECTED, NO_DOMAIN
from .tables import Cell, Publish, Row, Share, Span, Table

__all__ = ["NO_DOMAIN", "Cell", "Period", "Report", "Share", "Span", "Table", "period_of", "report"]

S = Application.Status
MAX_MONTHS = 60
DEFAULT_MONTHS = 12

# Outcome of a received application, by its status now; any other status is "open".
OUTCOME_OF = {
    S.APPROVED: "approved",
    S.REJECTED: "rejected",
    S.AUTO_REJECTED: AUTO_REJECTED,
    S.WITHDRAWN: "withdrawn",
}
APPLICATION_COLUMNS = (
    ("received", "Received"),
    ("approved", "Approved"),
    ("rejected", "Rejected by reviewers"),
    (AUTO_REJECTED, "Rejected by policy"),
    ("withdrawn", "Withdrawn"),
    ("open", "Still open"),
    ("escalated", "Escalated"),
)
ROUTE_LABELS = {
    STANDARD: "Standard review",
    EXTRA_SCRUTINY: "Extra scrutiny",
    POLICY_ESCALATION: "Policy escalation",
    AUTO_REJECTED: "Rejected by policy",
    "all": "All decided applications",
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
    last: date  # the first day of the last month

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
        return datetime.combine(
            _shift(self.last, 1), time.min, tzinfo=timezone.get_current_timezone()
        )

    @property
    def params(self) -> dict[str, str]:
        return {"from": f"{self.first:%Y-%m}", "to": f"{self.last:%Y-%m}"}


MONTH = re.compile(r"(\d{4})-(\d{2})")


def _month(text: str, field: str) -> date:
    found = MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1970:
        raise InvalidPeriod(
            f"“{text}” is not a month: write it as YYYY-MM.", extra={field: ["A month as YYYY-MM."]}
        )
    return date(int(found[1]), int(found[2]), 1)


def period_of(*, start: str | None, end: str | None, today: date) -> Period:
    """The months from `start` to `end` (YYYY-MM, both included). Without `end`, up to this
    month; without `start`, the twelve months up to `end`."""
    last = _month(end, "to") if end else today.replace(day=1)
    first = _month(start, "from") if start else _shift(last, 1 - DEFAULT_MONTHS)
    if first > last:
        raise InvalidPeriod(
            "The first month comes after the last.", extra={"from": ["Not after “to”."]}
        )
    period = Period(first, last)
    if len(period.months) > MAX_MONTHS:
        raise InvalidPeriod(
            f"A report covers at most {MAX_MONTHS} months.",
            extra={"to": [f"At most {MAX_MONTHS} months after “from”."]},
        )
    return period


def min_cell() -> int:
    """TRANSPARENCY_MIN_CELL: counts below it are suppressed (0 suppresses nothing)."""
    return max(0, settings.TRANSPARENCY_MIN_CELL)


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
        return [
            self.by_month,
            self.by_domain,
            self.by_domain_month,
            self.time_to_decision,
            self.sla,
            self.escalations,
            self.suspensions,
        ]


def _month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def _month_label(month: date) -> str:
    return f"{month:%B %Y}"


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


def _counts_row(publish: Publish, key: dict, label: str, figures: dict[str, int], columns) -> Row:
    return Row(key, label, tuple(publish.count(figures.get(name, 0)) for name, _ in columns))


def _application_tables(period: Period, publish: Publish):
    domains = q.domains() + [(NO_DOMAIN, "No domain flagged", "")]
    slugs = [slug for slug, _, _ in domains]
    rows = q.application_counts(period, slugs)
    by_month, by_domain, cube = _tally(rows, slugs)
    columns = APPLICATION_COLUMNS
    total = {name: sum(m.get(name, 0) for m in by_month.values()) for name, _ in columns}
    months = Table(
        "applications_by_month",
        columns,
        [
            _counts_row(
                publish, {"month": _month_key(m)}, _month_label(m), by_month.get(m, {}), columns
            )
            for m in period.months
        ],
        total=_counts_row(publish, {"month": "total"}, "All months", total, columns),
    )
    domain_rows = Table(
        "applications_by_domain",
        columns,
        [
            _counts_row(publish, {"domain": slug}, name, by_domain[slug], columns)
            for slug, name, _ in domains
        ],
    )
    names = {slug: name for slug, name, _ in domains}
    cube_rows = Table(
        "applications_by_domain_and_month",
        columns,
        [
            _counts_row(
                publish,
                {"domain": slug, "month": _month_key(m)},
                f"{names[slug]}, {_month_label(m)}",
                cube[(slug, m)],
                columns,
            )
            for slug in slugs
            for m in period.months
            if (slug, m) in cube
        ],
    )
    return months, domain_rows, cube_rows, _escalation_table(q.escalations(rows), publish)


def _time_table(period: Period, publish: Publish) -> Table:
    found = q.decision_times(period)
    rows = []
    for group in ("all", STANDARD, EXTRA_SCRUTINY, POLICY_ESCALATION, AUTO_REJECTED):
        n, median = found.get(group, (0, None))
        rows.append(
            Row({"group": group}, ROUTE_LABELS[group], (publish.count(n), publish.span(median, n)))
        )
    return Table(
        "time_to_decision", (("decided", "Decided"), ("median_seconds", "Median time")), rows
    )


SLA_COLUMNS = (
    ("with_deadline", "Reviewed with a deadline"),
    ("decided_late", "Decided late"),
    ("open_late", "Open past the deadline"),
    ("breached", "Breaches in all"),
    ("notified", "Breach notices sent"),
)


def _sla_table(period: Period, publish: Publish, now: datetime) -> Table:
    found = {row.pop("month"): row for row in q.sla_counts(period, now)}
    for figures in found.values():
        figures["breached"] = figures["decided_late"] + figures["open_late"]
    total = {name: sum(f[name] for f in found.values()) for name, _ in SLA_COLUMNS}
    return Table(
        "sla",
        SLA_COLUMNS,
        [
            _counts_row(
                publish, {"month": _month_key(m)}, _month_label(m), found.get(m, {}), SLA_COLUMNS
            )
            for m in period.months
        ],
        total=_counts_row(publish, {"month": "total"}, "All months", total, SLA_COLUMNS),
    )


ESCALATION_COLUMNS = (
    ("escalated", "Escalated automatically"),
    ("confirmed", "Confirmed"),
    ("approved_as_asked", "Approved as asked"),
    ("undecided", "Undecided"),
    ("confirmation_rate", "Confirmation rate"),
)


def _escalation_table(found: dict[str, dict[str, int]], publish: Publish) -> Table:
    rows = []
    labels = {
        POLICY_ESCALATION: "Policy escalation",
        EXTRA_SCRUTINY: "Extra scrutiny (detected)",
        "all": "Either",
    }
    for route in (POLICY_ESCALATION, EXTRA_SCRUTINY, "all"):
        f = found[route]
        undecided = f["escalated"] - f["confirmed"] - f["approved_as_asked"]
        settled = f["confirmed"] + f["approved_as_asked"]
        rows.append(
            Row(
                {"group": route},
                labels[route],
                (
                    publish.count(f["escalated"]),
                    publish.count(f["confirmed"]),
                    publish.count(f["approved_as_asked"]),
                    publish.count(undecided),
                    publish.share(f["confirmed"], settled),
                ),
            )
        )
    return Table("escalations", ESCALATION_COLUMNS, rows)


SUSPENSION_COLUMNS = (("by_campaign", "By an access review"), ("by_monitoring", "By monitoring"))


def _suspension_table(period: Period, publish: Publish) -> Table:
    found = q.suspension_counts(period)
    total = {name: sum(f.get(name, 0) for f in found.values()) for name, _ in SUSPENSION_COLUMNS}
    return Table(
        "grant_suspensions",
        SUSPENSION_COLUMNS,
        [
            _counts_row(
                publish,
                {"month": _month_key(m)},
                _month_label(m),
                found.get(m, {}),
                SUSPENSION_COLUMNS,
            )
            for m in period.months
        ],
        total=_counts_row(publish, {"month": "total"}, "All months", total, SUSPENSION_COLUMNS),
    )


@transaction.atomic
def report(*, period: Period, min_cell: int, now: datetime | None = None) -> Report:
    """Every figure of the period, counts below `min_cell` suppressed. Read-only."""
    q.without_jit()
    now = now or timezone.now()
    publish = Publish(min_cell)
    months, domains, cube, escalations = _application_tables(period, publish)
    return Report(
        period=period,
        min_cell=min_cell,
        generated_at=now,
        by_month=months,
        by_domain=domains,
        by_domain_month=cube,
        time_to_decision=_time_table(period, publish),
        sla=_sla_table(period, publish, now),
        escalations=escalations,
        suspensions=_suspension_table(period, publish),
    )
