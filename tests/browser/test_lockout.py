"""django-axes locks an (address, network) pair out after AXES_FAILURE_LIMIT failed sign-ins
through the sign-in page; while locked, even the right password is refused."""

import re

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCKOUT_HEADING = "Too many failed sign-in attempts"
WRONG = "The email address and/or password you specified are not correct."


def test_wrong_passwords_lock_the_account_out_then_the_right_one_is_refused(
    page, make_account, submit_login, assert_accessible
):
    user = make_account("lock.me@example.com", organization="Acme")
    other = make_account("colleague@example.com", organization="Acme")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    # Below the limit: the sign-in page again, with allauth's error.
    for attempt in range(1, limit):
        response = submit_login(user.email, f"wrong-password-{attempt}")
        assert response.status == 200, f"attempt {attempt}"
        assert page.get_by_role("heading", name="Sign In").is_visible(), f"attempt {attempt}"
        assert WRONG in page.locator("main").inner_text(), f"attempt {attempt}"

    # The failure that reaches the limit (the 5th) is answered with the lockout page.
    response = submit_login(user.email, "wrong-password-last")
    assert response.status == 429
    assert page.get_by_role("heading", name=LOCKOUT_HEADING).is_visible()
    assert "locked for a while" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("link", name="Reset your password").is_visible()
    assert_accessible()

    # Locked: the right password is refused the same way, and no session is made.
    response = submit_login(user.email, PASSWORD)
    assert response.status == 429
    assert page.get_by_role("heading", name=LOCKOUT_HEADING).is_visible()
    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/portal/$"))
    assert page.get_by_role("heading", name="Sign In").is_visible()

    # The lock is for that address from this network, not for everyone here.
    response = submit_login(other.email, PASSWORD)
    assert response.status == 302
    page.wait_for_url(re.compile(r"/portal/$"))
    assert other.email in page.locator("header").inner_text()
