import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import ProductionKey
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
VERIFY = "/api/v1/keys/verify/"


def mint(client, grant, name="server"):
    response = client.post(f"/api/v1/grants/{grant.pk}/keys/", {"name": name}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def ask(client, key, model="chat-small", endpoint="/v1/chat/completions", tokens=10):
    return client.post(
        VERIFY, {"key": key, "model": model, "endpoint": endpoint, "tokens": tokens}, format="json"
    ).json()


def test_a_minted_key_is_shown_once_stored_as_a_digest_and_verifies(api, dev_a, gateway, grant):
    body = mint(api(dev_a), grant)
    assert body["key"].startswith(body["prefix"] + "_") and set(body) >= {
        "id",
        "name",
        "prefix",
        "key",
    }
    stored = ProductionKey.objects.get(pk=body["id"])
    assert body["key"] not in (stored.digest, stored.key_id) and len(stored.digest) == 64
    listed = api(dev_a).get(f"/api/v1/grants/{grant.pk}/keys/").json()["results"]
    assert "key" not in listed[0] and listed[0]["prefix"] == body["prefix"]
    answer = ask(api(gateway), body["key"])
    assert answer["valid"] and answer["code"] == "VALID" and answer["grant_id"] == grant.pk
    assert answer["remaining"]["requests_per_minute"] == 59
    assert answer["organization"] == "Org A"
    event = AuditEvent.objects.get(action="key.minted")
    assert body["key"] not in str(event.data) and body["key"].split("_")[2] not in str(event.data)


def test_revocation_takes_effect_at_once(api, dev_a, gateway, grant, committed):
    body = mint(api(dev_a), grant)
    assert ask(api(gateway), body["key"])["code"] == "VALID"  # its record is now cached
    with committed():
        assert api(dev_a).post(f"/api/v1/keys/{body['id']}/revoke/").status_code == 200
    assert ask(api(gateway), body["key"])["code"] == "REVOKED"


@pytest.mark.parametrize(
    "key",
    ["", "lmk_", "x" * 10_000, "lmk_" + "A" * 62, "Bearer abc", "lmk_aaaaaaaaaaaa_" + "b" * 49],
)
def test_malformed_keys_are_not_found_without_a_query(api, gateway, key):
    client = api(gateway)
    with CaptureQueriesContext(connection) as queries:
        answer = ask(client, key)
    assert answer["code"] == "NOT_FOUND" and not answer["valid"]
    assert not [q for q in queries.captured_queries if "productionkey" in q["sql"]]


def test_scope_is_checked(api, dev_a, gateway, grant):
    key = mint(api(dev_a), grant)["key"]
    assert ask(api(gateway), key, model="chat-large")["code"] == "SCOPE_DENIED"
    assert ask(api(gateway), key, endpoint="/v1/embeddings")["code"] == "SCOPE_DENIED"


@pytest.mark.parametrize("persona", ["dev_a", "reviewer", "admin"])
def test_only_the_gateway_verifies(request, api, persona, grant):
    assert api(request.getfixturevalue(persona)).post(VERIFY, {}, format="json").status_code == 403


def test_other_organizations_cannot_see_or_mint_keys(api, dev_a, dev_b, grant):
    body = mint(api(dev_a), grant)
    outsider = api(dev_b)
    assert outsider.get(f"/api/v1/grants/{grant.pk}/keys/").status_code == 404
    assert (
        outsider.post(f"/api/v1/grants/{grant.pk}/keys/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert outsider.post(f"/api/v1/keys/{body['id']}/revoke/").status_code == 404


def test_a_grant_has_at_most_five_active_keys(api, dev_a, grant):
    for i in range(5):
        mint(api(dev_a), grant, name=f"k{i}")
    response = api(dev_a).post(f"/api/v1/grants/{grant.pk}/keys/", {"name": "six"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "key_limit"


def test_rotation_keeps_the_old_key_for_the_grace_period_only(
    api, dev_a, gateway, grant, committed
):
    old = mint(api(dev_a), grant)
    with committed():
        response = api(dev_a).post(
            f"/api/v1/keys/{old['id']}/rotate/", {"grace": "1h"}, format="json"
        )
    assert response.status_code == 201
    new = response.json()
    assert ask(api(gateway), old["key"])["code"] == "VALID"
    assert ask(api(gateway), new["key"])["code"] == "VALID"
    with committed():
        immediate = api(dev_a).post(
            f"/api/v1/keys/{new['id']}/rotate/", {"grace": "none"}, format="json"
        )
    assert ask(api(gateway), new["key"])["code"] == "EXPIRED"
    assert ask(api(gateway), immediate.json()["key"])["code"] == "VALID"


def test_verify_refuses_unknown_expired_and_deactivated_gateway_tokens(api, gateway, settings):
    from datetime import timedelta

    from django.utils import timezone
    from knox.models import AuthToken

    from accounts import services as accounts

    settings.GATEWAY_AUTH_CACHE_SECONDS = 0
    body = {"key": "x", "model": "m", "endpoint": "e", "tokens": 1}
    assert api().post(VERIFY, body, format="json").status_code == 401
    assert (
        api().post(VERIFY, body, format="json", HTTP_AUTHORIZATION="Token nope").status_code == 401
    )
    client = api(gateway)
    assert client.post(VERIFY, body, format="json").status_code == 200
    AuthToken.objects.filter(user=gateway).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.post(VERIFY, body, format="json").status_code == 401
    fresh = api(gateway)
    accounts.active_set(actor=None, user=gateway, active=False)
    assert fresh.post(VERIFY, body, format="json").status_code == 401


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b'"text"', b'{"key": 5}'])
def test_verify_answers_bad_bodies_with_a_400(api, gateway, raw):
    response = api(gateway).post(VERIFY, raw, content_type="application/json")
    assert response.status_code == 400
