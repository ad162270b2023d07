"""In the browser: after a failed submit focus lands on the error summary and its links take
the keyboard to the field; the audit event page; the usage guidelines as formatted text.
axe-core on each."""

import pytest

from tests.browser.test_keyboard import focused_is, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def developer(make_account):
    return make_account("dora@org-d.example", organization="Org D")


def test_a_failed_submit_focuses_the_error_summary_and_its_links_reach_the_fields(
    page, sign_in, assert_accessible, developer, default_policy
):
    sign_in(developer)
    page.goto("/portal/applications/new/")
    page.get_by_label("Title").fill("A title")
    page.get_by_label("Expected requests per minute (peak)").fill("-5")
    page.get_by_label("Expected requests per minute (peak)").press("Enter")
    summary = page.get_by_role("alert").filter(has_text="Please correct")
    summary.wait_for()
    page.wait_for_load_state("load")  # the deferred errors.js has run
    assert focused_is(page, "#error-summary")
    text = summary.inner_text()
    assert "Requests per minute:" in text and "Expected_requests_per_minute" not in text
    assert "Description of the use case:" in text
    assert_accessible()
    # From the summary, Tab reaches its links; Enter on one focuses the field it names.
    tab_to(page, '#error-summary a[href="#field-expected_requests_per_minute"]', limit=15)
    page.keyboard.press("Enter")
    assert focused_is(page, "#id_rpm")
    page.locator("#error-summary").focus()
    tab_to(page, '#error-summary a[href="#field-models"]', limit=15)
    page.keyboard.press("Enter")
    assert focused_is(page, "#field-models input")


def test_the_audit_event_page_reads_as_pairs_and_links_back(
    page, sign_in, assert_accessible, make_account
):
    from audit.services import record

    admin = make_account("ada@provider.example", role="admin")
    event = record(
        actor=admin,
        action="grant.reduced",
        target_type="campaign",
        target_id=7,
        data={"limits": {"monthly_tokens": 10_000_000}, "models": ["chat-small", "chat-large"]},
    )
    sign_in(admin)
    page.goto("/audit/")
    row = page.locator(f'tr[data-event="{event.id}"]')
    assert "Grant reduced" in row.inner_text()
    assert row.locator("time").bounding_box()["height"] < 30  # one line
    assert_accessible()
    row.get_by_role("link", name=f"Event {event.id}").click()
    page.get_by_role("heading", name=f"Event #{event.id}: Grant reduced").wait_for()
    assert page.locator("dl.event-data dt", has_text="Monthly tokens").count() == 1
    assert page.get_by_text("10,000,000").is_visible()
    assert page.locator("dl.event-data li").all_inner_texts() == ["chat-small", "chat-large"]
    assert_accessible()
    page.get_by_role("link", name="its whole history").click()
    page.wait_for_url("**target_type=campaign*")
    assert page.locator("tbody tr").count() == 1
    assert page.get_by_label("Action").evaluate("e => e.tagName") == "SELECT"


def test_the_guidelines_render_as_headings_and_lists(page, sign_in, assert_accessible, developer):
    sign_in(developer)
    page.goto("/portal/guidelines/")
    region = page.get_by_role("region", name="Guidelines text")
    assert region.get_by_role("heading", name="1. Prohibited uses", level=2).is_visible()
    assert region.get_by_role("heading", name="3. General conditions", level=2).is_visible()
    assert region.get_by_role("listitem").count() >= 20
    assert "- sexualising" not in region.inner_text()
    assert_accessible()
