"""Every API error body is JSON, as the schema says (some found by schemathesis, tests/fuzz.py;
413 and 500 included), and signing in survives Redis being down (issue 12.8): the cache falls
back to this process's memory, so throttles still apply."""

import json

import pytest
from django.test import RequestFactory
from django.urls import get_resolver

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/v1/applications/null,null/", "/api/v1/organizations/abc/", "/api/v1/nothing/"]
)
def test_an_api_path_no_route_matches_answers_json_404(api, dev_a, path):
    for client in (api(), api(dev_a)):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_pages_keep_their_html_404(client):
    response = client.get("/portal/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_transparency_report_errors_are_json_when_csv_is_asked_for(api, dev_a, admin):
    refused = api(dev_a).get("/api/v1/transparency-report/?format=csv")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["code"] == "permission_denied"
    bad = api(admin).get("/api/v1/transparency-report/", {"format": "csv", "from": "13-2026"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"
    assert "code" in bad.json()
    unknown = api(admin).get("/api/v1/transparency-report/?format=xml")
    assert unknown.status_code == 400
    assert unknown.json()["format"]
    options = api(admin).options("/api/v1/transparency-report/?format=csv")
    assert options.status_code == 200
    assert options.json()["name"]
    fine = api(admin).get("/api/v1/transparency-report/?format=csv")
    assert fine.status_code == 200
    assert fine["Content-Type"].startswith("text/csv")


def test_a_keys_unset_times_are_documented_as_null(api, dev_a):
    schema = api(dev_a).get("/api/v1/schema/?format=json").json()
    key = schema["components"]["schemas"]["Key"]["properties"]
    for name in ("last_used_at", "revoked_at", "expires_at"):
        assert key[name].get("nullable") is True, name


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


def test_a_server_error_on_the_api_is_json_and_a_page_elsewhere():
    handler = get_resolver().resolve_error_handler(500)
    api_answer = handler(RequestFactory().get("/api/v1/me/"))
    assert api_answer.status_code == 500
    assert json.loads(api_answer.content) == {"detail": "Server error.", "code": "server_error"}
    page = handler(RequestFactory().get("/portal/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_a_refusal_raised_in_a_page_is_a_page_that_says_why(client, dev_a, transactional_db):
    # No policy published (a transactional test's flush removed it): the new-application
    # page cannot screen, and says so instead of answering 500.
    from approvals.models import PolicyVersion

    PolicyVersion.objects.all().delete()
    client.force_login(dev_a)
    response = client.get("/portal/applications/new/")
    assert response.status_code == 404
    assert "No usage policy is published." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
