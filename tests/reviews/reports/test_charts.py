"""The charts' geometry, from tables made by hand (no database)."""

from datetime import date

from reviews.reports import charts
from reviews.reports.tables import Publish, Row, Table

SERIES = [charts.Series("a", "A"), charts.Series("b", "B")]
COLUMNS = (("total", "Total"), ("a", "A"), ("b", "B"))


def table(*months: tuple[int, int, int], floor: int = 0) -> Table:
    publish = Publish(floor)
    return Table(
        "t",
        COLUMNS,
        [
            Row(
                {"month": f"2025-{n + 1:02}"},
                f"Month {n + 1}",
                tuple(publish.count(v) for v in values),
            )
            for n, values in enumerate(months)
        ],
    )


def months(n: int) -> list[date]:
    return [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(n)]


def test_stacked_bars_are_proportional_to_a_round_scale():
    chart = charts.stacked(
        name="c",
        title="C",
        table=table((8, 6, 2), (3, 3, 0)),
        months=months(2),
        series=SERIES,
        total_key="total",
        summary="s",
    )
    assert [label for _, _, label in chart.ticks] == ["0", "5", "10"]
    first, second = chart.columns
    assert [(b.series, b.height) for b in first.bars] == [("a", 120.0), ("b", 40.0)]
    assert first.bars[1].y + first.bars[1].height == first.bars[0].y  # b sits on a
    assert [b.series for b in second.bars] == ["a"]  # nothing drawn for 0
    assert (first.total, first.key, first.label, first.sublabel) == ("8", "2025-01", "Jan", "2025")


def test_suppressed_figures_are_not_drawn_but_totals_are_published():
    chart = charts.stacked(
        name="c",
        title="C",
        table=table((7, 5, 2), floor=5),
        months=months(1),
        series=SERIES,
        total_key="total",
        summary="s",
    )
    assert [b.series for b in chart.columns[0].bars] == ["a"]
    assert chart.columns[0].total == "7" and chart.suppressed and chart.drawn


def test_grouped_bars_stand_side_by_side_with_their_values():
    chart = charts.grouped(
        name="g", title="G", table=table((0, 2, 1)), months=months(1), series=SERIES, summary="s"
    )
    a, b = chart.columns[0].bars
    assert a.x + a.width == b.x and a.y == 0 and b.height == 100
    assert (a.value, b.value) == ("2", "1")


def test_long_periods_label_every_other_month_and_each_new_year():
    labels = charts._month_labels(months(24))
    assert [m for m, _ in labels[:4]] == ["Jan", "", "Mar", ""]
    assert [y for _, y in labels if y] == ["2025", "2026"]


def test_a_chart_of_zeros_draws_nothing():
    chart = charts.grouped(
        name="g", title="G", table=table((0, 0, 0)), months=months(1), series=SERIES, summary="s"
    )
    assert not chart.drawn
