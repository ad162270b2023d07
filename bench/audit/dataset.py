"""The data set: the environment knobs, its own database, the accounts, and a year of
synthetic events loaded as a valid chain (COPY, indexes rebuilt after).
"""

import os
import random
import time
from datetime import UTC, datetime, timedelta

from bench import databases

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


def recreate_database() -> None:
    databases.recreate(POSTGRES, DB_NAME)


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
