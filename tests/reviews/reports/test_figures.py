"""Every figure of the report against the known history of conftest.py (January to March
2025), without suppression; then the same report with TRANSPARENCY_MIN_CELL = 5."""

from datetime import date

import pytest

from reviews.reports import queries as q
from reviews.reports import transparency as t

pytestmark = pytest.mark.django_db

Q1 = t.Period(date(2025, 1, 1), date(2025, 3, 1))
COLUMNS = ["received", "approved", "rejected", "auto_rejected", "withdrawn", "open", "escalated"]


def counts(table, **key):
    return table.values(table.row(**key))


def figures(*values):
    return dict(zip(COLUMNS, values, strict=True))


@pytest.fixture
def report(history):
    return t.report(period=Q1, min_cell=0, now=history.now)


def test_applications_by_month_count_each_application_once_by_its_outcome(report):
    table = report.by_month
    assert [r.key["month"] for r in table.rows] == ["2025-01", "2025-02", "2025-03"]
    assert counts(table, month="2025-01") == figures(4, 1, 2, 1, 0, 0, 1)
    assert counts(table, month="2025-02") == figures(5, 2, 0, 0, 1, 2, 0)
    assert counts(table, month="2025-03") == figures(3, 1, 0, 0, 0, 2, 2)
    assert counts(table, month="total") == figures(12, 4, 2, 1, 1, 4, 3)


def test_applications_by_domain_count_declared_and_detected_domains(report):
    table = report.by_domain
    assert counts(table, domain="spam") == figures(4, 1, 1, 1, 0, 1, 3)
    assert counts(table, domain="medical-health") == figures(3, 2, 0, 0, 0, 1, 0)
    assert counts(table, domain=t.NO_DOMAIN) == figures(5, 1, 1, 0, 1, 2, 0)
    assert counts(table, domain="legal") == figures(0, 0, 0, 0, 0, 0, 0)


def test_domain_month_cells_list_only_where_something_was_received(report):
    table = report.by_domain_month
    assert [tuple(r.key.values()) for r in table.rows] == [
        ("spam", "2025-01"),
        ("spam", "2025-03"),
        ("medical-health", "2025-02"),
        (t.NO_DOMAIN, "2025-01"),
        (t.NO_DOMAIN, "2025-02"),
        (t.NO_DOMAIN, "2025-03"),
    ]
    assert counts(table, domain="spam", month="2025-01") == figures(2, 0, 1, 1, 0, 0, 1)
    assert counts(table, domain="spam", month="2025-03") == figures(2, 1, 0, 0, 0, 1, 2)
    assert counts(table, domain="medical-health", month="2025-02") == figures(3, 2, 0, 0, 0, 1, 0)


HOUR = 3600


def test_median_time_from_first_submission_to_the_final_outcome(report):
    table = report.time_to_decision
    # 30 s, 24 h, 48 h, 60 h, 72 h, 96 h, 120 h
    assert counts(table, group="all") == {"decided": 7, "median_seconds": 60 * HOUR}
    assert counts(table, group="standard") == {"decided": 2, "median_seconds": 84 * HOUR}
    assert counts(table, group="extra_scrutiny") == {"decided": 2, "median_seconds": 84 * HOUR}
    assert counts(table, group="policy_escalation") == {"decided": 2, "median_seconds": 42 * HOUR}
    assert counts(table, group="auto_rejected") == {"decided": 1, "median_seconds": 30}


def test_the_median_without_percentile_cont_agrees(history):
    """The SQLite path (ORDER BY with OFFSET), run here on PostgreSQL."""
    assert q.decision_times(Q1) == q.median_by_offset(q.decided(Q1))


