"""The audit log in the browser: an administrator filters it from the keyboard, pages through
it, downloads the filtered events as CSV and JSON Lines and finds exactly those rows in the
files, and asks for a verification of the chain; axe-core on each state of the page."""

import csv
import json

import pytest

from tests.browser.test_keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def events(make_account):
    """60 sign-in failures for one address among other events, and 3 with a marked note."""
    from audit.services import record

    for i in range(60):
        record(
            actor=None,
            actor_label="mallory@attacker.example",
            action="account.login_failed",
            target_type="account",
            target_id=f"m-{i}",
            data={"attempt": i},
        )
    for i in range(5):
        record(
            actor=None,
            action="grant.suspended",
            target_type="grant",
            target_id=i,
            data={"reason": "anomaly" if i < 3 else "missed re-certification"},
        )
    return make_account("ada@provider.example", role="admin")


def expected(**filters) -> list[dict]:
    from audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(**filters)
        .order_by("id")
        .values("id", "actor_label", "action", "target_id")
    )


def test_admin_filters_the_log_pages_through_it_and_downloads_the_export(
    page, sign_in, assert_accessible, events
):
    sign_in(events)
    page.goto("/audit/")
    page.get_by_role("heading", name="Audit log").wait_for()
    assert page.get_by_text("The chain has not been verified yet.").is_visible()
    assert_accessible()

    # Filter from the keyboard: Tab to the actor field, type, Enter submits the form.
    tab_to(page, "#id_actor", limit=40)
    page.keyboard.type("MALLORY@attacker.example")
    page.get_by_label("Action").select_option("account.login_failed")
    page.get_by_label("Actor").press("Enter")
    page.wait_for_url("**/audit/?*actor=*")
    rows = page.get_by_role("table").locator("tbody tr")
    assert rows.count() == 50
    assert "Account login failed" in rows.first.get_by_role("cell").nth(3).inner_text()
    assert page.get_by_label("Actor").input_value() == "MALLORY@attacker.example"
    assert_accessible()

    page.get_by_role("link", name="Older events").click()
    page.wait_for_url("**before=*")
    assert rows.count() == 10
    assert page.get_by_role("link", name="Older events").count() == 0
    page.get_by_role("link", name="Newer events").click()
    page.wait_for_url("**after=*")
    assert rows.count() == 50

    want = expected(actor_label__iexact="mallory@attacker.example", action="account.login_failed")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), newline="", encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    assert [(int(r["id"]), r["actor"], r["action"], r["target_id"]) for r in got] == [
        (e["id"], e["actor_label"], e["action"], e["target_id"]) for e in want
    ]

    with page.expect_download() as download:
        page.get_by_role("link", name="JSON Lines").click()
    with open(download.value.path(), encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    assert [row["id"] for row in lines] == [e["id"] for e in want]

    from audit.models import AuditEvent

    exports = AuditEvent.objects.filter(action="audit.exported").order_by("id")
    assert [e.data["format"] for e in exports] == ["csv", "jsonl"]
    assert exports[0].data["filters"] == {
        "actor": "MALLORY@attacker.example",
        "action": "account.login_failed",
    }


def test_admin_searches_sees_a_refused_filter_and_verifies_the_chain(
    page, sign_in, assert_accessible, events
):
    sign_in(events)
    page.goto("/audit/")
    page.get_by_label("Search").fill("an")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("alert").filter(has_text="Check the filters").wait_for()
    assert page.get_by_label("Search").get_attribute("aria-invalid") == "true"
    assert_accessible()

    page.get_by_label("Search").fill("ANOMALY")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=ANOMALY*")
    assert page.get_by_role("table").locator("tbody tr").count() == 3

    page.get_by_role("button", name="Verify the whole chain now").click()
    page.get_by_role("status").filter(has_text="The chain has been verified").wait_for()
    assert page.locator("p.chain.ok").inner_text().startswith("Chain verified")
    assert page.get_by_text("by the administrator's request (ada@provider.example)").is_visible()
    assert_accessible()
