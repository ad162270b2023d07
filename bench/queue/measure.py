"""One size, measured in this process: the page, the API and "next item" as the reviewer
does them, each a median of REPEAT runs after a warm-up, with its queries and bytes."""

import os
import statistics
import time

from bench.queue.dataset import REPEAT, REVIEWER


def timed(run) -> float:
    run()  # warm-up
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def counted(run) -> tuple[int, list]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def halfway_cursor(reviewer) -> str:
    """A cursor halfway down the queue's larger rank, a full page before its end when it
    has one (read once, not timed)."""
    from accounts import paging
    from reviews import queue

    rest = queue.tiers(reviewer, queue.reviewable(reviewer))[1].order_by(*queue.ORDER)
    total = rest.count()
    middle = rest[max(min(total // 2, total - 51), 0)]
    return paging.encode(paging.FORWARD, [1, middle.sla_due_at, middle.pk])


def measure(size: int) -> dict:
    from django.db import transaction
    from django.test import Client

    from accounts.models import User
    from approvals.models import Application
    from reviews import claims, queue

    reviewer = User.objects.get(email=REVIEWER)
    client = Client()
    client.force_login(reviewer)
    deep = halfway_cursor(reviewer)
    sizes = {}

    def get(path, **params):
        def run():
            response = client.get(path, params)
            assert response.status_code == 200, response.status_code
            sizes[path, tuple(params)] = len(response.content)

        return run

    def next_item():
        with transaction.atomic():
            assert claims.claim_next(reviewer=reviewer) is not None
            transaction.set_rollback(True)

    cases = [
        ("queue page, first", get("/reviews/")),
        ("queue page, halfway (cursor)", get("/reviews/", cursor=deep)),
        ("queue API, first", get("/api/v1/review-queue/")),
        ("queue API, halfway (cursor)", get("/api/v1/review-queue/", cursor=deep)),
        ("next item (claim_next)", next_item),
    ]
    rows, plans = [], {}
    for name, run in cases:
        ms = timed(run)
        queries, sql = counted(run)
        size_bytes = next(iter(sizes.values()), None) if sizes else None
        rows.append({"case": name, "ms": ms, "queries": queries, "bytes": size_bytes})
        sizes.clear()
        plans[name] = sql
    in_review = Application.objects.filter(status="in_review").count()
    eligible = queue.reviewable(reviewer).count()
    if os.environ.get("BENCH_EXPLAIN", "1") == "1" and os.environ.get("BENCH_EXPLAIN_NOW"):
        explain(plans)
    return {"size": size, "in_review": in_review, "eligible": eligible, "rows": rows}


def explain(plans: dict) -> None:
    """EXPLAIN ANALYZE of the page's and next item's queries on the applications."""
    from django.db import connection

    for name in ("queue page, first", "queue page, halfway (cursor)", "next item (claim_next)"):
        print(f"\n  EXPLAIN ANALYZE, {name}:")
        for sql in plans[name]:
            if "approvals_application" not in sql or not sql.lstrip().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql.split(' FOR UPDATE')[0]}")
                lines = [row[0] for row in cursor.fetchall()]
            print(f"    -- {sql[:90]}...")
            for line in lines[:14]:
                print(f"    {line}")
            print(f"    {lines[-1]}")
