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


def _many(cell, one: str, many: str) -> str:
    return f"{cell.text} {one if cell.value == 1 else many}"


def summary(report: Report) -> list[str]:
    """The report's main figures in sentences, for the top of the page."""
    period, total, every = report.period, {"month": "total"}, {"group": "all"}

    def apps(column):
        return _cell(report.by_month, column, **total).text

    def sla(column):
        return _cell(report.sla, column, **total).text

    def esc(column):
        return _cell(report.escalations, column, **every)

    def grants(column):
        return _cell(report.suspensions, column, **total).text

    received = _cell(report.by_month, "received", **total)
    decided = _cell(report.time_to_decision, "decided", **every)
    median = _cell(report.time_to_decision, "median_seconds", **every).text
    standard = _cell(report.time_to_decision, "median_seconds", group="standard").text
    return [
        f"From {period.first:%B %Y} to {period.last:%B %Y}: "
        f"{_many(received, 'application', 'applications')} for production access received; "
        f"{apps('approved')} approved, {apps('rejected')} rejected by reviewers, "
        f"{apps('auto_rejected')} rejected by policy without review, {apps('withdrawn')} "
        f"withdrawn and {apps('open')} still open. {apps('escalated')} of them were escalated "
        "to administrators as a suspected prohibited use.",
        f"Of the {_many(decided, 'application', 'applications')} decided, half had their "
        f"outcome within {median} of their first submission (on the standard route: "
        f"{standard}).",
        f"Review deadlines missed: {sla('breached')} ({sla('decided_late')} decided late, "
        f"{sla('open_late')} still open past the deadline).",
        f"People confirmed {esc('confirmed').text} of "
        f"{_many(esc('escalated'), 'automated escalation', 'automated escalations')} and "
        f"approved {esc('approved_as_asked').text} as asked (confirmation rate: "
        f"{esc('confirmation_rate').text}).",
        f"Grants suspended: {grants('by_campaign')} by access reviews, "
        f"{grants('by_monitoring')} by usage monitoring.",
    ]
