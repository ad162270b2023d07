"""Every API error is JSON (413, 404, 500 included), and signing in survives Redis being down
(issue 12.8): the cache falls back to this process's memory, so throttles still apply."""

import json

import pytest
from django.test import RequestFactory
from django.urls import get_resolver

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def redis_down(settings):
    """The configured cache (Redis in CI), pointed at a port where nothing listens."""
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED_PORT}}


def token(client, email, password):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


@pytest.mark.redis
def test_with_redis_down_signing_in_works(api, dev_a, redis_down):
    answer = token(api(), dev_a.email, PASSWORD)
    assert answer.status_code == 200, answer.content
    assert answer.json()["token"]
    wrong = token(api(), dev_a.email, "not-the-password")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_credentials"


@pytest.mark.redis
def test_with_redis_down_the_token_throttle_still_applies(api, redis_down, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "token_ip": "5/min",
        },
    }
    client = api()
    statuses = [token(client, f"nobody{i}@example.test", "x" * 12).status_code for i in range(6)]
    assert statuses == [400] * 5 + [429]


def too_big(settings) -> str:
    return json.dumps({"email": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "password": "x"})


@pytest.mark.parametrize("who", ["anonymous", "gateway"])
def test_a_body_too_large_is_a_413_in_json(api, gateway, settings, who):
    client = api(gateway) if who == "gateway" else api()
    path = "/api/v1/keys/verify/" if who == "gateway" else "/api/v1/auth/token/"
    answer = client.post(path, too_big(settings), content_type="application/json")
    assert answer.status_code == 413
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "request_too_large"


def test_an_unknown_api_path_is_a_404_in_json(api):
    answer = api().get("/api/v1/no-such-thing/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_server_error_on_the_api_is_json_and_a_page_elsewhere():
    handler = get_resolver().resolve_error_handler(500)
    api_answer = handler(RequestFactory().get("/api/v1/me/"))
    assert api_answer.status_code == 500
    assert json.loads(api_answer.content) == {"detail": "Server error.", "code": "server_error"}
    page = handler(RequestFactory().get("/portal/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
