"""Bar charts of the transparency report as SVG geometry; templates/reports/_bar_chart.html
draws them (no JavaScript), as approvals/keys/usage.py's charts are drawn: the SVG holds only
shapes (a plot of WIDTH x HEIGHT units, scaled evenly to the width) and every label is HTML
beside it, placed in percent, so that text is real text on a plain background.

Each series has a fill pattern as well as a colour; each column has its total (stacked) or
each bar its value (grouped) written above the plot; the page gives the same figures as a
table. Suppressed figures are drawn as nothing: the chart never shows more than the table."""

from dataclasses import dataclass
from datetime import date

from .tables import Table
from .transparency import Report

WIDTH, HEIGHT = 720, 200
MAX_LABELS = 12  # month labels under the plot; beyond, every n-th month


@dataclass(frozen=True)
class Series:
    key: str
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str  # "March 2025: 3 approved"
    value: str

    @property
    def center(self) -> float:
        """In percent of the plot's width, for the label above it."""
        return round(100 * (self.x + self.width / 2) / WIDTH, 2)


@dataclass(frozen=True)
class Column:
    key: str  # "2025-03"
    center: float  # percent of the plot's width
    label: str  # "Mar"
    sublabel: str  # the year, under January and under the first column
    total: str  # above the column (stacked charts)
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    name: str
    title: str
    summary: str  # the chart in words: the svg's accessible name
    series: list[Series]
    columns: list[Column]
    ticks: list[tuple[float, float, str]]  # gridline y, its top in percent, its value
    suppressed: bool  # some figure was suppressed and is not drawn
    label_bars: bool  # each bar's value above the plot (grouped), else each column's total
    WIDTH, HEIGHT = WIDTH, HEIGHT

    @property
    def drawn(self) -> bool:
        return any(column.bars for column in self.columns)


def _ceiling(peak: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above peak (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= peak:
                return step * factor
        step *= 10


def _y(value: float, top: int) -> float:
    return round(HEIGHT - HEIGHT * value / top, 2)


def _ticks(top: int) -> list[tuple[float, float, str]]:
    values = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return [(_y(v, top), _y(v, top) * 100 / HEIGHT, f"{v:,}") for v in values]


def _month_labels(months: list[date]) -> list[tuple[str, str]]:
    every = -(-len(months) // MAX_LABELS)  # ceiling division
    labels = []
    for i, m in enumerate(months):
        shown = i % every == 0
        labels.append(
            (
                f"{m:%b}" if shown else "",
                f"{m:%Y}" if shown and (i == 0 or m.month <= every) else "",
            )
        )
    return labels


def _bar(
    x: float, value: int, base: int, top: int, width: float, series: Series, label: str
) -> Bar:
    return Bar(
        round(x, 2),
        _y(base + value, top),
        round(width, 2),
        round(HEIGHT * value / top, 2),
        series.key,
        f"{label}: {value:,} {series.label.lower()}",
        f"{value:,}",
    )


def _is_suppressed(table: Table) -> bool:
    return any(cell.suppressed for row in table.rows for cell in row.cells)


def stacked(
    *,
    name: str,
    title: str,
    table: Table,
    months: list[date],
    series: list[Series],
    total_key: str,
    summary: str,
) -> BarChart:
    """One column a month, its bars stacked in the order of `series`, its total (the
    `total_key` column, which may hold more than the series add up to) written above."""
    total_at = [key for key, _ in table.columns].index(total_key)
    rows = [table.values(row) for row in table.rows]
    top = _ceiling(max([sum(v[s.key] or 0 for s in series) for v in rows] + [0]))
    slot = WIDTH / max(len(rows), 1)
    columns = []
    for i, (row, values, (label, sublabel)) in enumerate(
        zip(table.rows, rows, _month_labels(months), strict=True)
    ):
        x, base, bars = slot * (i + 0.15), 0, []
        for s in series:
            value = values[s.key] or 0
            if value:
                bars.append(_bar(x, value, base, top, slot * 0.7, s, row.label))
            base += value
        columns.append(
            Column(
                row.key["month"],
                round(100 * (i + 0.5) / len(rows), 2),
                label,
                sublabel,
                row.cells[total_at].text,
                bars,
            )
        )
    return BarChart(
        name, title, summary, series, columns, _ticks(top), _is_suppressed(table), label_bars=False
    )


def grouped(
    *, name: str, title: str, table: Table, months: list[date], series: list[Series], summary: str
) -> BarChart:
    """One group a month, a bar per series side by side."""
    rows = [table.values(row) for row in table.rows]
    top = _ceiling(max([v[s.key] or 0 for v in rows for s in series] + [0]))
    slot = WIDTH / max(len(rows), 1)
    width = slot * 0.8 / len(series)
    columns = []
    for i, (row, values, (label, sublabel)) in enumerate(
        zip(table.rows, rows, _month_labels(months), strict=True)
    ):
        x = slot * (i + 0.1)
        bars = [
            _bar(x + n * width, values[s.key], 0, top, width, s, row.label)
            for n, s in enumerate(series)
            if values[s.key]
        ]
        columns.append(
            Column(
                row.key["month"], round(100 * (i + 0.5) / len(rows), 2), label, sublabel, "", bars
            )
        )
    return BarChart(
        name, title, summary, series, columns, _ticks(top), _is_suppressed(table), label_bars=True
    )


OUTCOMES = [
    Series("approved", "Approved"),
    Series("rejected", "Rejected by reviewers"),
    Series("auto_rejected", "Rejected by policy"),
    Series("withdrawn", "Withdrawn"),
    Series("open", "Still open"),
]
SUSPENSIONS = [
    Series("by_campaign", "By an access review"),
    Series("by_monitoring", "By monitoring"),
]


def _busiest(table: Table, key: str) -> str:
    index = [k for k, _ in table.columns].index(key)
    best = max(table.rows, key=lambda r: r.cells[index].value or 0, default=None)
    if best is None or not best.cells[index].value:
        if any(r.cells[index].value is None for r in table.rows):
            return "no month's figure large enough to publish"
        return "none in any month"
    return f"the most in {best.label} ({best.cells[index].words})"


def charts(report: Report) -> list[BarChart]:
    months, period = report.period.months, report.period
    span = (
        f"in {period.first:%B %Y}"
        if period.first == period.last
        else f"from {period.first:%B %Y} to {period.last:%B %Y}"
    )
    apps, grants = report.by_month, report.suspensions
    received = apps.total.cells[0].of("application", "applications")
    campaign, monitoring = (c.words for c in grants.total.cells)
    return [
        stacked(
            name="applications",
            title="Applications received per month, by outcome",
            table=apps,
            months=months,
            series=OUTCOMES,
            total_key="received",
            summary=(
                f"Stacked bars, one a month {span}: applications received, "
                f"divided by outcome. In all, {received} received, "
                f"{_busiest(apps, 'received')}. The table that follows gives every "
                "figure."
            ),
        ),
        grouped(
            name="suspensions",
            title="Grants suspended per month, by cause",
            table=grants,
            months=months,
            series=SUSPENSIONS,
            summary=(
                f"Paired bars, one pair a month {span}: grants suspended by an "
                f"access review ({campaign} in all) and by monitoring ({monitoring} "
                "in all). The table that follows gives every figure."
            ),
        ),
    ]
