"""Every operation of the OpenAPI schema times every persona, each with the status it must
get (issue 12.17). Each call hits the real endpoint with valid-ish input on one small world
(tests/world.py: Org A's application in review, its draft, an approved one with a grant and
a key, a comment, an access review with an item, a schedule), inside a savepoint that is
rolled back, so every persona sees the same world. An operation the schema gains without a
row here fails test_every_operation_has_a_row.

Personas, in the order of each row: anonymous, dev_a (Org A, the applicant), dev_b (Org B),
reviewer, reviewer_org_a (a reviewer who is a member of Org A), specialist (medical-health),
admin, gateway."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.readiness import current_guidelines
from approvals.policy.versions import current_policy
from tests import world as worlds

pytestmark = pytest.mark.django_db
PERSONAS = worlds.PERSONAS
SOON = (timezone.now() + timedelta(days=14)).isoformat()


def _certify(persona, world):
    return {"items": [world.item.pk], "rationale": "Still needed."}


def _verify(persona, world):
    return {
        "key": world.key_text,
        "model": "chat-small",
        "endpoint": "/v1/chat/completions",
        "tokens": 10,
    }


def _verify_batch(persona, world):
    return {"checks": [_verify(persona, world), _verify(persona, world)]}


def _signup(persona, world):
    return {
        "email": f"new-{persona}@org-c.example",
        "password": "another-horse-battery-7",
        "organization": "Org C",
    }


def _token(persona, world):
    return {"email": "alice@org-a.example", "password": worlds.PASSWORD}


def _accept(persona, world):
    return {"version": current_guidelines().version}


DECISION = {"decision": "request_changes", "rationale": "Say which models, please."}
# (method, path): (the world's object for the path's id, the body). The row: the statuses.
OPERATIONS = {
    ("GET", "/api/v1/access-review-items/"): (None, None),
    ("POST", "/api/v1/access-review-items/certify/"): (None, _certify),
    ("GET", "/api/v1/access-review-items/{id}/"): ("item", None),
    ("POST", "/api/v1/access-review-items/{id}/decide/"): (
        "item",
        {"decision": "certify", "rationale": "Still needed."},
    ),
    ("GET", "/api/v1/access-review-schedules/"): (None, None),
    ("POST", "/api/v1/access-review-schedules/"): (
        None,
        {"name": "Monthly", "cadence": "monthly", "due_days": 14},
    ),
    ("DELETE", "/api/v1/access-review-schedules/{id}/"): ("schedule", None),
    ("GET", "/api/v1/access-reviews/"): (None, None),
    ("POST", "/api/v1/access-reviews/"): (None, {"name": "Yearly", "due_at": SOON}),
    ("GET", "/api/v1/access-reviews/{id}/"): ("campaign", None),
    ("POST", "/api/v1/access-reviews/{id}/end/"): ("campaign", {"open_items": "keep"}),
    ("GET", "/api/v1/access-reviews/{id}/items/"): ("campaign", None),
    ("GET", "/api/v1/applications/"): (None, None),
    ("POST", "/api/v1/applications/"): (None, worlds.APPLICATION),
    ("GET", "/api/v1/applications/{id}/"): ("application", None),
    ("PATCH", "/api/v1/applications/{id}/"): ("draft", {"title": "Support replies"}),
    ("POST", "/api/v1/applications/{id}/claim/"): ("application", None),
    ("GET", "/api/v1/applications/{id}/comments/"): ("application", None),
    ("POST", "/api/v1/applications/{id}/comments/"): ("application", {"body": "A question."}),
    ("POST", "/api/v1/applications/{id}/decisions/"): ("application", DECISION),
    ("POST", "/api/v1/applications/{id}/release/"): ("application", None),
    ("POST", "/api/v1/applications/{id}/submit/"): ("draft", None),
    ("POST", "/api/v1/applications/{id}/withdraw/"): ("application", None),
    ("GET", "/api/v1/audit-events/"): (None, None),
    ("GET", "/api/v1/audit-events/export/"): (None, None),
    ("GET", "/api/v1/audit-events/verification/"): (None, None),
    ("POST", "/api/v1/audit-events/verification/"): (None, None),
    ("GET", "/api/v1/audit-events/verify/"): (None, None),
    ("POST", "/api/v1/auth/token/"): (None, _token),
    ("GET", "/api/v1/classifier-versions/"): (None, None),
    ("POST", "/api/v1/classifier-versions/{number}/publish/"): ("classifier", {}),
    ("POST", "/api/v1/classifier-versions/{number}/simulate/"): ("classifier", None),
    ("GET", "/api/v1/domains/"): (None, None),
    ("GET", "/api/v1/grants/"): (None, None),
    ("GET", "/api/v1/grants/{id}/"): ("grant", None),
    ("GET", "/api/v1/grants/{id}/keys/"): ("grant", None),
    ("POST", "/api/v1/grants/{id}/keys/"): ("grant", {"name": "second"}),
    ("POST", "/api/v1/guidelines/accept/"): (None, _accept),
    ("GET", "/api/v1/guidelines/current/"): (None, None),
    ("GET", "/api/v1/health/"): (None, None),
    ("POST", "/api/v1/keys/{id}/revoke/"): ("key", None),
    ("POST", "/api/v1/keys/{id}/rotate/"): ("key", {"grace": "none"}),
    ("POST", "/api/v1/keys/verify/"): (None, _verify),
    ("POST", "/api/v1/keys/verify/batch/"): (None, _verify_batch),
    ("GET", "/api/v1/me/"): (None, None),
    ("GET", "/api/v1/organizations/{id}/"): ("organization", None),
    ("GET", "/api/v1/policy-versions/"): (None, None),
    ("POST", "/api/v1/policy-versions/{number}/publish/"): ("policy", {}),
    ("POST", "/api/v1/policy-versions/{number}/simulate/"): ("policy", None),
    ("GET", "/api/v1/review-queue/"): (None, None),
    ("POST", "/api/v1/review-queue/next/"): (None, None),
    ("GET", "/api/v1/reviewer/opt-outs/"): (None, None),
    ("PUT", "/api/v1/reviewer/opt-outs/"): (None, {"opt_outs": []}),
    ("POST", "/api/v1/signup/"): (None, _signup),
    ("GET", "/api/v1/transparency-report/"): (None, None),
}
# Statuses in PERSONAS order: anonymous dev_a dev_b reviewer reviewer_org_a specialist admin
# gateway. 409s are valid-ish inputs refused by state (no claim held; the policy in force).
EXPECTED = {
    ("GET", "/api/v1/access-review-items/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/access-review-items/certify/"): "401 403 403 200 200 200 200 403",
    ("GET", "/api/v1/access-review-items/{id}/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/access-review-items/{id}/decide/"): "401 403 403 200 403 200 200 403",
    ("GET", "/api/v1/access-review-schedules/"): "401 403 403 403 403 403 200 403",
    ("POST", "/api/v1/access-review-schedules/"): "401 403 403 403 403 403 201 403",
    ("DELETE", "/api/v1/access-review-schedules/{id}/"): "401 403 403 403 403 403 204 403",
    ("GET", "/api/v1/access-reviews/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/access-reviews/"): "401 403 403 403 403 403 201 403",
    ("GET", "/api/v1/access-reviews/{id}/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/access-reviews/{id}/end/"): "401 403 403 403 403 403 200 403",
    ("GET", "/api/v1/access-reviews/{id}/items/"): "401 403 403 200 200 200 200 403",
    ("GET", "/api/v1/applications/"): "401 200 200 200 200 200 200 200",
    ("POST", "/api/v1/applications/"): "401 201 201 403 403 403 403 403",
    ("GET", "/api/v1/applications/{id}/"): "401 200 404 200 200 200 200 404",
    ("PATCH", "/api/v1/applications/{id}/"): "401 200 404 404 404 404 403 404",
    ("POST", "/api/v1/applications/{id}/claim/"): "401 403 403 200 403 200 200 403",
    ("GET", "/api/v1/applications/{id}/comments/"): "401 200 404 200 200 200 200 404",
    ("POST", "/api/v1/applications/{id}/comments/"): "401 201 404 201 201 201 201 404",
    ("POST", "/api/v1/applications/{id}/decisions/"): "401 403 403 409 403 409 409 403",
    ("POST", "/api/v1/applications/{id}/release/"): "401 403 403 409 409 409 409 403",
    ("POST", "/api/v1/applications/{id}/submit/"): "401 202 404 404 404 404 403 404",
    ("POST", "/api/v1/applications/{id}/withdraw/"): "401 200 404 403 403 403 403 404",
    ("GET", "/api/v1/audit-events/"): "401 403 403 403 403 403 200 403",
    ("GET", "/api/v1/audit-events/export/"): "401 403 403 403 403 403 200 403",
    ("GET", "/api/v1/audit-events/verification/"): "401 403 403 403 403 403 404 403",
    ("POST", "/api/v1/audit-events/verification/"): "401 403 403 403 403 403 202 403",
    ("GET", "/api/v1/audit-events/verify/"): "401 403 403 403 403 403 200 403",
    ("POST", "/api/v1/auth/token/"): "200 200 200 200 200 200 200 200",
    ("GET", "/api/v1/classifier-versions/"): "401 403 403 403 403 403 200 403",
    ("POST", "/api/v1/classifier-versions/{number}/publish/"): "401 403 403 403 403 403 404 403",
    ("POST", "/api/v1/classifier-versions/{number}/simulate/"): "401 403 403 403 403 403 404 403",
    ("GET", "/api/v1/domains/"): "401 200 200 200 200 200 200 200",
    ("GET", "/api/v1/grants/"): "401 200 200 403 403 403 200 403",
    ("GET", "/api/v1/grants/{id}/"): "401 200 404 404 404 404 200 404",
    ("GET", "/api/v1/grants/{id}/keys/"): "401 200 404 404 404 404 200 404",
    ("POST", "/api/v1/grants/{id}/keys/"): "401 201 404 404 404 404 403 404",
    ("POST", "/api/v1/guidelines/accept/"): "401 200 200 403 403 403 403 403",
    ("GET", "/api/v1/guidelines/current/"): "401 200 200 200 200 200 200 200",
    ("GET", "/api/v1/health/"): "200 200 200 200 200 200 200 200",
    ("POST", "/api/v1/keys/verify/"): "401 403 403 403 403 403 403 200",
    ("POST", "/api/v1/keys/verify/batch/"): "401 403 403 403 403 403 403 200",
    ("POST", "/api/v1/keys/{id}/revoke/"): "401 200 404 404 404 404 200 404",
    ("POST", "/api/v1/keys/{id}/rotate/"): "401 201 404 404 404 404 403 404",
    ("GET", "/api/v1/me/"): "401 200 200 200 200 200 200 200",
    ("GET", "/api/v1/organizations/{id}/"): "401 200 404 404 200 404 200 404",
    ("GET", "/api/v1/policy-versions/"): "401 403 403 403 403 403 200 403",
    ("POST", "/api/v1/policy-versions/{number}/publish/"): "401 403 403 403 403 403 409 403",
    ("POST", "/api/v1/policy-versions/{number}/simulate/"): "401 403 403 403 403 403 409 403",
    ("GET", "/api/v1/review-queue/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/review-queue/next/"): "401 403 403 200 204 200 200 403",
    ("GET", "/api/v1/reviewer/opt-outs/"): "401 403 403 200 200 200 200 403",
    ("PUT", "/api/v1/reviewer/opt-outs/"): "401 403 403 200 200 200 200 403",
    ("POST", "/api/v1/signup/"): "201 201 201 201 201 201 201 201",
    ("GET", "/api/v1/transparency-report/"): "401 403 403 403 403 403 200 403",
}


@pytest.fixture
def world(make_account, dev_a, dev_b, reviewer, admin, gateway):
    users = {
        "anonymous": None,
        "dev_a": dev_a,
        "dev_b": dev_b,
        "reviewer": make_account("rob@provider.example", role="reviewer"),
        "reviewer_org_a": make_account("rae@org-a.example", role="reviewer", organization="Org A"),
        "specialist": reviewer,  # conftest's reviewer is a medical-health specialist
        "admin": admin,
        "gateway": gateway,
    }
    built = worlds.world_build(users)
    built.ids["policy"] = current_policy().number
    built.ids["classifier"] = 1  # none is published in the tests' database
    built.tokens = worlds.tokens_issue(users)
    return built


def _operations(schema):
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_operation_has_a_row(api, dev_a):
    schema = api(dev_a).get("/api/v1/schema/?format=json").json()
    operations = _operations(schema)
    assert operations - set(OPERATIONS) == set(), "operations without a row"
    assert set(OPERATIONS) - operations == set(), "rows for operations the schema lacks"
    assert set(EXPECTED) == set(OPERATIONS)


def _call(client, method, path, body):
    if method == "GET":
        return client.get(path)
    return getattr(client, method.lower())(path, body, format="json")


def statuses(world, method, template):
    from rest_framework.test import APIClient

    target, body = OPERATIONS[(method, template)]
    path = template
    if target:
        path = path.replace("{id}", str(world.ids[target]))
        path = path.replace("{number}", str(world.ids[target]))
    found = []
    for persona in PERSONAS:
        client = APIClient()
        if world.tokens[persona]:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[persona]}")
        given = body(persona, world) if callable(body) else body
        cache.clear()
        with transaction.atomic():
            found.append(_call(client, method, path, given).status_code)
            transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=" ".join)
def test_each_persona_gets_its_status(world, operation):
    expected = [int(code) for code in EXPECTED[operation].split()]
    found = statuses(world, *operation)
    assert dict(zip(PERSONAS, found, strict=True)) == dict(zip(PERSONAS, expected, strict=True))
