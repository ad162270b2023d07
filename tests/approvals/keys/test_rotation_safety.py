"""Rotating a key is not a one-click outage: it asks first, says what happens to traffic,
keeps the old key working for 24 hours unless told otherwise, and is refused under a grant
that no longer works. A rotated key reads "Rotated", and every key under a grant that is
suspended, revoked or expired reads "Blocked", with the reason the developers were mailed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals import grants
from approvals.keys import keyformat
from approvals.keys import services as keys
from approvals.models import Grant, ProductionKey

pytestmark = pytest.mark.django_db


def rotate_url(key) -> str:
    return f"/portal/grants/keys/{key.pk}/rotate/"


def test_rotating_asks_first_and_says_what_happens_to_traffic(client, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client.force_login(dev_a)
    grant_page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'href="{rotate_url(key)}"' in grant_page  # a link to the confirmation, not a POST
    assert f'action="{rotate_url(key)}"' not in grant_page

    confirm = client.get(rotate_url(key))
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "keeps working until" in page and "EXPIRED" in page and "shown once" in page
    assert re.search(r'value="24h"[^>]* checked', page)  # the default grace: a day
    assert not re.search(r'value="none"[^>]* checked', page)
    key.refresh_from_db()
    assert key.replaced_by_id is None and ProductionKey.objects.count() == 1


def test_the_default_grace_is_24_hours_on_the_page_and_in_the_api(client, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client.force_login(dev_a)
    before = timezone.now()
    assert client.post(rotate_url(key)).status_code == 200
    key.refresh_from_db()
    assert key.expires_at - before >= timedelta(hours=23, minutes=59)

    other, _ = keys.key_mint(actor=dev_a, grant=grant, name="batch")
    answer = client.post(f"/api/v1/keys/{other.pk}/rotate/", {}, content_type="application/json")
    assert answer.status_code == 201
    other.refresh_from_db()
    assert other.expires_at - before >= timedelta(hours=23, minutes=59)


def test_a_rotated_key_reads_rotated_while_it_works_and_after_it_stopped(client, dev_a, grant):
    working, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    stopped, _ = keys.key_mint(actor=dev_a, grant=grant, name="batch")
    keys.key_rotate(actor=dev_a, key=working, grace="24h")
    keys.key_rotate(actor=dev_a, key=stopped, grace="none")
    keys.keys_expired_record()
    client.force_login(dev_a)
    page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'data-key="{working.pk}" data-key-status="rotating"' in page
    assert f'data-key="{stopped.pk}" data-key-status="rotated"' in page
    assert "Rotated: works until" in page and "Rotated: stopped working" in page
    assert "Expired" not in page


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_rotate_is_neither_offered_nor_accepted_under_a_grant_that_does_not_work(
    client, dev_a, grant, status
):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    grants.grant_status_set(actor=None, grant=grant, status=status, reason="Anomalous use.")
    client.force_login(dev_a)
    page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert rotate_url(key) not in page
    assert client.get(rotate_url(key)).status_code == 409
    assert client.post(rotate_url(key), {"grace": "24h"}).status_code == 409
    answer = client.post(
        f"/api/v1/keys/{key.pk}/rotate/", {"grace": "24h"}, content_type="application/json"
    )
    assert answer.status_code == 409
    key.refresh_from_db()
    assert key.replaced_by_id is None and ProductionKey.objects.count() == 1


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_keys_of_a_grant_that_does_not_work_say_so_with_the_reason(client, dev_a, grant, status):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    reason = "Anomalous use (token_spike): tokens per minute tripled."
    grants.grant_status_set(actor=None, grant=grant, status=status, reason=reason)
    client.force_login(dev_a)

    page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'data-key="{key.pk}" data-key-status="blocked"' in page
    assert f"Blocked: grant {status}" in page and reason in page
    assert f'data-grant-status="{status}"' in page

    listing = client.get("/portal/grants/").content.decode()
    assert "1 active key" not in listing and 'data-active-keys="0"' in listing
    assert f"Grant {status}" in listing and reason in listing

    application = client.get(f"/portal/applications/{grant.application_id}/").content.decode()
    assert "create production keys" not in application.lower()
    assert reason in application


def test_a_live_grant_still_counts_its_working_keys(client, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    client.force_login(dev_a)
    listing = client.get("/portal/grants/").content.decode()
    assert 'data-active-keys="1"' in listing and "1 active key" in listing
    page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'data-key="{key.pk}" data-key-status="active"' in page
    assert keyformat.shown_prefix(key.key_id) in page


def test_a_grant_past_its_expiry_blocks_its_keys(client, dev_a, grant):
    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(dev_a)
    page = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert f'data-key="{key.pk}" data-key-status="blocked"' in page
    assert "Blocked: grant expired" in page
