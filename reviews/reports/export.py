"""The transparency report as data: JSON (one object) and CSV (one figure a line), both from
the same Report the page shows, suppression included."""

import csv
import io

from .definitions import definitions
from .tables import Table
from .transparency import Report

CSV_HEADER = ["section", "month", "domain", "group", "measure", "value", "suppressed"]


def _table_dict(table: Table) -> dict:
    out = {
        "columns": [name for name, _ in table.columns],
        "rows": [{**row.key, "label": row.label, **table.values(row)} for row in table.rows],
    }
    if table.total is not None:
        out["total"] = table.values(table.total)
    return out


def as_dict(report: Report) -> dict:
    """Suppressed figures are null; `min_cell` says below what."""
    return {
        "period": {**report.period.params, "months": [f"{m:%Y-%m}" for m in report.period.months]},
        "generated_at": report.generated_at.isoformat(),
        "min_cell": report.min_cell,
        "definitions": definitions(report.min_cell),
        "sections": {table.name: _table_dict(table) for table in report.tables},
    }


def as_csv(report: Report) -> str:
    """section, month, domain, group (a route), measure, value, suppressed: a suppressed
    figure has an empty value and suppressed=true. Totals have month "total"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for table in report.tables:
        rows = table.rows + ([table.total] if table.total is not None else [])
        for row in rows:
            for (measure, _), cell in zip(table.columns, row.cells, strict=True):
                writer.writerow(
                    [
                        table.name,
                        row.key.get("month", ""),
                        row.key.get("domain", ""),
                        row.key.get("group", ""),
                        measure,
                        "" if cell.value is None else cell.value,
                        "true" if cell.suppressed else "false",
                    ]
                )
    return out.getvalue()


def filename(report: Report, extension: str) -> str:
    params = report.period.params
    return f"transparency-report-{params['from']}-to-{params['to']}.{extension}"


def _cell(table: Table, column: str, **key):
    return table.row(**key).cells[[name for name, _ in table.columns].index(column)]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _were(cell) -> str:
    return "was" if cell.value == 1 else "were"


def _median(span) -> str | None:
    """A median in words, or None where there is none to publish."""
    return None if span.suppressed or span.value is None else span.text


def _applications(report: Report, period) -> str:
    def apps(column):
        return _cell(report.by_month, column, month="total")

    received = apps("received")
    opening = (
        f"In {period.first:%B %Y}"
        if period.first == period.last
        else f"From {period.first:%B %Y} to {period.last:%B %Y}"
    )
    if received.value == 0:
        return f"{opening}, no application for production access was received."
    outcomes = (
        f"{apps('approved').words} approved, {apps('rejected').words} rejected by reviewers, "
        f"{apps('auto_rejected').words} rejected by policy without review, "
        f"{apps('withdrawn').words} withdrawn and {apps('open').words} still open"
    )
    escalated = apps("escalated")
    if escalated.value == 0:
        escalation = "None was escalated to administrators as a suspected prohibited use."
    else:
        escalation = (
            f"Of these, {escalated.words} {_were(escalated)} escalated to administrators as "
            "a suspected prohibited use."
        )
    return (
        f"{opening}, {received.of('application', 'applications')} for production access "
        f"{_were(received)} received: {outcomes}. {escalation}"
    )


def _time_to_decision(report: Report) -> str:
    table = report.time_to_decision
    decided = _cell(table, "decided", group="all")
    median = _median(_cell(table, "median_seconds", group="all"))
    standard_span = _cell(table, "median_seconds", group="standard")
    if decided.value == 0:
        return "No application was decided in the period."
    if median is None:
        return (
            f"{_cap(decided.of('application', 'applications'))} {_were(decided)} decided: "
            "too few to publish a median time to a decision."
        )
    if (standard := _median(standard_span)) is not None:
        route = f"on the standard route: {standard}"
    elif standard_span.suppressed:
        route = "on the standard route: too few decided to publish"
    else:
        route = "none on the standard route"
    if decided.value == 1:
        return f"The 1 application decided had its outcome within {median} ({route})."
    return (
        f"Of the {decided.of('application', 'applications')} decided, half had their outcome "
        f"within {median} of their first submission ({route})."
    )


def _escalations(report: Report) -> str:
    def esc(column):
        return _cell(report.escalations, column, group="all")

    escalated = esc("escalated")
    if escalated.value == 0:
        return "No application was escalated automatically, so none awaited confirmation."
    rate = esc("confirmation_rate")
    rate_words = (
        "too few to publish"
        if rate.suppressed
        else "none decided"
        if rate.value is None
        else rate.text
    )
    return (
        f"Of {escalated.of('automated escalation', 'automated escalations')}, people "
        f"confirmed {esc('confirmed').words} and approved {esc('approved_as_asked').words} as "
        f"asked (confirmation rate: {rate_words})."
    )


def summary(report: Report) -> list[str]:
    """The report's main figures in sentences, for the top of the page: each stays a
    sentence when a figure is 0, 1, suppressed ("fewer than 5") or large."""
    period = report.period

    def sla(column):
        return _cell(report.sla, column, month="total").words

    def grants(column):
        return _cell(report.suspensions, column, month="total").words

    return [
        _applications(report, period),
        _time_to_decision(report),
        f"Review deadlines missed: {sla('breached')} ({sla('decided_late')} decided late, "
        f"{sla('open_late')} still open past the deadline).",
        _escalations(report),
        f"Grants suspended: {grants('by_campaign')} by access reviews, "
        f"{grants('by_monitoring')} by usage monitoring.",
    ]
