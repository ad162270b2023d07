"""axe-core finds nothing on the pages people use: the anonymous pages, the developer's,
the administrator's audit log. (The lockout page is checked where test_lockout.py reaches
it, rather than by failing five more sign-ins here.) A failure lists each rule, its help
and the offending nodes."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", "Production access for language-model APIs"),
        ("/accounts/signup/", "Create a developer account"),
        ("/accounts/login/", "Sign In"),
    ],
)
def test_anonymous_pages(page, assert_accessible, path, heading):
    page.goto(path)
    page.get_by_role("heading", name=heading, level=1).wait_for()
    assert_accessible()


def test_signup_with_errors(page, assert_accessible):
    """The form as it comes back with errors: the messages must be tied to their fields."""
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("new.developer@example.com")
    page.get_by_label("Organization").fill("Acme")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Sign up").click()
    page.locator(".field-error").first.wait_for()
    assert_accessible()


@pytest.mark.parametrize("ready", [True, False], ids=["ready", "checklist"])
def test_portal_home(page, make_account, sign_in, assert_accessible, ready):
    from accounts.services import guidelines_publish

    user = make_account("dev@example.com", organization="Acme")
    if not ready:
        guidelines_publish(actor=None, text="Version two.")
    sign_in(user)
    page.goto("/portal/")
    page.get_by_role("heading", name="Developer portal").wait_for()
    assert page.locator("p[data-ready=true]").count() == (1 if ready else 0)
    assert_accessible()


def test_guidelines(page, make_account, sign_in, assert_accessible):
    from accounts.services import guidelines_publish

    user = make_account("dev@example.com", organization="Acme")
    guidelines_publish(actor=None, text="Version two.\n\nBe kind to the API.")
    sign_in(user)
    page.goto("/portal/guidelines/")
    page.get_by_role("button", name="I accept version 2 of the usage guidelines").wait_for()
    assert_accessible()


def test_audit_log_as_admin(page, make_account, sign_in, assert_accessible):
    admin = make_account("admin@example.com", role="admin")
    make_account("dev@example.com", organization="Acme")
    sign_in(admin)
    page.goto("/audit/")
    page.get_by_role("heading", name="Audit log").wait_for()
    assert page.get_by_role("table").locator("tbody tr").count() >= 2
    assert_accessible()
