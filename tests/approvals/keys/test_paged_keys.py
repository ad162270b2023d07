"""A grant's keys and its calls per key come a page at a time: rotations and revocations keep
adding keys, so neither the API nor the grant page loads them all."""

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import KeyUsage, ProductionKey
from tests.approvals.keys.test_pages import grant_url, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def old_keys(grant, user, n: int) -> list[ProductionKey]:
    """`n` revoked keys, one created a minute after the other (revoked keys do not count
    against the grant's cap of active keys)."""
    start = timezone.now() - timedelta(days=2)
    return ProductionKey.objects.bulk_create(
        ProductionKey(
            grant=grant,
            key_id=f"old{n:03d}k{i:03d}",
            name=f"key {i}",
            digest="0" * 64,
            created_by=user,
            created_at=start + timedelta(minutes=i),
            revoked_at=start + timedelta(days=1),
        )
        for i in range(n)
    )


def walk_api(client, url) -> tuple[list[int], int]:
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        seen += [k["id"] for k in body["results"]]
        pages += 1
        url = body["next"]
    return seen, pages


def next_link(page: str, noun: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="next">Next {noun}</a>', page)
    return html.unescape(found.group(1)) if found else None


def test_the_keys_api_walks_every_key_once_newest_first(api, grant, dev_a, dev_b):
    made = old_keys(grant, dev_a, 7)
    client = api(dev_a)
    seen, pages = walk_api(client, f"/api/v1/grants/{grant.pk}/keys/?page_size=3")
    assert seen == [k.pk for k in reversed(made)] and pages == 3
    first = client.get(f"/api/v1/grants/{grant.pk}/keys/?page_size=3").json()
    assert first["count"] == 7 and first["count_exact"] is True and first["previous"] is None
    assert api(dev_b).get(f"/api/v1/grants/{grant.pk}/keys/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"), [("cursor=bm9wZQ", "cursor"), ("page_size=0", "page_size")]
)
def test_a_bad_cursor_or_page_size_is_a_400_naming_the_field(api, grant, dev_a, query, field):
    response = api(dev_a).get(f"/api/v1/grants/{grant.pk}/keys/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_the_grant_page_shows_its_keys_fifty_at_a_time(client, grant, dev_a):
    made = old_keys(grant, dev_a, 53)
    signed_in(client, dev_a)
    first = client.get(grant_url(grant)).content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr data-key="(\d+)"', first)]
    assert shown == [k.pk for k in reversed(made)][:50]
    second = client.get(next_link(first, "keys")).content.decode()
    shown += [int(pk) for pk in re.findall(r'<tr data-key="(\d+)"', second)]
    assert shown == [k.pk for k in reversed(made)] and next_link(second, "keys") is None
    assert 'rel="prev"' in second
    assert client.get(grant_url(grant) + "?cursor=nope").status_code == 400


def test_calls_per_key_list_the_busiest_keys_first_a_page_at_a_time(client, grant, dev_a):
    made = old_keys(grant, dev_a, 25)
    today = timezone.localdate()
    KeyUsage.objects.bulk_create(
        KeyUsage(key=key, day=today - timedelta(days=d), requests=10 * i + d, rate_limited=1)
        for i, key in enumerate(made)
        for d in (0, 3)
    )
    KeyUsage.objects.create(key=made[0], day=today - timedelta(days=40), requests=10**6)
    signed_in(client, dev_a)
    first = client.get(grant_url(grant)).content.decode()
    rows = re.findall(r'<tr data-key-usage="key (\d+)">', first)
    assert rows == [str(i) for i in range(24, 4, -1)]  # the 20 busiest: 20 * i + 3 calls
    assert "50 refused as over a per-minute limit" in first  # every key's, not the page's
    second = client.get(next_link(first, "keys by use")).content.decode()
    assert re.findall(r'<tr data-key-usage="key (\d+)">', second) == ["4", "3", "2", "1", "0"]
    # The key list's own pager is untouched by the usage pager, and the other way round.
    assert re.findall(r'<tr data-key="(\d+)"', second)[:1] == [str(made[-1].pk)]
