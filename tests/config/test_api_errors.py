"""Found by schemathesis (tests/fuzz.py): every API error body is JSON, as the schema says."""

import pytest

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
