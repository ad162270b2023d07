"""Behind a TLS proxy (issue 12.1, 12.2): every request arrives from the proxy's address, and
the client's own address is the entry the proxy appended to X-Forwarded-For. Lockout,
throttles and the sign-in page's rate limits must all key on that client address, never on
the proxy's, nor on entries a client wrote into the header itself."""

import pytest
from django.test import RequestFactory

from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
SIGNUP_URL = "/api/v1/signup/"
LOGIN_URL = "/accounts/login/"
PROXY = "192.0.2.10"  # the TLS proxy: REMOTE_ADDR of every request
ATTACKER = "203.0.113.9"
REAL_USER = "198.51.100.20"
pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_proxy(settings):
    settings.PROXY_COUNT = 1


def via_proxy(forwarded_for: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


@pytest.mark.parametrize(
    "count, remote, forwarded, expected",
    [
        (0, "198.51.100.1", "203.0.113.5", "198.51.100.1"),  # no proxy: the header is a lie
        (1, PROXY, "203.0.113.5", "203.0.113.5"),
        (1, PROXY, "10.1.0.1, 203.0.113.5", "203.0.113.5"),  # forged entries come first
        (2, PROXY, "10.1.0.1, 203.0.113.5, 192.0.2.11", "203.0.113.5"),
        (2, PROXY, "203.0.113.5", PROXY),  # fewer entries than proxies: REMOTE_ADDR
        (1, PROXY, "", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, " 2001:DB8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_entry_the_trusted_proxy_added(
    settings, count, remote, forwarded, expected
):
    from accounts.auth.client import client_ip

    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_an_attacker_behind_the_proxy_cannot_lock_out_the_real_user(api, dev_a, behind_proxy):
    wrong = {"email": dev_a.email, "password": "wrong-password"}
    codes = [
        api().post(TOKEN_URL, wrong, format="json", **via_proxy(ATTACKER)).status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 400, 429]
    right = {"email": dev_a.email, "password": PASSWORD}
    real = api().post(TOKEN_URL, right, format="json", **via_proxy(REAL_USER))
    assert real.status_code == 200, real.json()
    # The attacker's own (address, account) pair stays locked, even with the right password.
    attacker = api().post(TOKEN_URL, right, format="json", **via_proxy(ATTACKER))
    assert attacker.status_code == 429 and attacker.json()["code"] == "locked_out"


def test_forging_the_first_entry_does_not_escape_a_lockout(api, dev_a, behind_proxy):
    wrong = {"email": dev_a.email, "password": "wrong-password"}
    codes = [
        api()
        .post(TOKEN_URL, wrong, format="json", **via_proxy(f"10.{i}.0.1, {ATTACKER}"))
        .status_code
        for i in range(6)
    ]
    assert codes == [400, 400, 400, 400, 429, 429]


def test_sign_in_page_lockout_is_per_client_behind_the_proxy(client, dev_a, behind_proxy):
    wrong = {"login": dev_a.email, "password": "wrong-password"}
    codes = [client.post(LOGIN_URL, wrong, **via_proxy(ATTACKER)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    right = {"login": dev_a.email, "password": PASSWORD}
    assert client.post(LOGIN_URL, right, **via_proxy(ATTACKER)).status_code == 429
    response = client.post(LOGIN_URL, right, **via_proxy(REAL_USER))
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_sign_in_page_failure_limit_is_per_client_behind_the_proxy(
    client, dev_a, settings, behind_proxy
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/ip"}
    for i in range(3):  # different accounts, so that no (account, address) pair locks
        wrong = {"login": f"nobody{i}@example.com", "password": "wrong-password"}
        assert client.post(LOGIN_URL, wrong, **via_proxy(ATTACKER)).status_code == 200
    limited = client.post(
        LOGIN_URL, {"login": dev_a.email, "password": PASSWORD}, **via_proxy(ATTACKER)
    )
    assert "Too many failed login attempts" in limited.content.decode()
    response = client.post(
        LOGIN_URL, {"login": dev_a.email, "password": PASSWORD}, **via_proxy(REAL_USER)
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_rotating_a_forged_first_entry_does_not_bypass_the_token_throttle(api, dev_a, behind_proxy):
    right = {"email": dev_a.email, "password": PASSWORD}
    answers = [
        api().post(TOKEN_URL, right, format="json", **via_proxy(f"10.{i}.0.1, 203.0.113.77"))
        for i in range(31)
    ]
    assert [a.status_code for a in answers[:30]] == [200] * 30  # THROTTLE_TOKEN_IP: 30/min
    assert answers[30].status_code == 429 and answers[30].json()["code"] == "throttled"
    # Another client behind the same proxy is not affected.
    other = api().post(TOKEN_URL, right, format="json", **via_proxy(REAL_USER))
    assert other.status_code == 200


def test_rotating_a_forged_first_entry_does_not_bypass_the_signup_throttle(api, behind_proxy):
    def signup(i):
        body = {"email": f"dev{i}@example.com", "password": "a-long-passphrase-9"}
        return api().post(
            SIGNUP_URL,
            {**body, "organization": "Initech"},
            format="json",
            **via_proxy(f"10.{i}.0.1, 203.0.113.77"),
        )

    codes = [signup(i).status_code for i in range(21)]
    assert codes == [201] * 20 + [429]  # THROTTLE_SIGNUP_IP: 20/hour


def test_a_token_sign_in_clears_that_clients_failures_as_a_page_sign_in_does(
    api, dev_a, behind_proxy
):
    """AXES_RESET_ON_SUCCESS: a user who mistypes now and then is never locked out by
    failures spread over successful sign-ins."""
    wrong = {"email": dev_a.email, "password": "wrong-password"}
    right = {"email": dev_a.email, "password": PASSWORD}
    codes = []
    for _ in range(2):
        codes += [
            api().post(TOKEN_URL, wrong, format="json", **via_proxy(REAL_USER)).status_code
            for _ in range(4)
        ]
        codes.append(
            api().post(TOKEN_URL, right, format="json", **via_proxy(REAL_USER)).status_code
        )
    assert codes == [400, 400, 400, 400, 200] * 2
