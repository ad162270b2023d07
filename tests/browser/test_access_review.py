"""An access review in the browser: an administrator starts a campaign; a reviewer reduces
one grant to what it used and certifies the unremarkable rest together; the grant nobody
decided is suspended when the due date comes (time travelled: the due-date sweep runs with a
clock past the due date)."""

from datetime import timedelta

import pytest

from tests.browser.test_review_flow import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def grants(make_account, default_policy):
    """Four grants of one organization: the first asks for two models and used one; the
    second and third used what they were granted; the fourth was never used."""
    from django.utils import timezone

    from approvals.models import UsageBucket, UsageScope
    from reviews import claims, decisions

    developer = make_account("dana@shop.example", organization="Dana Shop")
    approver = make_account("abe@provider.example", role="reviewer")
    made = []
    for n in range(4):
        models = ["chat-small", "chat-large"] if n == 0 else ["chat-small"]
        application = submitted(developer, title=f"Use case {n + 1}", models=models)
        claims.claim(reviewer=approver, application=application)
        decisions.decide(reviewer=approver, application=application, decision="approve")
        made.append(application.grant)
    minute = (timezone.now() - timedelta(days=2)).replace(second=0, microsecond=0)
    for grant in made[:3]:
        UsageBucket.objects.create(grant=grant, minute=minute, requests=20, tokens=4_000)
        UsageScope.objects.create(
            grant=grant,
            day=timezone.localdate(minute),
            model_name="chat-small",
            endpoint="/v1/chat/completions",
            requests=20,
            tokens=4_000,
        )
    return made


def test_admin_starts_a_campaign_reviewer_reduces_one_certifies_the_rest_remainder_suspends(
    page, sign_in, assert_accessible, make_account, grants
):
    from django.utils import timezone
    from playwright.sync_api import expect

    from approvals.models import Grant
    from reviews.access import campaigns
    from reviews.models import Campaign

    admin = make_account("ada@provider.example", role="admin")
    reviewer = make_account("rui@provider.example", role="reviewer")
    first, second, third, unused = grants

    # The administrator starts the campaign from the page.
    sign_in(admin)
    page.goto("/reviews/")
    page.get_by_role("link", name="Access reviews").first.click()
    assert_accessible()
    due = (timezone.now() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Name", exact=True).fill("Q4 access review")
    page.get_by_label("Due (UTC)").fill(due)
    with page.expect_navigation():
        page.get_by_role("button", name="Start the access review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Q4 access review")
    expect(page.locator(".messages")).to_contain_text("4 grants to re-certify")
    assert page.locator("tr[data-item]").count() == 4
    assert_accessible()

    # A reviewer reduces the first grant to what it used: the new terms first, then apply.
    page.context.clear_cookies()
    sign_in(reviewer)
    page.goto("/reviews/access-reviews/")
    page.get_by_role("link", name="Q4 access review").click()
    page.get_by_role("link", name=f"Grant #{first.pk}: Use case 1").click()
    assert page.locator("[data-used=models]").inner_text() == "chat-small"
    assert_accessible()
    page.get_by_role("link", name="Reduce to what was used…").click()
    expect(page.locator("tr[data-term=models]")).to_contain_text("chat-small, chat-large")
    assert_accessible()
    with page.expect_navigation():
        page.get_by_role("button", name="Apply the reduction").click()
    expect(page.locator(".messages")).to_contain_text("Recorded: reduced")
    first.refresh_from_db()
    assert first.model_names == ["chat-small"]
    assert first.limits["requests_per_minute"] == 30  # the peak, 20, with room to grow

    # The unremarkable rest are ticked; the unused grant is not. Certify with the keyboard.
    campaign = Campaign.objects.get()
    items = {item.grant_id: item.pk for item in campaign.items.all()}
    assert page.locator(f"#pick-{items[second.pk]}").is_checked()
    assert page.locator(f"#pick-{items[third.pk]}").is_checked()
    assert not page.locator(f"#pick-{items[unused.pk]}").is_checked()
    assert_accessible()
    page.get_by_role("button", name="Certify the ticked grants").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("2 grants certified")
    statuses = {
        int(row.get_attribute("data-item")): row.get_attribute("data-status")
        for row in page.locator("tr[data-item]").all()
    }
    assert statuses == {
        items[first.pk]: "reduced",
        items[second.pk]: "certified",
        items[third.pk]: "certified",
        items[unused.pk]: "open",
    }

    # The due date comes: the grant still open is suspended.
    campaigns.campaign_close_due(now=campaign.due_at + timedelta(minutes=1))
    page.reload()
    assert (
        page.locator(f"tr[data-item='{items[unused.pk]}']").get_attribute("data-status") == "lapsed"
    )
    assert page.locator("[data-campaign-status]").get_attribute("data-campaign-status") == "closed"
    assert {g.pk: g.status for g in Grant.objects.all()} == {
        first.pk: "active",
        second.pk: "active",
        third.pk: "active",
        unused.pk: "suspended",
    }
