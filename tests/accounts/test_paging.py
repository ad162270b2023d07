"""Keyset pages walk a list whole, in order, both ways, whatever ties the ordering has."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import User
from accounts.paging import (
    BadPage,
    capped_count,
    capped_counts,
    encode,
    keyset,
    keyset_tiers,
    page_size,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def people():
    # 23 accounts over 8 distinct join times: the ordering's first column has ties.
    for n in range(23):
        User.objects.create(email=f"p{n}@example.com", date_joined=START + timedelta(hours=n % 8))
    return User.objects.all()


def walk(queryset, order, size):
    seen, cursor, pages = [], None, 0
    while True:
        page = keyset(queryset, order=order, cursor=cursor, size=size)
        seen += [u.pk for u in page]
        pages += 1
        if page.next_cursor is None:
            return seen, pages, page
        cursor = page.next_cursor


@pytest.mark.parametrize(
    "order",
    [("date_joined", "pk"), ("-date_joined", "-pk"), ("date_joined", "-pk"), ("-pk",)],
)
def test_forward_walk_sees_every_row_once_in_order(people, order):
    expected = list(people.order_by(*order).values_list("pk", flat=True))
    seen, pages, _ = walk(people, order, size=5)
    assert seen == expected
    assert pages == 5  # 23 rows, 5 a page


@pytest.mark.parametrize("order", [("date_joined", "pk"), ("date_joined", "-pk")])
def test_backward_from_the_last_page_returns_the_pages_before(people, order):
    expected = list(people.order_by(*order).values_list("pk", flat=True))
    _, _, last = walk(people, order, size=5)
    assert [u.pk for u in last] == expected[20:]
    back = keyset(people, order=order, cursor=last.previous_cursor, size=5)
    assert [u.pk for u in back] == expected[15:20]
    assert back.next_cursor is not None and back.previous_cursor is not None
    first = keyset(people, order=order, cursor=None, size=5)
    assert first.previous_cursor is None
    again = keyset(people, order=order, cursor=first.next_cursor, size=5)
    to_first = keyset(people, order=order, cursor=again.previous_cursor, size=5)
    assert [u.pk for u in to_first] == expected[:5]
    assert to_first.previous_cursor is None


def test_rows_added_before_the_cursor_do_not_shift_the_next_page(people):
    order = ("date_joined", "pk")
    page = keyset(people, order=order, cursor=None, size=5)
    User.objects.create(email="early@example.com", date_joined=START - timedelta(days=1))
    following = keyset(people, order=order, cursor=page.next_cursor, size=5)
    expected = list(people.order_by(*order).values_list("pk", flat=True))
    assert [u.pk for u in following] == expected[6:11]  # the new row went before, not onto it


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        "bm90IGpzb24",  # "not json"
        encode("n", ["2026-13-45T00:00:00", 1]),  # no such date
        encode("n", [1]),  # too few values
        encode("x", ["2026-11-01T00:00:00+00:00", 1]),  # no such direction
        encode("n", ["2026-11-01T00:00:00+00:00", "one"]),  # not a number
        encode("n", [None, 1]),
        "A" * 2000,
    ],
)
def test_a_cursor_this_list_did_not_give_out_is_refused_plainly(people, cursor):
    with pytest.raises(BadPage) as refused:
        keyset(people, order=("date_joined", "pk"), cursor=cursor, size=5)
    assert refused.value.field == "cursor"


def test_counts_are_exact_up_to_the_cap_and_a_lower_bound_beyond(people):
    assert capped_count(people, cap=100) == (23, True)
    assert capped_count(people, cap=10) == (10, False)


@pytest.mark.parametrize("given", ["0", "201", "ten", "-1"])
def test_page_size_out_of_range_names_the_field(given):
    with pytest.raises(BadPage) as refused:
        page_size({"page_size": given})
    assert refused.value.field == "page_size"
    assert page_size({}) == 50 and page_size({"page_size": "7"}) == 7


def test_tiers_walk_as_one_list_ranked_by_tier_both_ways(people):
    order = ("date_joined", "pk")
    tiers = [people.filter(email__startswith="p1"), people.exclude(email__startswith="p1")]
    expected = [pk for tier in tiers for pk in tier.order_by(*order).values_list("pk", flat=True)]
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_tiers(tiers, order=order, cursor=cursor, size=4)
        seen += [u.pk for u in page]
        pages.append(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected and len(pages) == 6  # 23 rows, 4 a page, across the tiers
    assert [u.rank for u in pages[0]] == [0, 0, 0, 0]
    back, pks = pages[-1], []
    while back.previous_cursor:
        back = keyset_tiers(tiers, order=order, cursor=back.previous_cursor, size=4)
        pks = [u.pk for u in back] + pks
    assert pks == expected[:20]
    with pytest.raises(BadPage):
        keyset_tiers(tiers, order=order, cursor=encode("n", [2, START.isoformat(), 1]), size=4)


def test_capped_counts_are_one_query(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = capped_counts(
            {"all": people, "p1": people.filter(email__startswith="p1"), "none": people.none()},
            cap=10,
        )
    assert found == {"all": (10, False), "p1": (10, False), "none": (0, True)}
    assert capped_counts({"p2": people.filter(email__startswith="p2")}, cap=10) == {"p2": (4, True)}


def test_a_count_over_tiers_stops_at_the_cap_across_them(people):
    tiers = [people.filter(email__startswith="p1"), people.exclude(email__startswith="p1")]
    assert capped_count(tiers) == (23, True)
    assert capped_count(tiers, cap=20) == (20, False)
    assert capped_count(tiers, cap=5) == (5, False)  # the first tier alone passes the cap
