"""At most 100 failed sign-ins an hour per account, from however many addresses (OWASP ASVS
2.2.1), without letting an attacker lock the real user out: past the bound only addresses
the account has signed in from before may still try."""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"
PROXY = "192.0.2.10"
REAL_USER = "198.51.100.20"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def behind_proxy(settings):
    settings.PROXY_COUNT = 1


def via(address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def token(api, email, password, address):
    return api().post(
        TOKEN_URL, {"email": email, "password": password}, format="json", **via(address)
    )


def fail_from_many_addresses(api, email, count, start=0):
    """A distributed guesser: each address stays under the per-address lockout."""
    for i in range(start, start + count):
        response = token(api, email, "wrong-password", f"198.18.{i // 200}.{i % 200 + 1}")
        assert response.status_code == 400, (i, response.json())


def test_past_the_hourly_bound_only_addresses_known_to_the_account_may_sign_in(api, client, dev_a):
    assert settings.SIGNIN_ACCOUNT_FAILURES_PER_HOUR == 100
    assert token(api, dev_a.email, PASSWORD, REAL_USER).status_code == 200  # a known address

    fail_from_many_addresses(api, dev_a.email, 99)
    # Below the bound a new address signs in as usual (and becomes known).
    assert token(api, dev_a.email, PASSWORD, "203.0.113.50").status_code == 200
    fail_from_many_addresses(api, dev_a.email, 1, start=99)

    # The bound is reached: an address the account never signed in from is refused, even
    # with the right password, on the API and on the sign-in page alike.
    refused = token(api, dev_a.email, PASSWORD, "203.0.113.51")
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    page = client.post(
        LOGIN_URL, {"login": dev_a.email, "password": PASSWORD}, **via("203.0.113.51")
    )
    assert page.status_code == 429
    assert "Too many failed sign-in attempts" in page.content.decode()
    # Guessing goes no further: a refused attempt checks no password and is not counted.
    assert AccessFailureLog.objects.filter(username=dev_a.email).count() == 100

    # The real user is not locked out: the addresses they signed in from still work.
    assert token(api, dev_a.email, PASSWORD, REAL_USER).status_code == 200
    assert token(api, dev_a.email, PASSWORD, "203.0.113.50").status_code == 200
    page = client.post(LOGIN_URL, {"login": dev_a.email, "password": PASSWORD}, **via(REAL_USER))
    assert page.status_code == 302 and page["Location"] == "/portal/"
    assert AuditEvent.objects.filter(action="account.locked_out").exists()


def test_the_bound_counts_the_last_hour_only(api, dev_a):
    fail_from_many_addresses(api, dev_a.email, 100)
    assert token(api, dev_a.email, PASSWORD, "203.0.113.51").status_code == 429
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert token(api, dev_a.email, PASSWORD, "203.0.113.51").status_code == 200


def test_an_unknown_address_is_bounded_alike_so_the_bound_tells_no_account_apart(api, dev_a):
    fail_from_many_addresses(api, "nobody@example.com", 100)
    refused = token(api, "nobody@example.com", PASSWORD, "203.0.113.51")
    assert refused.status_code == 429 and refused.json()["code"] == "locked_out"
    # Other accounts are untouched.
    assert token(api, dev_a.email, PASSWORD, "203.0.113.51").status_code == 200
