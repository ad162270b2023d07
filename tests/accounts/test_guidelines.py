import re

import pytest
from allauth.account.models import EmailAddress

from accounts import services
from accounts.errors import NotAllowed
from accounts.models import GuidelinesAcceptance
from accounts.readiness import (
    ACCEPT_GUIDELINES,
    VERIFY_EMAIL,
    ensure_ready_to_submit,
    missing_steps,
)
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return services.developer_signup(
        email="nina@example.com", password="a-long-passphrase-9", organization_name="Nina's Apps"
    )


def test_current_guidelines_summarise_the_policy(api, dev_a):
    body = api(dev_a).get("/api/v1/guidelines/current/").json()
    assert body["version"] == 1
    for phrase in (
        "stalkerware",
        "fake reviews",
        "medical",
        "two approvals",
        "only for the use case that was approved",
    ):
        assert phrase in body["text"]


def test_accepting_the_current_version(api, newcomer):
    client = api(newcomer)
    response = client.post("/api/v1/guidelines/accept/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert ACCEPT_GUIDELINES not in missing_steps(newcomer)
    assert AuditEvent.objects.filter(action="guidelines.accepted", actor=newcomer).count() == 1
    # Accepting again changes nothing and records nothing.
    assert (
        client.post("/api/v1/guidelines/accept/", {"version": 1}, format="json").status_code == 200
    )
    assert AuditEvent.objects.filter(action="guidelines.accepted", actor=newcomer).count() == 1


@pytest.mark.parametrize(
    "body, status",
    [({"version": 7}, 409), ({"version": "x"}, 400), ({}, 400), ({"version": 0}, 400)],
)
def test_accepting_anything_but_the_current_version_is_refused(api, newcomer, body, status):
    response = api(newcomer).post("/api/v1/guidelines/accept/", body, format="json")
    assert response.status_code == status
    assert not GuidelinesAcceptance.objects.filter(user=newcomer).exists()


def test_only_developers_accept_guidelines(api, reviewer):
    response = api(reviewer).post("/api/v1/guidelines/accept/", {"version": 1}, format="json")
    assert response.status_code == 403


def test_a_new_version_must_be_accepted_again(api, dev_a, admin):
    assert missing_steps(dev_a) == []
    services.guidelines_publish(actor=admin, text="Version two of the usage guidelines.")
    assert missing_steps(dev_a) == [ACCEPT_GUIDELINES]
    assert api(dev_a).get("/api/v1/me/").json()["missing"] == [ACCEPT_GUIDELINES]
    assert AuditEvent.objects.filter(action="guidelines.published", actor=admin).exists()
    services.guidelines_accept(user=dev_a, version=2)
    assert missing_steps(dev_a) == []


def test_submitting_needs_a_verified_address_and_accepted_guidelines(newcomer):
    with pytest.raises(NotAllowed) as refused:
        ensure_ready_to_submit(newcomer)
    assert refused.value.extra["missing"] == [VERIFY_EMAIL, ACCEPT_GUIDELINES]


def test_following_the_mailed_link_verifies_the_address(client, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"email": "vera@example.com", "organization": "V", "password1": "a-long-passphrase-9"},
    )
    link = re.search(r"(/accounts/confirm-email/[\w:-]+/)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200  # a page with a button: GET changes nothing
    assert not EmailAddress.objects.get(email="vera@example.com").verified
    client.post(link)
    address = EmailAddress.objects.get(email="vera@example.com")
    assert address.verified
    assert VERIFY_EMAIL not in missing_steps(address.user)
    assert AuditEvent.objects.filter(
        action="account.email_verified", target_id=str(address.user.pk)
    ).exists()


def test_portal_home_shows_what_is_missing_then_that_the_account_is_ready(client, newcomer):
    client.force_login(newcomer)
    page = client.get("/portal/").content.decode()
    assert 'data-step="verify_email"' in page and 'data-step="accept_guidelines"' in page
    EmailAddress.objects.filter(user=newcomer).update(verified=True)
    client.post("/portal/guidelines/", {"version": "1"})
    page = client.get("/portal/").content.decode()
    assert 'data-ready="true"' in page and "data-step" not in page
