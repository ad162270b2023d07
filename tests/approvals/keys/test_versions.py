"""A change is seen by every process on its next call, however the fill and the publish of a
record interleave: a record carries the version read before its data, and a record behind
its key's version is never acted on."""

import pytest
from django.utils import timezone

from approvals.keys import keystore, verify
from approvals.keys import services as keys
from approvals.models import ProductionKey

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def check(key):
    return verify.key_verify(
        key=key, model="chat-small", endpoint="/v1/chat/completions", tokens=1
    ).code


@pytest.fixture
def minted(grant, dev_a):
    return keys.key_mint(actor=dev_a, grant=grant, name="server")


def test_a_publisher_that_died_after_replacing_the_version_leaves_no_trusted_record(minted):
    key, text = minted
    assert check(text) == "VALID"  # Redis and this process hold the record
    ProductionKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    r = keystore.client()
    r.set(keystore.version_name(key.grant_id, key.key_id), "replaced")  # then it died
    assert check(text) == "REVOKED"  # the record behind its version: read from PostgreSQL


def test_a_fill_that_read_the_database_before_a_revocation_is_never_acted_on(
    minted, dev_a, monkeypatch, django_capture_on_commit_callbacks
):
    key, text = minted
    r = keystore.client()
    real_load = keystore.load_from_database

    def load_then_revoke(key_id):
        record = real_load(key_id)  # read before the revocation...
        monkeypatch.setattr(keystore, "load_from_database", real_load)
        with django_capture_on_commit_callbacks(execute=True):
            keys.key_revoke(actor=dev_a, key=ProductionKey.objects.get(pk=key.pk))
        r.delete(keystore.record_name(key_id))  # ...and the published record gone (TTL)
        return record

    monkeypatch.setattr(keystore, "load_from_database", load_then_revoke)
    assert check(text) == "REVOKED"  # the fill's old record carries the old version
    assert check(text) == "REVOKED"