def test_sla_breaches_decided_late_open_late_and_notified(report):
    table = report.sla
    names = ["with_deadline", "decided_late", "open_late", "breached", "notified"]
    assert counts(table, month="2025-01") == dict(zip(names, [3, 1, 0, 1, 0], strict=True))
    assert counts(table, month="2025-02") == dict(zip(names, [5, 1, 1, 2, 2], strict=True))
    assert counts(table, month="2025-03") == dict(zip(names, [3, 0, 1, 1, 0], strict=True))
    assert counts(table, month="total") == dict(zip(names, [11, 2, 2, 4, 2], strict=True))


def test_automated_escalations_confirmed_by_people(report):
    table = report.escalations
    names = ["escalated", "confirmed", "approved_as_asked", "undecided", "confirmation_rate"]
    assert counts(table, group="policy_escalation") == dict(
        zip(names, [3, 1, 1, 1, 0.5], strict=True)
    )
    # B3 declared medical-health: routed as asked, not an automated escalation.
    assert counts(table, group="extra_scrutiny") == dict(zip(names, [2, 1, 1, 0, 0.5], strict=True))
    assert counts(table, group="all") == dict(zip(names, [5, 2, 2, 1, 0.5], strict=True))


def test_grant_suspensions_by_campaign_and_by_monitoring_per_month(report):
    table = report.suspensions
    assert counts(table, month="2025-01") == {"by_campaign": 0, "by_monitoring": 0}
    assert counts(table, month="2025-02") == {"by_campaign": 1, "by_monitoring": 0}
    assert counts(table, month="2025-03") == {"by_campaign": 1, "by_monitoring": 1}
    assert counts(table, month="total") == {"by_campaign": 2, "by_monitoring": 1}


def test_with_a_threshold_small_counts_medians_and_rates_are_suppressed(history):
    report = t.report(period=Q1, min_cell=3, now=history.now)
    january = report.by_month.row(month="2025-01")
    assert report.by_month.values(january) == figures(4, None, None, None, 0, 0, None)
    assert [c.text for c in january.cells] == ["4", "<3", "<3", "<3", "0", "0", "<3"]
    times = report.time_to_decision
    assert counts(times, group="all") == {"decided": 7, "median_seconds": 60 * HOUR}
    standard = times.row(group="standard")
    assert counts(times, group="standard") == {"decided": None, "median_seconds": None}
    assert [c.text for c in standard.cells] == ["<3", "<3 decided"]
    # 2 confirmed of 4 settled: a rate of 50% would give the suppressed counts away.
    assert counts(report.escalations, group="all") == {
        "escalated": 5,
        "confirmed": None,
        "approved_as_asked": None,
        "undecided": None,
        "confirmation_rate": None,
    }
    lenient = t.report(period=Q1, min_cell=2, now=history.now)
    assert counts(lenient.escalations, group="all")["confirmation_rate"] == 0.5


def test_an_empty_period_has_zeros_and_no_medians(history):
    report = t.report(
        period=t.Period(date(2023, 1, 1), date(2023, 6, 1)), min_cell=5, now=history.now
    )
    assert counts(report.by_month, month="total") == figures(0, 0, 0, 0, 0, 0, 0)
    assert report.by_domain_month.rows == []
    assert counts(report.time_to_decision, group="all") == {"decided": 0, "median_seconds": None}
    assert report.time_to_decision.row(group="all").cells[1].text == "none decided"
    assert counts(report.escalations, group="all")["confirmation_rate"] is None


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (None, None, ("2024-05", "2025-04")),
        ("2025-01", None, ("2025-01", "2025-04")),
        (None, "2024-12", ("2024-01", "2024-12")),
        ("2025-02", "2025-02", ("2025-02", "2025-02")),
    ],
)
def test_a_period_defaults_to_the_twelve_months_up_to_this_one(start, end, expected):
    period = t.period_of(start=start, end=end, today=date(2025, 4, 2))
    assert (period.params["from"], period.params["to"]) == expected
    assert period.end.isoformat() == f"{t._shift(period.last, 1):%Y-%m}-01T00:00:00+00:00"
