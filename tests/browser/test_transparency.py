"""The transparency report in the browser: an administrator reaches it from the navigation
with the keyboard, picks a quarter, reads a chart and its table, downloads the CSV; axe-core
finds nothing. The history is tests/reviews/reports/conftest.py's, with TRANSPARENCY_MIN_CELL 2:
counts of 1 are suppressed."""

import csv
import io
from pathlib import Path

import pytest

from tests.browser.test_keyboard import tab_to
from tests.reviews.reports.conftest import history, reviewers  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(default_policy, history):  # noqa: F811 (the imported fixture)
    return history


def test_admin_reads_the_quarter_as_chart_and_table_and_downloads_the_csv(
    page, sign_in, assert_accessible, admin, story, settings
):
    settings.TRANSPARENCY_MIN_CELL = 2
    sign_in(admin)
    page.goto("/")
    tab_to(page, 'nav a[href="/reports/transparency/"]')
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Transparency report", level=1).wait_for()

    page.get_by_label("From (month)").fill("2025-01")
    page.get_by_label("To (month, included)").fill("2025-03")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="January 2025 to March 2025").wait_for()

    chart = page.get_by_role(
        "img", name="Stacked bars, one a month from January 2025 to March 2025", exact=False
    )
    assert "In all, 12 applications received" in chart.get_attribute("aria-label")
    # January: 2 rejected drawn, 1 approved and 1 rejected by policy suppressed; total 4.
    january = chart.locator("rect.tr-bar[data-month='2025-01']")
    assert january.count() == 1
    assert january.get_attribute("data-series") == "rejected"
    assert january.get_attribute("data-value") == "2"
    tops = page.locator("figure[data-chart=applications] .tr-tops span")
    assert tops.all_inner_texts() == ["4", "5", "3"]
    assert page.locator("figure[data-chart=applications] .tr-legend li").count() == 5
    table = page.get_by_role("table", name="Applications received per month, by outcome")
    assert table.locator("tbody tr").count() == 3
    cell = "tr[data-row='2025-01'] td[data-col={}]".format
    assert table.locator(cell("received")).inner_text() == "4"
    assert table.locator(cell("rejected")).inner_text() == "2"
    assert table.locator(cell("approved")).inner_text().startswith("<2")
    assert table.locator("tfoot td[data-col=received]").inner_text() == "12"
    assert_accessible()

    page.get_by_text("By domain and month").click()  # open the details, then check again
    page.get_by_role("table", name="Applications per policy domain and month").wait_for()
    assert_accessible()

    with page.expect_download() as download:
        page.locator("a[data-download=csv]").click()
    assert download.value.suggested_filename == "transparency-report-2025-01-to-2025-03.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    received = {
        r["month"]: r["value"]
        for r in rows
        if r["section"] == "applications_by_month" and r["measure"] == "received"
    }
    assert received == {"2025-01": "4", "2025-02": "5", "2025-03": "3", "total": "12"}
    approved = {
        r["month"]: (r["value"], r["suppressed"])
        for r in rows
        if r["section"] == "applications_by_month" and r["measure"] == "approved"
    }
    assert approved["2025-01"] == ("", "true")
