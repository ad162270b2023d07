"""Each dangerous action asks first, in a page that says what will happen, and is driven from
the keyboard: rotating a key (the old one keeps working 24 hours by default), reducing a grant
to what it used (old and new terms, the floor), ending an access review early (open items
suspended or closed unchanged) and withdrawing an application. A grant that stopped working
shows it on every page, with the reason its developers were mailed. Screenshots go to
test-artifacts/confirmations/."""

from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.test_keyboard import focused_is, tab_to
from tests.browser.test_review_flow import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "confirmations"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def developer(make_account, default_policy):
    return make_account("cleo@confirm.example", organization="Cleo Confirm")


@pytest.fixture
def grant(developer, make_account):
    from reviews import claims, decisions

    application = submitted(developer, title="Support reply drafts")
    reviewer = make_account("reza@provider.example", role="reviewer")
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision="approve")
    return application.grant


def press_enter_on(page, selector: str) -> None:
    tab_to(page, selector, limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_rotating_asks_first_defaults_to_a_day_and_the_old_key_reads_rotated(
    page, sign_in, assert_accessible, developer, grant
):
    from approvals.keys import services as keys
    from approvals.keys.verify import key_verify

    old, old_secret = keys.key_mint(actor=developer, grant=grant, name="server")
    sign_in(developer)
    page.goto(f"/portal/grants/{grant.pk}/")
    press_enter_on(page, f'a[href="/portal/grants/keys/{old.pk}/rotate/"]')

    page.get_by_role("heading", name="Rotate key “server”?").wait_for()
    assert page.get_by_text("What happens to your traffic").is_visible()
    assert page.get_by_label("24 hours (recommended)", exact=False).is_checked()
    assert page.get_by_text("shown once", exact=False).first.is_visible()
    assert_accessible()
    shot(page, "rotate-confirm")
    old.refresh_from_db()
    assert old.replaced_by_id is None  # asking changed nothing

    press_enter_on(page, "main form button[type=submit]")
    page.get_by_role("heading", name="Your new key for “server”").wait_for()
    assert page.locator("[data-replaced=rotating]").is_visible()
    # The old key still works during its grace.
    assert (
        key_verify(
            key=old_secret, model="chat-small", endpoint="/v1/chat/completions", tokens=1
        ).code
        == "VALID"
    )
    page.goto(f"/portal/grants/{grant.pk}/")
    row = page.locator(f"tr[data-key='{old.pk}']")
    assert row.get_attribute("data-key-status") == "rotating"
    assert "Rotated: works until" in row.inner_text()
    assert_accessible()


def test_a_suspended_grant_shows_blocked_keys_and_the_reason_everywhere(
    page, sign_in, assert_accessible, developer, grant
):
    from approvals.grants import grant_status_set
    from approvals.keys import services as keys

    key, _ = keys.key_mint(actor=developer, grant=grant, name="server")
    reason = "Anomalous use (token_spike): tokens per minute tripled."
    grant_status_set(actor=None, grant=grant, status="suspended", reason=reason)
    sign_in(developer)

    page.goto("/portal/grants/")
    card = page.locator(f"[data-grant='{grant.pk}']")
    assert "Grant suspended" in card.inner_text() and reason in card.inner_text()
    assert "1 active key" not in card.inner_text()
    assert_accessible()

    page.goto(f"/portal/grants/{grant.pk}/")
    row = page.locator(f"tr[data-key='{key.pk}']")
    assert "Blocked: grant suspended" in row.inner_text()
    assert row.get_by_role("link", name="Rotate", exact=False).count() == 0
    assert page.get_by_text(reason).first.is_visible()
    assert_accessible()
    shot(page, "grant-suspended")

    page.goto(f"/portal/applications/{grant.application_id}/")
    assert "create production keys" not in page.content().lower()
    assert page.get_by_text(reason).first.is_visible()


def test_reducing_to_what_was_used_previews_the_new_terms_then_applies(
    page, sign_in, assert_accessible, make_account, grant
):
    from django.utils import timezone

    from approvals.models import Grant, UsageBucket, UsageScope
    from reviews.access import campaigns

    Grant.objects.filter(pk=grant.pk).update(created_at=timezone.now() - timedelta(days=1))
    minute = (timezone.now() - timedelta(hours=12)).replace(second=0, microsecond=0)
    UsageBucket.objects.create(grant=grant, minute=minute, requests=10, tokens=993)
    UsageScope.objects.create(
        grant=grant,
        day=timezone.localdate(minute),
        model_name="chat-small",
        endpoint="/v1/chat/completions",
        requests=10,
        tokens=993,
    )
    admin = make_account("ada@provider.example", role="admin")
    campaign = campaigns.campaign_start(
        actor=admin, name="Q4", due_at=timezone.now() + timedelta(days=14)
    )
    item = campaign.items.get()
    granted = grant.limits["monthly_tokens"]
    reviewer = make_account("rui@provider.example", role="reviewer")
    sign_in(reviewer)

    page.goto(f"/reviews/access-review-items/{item.pk}/")
    assert page.get_by_text("never below 10% of what is granted", exact=False).first.is_visible()
    press_enter_on(page, f'a[href="/reviews/access-review-items/{item.pk}/reduce/"]')
    page.get_by_role("heading", name=f"Reduce grant #{grant.pk} to what was used?").wait_for()
    monthly = page.locator("tr[data-term=monthly_tokens]")
    assert f"{granted:,}" in monthly.inner_text()
    assert page.get_by_text("over the grant's own life", exact=False).is_visible()
    assert_accessible()
    shot(page, "reduce-preview")
    grant.refresh_from_db()
    assert grant.limits["monthly_tokens"] == granted  # the preview changed nothing

    press_enter_on(page, "main form button[type=submit]")
    page.locator(".messages").filter(has_text="Recorded: reduced").wait_for()
    grant.refresh_from_db()
    # Measured over its one day (about 29,790 a month), held at the floor: 10% of 5,000,000.
    assert grant.limits["monthly_tokens"] == granted // 10


def test_ending_an_access_review_says_the_open_grants_will_be_suspended(
    page, sign_in, assert_accessible, make_account, grant
):
    from django.utils import timezone

    from approvals.models import Grant
    from reviews.access import campaigns

    admin = make_account("ada@provider.example", role="admin")
    campaign = campaigns.campaign_start(
        actor=admin, name="Q4", due_at=timezone.now() + timedelta(days=14)
    )
    sign_in(admin)
    page.goto(f"/reviews/access-reviews/{campaign.pk}/")
    page.get_by_label("Suspend their grants", exact=False).check()
    press_enter_on(page, "section[aria-labelledby=end-heading] button[type=submit]")
    page.get_by_role("heading", name="End “Q4” now?").wait_for()
    assert page.get_by_text("1 open item: its grant will be suspended").is_visible()
    assert_accessible()
    shot(page, "end-review-confirm")
    assert Grant.objects.get().status == "active"  # asking changed nothing

    tab_to(page, "main form button[type=submit]", limit=60)
    assert focused_is(page, "button.danger")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(".messages").filter(has_text="The access review is closed.").wait_for()
    assert Grant.objects.get().status == "suspended"


def test_withdrawing_asks_first_and_says_the_application_leaves_the_queue(
    page, sign_in, assert_accessible, developer
):
    from approvals.models import Application

    application = submitted(developer, title="Support reply drafts")
    sign_in(developer)
    page.goto(f"/portal/applications/{application.pk}/")
    press_enter_on(page, f'a[href="/portal/applications/{application.pk}/withdraw/"]')
    page.get_by_role("heading", name="Withdraw “Support reply drafts”?").wait_for()
    assert page.get_by_text("leaves the review queue", exact=False).is_visible()
    assert_accessible()
    shot(page, "withdraw-confirm")
    assert Application.objects.get().status == "in_review"

    back = page.get_by_role("link", name="Keep it: back to the application")
    assert back.is_visible()
    press_enter_on(page, "main form button[type=submit]")
    page.locator(".messages").filter(has_text="Application withdrawn.").wait_for()
    assert Application.objects.get().status == "withdrawn"
