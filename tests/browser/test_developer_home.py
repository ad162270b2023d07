"""The developer's home and the key page's quickstart in the browser: what needs their action
reached by keyboard, use against limits, and the example call; axe-clean, screenshots saved."""

import pathlib

import pytest

from tests.browser.test_keyboard import tab_to
from tests.browser.test_review_flow import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def developer(make_account, default_policy):
    return make_account("dana@home.example", organization="Dana Home")


@pytest.fixture
def world(developer, make_account):
    """A grant with use this month and a key; an application a reviewer asked about."""
    from django.utils import timezone

    from approvals.keys import limits
    from approvals.keys import services as keys
    from approvals.models import KeyUsage
    from reviews import claims, decisions
    from reviews.conversation import comments

    reviewer = make_account("ravi@provider.example", role="reviewer")
    approved = submitted(developer)
    claims.claim(reviewer=reviewer, application=approved)
    decisions.decide(reviewer=reviewer, application=approved, decision="approve")
    key, _ = keys.key_mint(actor=developer, grant=approved.grant, name="server")
    KeyUsage.objects.create(key=key, day=timezone.localdate(), requests=30, rate_limited=4)
    minute = timezone.now().replace(second=0, microsecond=0)
    limits.record_usage(grant_id=approved.grant.pk, minute=minute, requests=30, tokens=1_000_000)
    asked = submitted(developer, title="Invoice summaries")
    comments.comment_add(author=reviewer, application=asked, body="Which customers see this?")
    return {"grant": approved.grant, "asked": asked}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dashboard_shows_what_waits_and_use_against_limits(
    page, sign_in, assert_accessible, developer, world, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(developer)
    page.goto("/portal/")
    page.get_by_role("heading", name="Needs your action").wait_for()
    question = page.locator("[data-todo=question] a")
    assert "Invoice summaries" in question.inner_text()
    row = page.locator(f"li[data-grant='{world['grant'].pk}']")
    assert "1,000,000 of" in row.inner_text() and "30 of 60 (50%)" in row.inner_text()
    assert page.locator("[data-count-status=in_review]").inner_text() == "In review: 1"
    _shot(page, f"developer-dashboard-{width}")
    assert_accessible()
    # The question is one keyboard step away from its answer box.
    tab_to(page, "[data-todo=question] a", limit=40)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Invoice summaries").wait_for()
    assert page.url.endswith("#comments")
    assert page.locator("li[data-unread]").count() == 1
    page.get_by_label("Your reply to the reviewers").fill("Only our support agents.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_role("status").filter(has_text="Comment added").wait_for()
    page.goto("/portal/")
    assert page.locator("[data-todo=question]").count() == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_the_key_page_quickstart_and_the_reveal_pages_example(
    page, sign_in, assert_accessible, developer, world, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(developer)
    page.goto(f"/portal/grants/{world['grant'].pk}/")
    quickstart = page.get_by_role("region", name="Quickstart")
    page.get_by_role("heading", name="Quickstart").wait_for()
    example = page.get_by_label("Example request")
    text = example.inner_text()
    assert "curl http://127.0.0.1:8080/v1/chat/completions" in text
    assert "Bearer $ACCESS_KEY" in text and "paste your key here" in text
    assert quickstart.locator("dt[data-code]").count() == 8
    assert page.locator("[data-key-usage=server]").count() == 1  # refusals per key
    _shot(page, f"key-quickstart-{width}")
    # The example and the per-key table's box fit the screen (a wide table scrolls in its box).
    for selector in ("pre.example", ".table-scroll:has(> table.usage-keys)"):
        assert page.evaluate(
            f"() => document.querySelector('{selector}').getBoundingClientRect().right"
        ) <= page.evaluate("() => document.documentElement.clientWidth")
    assert_accessible()
    page.get_by_label("Key name").fill("batch")
    page.get_by_role("button", name="Create key").click()
    page.get_by_role("heading", name="Your new key").wait_for()
    secret = page.get_by_label("Key “batch”").input_value()
    assert f"ACCESS_KEY={secret}" in page.get_by_label("Example request").inner_text()
    if width == 1280:
        assert_accessible()
