"""Each role at home (issue 13): signing in lands each role on its own page, the navigation
offers only what the role may use, the error pages are the product's and say what the code
raised, and the gateway account cannot use the web pages at all."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from config import exceptions
from tests.conftest import PASSWORD

HOMES = {"developer": "/portal/", "reviewer": "/reviews/", "admin": "/overview/"}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _nav(html: str) -> str:
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["developer", "reviewer", "admin"])
def test_signing_in_lands_each_role_on_its_home(make_account, role):
    user = make_account(f"{role}@provider.example", role=role)
    response = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]


@pytest.mark.django_db
def test_signing_in_keeps_the_page_asked_for(reviewer):
    response = Client().post(
        "/accounts/login/?next=/reviews/access-reviews/",
        {"login": reviewer.email, "password": PASSWORD},
    )
    assert response["Location"] == "/reviews/access-reviews/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["developer", "reviewer", "admin"])
def test_the_front_page_sends_a_signed_in_user_home(make_account, role):
    user = make_account(f"{role}@provider.example", role=role)
    response = _signed_in(user).get("/")
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]


@pytest.mark.django_db
def test_the_front_page_describes_the_product_to_a_visitor(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Production access for language-model APIs" in response.content.decode()


@pytest.mark.django_db
def test_a_developer_is_not_offered_the_review_or_audit_pages(dev_a):
    nav = _nav(_signed_in(dev_a).get("/portal/").content.decode())
    assert "Developer portal" in nav
    assert "API" in nav
    for hidden in ("Review queue", "Access reviews", "Audit log", "Policy", "Overview"):
        assert hidden not in nav


@pytest.mark.django_db
def test_a_reviewer_is_offered_the_queue_and_access_reviews_only(reviewer):
    nav = _nav(_signed_in(reviewer).get("/reviews/").content.decode())
    assert "Review queue" in nav and "Access reviews" in nav
    for hidden in ("Developer portal", "Audit log", "Policy", "Transparency", "Overview"):
        assert hidden not in nav


@pytest.mark.django_db
def test_an_admin_is_offered_every_console_but_the_developer_portal(admin):
    nav = _nav(_signed_in(admin).get("/overview/").content.decode())
    for shown in ("Overview", "Review queue", "Access reviews", "Policy", "Audit log", "API"):
        assert shown in nav
    assert "Developer portal" not in nav


@pytest.mark.django_db
def test_the_admin_overview_shows_queues_campaigns_policy_and_chain(admin, default_policy):
    html = _signed_in(admin).get("/overview/").content.decode()
    assert "<h1>Overview</h1>" in html
    for words in ("Standard", "Extra scrutiny", "Policy escalation", "Open access reviews"):
        assert words in html
    assert f"Version {default_policy.number}" in html
    assert "The chain has not been verified yet." in html


@pytest.mark.django_db
def test_the_overview_is_for_administrators(dev_a, reviewer):
    for user in (dev_a, reviewer):
        response = _signed_in(user).get("/overview/")
        assert response.status_code == 403
        assert "The overview is for administrators." in response.content.decode()


@pytest.mark.django_db
def test_a_403_page_is_in_the_layout_and_says_why(dev_a):
    response = _signed_in(dev_a).get("/reviews/")
    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in html
    assert "The review pages are for reviewers." in html
    assert "<title>Not allowed · Access Review</title>" in html


@pytest.mark.django_db
def test_a_404_page_is_in_the_layout(dev_a):
    response = _signed_in(dev_a).get("/portal/nothing-here/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="site-header"' in html
    assert "Page not found" in html


def test_the_500_page_is_in_the_layout_without_a_request_or_database():
    # No database access is allowed here: a query would fail this test.
    html = render_to_string("500.html")
    assert 'class="site-header"' in html
    assert "Something went wrong" in html
    response = exceptions.server_error(RequestFactory().get("/portal/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_api_errors_stay_json():
    response = exceptions.server_error(RequestFactory().get("/api/v1/me/"))
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_csrf_failure_is_a_page_in_the_layout():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"login": "a@example.com", "password": "x"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert 'class="site-header"' in html
    assert "form expired" in html
    assert "style=" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/portal/", "/reviews/", "/audit/", "/accounts/email/"])
def test_the_gateway_account_cannot_use_the_pages(gateway, path):
    response = _signed_in(gateway).get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert "The gateway account is for the API only." in html
    assert 'class="site-header"' in html


@pytest.mark.django_db
def test_the_gateway_account_can_still_sign_out_and_use_the_api(gateway, api):
    assert api(gateway).get("/api/v1/me/").status_code == 200
    client = _signed_in(gateway)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.django_db
def test_mails_name_the_product_not_the_host(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "correct-horse-battery-7", "organization": "X"},
    )
    [mail] = mailoutbox
    assert mail.subject.startswith("[Access Review] ")
    assert "Access Review" in mail.body
    without_links = re.sub(r"https?://\S+", "", mail.body)
    assert "testserver" not in without_links and "example.com" not in without_links.replace(
        "new@example.com", ""
    )


@pytest.mark.django_db
def test_an_unverified_developer_can_ask_for_a_new_verification_mail(dev_a, mailoutbox):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=dev_a).update(verified=False)
    client = _signed_in(dev_a)
    html = client.get("/portal/").content.decode()
    assert "Send the verification mail again" in html
    response = client.post("/accounts/email/", {"email": dev_a.email, "action_send": "1"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[dev_a.email]]
    # allauth's rate limit: a second request at once sends nothing more.
    client.post("/accounts/email/", {"email": dev_a.email, "action_send": "1"})
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_verified_developer_is_not_offered_the_mail(dev_a):
    assert (
        "Send the verification mail again" not in _signed_in(dev_a).get("/portal/").content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_the_developer_portal_sends_other_roles_to_their_home(make_account, role):
    """A bookmark or an old link to the portal: not a page of "accept the usage guidelines"
    that a reviewer cannot use (every application page is for developers only)."""
    user = make_account(f"{role}@provider.example", role=role)
    response = _signed_in(user).get("/portal/")
    assert response.status_code == 302
    assert response["Location"] == HOMES[role]


@pytest.mark.django_db
def test_signing_in_unverified_sends_a_new_link_at_most_every_three_minutes(dev_a, mailoutbox):
    """What the verification-sent page promises: a sign-in while the address is unverified
    mails a new link, within allauth's rate limit."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=dev_a).update(verified=False)
    for _ in range(2):
        response = Client().post("/accounts/login/", {"login": dev_a.email, "password": PASSWORD})
        assert response["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1
    page = Client().get("/accounts/confirm-email/").content.decode()
    assert "at most one every three minutes" in page


@pytest.mark.django_db
def test_the_overview_counts_what_waits_and_what_is_open(default_policy):
    from tests.world import personas_create, world_build

    users = personas_create()
    world = world_build(users)
    html = _signed_in(users["admin"]).get("/overview/").content.decode()
    standard = re.search(r"route=standard\">Standard</a></th>\s*<td>(\d+)</td>", html)
    assert standard and standard.group(1) == "1"  # the world's one application in review
    assert f'href="/reviews/access-reviews/{world.campaign.pk}/">Quarterly</a>' in html
    assert "1 of 1 grant still to decide" in html


@pytest.mark.django_db
def test_an_htmx_request_refused_gets_the_message_not_a_whole_page(dev_a):
    """htmx swaps a 403's body into the part of the page that asked (base.html's
    htmx-config): a whole page there would nest a second header inside the first."""
    response = _signed_in(dev_a).get("/reviews/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 403
    assert "The review pages are for reviewers." in html
    assert "<html" not in html and "site-header" not in html


@pytest.mark.django_db
def test_an_htmx_form_with_a_stale_token_gets_the_message_not_a_whole_page(dev_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dev_a)
    response = client.post("/portal/guidelines/", {"version": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 403
    assert "form expired" in html and "<html" not in html
