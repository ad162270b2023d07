"""The portal's grant and key pages, with the personas: the grant holder's developer (dev_a),
another organization's developer (dev_b), a reviewer and an administrator."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from approvals.keys import keyformat
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey, UsageBucket

pytestmark = pytest.mark.django_db
KEY_TEXT = re.compile(r"lmk_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}")


def grant_url(grant) -> str:
    return f"/portal/grants/{grant.pk}/"


def signed_in(client, user):
    client.force_login(user)
    return client


def mint_form_token(client, grant) -> str:
    page = client.get(grant_url(grant)).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def mint(client, grant, name="server"):
    return client.post(
        f"{grant_url(grant)}keys/", {"name": name, "form_token": mint_form_token(client, grant)}
    )


def secret_in(response) -> str:
    found = KEY_TEXT.findall(response.content.decode())
    assert len(set(found)) == 1, found
    return found[0]


@pytest.mark.parametrize("persona", ["dev_b", "reviewer"])
def test_outsiders_get_404_for_the_grant_and_its_keys(client, request, persona, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client = signed_in(client, request.getfixturevalue(persona))
    assert client.get(grant_url(grant)).status_code == 404
    assert client.post(f"{grant_url(grant)}keys/", {"name": "mine"}).status_code == 404
    assert (
        client.post(f"/portal/grants/keys/{key.pk}/rotate/", {"grace": "none"}).status_code == 404
    )
    assert client.get(f"/portal/grants/keys/{key.pk}/revoke/").status_code == 404
    assert client.post(f"/portal/grants/keys/{key.pk}/revoke/").status_code == 404
    listing = client.get("/portal/grants/")
    assert listing.status_code == 200 and f'data-grant="{grant.pk}"' not in listing.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None and key.replaced_by is None
    assert ProductionKey.objects.count() == 1


def test_the_grant_list_shows_scope_limits_conditions_and_expiry_and_is_linked(
    client, dev_a, grant
):
    client = signed_in(client, dev_a)
    page = client.get("/portal/grants/").content.decode()
    assert f'href="{grant_url(grant)}"' in page
    assert 'data-scope="models">chat-small' in page and "/v1/chat/completions" in page
    assert 'data-limit="requests_per_minute">60<' in page
    assert 'data-limit="monthly_tokens">5,000,000<' in page
    assert grant.conditions and all(str(c) in page for c in grant.conditions)
    assert grant.expires_at.strftime("%Y-%m-%d") in page
    assert 'href="/portal/grants/"' in client.get("/portal/").content.decode()
    application = client.get(f"/portal/applications/{grant.application_id}/").content.decode()
    assert f'href="{grant_url(grant)}"' in application


def test_minting_answers_with_the_secret_once_uncached_and_keeps_it_nowhere(client, dev_a, grant):
    client = signed_in(client, dev_a)
    response = mint(client, grant, name="production server")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(response)
    assert keyformat.parse(secret) is not None
    assert "it will not be shown again" in response.content.decode()
    key = ProductionKey.objects.get()
    assert secret.startswith(keyformat.shown_prefix(key.key_id) + "_")
    assert secret not in str(dict(client.session.items()))
    assert secret.split("_")[2] not in str(dict(client.session.items()))

    page = client.get(grant_url(grant)).content.decode()
    assert keyformat.shown_prefix(key.key_id) in page and "production server" in page
    assert secret not in page and secret.split("_")[2][:20] not in page
    assert f'data-key="{key.pk}" data-key-status="active"' in page


def test_sending_the_mint_form_again_makes_no_second_key(client, dev_a, grant):
    client = signed_in(client, dev_a)
    form = {"name": "server", "form_token": mint_form_token(client, grant)}
    assert client.post(f"{grant_url(grant)}keys/", form).status_code == 200
    again = client.post(f"{grant_url(grant)}keys/", form, follow=True)
    assert ProductionKey.objects.count() == 1
    assert "already sent, so no second key was made" in again.content.decode()
    assert not KEY_TEXT.search(again.content.decode())


def test_a_key_needs_a_name(client, dev_a, grant):
    client = signed_in(client, dev_a)
    response = client.post(
        f"{grant_url(grant)}keys/", {"name": "  ", "form_token": mint_form_token(client, grant)}
    )
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    assert not ProductionKey.objects.exists()


@pytest.mark.parametrize(("grace", "old_status"), [("1h", "rotating"), ("none", "rotated")])
def test_rotation_shows_the_new_secret_once_and_lists_the_old_key_by_its_grace(
    client, dev_a, grant, grace, old_status
):
    old, old_secret = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client = signed_in(client, dev_a)
    response = client.post(f"/portal/grants/keys/{old.pk}/rotate/", {"grace": grace})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = secret_in(response)
    assert secret != old_secret and old_secret not in response.content.decode()
    assert f'data-replaced="{old_status}"' in response.content.decode()
    new = ProductionKey.objects.get(replaces=old)

    page = client.get(grant_url(grant)).content.decode()
    assert secret not in page and old_secret not in page
    assert f'data-key="{new.pk}" data-key-status="active"' in page
    assert f'data-key="{old.pk}" data-key-status="{old_status}"' in page
    if grace == "1h":
        old.refresh_from_db()
        assert f'Rotated: works until <time datetime="{old.expires_at.isoformat()}"' in page


def test_the_key_cap_is_shown_as_a_message(client, dev_a, grant, settings):
    settings.KEYS_PER_GRANT = 2
    for name in ("one", "two"):
        keys.key_mint(actor=dev_a, grant=grant, name=name)
    client = signed_in(client, dev_a)
    response = client.post(
        f"{grant_url(grant)}keys/",
        {"name": "three", "form_token": mint_form_token(client, grant)},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == grant_url(grant)
    assert 'class="message error"' in page and "at most 2 active keys" in page
    assert ProductionKey.objects.count() == 2 and not KEY_TEXT.search(page)


def test_a_suspended_grant_offers_no_mint_form_and_refuses_a_posted_one(client, dev_a, grant):
    client = signed_in(client, dev_a)
    token = mint_form_token(client, grant)
    Grant.objects.filter(pk=grant.pk).update(status=Grant.Status.SUSPENDED)
    page = client.get(grant_url(grant)).content.decode()
    assert "data-mint-refused" in page and 'name="form_token"' not in page
    response = client.post(
        f"{grant_url(grant)}keys/", {"name": "x", "form_token": token}, follow=True
    )
    assert "Keys are minted only under an active grant." in response.content.decode()
    assert not ProductionKey.objects.exists()


def test_revoking_asks_first_then_revokes(client, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client = signed_in(client, dev_a)
    confirm = client.get(f"/portal/grants/keys/{key.pk}/revoke/").content.decode()
    assert "cannot be turned back on" in confirm and keyformat.shown_prefix(key.key_id) in confirm
    key.refresh_from_db()
    assert key.revoked_at is None
    page = client.post(f"/portal/grants/keys/{key.pk}/revoke/", follow=True).content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None and "the gateway refuses it from now on" in page
    assert f'data-key="{key.pk}" data-key-status="revoked"' in page
    again = client.post(f"/portal/grants/keys/{key.pk}/revoke/", follow=True).content.decode()
    assert "already revoked" in again


def test_an_administrator_views_and_revokes_but_does_not_mint_or_rotate(
    client, dev_a, admin, grant
):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client = signed_in(client, admin)
    page = client.get(grant_url(grant)).content.decode()
    assert "Create a key" not in page and "Rotate…" not in page and "Revoke" in page
    assert client.post(f"{grant_url(grant)}keys/", {"name": "x"}).status_code == 403
    assert (
        client.post(f"/portal/grants/keys/{key.pk}/rotate/", {"grace": "none"}).status_code == 403
    )
    client.post(f"/portal/grants/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None and ProductionKey.objects.count() == 1


def test_the_usage_chart_draws_the_days_with_use_and_a_table_alternative(client, dev_a, grant):
    today = timezone.localdate()
    midnight = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    buckets = [
        (0, 60, 7, 700, 0),
        (0, 61, 3, 300, 2),
        (3, 600, 40, 12_345, 0),
        (10, 5, 1, 10, 0),
        (40, 5, 99, 9_999, 0),
    ]  # days ago, minute, use; 40: too old
    for days_ago, minute, requests, tokens, denied in buckets:
        UsageBucket.objects.create(
            grant=grant,
            minute=midnight - timedelta(days=days_ago) + timedelta(minutes=minute),
            requests=requests,
            tokens=tokens,
            scope_denied=denied,
        )
    page = signed_in(client, dev_a).get(grant_url(grant)).content.decode()

    days = {(today - timedelta(days=n)).isoformat() for n in (0, 3, 10)}
    for chart in ("requests", "tokens"):
        drawn = re.findall(rf'class="bar bar-{chart}"[^>]*data-day="([\d-]+)"', page)
        assert set(drawn) == days
    assert re.search(
        r'<svg role="img"[^>]*aria-label="Requests per day over the last 30 days: '
        r"51 in all, at most 40 in one day",
        page,
    )
    table = page[page.index("data-usage-table") :]
    rows = dict(re.findall(r'<tr data-day="([\d-]+)">(.*?)</tr>', table, re.S))
    assert set(rows) == days
    assert "<td>10</td><td>1,000</td><td>2</td>" in rows[today.isoformat()]
    assert "<td>40</td><td>12,345</td><td>0</td>" in rows[(today - timedelta(days=3)).isoformat()]
    assert (today - timedelta(days=40)).isoformat() not in page
    assert "51 requests and 13,355 tokens" in page


def test_a_grant_without_use_says_so(client, dev_a, grant):
    page = signed_in(client, dev_a).get(grant_url(grant)).content.decode()
    assert "data-usage-empty" in page and "<svg" not in page
