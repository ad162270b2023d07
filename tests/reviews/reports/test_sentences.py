"""The report's sentences read as sentences whatever a figure is: none, one, suppressed
(fewer than the threshold) or large."""

import re
from datetime import UTC, date, datetime

import pytest

from reviews.reports import charts, export
from reviews.reports.tables import Publish, Row, Table
from reviews.reports.transparency import APPLICATION_COLUMNS, Period, Report

FLOOR = 5
TOTAL, EVERY = {"month": "total"}, {"group": "all"}


def _table(name, key, cells: dict, extra_rows=()) -> Table:
    columns = tuple((k, k) for k in cells)
    total = Row(key=key, label="Total", cells=tuple(cells.values()))
    return Table(name=name, columns=columns, rows=list(extra_rows), total=total)


def _report(n: int, floor: int) -> Report:
    """Every count n (suppressed when 0 < n < floor), medians of 2 hours."""
    p = Publish(floor)
    count = p.count(n)
    apps = {key: count for key, _ in APPLICATION_COLUMNS}
    median = {"decided": count, "median_seconds": p.span(7200 if n else None, n)}
    standard = Row(key={"group": "standard"}, label="Standard", cells=tuple(median.values()))
    month = Row(key={"month": "2025-01"}, label="January 2025", cells=tuple(apps.values()))
    empty = Table(name="x", columns=(), rows=[], total=None)
    return Report(
        period=Period(date(2025, 1, 1), date(2025, 1, 1)),
        min_cell=floor,
        generated_at=datetime(2025, 4, 2, tzinfo=UTC),
        by_month=_table("by_month", TOTAL, apps, [month]),
        by_domain=empty,
        by_domain_month=empty,
        time_to_decision=_table("time", EVERY, median, [standard]),
        sla=_table("sla", TOTAL, {"breached": count, "decided_late": count, "open_late": count}),
        escalations=_table(
            "esc",
            EVERY,
            {
                "escalated": count,
                "confirmed": count,
                "approved_as_asked": count,
                "confirmation_rate": p.share(n, n * 2),
            },
        ),
        suspensions=_table(
            "susp",
            TOTAL,
            {"by_campaign": count, "by_monitoring": count},
            [Row(key={"month": "2025-01"}, label="January 2025", cells=(count, count))],
        ),
    )


SINGULAR_NOUNS = ("application", "automated escalation", "grant")


def _grammar_problems(text: str) -> list[str]:
    problems = []
    if "<" in text:
        problems.append("a bare '<' figure")
    for noun in SINGULAR_NOUNS:
        if re.search(rf"\b1 {noun}s\b", text):
            problems.append(f"'1 {noun}s'")
    if re.search(r"within (none|fewer|no)\b", text):
        problems.append("a median that is not a time")
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        if sentence and not sentence[0].isupper():
            problems.append(f"a sentence starting in lower case: {sentence[:40]!r}")
    if re.search(r"\b1 of them were\b|\b[02-9]\d* of them was\b", text):
        problems.append("a verb that does not agree")
    return problems


CASES = [(0, FLOOR), (1, 0), (3, FLOOR), (12_345_678, FLOOR)]
IDS = ["none", "one", "suppressed", "large"]


@pytest.mark.parametrize("n, floor", CASES, ids=IDS)
def test_every_summary_sentence_is_grammatical(n, floor):
    report = _report(n, floor)
    sentences = export.summary(report)
    assert sentences
    for sentence in sentences:
        assert not _grammar_problems(sentence), (n, sentence, _grammar_problems(sentence))
        assert sentence.endswith(".")
    text = " ".join(sentences)
    if n == 3:
        assert "Fewer than 5" in text or "fewer than 5" in text
    if n == 12_345_678:
        assert "12,345,678 applications" in text
    if n == 1:
        assert "1 application " in text


@pytest.mark.parametrize("n, floor", CASES, ids=IDS)
def test_the_charts_described_in_words_stay_grammatical(n, floor):
    report = _report(n, floor)
    for chart in charts.charts(report):
        assert not _grammar_problems(chart.summary), (n, chart.summary)
