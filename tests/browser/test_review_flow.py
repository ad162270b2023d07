"""Reviewers in the browser: the queue, claiming, deciding with htmx, extra scrutiny's two
approvals, the developer's view of the outcome, and the keyboard alone. Applications are
made through the lifecycle services, not the portal, to keep these quick."""

import re

import pytest

from tests.browser.test_keyboard import focused_is, tab_to
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEDICAL = (
    "Our assistant reads a patient's symptoms and suggests questions a clinician may "
    "ask at the next visit; the clinician decides what to ask."
)


def submitted(developer, **changes):
    """An application of the developer's organization, submitted and screened."""
    from tests.world import submitted as made

    application = made(developer, **changes)
    assert application.status == "in_review"
    return application


def review_url(application) -> str:
    return f"/reviews/applications/{application.pk}/"


@pytest.fixture
def developer(make_account, default_policy):
    return make_account("dora@clinic.example", organization="Dora Clinic")


def approve(page, **limits):
    page.get_by_label("Approve").check()
    for label, value in limits.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Record decision").click()


def test_reviewer_filters_the_queue_takes_the_next_item_and_approves_with_a_narrower_limit(
    page, developer, make_account, submit_login
):
    from approvals.models import Grant

    standard = submitted(developer)
    scrutiny = submitted(developer, title="Symptom questions", description=MEDICAL)
    make_account("rex@provider.example", role="reviewer")

    page.goto("/reviews/")  # signing in leads back here
    submit_login("rex@provider.example", PASSWORD)
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.locator("tr[data-application]").count() == 2
    page.get_by_label("Route", exact=True).select_option("standard")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"route=standard"))
    rows = page.locator("tr[data-application]")
    assert rows.count() == 1 and rows.get_attribute("data-application") == str(standard.pk)
    assert page.locator("[data-count-route=extra_scrutiny]").inner_text() == "Extra scrutiny: 1"

    page.get_by_role("button", name="Next item").click()  # the standard one: its SLA is sooner
    page.wait_for_url(f"**{review_url(standard)}")
    page.get_by_text("You hold the most urgent item").wait_for()
    approve(page, **{"Requests per minute": "15"})

    page.locator("[data-status=approved]").wait_for()
    assert page.get_by_role("status").filter(has_text="Your decision is recorded").is_visible()
    grant = Grant.objects.get(application=standard)
    assert grant.limits["requests_per_minute"] == 15
    assert grant.limits["monthly_tokens"] == standard.expected_monthly_tokens
    scrutiny.refresh_from_db()
    assert scrutiny.status == "in_review"


def test_extra_scrutiny_needs_a_specialist_and_the_developer_sees_reviewer_and_the_grant(
    page, developer, make_account, sign_in, assert_accessible
):
    from reviews.conversation import comments

    application = submitted(developer, title="Symptom questions", domains=["medical-health"])
    standard = make_account("rex@provider.example", role="reviewer")
    specialist = make_account(
        "sam@provider.example", role="reviewer", specialties=["medical-health"]
    )
    comments.comment_add(
        author=specialist, application=application, body="Who sees the suggested questions?"
    )

    sign_in(standard)
    page.goto(review_url(application))
    page.get_by_role("button", name="Claim").click()
    page.get_by_label("A qualified clinician reviews outputs; AI use disclosed.").check()
    approve(page)
    page.get_by_text("You decided revision 1: approve.").wait_for()
    assert page.locator("[data-approvals]").inner_text() == "1 of 2"
    assert (
        "one must come from a specialist in Medical and health"
        in page.locator("#review-panel").inner_text()
    )

    sign_in(specialist)
    page.goto("/reviews/")
    first = page.locator("tr[data-application]").first
    assert "— your specialty" in first.inner_text()
    first.get_by_role("link").click()
    page.get_by_role("button", name="Claim").click()
    approve(page, **{"Tokens per month": "1000000"})
    page.locator("[data-status=approved]").wait_for()

    sign_in(developer)
    page.goto(f"/portal/applications/{application.pk}/")
    decisions = page.locator(".decisions li[data-decision=approve]")
    assert decisions.count() == 2
    for text in decisions.all_inner_texts():
        assert "Reviewer" in text
    body = page.locator("main").inner_text()
    assert standard.email not in body and specialist.email not in body
    grant = page.locator("section.grant")
    assert grant.locator("[data-limit=monthly_tokens]").inner_text() == "1,000,000"
    assert "A qualified clinician reviews outputs" in grant.inner_text()
    assert page.locator("#comments li").first.locator("strong").inner_text() == "Reviewer"
    assert_accessible()

    # Decided: the conversation is closed, so no reply box is offered.
    assert page.get_by_label("Your reply to the reviewers").count() == 0
    assert "the conversation is closed" in page.locator("#comments").inner_text()


def test_claim_and_decide_with_the_keyboard_alone(page, developer, make_account, sign_in):
    from playwright.sync_api import expect

    application = submitted(developer)
    sign_in(make_account("kay@provider.example", role="reviewer"))
    page.goto(review_url(application))
    page.evaluate("window.notReloaded = true")  # gone if a step reloads the page

    tab_to(page, "#review-panel button", limit=40)
    assert page.evaluate("document.activeElement.textContent") == "Claim"
    page.keyboard.press("Enter")
    # Locator waits, not wait_for_function: Playwright evaluates that one's string in the page,
    # which the Content-Security-Policy (no 'unsafe-eval') refuses.
    expect(page.locator("#review-panel .notice")).to_be_focused()
    # htmx settles the swapped panel a moment after the swap; keys pressed before that can
    # land in the old panel on a loaded machine.
    settling = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"
    expect(page.locator(settling)).to_have_count(0)

    tab_to(page, "#decision-approve")
    page.keyboard.press("Space")
    assert page.locator("#decision-approve").is_checked()
    page.keyboard.press("Tab")
    assert focused_is(page, "#id_rationale")
    page.keyboard.type("Internal staff only; a person sends every reply.")
    page.keyboard.press("Shift+Tab")
    assert focused_is(page, "#decision-approve")
    tab_to(page, ".decision-form button")
    page.keyboard.press("Enter")

    page.locator("[data-status=approved]").wait_for()
    assert page.evaluate("window.notReloaded") is True
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decisions.get().rationale.startswith("Internal staff only")
