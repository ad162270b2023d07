"""Each role at home (issue 13), in a real browser: signing in lands each role on its own page
with a navigation of only what it may use; the error pages are the product's; the allauth
pages are in the product's layout; an unverified developer asks for a new verification mail."""

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    # role: (email, specialties, landing path, h1, nav links shown)
    "developer": ("dev@example.com", (), "/portal/", None, ["Developer portal", "API"]),
    "reviewer": (
        "rob@provider.example",
        (),
        "/reviews/",
        None,
        ["Review queue", "Access reviews", "API"],
    ),
    "specialist": (
        "sam@provider.example",
        ("medical-health",),
        "/reviews/",
        None,
        ["Review queue", "Access reviews", "API"],
    ),
    "admin": (
        "ada@provider.example",
        (),
        "/overview/",
        "Overview",
        ["Overview", "Review queue", "Access reviews", "Policy", "Audit log", "API"],
    ),
}
EVERY_LINK = [
    "Overview",
    "Developer portal",
    "Review queue",
    "Access reviews",
    "Policy",
    "Audit log",
    "Transparency report",
    "API",
]


def _nav_links(page) -> list[str]:
    nav = page.get_by_role("navigation", name="Main")
    if nav.count() == 0:
        return []
    return [link.inner_text().strip() for link in nav.get_by_role("link").all()]


@pytest.mark.parametrize("persona", list(ROLES))
def test_each_role_lands_on_its_home_with_its_navigation(
    page, make_account, submit_login, assert_accessible, default_policy, persona
):
    email, specialties, landing, heading, shown = ROLES[persona]
    role = "reviewer" if persona == "specialist" else persona
    make_account(email, role=role, organization="Acme", specialties=specialties)

    page.goto("/accounts/login/")
    submit_login(email, PASSWORD)

    page.wait_for_url(re.compile(f"{re.escape(landing)}$"))
    if heading:
        page.get_by_role("heading", name=heading, level=1).wait_for()
    links = _nav_links(page)
    for name in shown:
        assert name in links, f"{persona} should see {name}: {links}"
    hidden = [name for name in EVERY_LINK if name not in shown and name != "Transparency report"]
    for name in hidden:
        assert name not in links, f"{persona} should not see {name}: {links}"
    if persona != "developer":
        assert "usage guidelines" not in page.locator("main").inner_text()
    assert_accessible()
    # The menu is reached with the keyboard: the skip link first, then the brand, then it.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == shown[0]


def test_the_gateway_account_signs_in_to_a_refusal(
    page, make_account, submit_login, assert_accessible
):
    make_account("gw@provider.example", role="gateway")
    page.goto("/accounts/login/")
    response = submit_login("gw@provider.example", PASSWORD)
    assert response.status == 302
    main = page.locator("main")
    main.get_by_text("The gateway account is for the API only.").wait_for()
    assert page.locator(".site-header").is_visible()
    assert _nav_links(page) == []
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible()
    page.goto("/portal/")
    main.get_by_text("The gateway account is for the API only.").wait_for()


def test_a_refused_page_says_why_in_the_layout(page, make_account, sign_in, assert_accessible):
    sign_in(make_account("dev@example.com", organization="Acme"))
    response = page.goto("/reviews/")
    assert response.status == 403
    page.get_by_role("heading", name="You cannot use this page", level=1).wait_for()
    assert page.get_by_role("alert").inner_text() == "The review pages are for reviewers."
    assert page.get_by_role("link", name="Access Review").is_visible()
    assert_accessible()
    page.get_by_role("link", name="Go to your start page").click()
    page.wait_for_url(re.compile(r"/portal/$"))


def test_a_missing_page_is_in_the_layout(page, assert_accessible):
    response = page.goto("/portal/applications/999999/nothing/")
    assert response.status == 404
    page.get_by_role("heading", name="Page not found", level=1).wait_for()
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert_accessible()


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/accounts/login/", "Sign in"),
        ("/accounts/signup/", "Create a developer account"),
        ("/accounts/password/reset/", "Reset your password"),
    ],
)
def test_allauth_entrance_pages_are_in_the_layout(page, assert_accessible, path, heading):
    page.goto(path)
    page.get_by_role("heading", name=heading, level=1).wait_for()
    assert page.locator(".site-header").is_visible()
    assert page.locator("form.account-form").count() == 1
    assert_accessible()


def test_a_failed_sign_in_is_summarised_and_focused(page, make_account, assert_accessible):
    make_account("dev@example.com", organization="Acme")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("dev@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "not correct" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible()


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Change your password"),
    ],
)
def test_allauth_account_pages_are_in_the_layout(
    page, make_account, sign_in, assert_accessible, path, heading
):
    sign_in(make_account("dev@example.com", organization="Acme"))
    page.goto(path)
    page.get_by_role("heading", name=heading, level=1).wait_for()
    assert page.get_by_role("navigation", name="Account").is_visible()
    assert_accessible()


def test_sign_out_and_password_reset_pages_are_in_the_layout(
    page, make_account, sign_in, assert_accessible
):
    sign_in(make_account("dev@example.com", organization="Acme"))
    page.goto("/accounts/logout/")
    page.get_by_role("heading", name="Sign out", level=1).wait_for()
    assert page.locator(".site-header").is_visible()
    assert_accessible()
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/accounts/password/reset/")
    page.get_by_label("Email").fill("dev@example.com")
    page.get_by_role("button", name="Send the reset link").click()
    page.get_by_role("heading", name="Check your mail", level=1).wait_for()
    assert "a link to choose a new password" in page.locator("main").inner_text()
    assert_accessible()


def test_an_unverified_developer_asks_for_a_new_verification_mail(
    page, make_account, sign_in, assert_accessible, mailoutbox, verification_link
):
    from allauth.account.models import EmailAddress

    user = make_account("dev@example.com", organization="Acme")
    EmailAddress.objects.filter(user=user).update(verified=False)
    sign_in(user)
    page.goto("/portal/")
    banner = page.get_by_role("region", name="Verify your email address")
    banner.wait_for()
    assert_accessible()
    banner.get_by_role("button", name="Send the verification mail again").click()
    page.get_by_text("Confirmation email sent to dev@example.com.").wait_for()
    assert verification_link("dev@example.com")


def test_the_admin_overview_of_a_populated_world(page, sign_in, assert_accessible, default_policy):
    from pathlib import Path

    from tests.world import personas_create, world_build

    users = personas_create()
    world_build(users)
    sign_in(users["admin"])
    page.goto("/overview/")
    page.get_by_role("heading", name="Overview", level=1).wait_for()
    queues = page.get_by_role("table", name="Applications in review, by route")
    assert queues.get_by_role("row").count() == 4  # a header and three routes
    page.get_by_role("link", name="Quarterly").wait_for()
    assert_accessible()
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "overview.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth <= 390"), wide
    page.screenshot(path=str(artifacts / "overview-390.png"), full_page=True)


def test_removing_an_address_asks_first(page, make_account, sign_in):
    from allauth.account.models import EmailAddress

    user = make_account("dev@example.com", organization="Acme")
    EmailAddress.objects.create(user=user, email="second@example.com", verified=True)
    sign_in(user)
    page.goto("/accounts/email/")
    page.get_by_label("second@example.com").check()
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.get_by_role("button", name="Remove").click()
    page.wait_for_timeout(300)
    assert asked and "Remove the selected address?" in asked[0]
    assert EmailAddress.objects.filter(email="second@example.com").exists()  # said no
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        page.get_by_role("button", name="Remove").click()
    assert not EmailAddress.objects.filter(email="second@example.com").exists()
