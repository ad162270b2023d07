"""Refused calls are counted per key (rate-limited, over quota, out of scope) beside the calls
served, in the same Redis round trip as the limits, and shown on the usage page."""

import pytest

from approvals.keys import keystore, limits, verify
from approvals.keys import services as keys
from approvals.models import Grant, KeyUsage, ProductionKey
from tests.approvals.keys.test_pages import grant_url, signed_in

pytestmark = pytest.mark.django_db
CHAT = ("chat-small", "/v1/chat/completions")


def call(key, model="chat-small", endpoint="/v1/chat/completions", tokens=10):
    return verify.key_verify(key=key, model=model, endpoint=endpoint, tokens=tokens).code


def tight(grant, **changes):
    Grant.objects.filter(pk=grant.pk).update(limits={**grant.limits, **changes})
    keystore.publish(list(ProductionKey.objects.filter(grant=grant)))


def tallies(grant) -> dict:
    return {
        u.key.name: (u.requests, u.rate_limited, u.quota_exceeded, u.scope_denied)
        for u in KeyUsage.objects.filter(key__grant=grant).select_related("key")
    }


def test_refusals_are_counted_per_key_and_flushed(grant, dev_a):
    server = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    batch = keys.key_mint(actor=dev_a, grant=grant, name="batch")[1]
    tight(grant, requests_per_minute=2)
    assert [call(server), call(server), call(server)] == ["VALID", "VALID", "RATE_LIMITED"]
    assert call(batch, "chat-large") == "SCOPE_DENIED"
    assert call(batch) == "RATE_LIMITED"  # the grant's minute is used up by "server"
    tight(grant, requests_per_minute=100, monthly_tokens=25)
    assert call(batch, tokens=50) == "QUOTA_EXCEEDED"
    limits.flush(keystore.client())
    assert tallies(grant) == {"server": (2, 1, 0, 0), "batch": (0, 1, 1, 1)}


def test_a_refused_call_costs_one_round_trip(grant, dev_a):
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    tight(grant, requests_per_minute=1)
    assert call(key) == "VALID"  # reads the record
    r = keystore.client()
    sent, original = [], r.execute_command

    def counting(*args, **options):
        sent.append(args[0])
        return original(*args, **options)

    r.execute_command = counting
    try:
        assert call(key) == "RATE_LIMITED"
    finally:
        r.execute_command = original
    assert sent == ["EVALSHA"]


def test_without_redis_refusals_are_kept_in_the_process_and_written_together(
    grant, dev_a, settings
):
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    settings.GATEWAY_REDIS_URL = "redis://127.0.0.1:1/0"
    settings.GATEWAY_PROCESSES = 1
    keystore.reset()
    tight(grant, requests_per_minute=1)
    assert [call(key), call(key), call(key)] == ["VALID", "RATE_LIMITED", "RATE_LIMITED"]
    assert tallies(grant) == {"server": (1, 0, 0, 0)}  # no write per refused call
    limits.local.write_refusals()
    assert tallies(grant) == {"server": (1, 2, 0, 0)}


def test_the_usage_page_shows_refusals_per_key(client, grant, dev_a):
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    tight(grant, requests_per_minute=1)
    assert [call(key), call(key), call(key, "chat-large")] == [
        "VALID",
        "RATE_LIMITED",
        "SCOPE_DENIED",
    ]
    limits.flush(keystore.client())
    page = signed_in(client, dev_a).get(grant_url(grant)).content.decode()
    table = page.split("data-usage-keys")[1].split("</table>")[0]
    row = table.split('data-key-usage="server"')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["1", "1", "0", "1"]
