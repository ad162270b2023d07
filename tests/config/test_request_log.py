"""One log line per request (docs/operations.md, "Request log"): method, path, status,
duration, request id and user id, and no secret: neither a query string nor a token that a
path carries (a confirm-email key, a password-reset key)."""

import logging
import re

import pytest

pytestmark = pytest.mark.django_db

LINE = re.compile(
    r"^request method=(?P<method>\S+) path=(?P<path>\S+) status=(?P<status>\d{3}) "
    r"duration_ms=(?P<ms>\d+(\.\d+)?) request_id=(?P<rid>\S+) user=(?P<user>\S+)$"
)


def _lines(caplog):
    return [r.getMessage() for r in caplog.records]


def test_each_request_logs_one_line_with_its_status_duration_request_id_and_user(
    client, caplog, dev_a
):
    caplog.set_level(logging.INFO)
    response = client.get("/portal/?token=s3cret-value", HTTP_X_REQUEST_ID="req-12345678")
    lines = _lines(caplog)
    assert len(lines) == 1, lines
    fields = LINE.match(lines[0])
    assert fields, lines[0]
    assert fields["method"] == "GET" and fields["path"] == "/portal/"
    assert fields["status"] == str(response.status_code)
    assert fields["rid"] == "req-12345678" == response["X-Request-ID"]
    assert fields["user"] == "-"
    assert "s3cret" not in caplog.text

    caplog.clear()
    client.force_login(dev_a)
    client.get("/portal/")
    (line,) = _lines(caplog)
    assert LINE.match(line)["user"] == str(dev_a.pk)


def test_a_not_found_page_is_still_one_line(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/no-such-page/")
    lines = _lines(caplog)
    assert len(lines) == 1 and LINE.match(lines[0])["status"] == "404", lines


def test_a_token_in_the_path_is_not_logged(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/accounts/confirm-email/MzQ:1tXyZ:secret-confirmation-key/")
    (line,) = _lines(caplog)
    assert "secret-confirmation-key" not in caplog.text
    assert LINE.match(line)["path"] == "/accounts/confirm-email/<key>/"


def test_the_browser_default_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()


def test_an_api_call_names_the_token_owner_and_not_the_token(client, caplog, dev_a):
    from accounts import services

    _, token = services.api_token_issue(user=dev_a)
    caplog.set_level(logging.INFO)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    (line,) = _lines(caplog)
    assert LINE.match(line)["user"] == str(dev_a.pk)
    assert token not in caplog.text
