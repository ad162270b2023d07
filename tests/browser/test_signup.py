"""A developer signs up, verifies their address from the mail, accepts the guidelines, and
is told the account is ready: the path every new developer takes, in a real browser."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_verify_accept_guidelines_ready(
    page, guidelines_v1, verification_link, assert_accessible
):
    address = "ada.lovelace@example.com"

    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Organization").fill("Analytical Engines Ltd")
    page.get_by_label("Password").fill("correct-horse-battery-7")
    page.get_by_role("button", name="Sign up").click()

    # Verification is mandatory: no portal yet, a page that says to check the mail.
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert f"Confirmation email sent to {address}." in page.locator("main").inner_text()
    assert_accessible()  # the two allauth pages only this path reaches are checked on the way

    # The mail's link leads to a page that asks before it confirms; confirming signs in.
    page.goto(verification_link(address))
    page.get_by_role("heading", name="Confirm Email Address").wait_for()
    assert address in page.locator("main").inner_text()
    assert_accessible()
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/portal/$"))
    checklist = page.get_by_role("region", name="Before you can submit an application")
    checklist.wait_for()
    assert "Organization: Analytical Engines Ltd" in page.locator("main").inner_text()
    assert page.locator("li[data-step=verify_email]").count() == 0
    assert page.locator("li[data-step=accept_guidelines]").is_visible()
    assert "Accept the usage guidelines, version 1." in checklist.inner_text()
    assert page.locator("p[data-ready=true]").count() == 0

    page.get_by_role("link", name="Read and accept them").click()
    page.wait_for_url(re.compile(r"/portal/guidelines/$"))
    page.get_by_role("heading", name="Usage guidelines, version 1").wait_for()
    page.get_by_role("button", name="I accept version 1 of the usage guidelines").click()

    page.wait_for_url(re.compile(r"/portal/$"))
    ready = page.locator("p[data-ready=true]")
    ready.wait_for()
    assert ready.inner_text() == "Your account is ready: you may submit use-case applications."
    assert "You accepted the usage guidelines, version 1." in page.locator(".messages").inner_text()
    assert checklist.count() == 0
