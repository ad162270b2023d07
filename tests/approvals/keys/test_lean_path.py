"""The lean gateway path (config/gateway_wsgi.py, served by config.wsgi): called as a WSGI
server calls it, it answers exactly as the Django view answers, with the same effects, and
hands every other request to Django untouched."""

import io
import json
import logging

import pytest
from django.db import connections

from accounts import services as accounts
from accounts.auth import gateway as gateway_auth
from approvals.keys import keystore, limits
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey, UsageBucket
from config.wsgi import application
from tests.approvals.keys.test_postgres_down import postgres_down

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
VERIFY, BATCH = "/api/v1/keys/verify/", "/api/v1/keys/verify/batch/"
SCOPE = {"model": "chat-small", "endpoint": "/v1/chat/completions", "tokens": 10}


@pytest.fixture(autouse=True)
def _policy(default_policy):
    """A transactional test's predecessors' flush removed the policy the grant needs."""


def lean(path, body=b"", *, token=None, method="POST", host="testserver", app=None, **headers):
    """One call to the production WSGI entry: (status, headers, body)."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **({"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started = {}
    chunks = (app or application)(environ, lambda status, given: started.update(s=status, h=given))
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return int(started["s"].split()[0]), dict(started["h"]), content


@pytest.fixture
def token(gateway):
    return accounts.api_token_issue(user=gateway)[1]


@pytest.fixture
def key(default_policy, grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")[1]


def django_view(client_token, path, body, **extra):
    from rest_framework.test import APIClient

    client = APIClient()
    if client_token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {client_token}")
    if isinstance(body, bytes):
        return client.post(path, body, content_type="application/json", **extra)
    return client.post(path, body, format="json", **extra)


def limit(grant, **values):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **values})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


def without_remaining(content: bytes) -> dict:
    answer = json.loads(content)
    return {k: v for k, v in answer.items() if k != "remaining"} if "code" in answer else answer


@pytest.mark.parametrize(
    "case",
    [
        "valid",
        "not_found",
        "scope_denied",
        "bad_token",
        "not_gateway",
        "bad_json",
        "bad_field",
        "too_large",
    ],
)
def test_the_lean_path_answers_as_the_django_view_does(case, key, token, dev_a, settings):
    developer = accounts.api_token_issue(user=dev_a)[1]
    body, who = {"key": key, **SCOPE}, token
    if case == "not_found":
        body["key"] = "lmk_nothing"
    elif case == "scope_denied":
        body["model"] = "chat-large"
    elif case == "bad_token":
        who = "nope"
    elif case == "not_gateway":
        who = developer
    elif case == "bad_json":
        body = b"{not json"
    elif case == "bad_field":
        body["tokens"] = -1
    elif case == "too_large":
        body["model"] = "m" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    expected = django_view(who, VERIFY, body)
    status, headers, content = lean(VERIFY, body, token=who)
    assert status == expected.status_code
    assert without_remaining(content) == without_remaining(expected.content)
    assert headers["Content-Type"] == expected["Content-Type"] == "application/json"
    assert ("Retry-After" in headers) == expected.has_header("Retry-After")


def test_get_is_a_405_as_the_django_view_answers_it(token):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    expected = client.get(VERIFY)
    status, _, content = lean(VERIFY, method="GET", token=token)
    assert (status, json.loads(content)) == (405, expected.json())
    assert expected.status_code == 405


def test_a_revocation_is_seen_at_once(key, token, dev_a):
    assert json.loads(lean(VERIFY, {"key": key, **SCOPE}, token=token)[2])["code"] == "VALID"
    keys.key_revoke(actor=dev_a, key=ProductionKey.objects.get())  # commits: on_commit runs
    assert json.loads(lean(VERIFY, {"key": key, **SCOPE}, token=token)[2])["code"] == "REVOKED"


def test_a_rate_limited_call_says_when_to_retry(grant, key, token):
    limit(grant, requests_per_minute=2)
    answers = [lean(VERIFY, {"key": key, **SCOPE}, token=token) for _ in range(3)]
    assert [json.loads(a[2])["code"] for a in answers] == ["VALID", "VALID", "RATE_LIMITED"]
    status, headers, content = answers[2]
    assert status == 200
    assert 0 < int(headers["Retry-After"]) == json.loads(content)["retry_after"] <= 60
    assert "Retry-After" not in answers[0][1]
    assert django_view(token, VERIFY, {"key": key, **SCOPE}).json()["code"] == "RATE_LIMITED"


def test_usage_is_counted_as_the_django_view_counts_it(grant, key, token):
    for _ in range(2):
        lean(VERIFY, {"key": key, **SCOPE}, token=token)
    django_view(token, VERIFY, {"key": key, **SCOPE})
    lean(VERIFY, {"key": key, **SCOPE, "model": "chat-large"}, token=token)  # scope denied
    assert limits.flush(keystore.client()) >= 1
    bucket = UsageBucket.objects.get(grant=grant)
    assert (bucket.requests, bucket.tokens, bucket.scope_denied) == (3, 30, 1)
    assert ProductionKey.objects.get().last_used_at is not None


def test_with_postgresql_down_a_call_that_needs_it_is_a_503_then_answered_again(
    key, token, dev_a, grant
):
    unseen = keys.key_mint(actor=dev_a, grant=grant, name="unseen")[1]
    assert json.loads(lean(VERIFY, {"key": key, **SCOPE}, token=token)[2])["code"] == "VALID"
    with postgres_down():
        status, headers, content = lean(VERIFY, {"key": unseen, **SCOPE}, token=token)
        expected = django_view(token, VERIFY, {"key": unseen, **SCOPE})
    assert status == 503 == expected.status_code
    assert json.loads(content) == expected.json()
    assert int(headers["Retry-After"]) > 0
    assert json.loads(lean(VERIFY, {"key": unseen, **SCOPE}, token=token)[2])["code"] == "VALID"


def test_a_dropped_database_connection_is_replaced_and_kept_as_conn_max_age_says(token, settings):
    """Every call here needs PostgreSQL (the gateway-token cache is off). With CONN_MAX_AGE
    the lean path keeps its connection across calls, as Django does; when PostgreSQL drops
    it, the next call may fail (a 503, as in Django) and the one after is answered."""
    import psycopg

    settings.GATEWAY_AUTH_CACHE_SECONDS = 0
    connection = connections["default"]
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    body = {"key": "lmk_x", **SCOPE}
    try:
        assert lean(VERIFY, body, token=token)[0] == 200
        pid = connection.connection.info.backend_pid  # still open after the call
        assert lean(VERIFY, body, token=token)[0] == 200
        assert connection.connection.info.backend_pid == pid
        params = connection.get_connection_params()
        with psycopg.connect(**{**params, "dbname": params["dbname"]}, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        statuses = [lean(VERIFY, body, token=token)[0] for _ in range(2)]
        assert statuses in ([200, 200], [503, 200])
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = 0


def test_the_batch_is_served_on_the_lean_path_too(grant, key, token):
    limit(grant, requests_per_minute=2)
    status, _, content = lean(BATCH, {"checks": [{"key": key, **SCOPE}] * 3}, token=token)
    assert status == 200
    assert [r["code"] for r in json.loads(content)["results"]] == ["VALID", "VALID", "RATE_LIMITED"]
    assert lean(BATCH, {"checks": []}, token=token)[0] == 400


def test_the_lean_path_sends_a_request_id_and_logs_one_line(token, caplog):
    caplog.set_level(logging.INFO, logger="access_review.request")
    status, headers, _ = lean(
        VERIFY, {"key": "x", **SCOPE}, token=token, x_request_id="gw-12345678"
    )
    assert status == 200 and headers["X-Request-ID"] == "gw-12345678"
    assert headers["X-Content-Type-Options"] == "nosniff"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "access_review.request"]
    assert line.startswith(f"request method=POST path={VERIFY} status=200 duration_ms=")
    assert line.endswith(
        f"request_id=gw-12345678 user={gateway_auth.caller('Token ' + token).user_id}"
    )
    assert token not in caplog.text
    caplog.clear()
    lean(VERIFY, {"key": "x", **SCOPE}, token="nope")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "access_review.request"]
    assert " status=401 " in line and line.endswith(" user=-")


def test_every_other_request_goes_through_django_and_its_middleware(token):
    status, headers, _ = lean("/api/v1/health/", method="GET")
    assert status == 200
    assert "Content-Security-Policy" in headers and headers["X-Frame-Options"] == "DENY"
    assert "X-Request-ID" in headers
    _, verify_headers, _ = lean(VERIFY, {"key": "x", **SCOPE}, token=token)
    assert "X-Frame-Options" not in verify_headers  # the lean path: no page middleware
    # Django answers what it answers outside the lean path: a Host it does not serve...
    status, _, content = lean(VERIFY, {"key": "x", **SCOPE}, token=token, host="evil.example")
    assert (status, json.loads(content)["code"]) == (400, "bad_request")
    # ...and the path without its slash (Django's CommonMiddleware, not the gateway's path).
    assert lean(VERIFY.rstrip("/"), {"key": "x", **SCOPE}, token=token)[0] != 200


def test_plain_http_with_ssl_redirect_on_is_redirected_by_django(token, settings):
    from django.core.handlers.wsgi import WSGIHandler

    from config.gateway_wsgi import GatewayPath

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = GatewayPath(WSGIHandler())  # Django's middleware reads the setting when made
    status, headers, _ = lean(VERIFY, {"key": "x", **SCOPE}, token=token, app=app)
    assert status == 301 and headers["Location"].startswith("https://")
    status, headers, _ = lean(
        VERIFY, {"key": "x", **SCOPE}, token=token, app=app, x_forwarded_proto="https"
    )
    assert status == 200 and "X-Frame-Options" not in headers  # served on the lean path
