from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from audit.models import AuditEvent
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def test_token_signs_in_and_is_stored_only_as_a_digest(api, dev_a):
    response = api().post(TOKEN_URL, {"email": dev_a.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token.startswith("arv_") and len(token) > 40
    stored = AuthToken.objects.get(user=dev_a)
    assert token not in (stored.digest, stored.token_key) and len(stored.digest) == 128
    me = api().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200 and me.json()["email"] == dev_a.email


def test_email_is_matched_case_insensitively(api, dev_a):
    response = api().post(
        TOKEN_URL, {"email": dev_a.email.upper(), "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"email": "nobody@nowhere.example", "password": PASSWORD},  # unknown address
        {"email": "alice@org-a.example", "password": "wrong-password"},  # known, wrong password
        {"email": "alice@org-a.example"},  # missing password
        {"email": "not-an-email", "password": PASSWORD},  # malformed address
    ],
)
def test_token_endpoint_gives_one_answer_for_every_bad_credential(api, dev_a, body):
    response = api().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Unable to sign in with the email and password given.",
        "code": "invalid_credentials",
    }


def test_inactive_account_gets_the_same_answer(api, dev_a):
    dev_a.is_active = False
    dev_a.save()
    response = api().post(TOKEN_URL, {"email": dev_a.email, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_expired_token_is_refused(api, dev_a):
    client = api(dev_a)
    AuthToken.objects.filter(user=dev_a).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code == 401


def test_repeated_failures_lock_out_that_address_from_that_network_only(api, dev_a):
    wrong = {"email": dev_a.email, "password": "wrong-password"}
    codes = [
        api().post(TOKEN_URL, wrong, format="json", REMOTE_ADDR="203.0.113.7").status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 400, 429]  # the fifth failure locks the pair
    right = {"email": dev_a.email, "password": PASSWORD}
    locked = api().post(TOKEN_URL, right, format="json", REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    # The real user, elsewhere, is not locked out by an attacker's guesses.
    assert (
        api().post(TOKEN_URL, right, format="json", REMOTE_ADDR="198.51.100.2").status_code == 200
    )
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("account.login_failed") >= 5
    assert "account.locked_out" in actions


def test_token_endpoint_is_throttled_per_ip(api, dev_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_ip": "3/min",
        },
    }
    body = {"email": dev_a.email, "password": PASSWORD}
    codes = [api().post(TOKEN_URL, body, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_login_success_and_failure_are_audited_without_the_password(api, dev_a):
    api().post(TOKEN_URL, {"email": dev_a.email, "password": "wrong-password"}, format="json")
    api().post(TOKEN_URL, {"email": dev_a.email, "password": PASSWORD}, format="json")
    events = list(AuditEvent.objects.filter(action__startswith="account.login").order_by("id"))
    assert [e.action for e in events] == ["account.login_failed", "account.login_succeeded"]
    assert events[1].actor == dev_a
    for event in events:
        assert PASSWORD not in str(event.data) and "wrong-password" not in str(event.data)
