"""The page and the API: who may see them, the period, and that the page, the JSON and the
CSV show the same figures."""

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from django.test import override_settings

from tests.reviews.reports.conftest import NOW

pytestmark = pytest.mark.django_db
PAGE = "/reports/transparency/"
API = "/api/v1/transparency-report/"
Q1 = {"from": "2025-01", "to": "2025-03"}


class Tables(HTMLParser):
    """{table name: {row key: {column: text}}} from the page's report tables."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict = {}
        self._table = self._row = self._col = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], {})
        elif tag == "tr" and self._table is not None and "data-row" in attrs:
            self._row = self._table.setdefault(attrs["data-row"], {})
        elif tag == "td" and self._row is not None:
            self._col = attrs["data-col"]
            self._row[self._col] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self._row[self._col] = self._row[self._col].strip()
            self._col = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._col is not None:
            self._row[self._col] += data


@pytest.fixture
def at_now(monkeypatch):
    """The report made at the history's NOW, so that "open past its deadline" is stable."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)


def page_of(client, user, **params):
    client.force_login(user)
    return client.get(PAGE, params)


@pytest.mark.parametrize("persona", ["dev_a", "reviewer"])
def test_only_administrators_see_the_page_and_the_api(request, client, api, persona):
    user = request.getfixturevalue(persona)
    assert page_of(client, user).status_code == 403
    assert api(user).get(API).status_code == 403
    assert api().get(API).status_code == 401


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_nav_links_the_report_for_administrators_only(client, admin, reviewer):
    assert 'href="/reports/transparency/"' in page_of(client, admin).content.decode()
    assert 'href="/reports/transparency/"' not in page_of(client, reviewer).content.decode()


def test_the_default_period_is_the_last_twelve_months(client, admin, at_now):
    report = page_of(client, admin).context["report"]
    assert report.period.params == {"from": "2024-05", "to": "2025-04"}
    assert len(report.by_month.rows) == 12


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2025-13"}, "from"),
        ({"from": "January"}, "from"),
        ({"from": "2025-04", "to": "2025-01"}, "from"),
        ({"from": "2015-01", "to": "2025-01"}, "to"),
    ],
)
def test_a_bad_period_is_refused_on_the_page_and_in_the_api(client, api, admin, params, field):
    response = page_of(client, admin, **params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    answer = api(admin).get(API, params)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_period" and field in answer.json()


@override_settings(TRANSPARENCY_MIN_CELL=0)
def test_the_page_shows_the_figures_the_json_and_csv_exports_give(
    client, api, admin, history, at_now
):
    page = page_of(client, admin, **Q1)
    assert page.status_code == 200
    shown = Tables(page.content.decode()).tables
    data = api(admin).get(API, {**Q1, "format": "json"})
    assert data["Content-Type"].startswith("application/json")
    exported = data.json()
    assert exported["period"] == {**Q1, "months": ["2025-01", "2025-02", "2025-03"]}
    assert exported["min_cell"] == 0
    sections = exported["sections"]
    assert set(shown) == set(sections)
    for name, table in shown.items():
        rows = {
            "/".join(str(r[k]) for k in ("domain", "month", "group") if k in r): r
            for r in sections[name]["rows"]
        }
        if "total" in sections[name]:
            rows["total"] = sections[name]["total"]
        for key, cells in table.items():
            for column, text in cells.items():
                assert text == page_text(rows[key][column], column), (name, key, column)
    for key, cells in shown["applications_by_month"].items():  # every month is on the page
        assert cells["received"] == page_text(
            rows_of(sections, "applications_by_month", key)["received"], "received"
        )

    csv_response = api(admin).get(API, {**Q1, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="transparency-report-2025-01-to-2025-03.csv"'
    )
    assert csv_figures(csv_response.content.decode()) == json_figures(sections)


def rows_of(sections, name, key):
    return (
        sections[name]["total"]
        if key == "total"
        else next(r for r in sections[name]["rows"] if r.get("month") == key)
    )


def page_text(value, column) -> str:
    if column == "median_seconds":
        hours = value / 3600
        return (
            f"{value / 60:.0f} minutes"
            if value < 3600
            else (f"{hours:.1f} hours" if hours < 72 else f"{hours / 24:.1f} days")
        )
    if column == "confirmation_rate":
        return f"{value:.0%}"
    return f"{value:,}"


def json_figures(sections) -> dict:
    found = {}
    for name, table in sections.items():
        for row in table["rows"] + (
            [{"month": "total", **table["total"]}] if "total" in table else []
        ):
            for column in table["columns"]:
                key = (
                    name,
                    row.get("month", ""),
                    row.get("domain", ""),
                    row.get("group", ""),
                    column,
                )
                found[key] = row[column]
    return found


def csv_figures(text: str) -> dict:
    found = {}
    for line in csv.DictReader(io.StringIO(text)):
        value = line["value"]
        number = None if value == "" else (float(value) if "." in value else int(value))
        found[(line["section"], line["month"], line["domain"], line["group"], line["measure"])] = (
            number
        )
    return found


@override_settings(TRANSPARENCY_MIN_CELL=0)
def test_the_page_says_what_it_counts(client, admin, history, at_now):
    html = page_of(client, admin, **Q1).content.decode()
    assert "12 applications for production access were received: 4 approved" in html
    assert "Confirmed: a person rejected that version or asked for changes to it." in html
    assert "No count is suppressed" in html
    assert html.count('role="img"') == 2


@override_settings(TRANSPARENCY_MIN_CELL=5)
def test_small_counts_are_suppressed_on_the_page_and_in_the_exports(
    client, api, admin, history, at_now
):
    shown = Tables(page_of(client, admin, **Q1).content.decode()).tables
    months = shown["applications_by_month"]
    assert months["2025-01"]["received"] == "<5 (suppressed)"
    assert months["2025-02"]["received"] == "5"
    assert months["total"]["received"] == "12"
    assert months["2025-01"]["withdrawn"] == "0"  # a zero identifies nobody
    exported = api(admin).get(API, {**Q1, "format": "json"}).json()
    assert exported["min_cell"] == 5
    rows = exported["sections"]["applications_by_month"]["rows"]
    assert [r["received"] for r in rows] == [None, 5, None]
    line = next(
        r
        for r in csv.DictReader(
            io.StringIO(api(admin).get(API, {**Q1, "format": "csv"}).content.decode())
        )
        if r["section"] == "applications_by_month"
        and r["month"] == "2025-01"
        and r["measure"] == "received"
    )
    assert (line["value"], line["suppressed"]) == ("", "true")
    assert json.dumps(exported).count('"received": 1,') == 0
    html = page_of(client, admin, **Q1).content.decode()
    assert "Nothing to draw for this period: every figure is 0 or suppressed" in html


def test_the_schema_documents_the_export(api, admin):
    schema = api(admin).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    operation = schema.json()["paths"]["/api/v1/transparency-report/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "format"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}


def test_the_period_shortcuts_are_this_year_and_last(client, admin, at_now):
    html = page_of(client, admin).content.decode()
    assert 'href="/reports/transparency/?from=2025-01&amp;to=2025-04">2025 so far' in html
    assert 'href="/reports/transparency/?from=2024-01&amp;to=2024-12">2024' in html
