import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import Organization, User
from accounts.readiness import ACCEPT_GUIDELINES, VERIFY_EMAIL
from audit.models import AuditEvent

SIGNUP_URL = "/api/v1/signup/"
pytestmark = pytest.mark.django_db
GOOD = {
    "email": "New.Dev@Example.com",
    "password": "a-long-passphrase-9",
    "organization": "Initech",
}


def test_signup_creates_an_unverified_developer_and_mails_a_verification_link(api, mailoutbox):
    response = api().post(SIGNUP_URL, GOOD, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "email"} and body["email"] == "new.dev@example.com"
    user = User.objects.get(email="new.dev@example.com")
    assert str(user.public_id) == body["id"] and user.role == "developer"
    assert user.memberships.get().organization.name == "Initech"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.dev@example.com"]
    assert re.search(r"/accounts/confirm-email/[\w:-]+/", mailoutbox[0].body)
    assert AuditEvent.objects.filter(action="account.signup", target_id=str(user.pk)).exists()


def test_new_developer_can_sign_in_and_is_told_what_is_missing(api):
    api().post(SIGNUP_URL, GOOD, format="json")
    token = (
        api()
        .post(
            "/api/v1/auth/token/",
            {"email": GOOD["email"], "password": GOOD["password"]},
            format="json",
        )
        .json()["token"]
    )
    me = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["missing"] == [VERIFY_EMAIL, ACCEPT_GUIDELINES]


def test_signup_with_a_known_address_answers_the_same_and_creates_nothing(api, dev_a, mailoutbox):
    response = api().post(SIGNUP_URL, {**GOOD, "email": dev_a.email}, format="json")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "email"}
    assert response.json()["id"] != str(dev_a.public_id)
    assert User.objects.filter(email=dev_a.email).count() == 1
    assert not AuditEvent.objects.filter(action="account.signup").exists()
    # The owner of the address learns that somebody tried.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [dev_a.email]


def test_signup_never_joins_an_existing_organization_by_name(api, dev_a):
    api().post(SIGNUP_URL, {**GOOD, "organization": "Org A"}, format="json")
    newcomer = User.objects.get(email="new.dev@example.com")
    assert newcomer.memberships.get().organization != dev_a.memberships.get().organization
    assert Organization.objects.filter(name="Org A").count() == 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("email", "not-an-address"),
        ("email", ""),
        ("password", "short"),
        ("password", "12345678901"),
        ("organization", ""),
        ("organization", "x" * 121),
    ],
)
def test_bad_signup_input_is_a_400_naming_the_field(api, field, value):
    response = api().post(SIGNUP_URL, {**GOOD, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_signup_is_throttled_per_address(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "signup_email": "2/hour",
        },
    }
    codes = [
        api().post(SIGNUP_URL, GOOD, format="json", REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_signup_is_throttled_per_ip(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "signup_ip": "2/hour",
        },
    }
    codes = [
        api().post(SIGNUP_URL, {**GOOD, "email": f"dev{i}@example.com"}, format="json").status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_signup_page_creates_the_account_with_its_organization(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {"email": "page@example.com", "organization": "Hooli", "password1": "a-long-passphrase-9"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"  # "verify your address" page
    user = User.objects.get(email="page@example.com")
    assert user.memberships.get().organization.name == "Hooli"
    assert len(mailoutbox) == 1


def test_signup_page_with_a_known_address_looks_like_success(client, dev_a, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {"email": dev_a.email, "organization": "Hooli", "password1": "a-long-passphrase-9"},
        follow=True,
    )
    assert "Verify Your Email Address" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[dev_a.email]]
    assert User.objects.filter(email=dev_a.email).count() == 1
    assert not Organization.objects.filter(name="Hooli").exists()


def test_password_reset_answers_alike_and_mails_only_the_owner(client, dev_a, mailoutbox):
    known = client.post("/accounts/password/reset/", {"email": dev_a.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_mails = [m for m in mailoutbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in reset_mails] == [[dev_a.email]]
