"""What an administrator does with the log, timed: the audit page, the API list, the old
page's queries, the exports and the chain verification.
"""

import re
import resource
import statistics
import time
from datetime import timedelta
from urllib.parse import urlencode

from bench.audit.dataset import COMMON, EVENTS, RARE, REPEAT

EVENT_ROW = re.compile(r"<tr><td>\d+</td>")


def timed(run, repeat=REPEAT) -> tuple[float, object]:
    """(median seconds, last result) over `repeat` runs after a warm-up."""
    result = run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def report_pages(admin, users) -> None:
    from django.test import Client

    from audit.models import AuditEvent

    client = Client()
    client.force_login(admin)
    heavy = users[1]
    mid = AuditEvent.objects.get(pk=EVENTS // 2)
    old_day = (
        mid.at.replace(microsecond=0).isoformat(),
        (mid.at + timedelta(days=1)).replace(microsecond=0).isoformat(),
    )
    last = AuditEvent.objects.get(pk=EVENTS).at
    some_target = AuditEvent.objects.filter(action="grant.issued").order_by("id")[100]
    cases = [
        ("first page", {}),
        ("deep page (halfway)", {"before": EVENTS // 2}),
        ("deepest page (before=120)", {"before": 120}),
        ("newer page (after=halfway)", {"after": EVENTS // 2}),
        ("action, common", {"action": "application.submitted"}),
        ("action, rare (~50 events)", {"action": "campaign.started"}),
        ("action, rare, deep", {"action": "campaign.started", "before": EVENTS // 2}),
        ("actor by email (heavy user)", {"actor": heavy.email.upper()}),
        ("actor by id", {"actor": str(users[500].pk)}),
        ("actor by email, outsider", {"actor": "visitor77@mail7.example"}),
        ("target type", {"target_type": "grant"}),
        ("target type + id", {"target_type": "grant", "target_id": some_target.target_id}),
        ("target id alone", {"target_id": "4242"}),
        ("since last week", {"since": (last - timedelta(days=7)).isoformat()}),
        ("one day, half a year ago", {"since": old_day[0], "until": old_day[1]}),
        ("until half a year ago", {"until": old_day[0]}),
        (
            "action + one old day",
            {"action": "key.minted", "since": old_day[0], "until": old_day[1]},
        ),
        ("actor + action", {"actor": heavy.email, "action": "key.rotated"}),
        (
            "all six filters",
            {
                "actor": heavy.email,
                "action": "key.minted",
                "target_type": "key",
                "target_id": "7",
                "since": old_day[0],
                "until": last.isoformat(),
            },
        ),
        (f"search, common ('{COMMON}', 1 in 5)", {"q": COMMON}),
        (f"search, rare ('{RARE}', 1 in 10,000)", {"q": RARE}),
        ("search, absent ('zqxjv')", {"q": "zqxjv"}),
        ("search, an email fragment", {"q": "visitor4242@"}),
        ("search + action", {"q": COMMON, "action": "grant.suspended"}),
        ("search, deep page", {"q": COMMON, "before": EVENTS // 2}),
    ]
    print("\nThe audit page (/audit/), whole request")
    print(f"  {'case':<40} {'median':>9}  rows")
    for name, params in cases:

        def get(params=params, name=name):
            response = client.get("/audit/?" + urlencode(params))
            assert response.status_code == 200, (name, response.status_code)
            return response

        seconds, response = timed(get)
        html = response.content.decode()
        rows = "too slow" if "took too long" in html else len(EVENT_ROW.findall(html))
        print(f"  {name:<40} {seconds * 1000:7.1f} ms  {rows}")


def report_api(admin) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(admin)
    print("\nThe API list (/api/v1/audit-events/), whole request incl. count")
    for name, params in [
        ("first page, unfiltered", {}),
        ("deep page", {"before": EVENTS // 3}),
        ("common action (count capped)", {"action": "claim.created"}),
        ("rare action (exact count)", {"action": "campaign.started"}),
        ("search, rare", {"q": RARE}),
    ]:
        seconds, response = timed(lambda params=params: client.get("/api/v1/audit-events/", params))
        body = response.json()
        print(
            f"  {name:<40} {seconds * 1000:7.1f} ms  count {body['count']:,}"
            f"{'' if body['count_exact'] else ' (lower bound)'}"
        )


def report_old_ways() -> None:
    from django.db import connection, transaction

    def sql(*statements):
        def run():
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                return cursor.fetchall()

        return run

    print("\nWhat the old page did, for comparison (SQL only)")
    for name, statements in [
        ("COUNT(*) of the log", ["SELECT COUNT(*) FROM audit_auditevent"]),
        (
            "OFFSET page halfway",
            [f"SELECT * FROM audit_auditevent ORDER BY id DESC OFFSET {EVENTS // 2} LIMIT 50"],  # noqa: S608
        ),
        (
            "rare search without the trigram index",
            [
                "SET LOCAL enable_bitmapscan = off",
                f"SELECT id FROM audit_auditevent WHERE data::text ILIKE '%{RARE}%' "  # noqa: S608
                "ORDER BY id DESC LIMIT 51",
            ],
        ),
    ]:
        seconds, _ = timed(sql(*statements), repeat=3)
        print(f"  {name:<40} {seconds * 1000:7.1f} ms")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_exports(admin) -> None:
    from django.test import Client

    client = Client()
    client.force_login(admin)
    print("\nExports (/audit/export/), streamed and read to the end")
    for name, params in [
        ("CSV, whole log", {"format": "csv"}),
        ("JSON Lines, whole log", {"format": "jsonl"}),
        ("CSV, one action", {"format": "csv", "action": "application.submitted"}),
        ("CSV, search", {"format": "csv", "q": COMMON}),
    ]:
        before = _rss_mb()
        t0 = time.perf_counter()
        response = client.get("/audit/export/?" + urlencode(params))
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - t0
        rows = lines - (1 if params["format"] == "csv" else 0)
        print(
            f"  {name:<24} {rows:>9,} rows in {seconds:6.1f} s: {rows / seconds:>9,.0f} "
            f"rows/s, {size / seconds / 1e6:5.1f} MB/s, {size / 1e6:6.1f} MB; "
            f"peak RSS grew {max(0.0, _rss_mb() - before):.0f} MB"
        )


def report_verification() -> None:
    from audit.models import ChainVerification
    from audit.services import record
    from audit.verification import verification_run

    print("\nChain verification")
    full = verification_run(trigger=ChainVerification.Trigger.COMMAND)
    seconds = full.duration.total_seconds()
    print(
        f"  full walk:        {full.events_checked:>9,} events in {seconds:6.1f} s "
        f"({full.events_checked / seconds:,.0f} events/s), ok={full.ok}"
    )
    t0 = time.perf_counter()
    for i in range(1000):
        record(actor=None, action="bench.appended", target_type="bench", target_id=i, data={"i": i})
    appended = time.perf_counter() - t0
    print(
        f"  append (record):  1,000 events in {appended:.2f} s "
        f"({appended:.2f} ms each, every index in place)"
    )
    incremental = verification_run(
        trigger=ChainVerification.Trigger.COMMAND, kind=ChainVerification.Kind.INCREMENTAL
    )
    print(
        f"  incremental:      {incremental.events_checked:>9,} events in "
        f"{incremental.duration.total_seconds() * 1000:6.1f} ms, ok={incremental.ok}"
    )
