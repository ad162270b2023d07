"""Free-text search: what it matches, and on PostgreSQL that the trigram index serves it."""

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.query.search import Matches, like_pattern

pytestmark = pytest.mark.django_db


def found(term, among) -> set[int]:
    return set(AuditEvent.objects.filter(Matches(term), id__in=among).values_list("id", flat=True))


def test_search_finds_the_term_in_any_column_in_any_case(write, dev_a):
    by_actor = write(1, actor=dev_a, action="s.one")[0].id
    in_target = write(1, action="s.two", target_id="ORD-778899")[0].id
    in_data = write(1, action="s.three", data={"reason": "Weapons Screening"})[0].id
    mine = {by_actor, in_target, in_data}
    assert found("ALICE@org-a", mine) == {by_actor}
    assert found("ord-7788", mine) == {in_target}
    assert found("weapons scr", mine) == {in_data}
    assert found("thing:ORD", mine) == {in_target}  # target_type:target_id, as the page shows it


def test_wildcards_in_the_term_are_literal():
    assert like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_search_and_filters_combine(staff_client, write):
    write(2, action="combo.a", data={"w": "zebra"})
    wanted = write(1, action="combo.b", data={"w": "zebra"})[0].id
    response = staff_client.get("/audit/", {"q": "zebra", "action": "combo.b"})
    assert [e.id for e in response.context["page"].events] == [wanted]


@pytest.mark.postgres
def test_postgres_serves_the_search_from_the_trigram_index(write):
    write(3)
    query = AuditEvent.objects.filter(Matches("needle")).order_by("-id")[:51]
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the primary key, then
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_event_search_trgm" in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize(
    "lookup, index",
    [
        ({"actor_label__iexact": "a@b.example"}, "audit_event_actor_label_idx"),
        ({"target_id": "42"}, "audit_event_target_id_idx"),
        ({"target_type": "thing"}, "audit_event_type_id_idx"),
        ({"action": "x.y"}, "audit_audit_action_0d36ec_idx"),
    ],
)
def test_postgres_serves_each_filter_newest_first_from_an_index(lookup, index):
    query = AuditEvent.objects.filter(**lookup).order_by("-id")[:51]
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan Backward using {index}" in plan, plan
    assert "Sort" not in plan, plan
