"""Audit log benchmark: `make bench-audit` (or `python -m bench.audit`).

Fills its own PostgreSQL database (dropped and remade each run) with BENCH_AUDIT_EVENTS
(1,000,000) events and times what an administrator does with them, through Django's test
client (whole requests: middleware, session, query, template), median of BENCH_REPEAT runs
after one warm-up:

- the audit page: first page, deep keyset pages, each filter, combinations, time windows,
  free-text search (common, rare and absent terms), and the page below a search;
- the API list (with its bounded count) and what the old page did instead (COUNT(*), OFFSET);
- both exports of the whole log and of a filter: rows per second, MB per second, and how
  much the process grew while streaming (constant memory means it does not);
- the chain verification: the full walk, an incremental run after 1,000 appends, and the
  cost of one append (record()) with every index in place.

The events form a valid chain (computed here, then loaded with COPY; indexes are dropped for
the load and rebuilt after, as one would restore a dump), so the verification figures are
real. The data is synthetic: ~24 actions with a skewed mix, 2,000 accounts with a few heavy
ones, failed sign-ins by outsiders, system events, short notes in `data` (a common word in a
fifth of them, a rare one in 1 in 10,000), one event every 0-60 s over about a year.

A report, not a gate: it exits 0 unless it could not run. Environment knobs: BENCH_POSTGRES,
BENCH_AUDIT_DB, BENCH_AUDIT_EVENTS, BENCH_REPEAT.
"""

import os
import random
import re
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://root@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_AUDIT_DB", "access_review_audit_bench")
EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
ACCOUNTS = 2000
SEED = 20261123

# (action, target type, weight): the mix of a busy year.
ACTIONS = [
    ("account.login_failed", "account", 10),
    ("account.created", "account", 2),
    ("account.role_changed", "account", 0.3),
    ("guidelines.accepted", "account", 2),
    ("application.created", "application", 4),
    ("application.submitted", "application", 5),
    ("application.screened", "application", 5),
    ("application.approved", "application", 2),
    ("application.rejected", "application", 1),
    ("application.changes_requested", "application", 1),
    ("claim.created", "application", 5),
    ("claim.expired", "application", 1),
    ("decision.made", "application", 4),
    ("sla.nearing", "application", 2),
    ("sla.breached", "application", 0.3),
    ("grant.issued", "grant", 2),
    ("grant.suspended", "grant", 0.2),
    ("grant.revoked", "grant", 0.1),
    ("key.minted", "key", 3),
    ("key.rotated", "key", 1),
    ("key.revoked", "key", 0.5),
    ("policy.published", "policy", 0.01),
    ("campaign.started", "campaign", 0.005),
    ("audit.exported", "audit_log", 0.01),
]
SYSTEM = {
    "application.screened": "screening",
    "claim.expired": "system",
    "sla.nearing": "system",
    "sla.breached": "system",
}
WORDS = (
    "shipping",
    "invoice",
    "refund",
    "order",
    "account",
    "billing",
    "review",
    "model",
    "latency",
    "quota",
    "draft",
    "reply",
    "agent",
    "customer",
    "ticket",
    "summary",
    "translation",
    "legal",
    "medical",
    "finance",
)
COMMON, RARE = "support", "kangaroo"
EVENT_ROW = re.compile(r"<tr><td>\d+</td>")


def main() -> int:
    os.environ.update(
        DATABASE_URL=f"{POSTGRES}/{DB_NAME}",
        CACHE_URL="locmemcache://",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Audit log benchmark: {EVENTS:,} events in {DB_NAME}, median of {REPEAT} runs")
    users = make_accounts()
    load_events(users)
    admin = users[0]
    report_pages(admin, users)
    report_api(admin)
    report_old_ways()
    report_exports(admin)
    report_verification()
    return 0


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def make_accounts() -> list:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    admin = User(email="ada@provider.example", role="admin", is_staff=True)
    admin.set_unusable_password()
    others = [User(email=f"user{i}@org{i % 150}.example") for i in range(1, ACCOUNTS)]
    for user in others:
        user.set_unusable_password()
    return User.objects.bulk_create([admin, *others])


def load_events(users: list) -> None:
    """A valid chain computed here and COPYed in, with the secondary indexes dropped for the
    load and rebuilt after (each build timed)."""
    from django.db import connection

    from audit.chain import GENESIS, _digest, canonical_json

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
            "'audit_auditevent' AND indexname <> 'audit_auditevent_pkey' "
            "AND indexname NOT LIKE '%%_key'"
        )
        indexes = cursor.fetchall()
        cursor.execute("TRUNCATE audit_auditevent")  # the policy's events: allowed in tests
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    names, kinds, weights = zip(*ACTIONS, strict=True)
    heavy = users[1:21]
    prev, at = GENESIS, datetime(2025, 1, 1, tzinfo=UTC)
    columns = (
        "id",
        "at",
        "actor_id",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "data",
        "request_id",
        "prev_hash",
        "hash",
    )
    from psycopg.types.json import Jsonb

    raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY audit_auditevent ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for event_id in range(1, EVENTS + 1):
            at += timedelta(seconds=rng.randint(0, 60), microseconds=rng.randint(0, 999_999))
            pick = rng.choices(range(len(names)), weights)[0]
            action, target_type = names[pick], kinds[pick]
            actor, label = _actor(rng, action, users, heavy)
            data = _data(rng, event_id)
            request_id = f"{rng.getrandbits(128):032x}"
            target_id = str(rng.randint(1, 200_000))
            row = (
                event_id,
                at,
                actor,
                label,
                action,
                target_type,
                target_id,
                data,
                request_id,
                prev,
            )
            digest = _digest(*row)
            copy.write_row((*row[:7], Jsonb(data, dumps=canonical_json), *row[8:], digest))
            prev = digest
    raw.commit()
    loaded = time.perf_counter() - started
    print(
        f"\nLoaded {EVENTS:,} events (valid chain, COPY) in {loaded:.1f} s "
        f"({EVENTS / loaded:,.0f} events/s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_chainhead SET last_id = %s, last_hash = %s WHERE id = 1", [EVENTS, prev]
        )
        for name, definition in indexes:
            t0 = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name:<40} built in {time.perf_counter() - t0:6.1f} s")
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE audit_auditevent")
        print(f"  VACUUM ANALYZE in {time.perf_counter() - t0:.1f} s")
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('audit_auditevent')), "
            "pg_size_pretty(pg_indexes_size('audit_auditevent'))"
        )
        table, index = cursor.fetchone()
    print(f"  table {table}, indexes {index}")


def _actor(rng, action, users, heavy):
    if action == "account.login_failed":
        return None, f"visitor{rng.randint(1, 5000)}@mail{rng.randint(1, 50)}.example"
    if action in SYSTEM:
        return None, SYSTEM[action]
    user = rng.choice(heavy) if rng.random() < 0.3 else rng.choice(users)
    return user.pk, user.email


def _data(rng, event_id) -> dict:
    words = rng.sample(WORDS, 3)
    if rng.random() < 0.2:
        words.append(COMMON)
    if event_id % 10_000 == 5_000:
        words.append(RARE)
    return {
        "note": " ".join(words),
        "status": rng.choice(["ok", "pending", "done"]),
        "n": event_id % 97,
    }


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


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
