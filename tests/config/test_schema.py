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


def _schema(api, user):
    response = api(user).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _resolved(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/review-queue/",
        "/api/v1/access-reviews/",
        "/api/v1/access-reviews/{id}/items/",
        "/api/v1/access-review-items/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/comments/",
        "/api/v1/grants/{id}/keys/",
        "/api/v1/audit-events/",
    ],
)
def test_paginated_lists_are_documented_as_the_page_they_return(api, dev_a, path):
    schema = _schema(api, dev_a)
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    page = _resolved(schema, body["schema"])
    assert page["type"] == "object"
    assert {"next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["type"] == "array"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/applications/",
        "/api/v1/applications/{id}/comments/",
        "/api/v1/grants/",
        "/api/v1/grants/{id}/keys/",
        "/api/v1/access-reviews/{id}/items/",
        "/api/v1/access-review-items/",
    ],
)
def test_cursor_lists_document_their_cursor_and_capped_count(api, dev_a, path):
    schema = _schema(api, dev_a)
    operation = schema["paths"][path]["get"]
    page = _resolved(schema, operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"count", "count_exact", "next", "previous", "results"} <= set(page["properties"])
    assert "1,000" in page["properties"]["count"]["description"]
    parameters = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size"} <= parameters and "page" not in parameters
    assert "400" in operation["responses"]


def test_the_queue_page_documents_its_counts_per_route(api, dev_a):
    schema = _schema(api, dev_a)
    body = schema["paths"]["/api/v1/review-queue/"]["get"]["responses"]["200"]
    page = _resolved(schema, body["content"]["application/json"]["schema"])
    assert {"next", "previous", "counts", "counts_exact", "results"} <= set(page["properties"])
    assert "count" not in page["properties"]  # a cursor list leaves the total out
    names = {p["name"] for p in schema["paths"]["/api/v1/review-queue/"]["get"]["parameters"]}
    assert {"cursor", "page_size"} <= names


def test_every_operation_declares_its_error_answers_with_the_error_body(api, dev_a):
    schema = _schema(api, dev_a)
    missing = []
    for method, path, operation in _operations(schema):
        responses = operation["responses"]
        expected = set()
        if operation.get("security", [{}]) != [{}]:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"400", "413"}
        expected.add("503")  # the database cannot be reached (config/exceptions.py)
        if method in {"post", "put", "patch", "delete"} and operation.get("security") != [{}]:
            expected.add("409")
        missing += [f"{method.upper()} {path}: {code}" for code in expected - set(responses)]
        for code, response in responses.items():
            if code[0] in "45" and code != "400":
                error = _resolved(schema, response["content"]["application/json"]["schema"])
                assert {"detail", "code"} <= set(error["required"]), (method, path, code)
    assert not missing


def test_throttled_operations_declare_429(api, dev_a):
    paths = _schema(api, dev_a)["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/signup/"):
        assert "429" in paths[path]["post"]["responses"], path
