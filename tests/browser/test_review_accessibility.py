"""axe-core finds nothing on the reviewer's pages in each of their states: the queue, an
application's review page unclaimed, claimed (the decision form, swapped in by htmx) and
with errors, and the settings page. The developer's page with a grant is checked in
test_review_flow.py, where the developer reaches it."""

import pytest

from tests.browser.test_review_flow import MEDICAL, review_url, submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_pages(page, make_account, default_policy, sign_in, assert_accessible):
    from approvals import lifecycle
    from reviews import claims, decisions
    from reviews.conversation import comments

    developer = make_account("dora@clinic.example", organization="Dora Clinic")
    other = make_account("rob@provider.example", role="reviewer")
    reviewer = make_account("sam@provider.example", role="reviewer", specialties=["medical-health"])
    submitted(developer, title="Earlier tool")
    application = submitted(developer, title="Symptom questions", description=MEDICAL)
    # A second revision, so that the page shows a diff and an earlier decision.
    claims.claim(reviewer=other, application=application)
    decisions.decide(
        reviewer=other,
        application=application,
        decision="request_changes",
        rationale="Say who sees the questions.",
    )
    lifecycle.application_update(
        actor=developer,
        application=application,
        changes={
            "description": MEDICAL + " Only the clinician sees them.",
            "mitigations": ["Only our own staff use the system."],
        },
    )
    lifecycle.application_submit(actor=developer, application=application)
    lifecycle.application_screen(application_id=application.pk)
    comments.comment_add(author=developer, application=application, body="Updated.")
    sign_in(reviewer)

    page.goto("/reviews/")
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.locator(".overdue-tag").count() == 0
    assert_accessible()

    page.goto(review_url(application))
    page.get_by_role("heading", name="Changes since revision 1").wait_for()
    assert page.locator(".evidence mark").count() >= 1
    assert_accessible()

    page.get_by_role("button", name="Claim").click()
    page.get_by_role("button", name="Record decision").wait_for()
    assert_accessible()

    page.get_by_label("Reject").check()
    page.get_by_role("button", name="Record decision").click()
    page.locator("#err-rationale").wait_for()
    assert_accessible()

    page.goto("/reviews/settings/")
    page.get_by_role("heading", name="Your review settings").wait_for()
    assert_accessible()


def test_the_queue_pages_by_keyboard(
    page, make_account, default_policy, sign_in, assert_accessible, monkeypatch
):
    from reviews import queue
    from tests.browser.test_keyboard import focus_ring_visible, tab_to

    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    developer = make_account("dora@clinic.example", organization="Dora Clinic")
    reviewer = make_account("rob@provider.example", role="reviewer")
    first = submitted(developer, title="Earlier tool")
    second = submitted(developer, title="Later tool")
    sign_in(reviewer)

    page.goto("/reviews/")
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.locator(f'tr[data-application="{first.pk}"]').count() == 1
    assert page.get_by_text("counts stop at 1,000").count() == 1
    tab_to(page, 'nav.pager a[rel="next"]', limit=60)
    assert focus_ring_visible(page)
    assert_accessible()
    page.keyboard.press("Enter")
    page.locator(f'tr[data-application="{second.pk}"]').wait_for()
    assert page.locator(f'tr[data-application="{first.pk}"]').count() == 0
    assert page.get_by_role("link", name="Next applications").count() == 0
    assert_accessible()
    tab_to(page, 'nav.pager a[rel="prev"]', limit=60)
    page.keyboard.press("Enter")
    page.locator(f'tr[data-application="{first.pk}"]').wait_for()
