"""Production keys in the browser: a developer finds the grant, reads its usage chart, mints a
key and sees its secret once, comes back to the prefix only, and revokes it; the gateway then
refuses the key. The grant is made through the review services, not the pages."""

import re
from datetime import timedelta

import pytest

from tests.browser.test_keyboard import tab_to
from tests.browser.test_review_flow import submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY_TEXT = re.compile(r"^lmk_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$")


@pytest.fixture
def developer(make_account, default_policy):
    return make_account("kai@keys.example", organization="Kai Keys")


@pytest.fixture
def grant(developer, make_account):
    """An active grant with some use on three of the last 30 days."""
    from django.utils import timezone

    from approvals.models import UsageBucket
    from reviews import claims, decisions

    application = submitted(developer)
    reviewer = make_account("rhea@provider.example", role="reviewer")
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision="approve")
    grant = application.grant
    now = timezone.now().replace(second=0, microsecond=0)
    for days_ago, requests, tokens in ((0, 12, 3_400), (2, 30, 9_000), (9, 4, 800)):
        UsageBucket.objects.create(
            grant=grant, minute=now - timedelta(days=days_ago), requests=requests, tokens=tokens
        )
    return grant


def test_developer_mints_a_key_sees_it_once_then_only_its_prefix_and_revokes_it(
    page, sign_in, assert_accessible, developer, grant
):
    from playwright.sync_api import Error as PlaywrightError

    from approvals.keys.verify import key_verify

    sign_in(developer)
    page.goto("/portal/")
    page.get_by_role("link", name="Your grants").click()
    page.get_by_role("heading", name="Your grants").wait_for()
    assert_accessible()

    page.get_by_role("link", name="Support reply drafts", exact=True).click()
    page.get_by_role("heading", name="Usage, last 30 days").wait_for()
    assert page.locator("svg[role=img] rect.bar-requests").count() == 3
    assert page.get_by_role("table", name="Use per day").locator("tbody tr").count() == 3

    page.get_by_label("Key name").fill("production server")
    page.get_by_role("button", name="Create key").click()
    page.get_by_role("heading", name="Your new key").wait_for()
    assert page.get_by_text("it will not be shown again").is_visible()
    field = page.get_by_label("Key “production server”")
    secret = field.input_value()
    assert KEY_TEXT.match(secret), secret
    assert secret in page.content()
    # Selectable from the keyboard: Tab reaches the field and selects the whole key.
    tab_to(page, "#new-key")
    assert page.evaluate(
        "() => [document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    ) == [0, len(secret)]
    page.get_by_role("button", name="Copy key").click()
    page.get_by_role("status").filter(has_text="Copied").wait_for()
    assert_accessible()
    assert (
        key_verify(key=secret, model="chat-small", endpoint="/v1/chat/completions", tokens=1).code
        == "VALID"
    )

    prefix, random_part = secret.rsplit("_", 1)
    page.get_by_role("link", name="back to the grant").click()
    page.get_by_role("heading", name="Keys", exact=True).wait_for()
    assert page.locator("code.prefix", has_text=prefix).is_visible()
    assert random_part not in page.content()
    assert_accessible()  # with the usage chart, the key's row and its rotate form
    page.reload()
    assert random_part not in page.content()
    # Back to the answer that showed it: no-store, so Chromium will not show it from its cache
    # (and were it kept in the back-forward cache, copy.js removed the key on leaving).
    try:
        page.go_back()
    except PlaywrightError as exc:
        assert "ERR_CACHE_MISS" in str(exc)
        page.get_by_text("ERR_CACHE_MISS").wait_for()  # its "Confirm Form Resubmission" page
    assert random_part not in page.content()
    page.goto(f"/portal/grants/{grant.pk}/")

    page.get_by_role("link", name="Revoke key production server").click()
    page.get_by_role("heading", name="Revoke key “production server”?").wait_for()
    assert_accessible()
    page.get_by_role("button", name="Revoke key").click()
    page.get_by_role("status").filter(has_text="is revoked").wait_for()
    assert page.locator("tr[data-key-status=revoked]").count() == 1
    assert random_part not in page.content()
    assert (
        key_verify(key=secret, model="chat-small", endpoint="/v1/chat/completions", tokens=1).code
        == "REVOKED"
    )
