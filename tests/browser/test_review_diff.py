"""The reviewer's reading in the browser (issue 13): the revision's text and its marked diff
above the decision form, the evidence per domain and span, the queue's waiting times and
specialties, similar past decisions, and the escalation step; each page axe-clean."""

import pytest

from tests.browser.test_review_flow import MEDICAL, review_url, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_REVIEWS = "We write fake reviews for our clients' products and post them from many accounts."


def _resubmitted(developer, reviewer, application, **changes):
    from approvals import lifecycle
    from reviews import claims, decisions

    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(
        reviewer=reviewer,
        application=application,
        decision="request_changes",
        rationale="Say who sees the questions.",
    )
    lifecycle.application_update(actor=developer, application=application, changes=changes)
    lifecycle.application_submit(actor=developer, application=application)
    return lifecycle.application_screen(application_id=application.pk)


def test_the_diff_and_the_text_come_before_the_decision_form(
    page, make_account, default_policy, sign_in, assert_accessible
):
    developer = make_account("dora@clinic.example", organization="Dora Clinic")
    other = make_account("rob@provider.example", role="reviewer")
    reviewer = make_account("sam@provider.example", role="reviewer", specialties=["medical-health"])
    application = submitted(developer, title="Symptom questions", description=MEDICAL)
    _resubmitted(
        developer,
        other,
        application,
        description=MEDICAL.replace("suggests", "proposes") + " Only the clinician sees them.",
        expected_requests_per_minute=30,
        mitigations=["Only our own staff use the system."],
    )
    sign_in(reviewer)
    page.goto(review_url(application))
    page.get_by_role("button", name="Claim").click()
    form = page.get_by_role("heading", name="Decide revision 2")
    form.wait_for()

    diff = page.locator(".revision-diff")
    description = diff.locator("[data-changed=description]")
    assert description.locator("del").text_content() == "deleted: suggests"
    assert description.locator("ins").first.text_content() == "inserted: proposes"
    assert "Only the clinician sees them." in description.locator("ins").last.inner_text()
    numbers = diff.locator("[data-changed=expected_requests_per_minute]").inner_text()
    assert "60" in numbers and "30" in numbers and "→" in numbers
    items = diff.locator("[data-changed=mitigations]").inner_text()
    assert "Added: Only our own staff use the system." in items and "Removed: " in items
    assert "Unchanged: Title" in diff.inner_text()

    text_top = page.locator("#content-heading").bounding_box()["y"]
    diff_top = page.locator("#diff-heading").bounding_box()["y"]
    assert text_top < diff_top < form.bounding_box()["y"]
    assert_accessible()
    page.screenshot(path="test-artifacts/review-diff.png", full_page=True)

    # The skip link takes the keyboard to the decision.
    page.get_by_role("link", name="Go to your review and decision").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**#review-panel")


def test_evidence_queue_similar_decisions_and_the_escalation_step(
    page, make_account, default_policy, sign_in, assert_accessible
):
    from reviews import claims, decisions

    developer = make_account("dora@clinic.example", organization="Dora Clinic")
    specialist = make_account(
        "sam@provider.example", role="reviewer", specialties=["medical-health"]
    )
    admin = make_account("ada@provider.example", role="admin")
    earlier = submitted(developer, title="Triage helper", description=MEDICAL)
    claims.claim(reviewer=specialist, application=earlier)
    decisions.decide(
        reviewer=specialist, application=earlier, decision="reject", rationale="Diagnoses."
    )
    current = submitted(developer, title="Symptom questions", description=MEDICAL)
    escalated = submitted(developer, title="Review writer", description=FAKE_REVIEWS)

    sign_in(specialist)
    page.goto("/reviews/")
    row = page.locator(f"tr[data-application='{current.pk}']")
    assert "Waiting 0 min" in row.inner_text()
    assert "Needs a specialist in Medical and health — your specialty" in row.inner_text()
    assert "Due in " in row.inner_text()
    assert_accessible()

    page.goto(review_url(current))
    group = page.locator("[data-evidence-domain=medical-health]")
    assert group.get_by_role("heading").inner_text() == "Medical and health Extra scrutiny"
    assert group.locator("tr[data-evidence-span]").count() >= 1
    assert "Rule: " in group.locator("tr[data-evidence-span]").first.inner_text()
    similar = page.locator("tr[data-similar]")
    assert similar.count() == 1 and "Triage helper" in similar.inner_text()
    assert "Rejected" in similar.inner_text()
    assert_accessible()

    page.context.clear_cookies()
    sign_in(admin)
    page.goto(review_url(escalated))
    assert page.locator("[data-evidence-kind=prohibited] .kind-badge").first.inner_text() == (
        "Prohibited"
    )
    page.get_by_role("button", name="Claim").click()
    page.get_by_role("heading", name="Decide revision 1").wait_for()
    step = page.locator("[data-escalation-next]").inner_text()
    assert "Clearing it sends it back to the queue as Standard" in step

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    page.locator("#err-rationale").wait_for()
    assert (
        "Required to clear a suspected prohibited use."
        in page.locator("#err-rationale").inner_text()
    )
    assert_accessible()
    page.get_by_label("Rationale").fill("Reviews from the client's own verified buyers.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("status").filter(has_text="Your decision is recorded").wait_for()
    # Taken last: a screenshot leaves empty style attributes that htmx's next swap would copy
    # (a CSP violation of the test's own making).
    page.screenshot(path="test-artifacts/review-escalation.png", full_page=True)
