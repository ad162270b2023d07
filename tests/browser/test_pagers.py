"""The lists that grow without bound page by cursor in the browser: a developer walks their
applications, grants and a grant's keys fifty at a time with the keyboard, and a reviewer a
campaign's items; axe-core finds nothing on a page with a pager, first and later."""

import pytest

from tests.approvals.keys.test_paged_keys import old_keys
from tests.approvals.test_paged_lists import applications_made, grants_made
from tests.browser.test_keyboard import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def developer(make_account, default_policy):
    return make_account("paula@pages.example", organization="Paula Pages")


def follow_with_keyboard(page, name: str) -> None:
    """Tab to the pager's link `name` (its next page) and press Enter on it."""
    tab_to(page, 'nav.pager a[rel="next"]', limit=400)
    assert page.evaluate("() => document.activeElement.textContent") == name
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_developer_walks_applications_and_keys_by_keyboard(
    page, sign_in, assert_accessible, developer
):
    applications_made(developer, 55, status="in_review")
    grant = grants_made(developer, 1)[0]  # and its approved application: 56 in all
    old_keys(grant, developer, 52)
    sign_in(developer)

    page.goto("/portal/applications/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 50 and page.get_by_text("56 applications").count() == 1
    assert_accessible()
    follow_with_keyboard(page, "Next applications")
    assert "cursor=" in page.url and rows.count() == 6
    assert page.get_by_role("link", name="Next applications").count() == 0
    assert_accessible()
    page.get_by_role("link", name="Previous applications").click()
    page.wait_for_load_state()
    assert rows.count() == 50

    page.goto(f"/portal/grants/{grant.pk}/")
    keys = page.locator("table.keys-table tbody tr")
    assert keys.count() == 50
    assert_accessible()
    follow_with_keyboard(page, "Next keys")
    assert keys.count() == 2
    assert_accessible()


def test_a_reviewer_pages_through_a_campaigns_items(
    page, sign_in, assert_accessible, make_account, developer
):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.access import campaigns

    grants_made(developer, 53)
    admin = make_account("ada@provider.example", role="admin")
    campaign = campaigns.campaign_start(
        actor=admin, name="Yearly", due_at=timezone.now() + timedelta(days=14)
    )
    sign_in(make_account("rhea@provider.example", role="reviewer"))
    page.goto(f"/reviews/access-reviews/{campaign.pk}/")
    items = page.locator("table.items tbody tr")
    assert items.count() == 50
    assert_accessible()
    follow_with_keyboard(page, "Next items")
    assert items.count() == 3
    assert_accessible()
