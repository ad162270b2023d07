import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_covers_the_endpoints(api, dev_a):
    response = api(dev_a).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/signup/",
        "/api/v1/guidelines/current/",
        "/api/v1/guidelines/accept/",
        "/api/v1/audit-events/",
        "/api/v1/audit-events/verify/",
    ):
        assert path in paths


def test_swagger_ui_is_served_without_outside_network(client, dev_a):
    client.force_login(dev_a)
    page = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui" in s for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
