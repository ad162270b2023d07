"""The data set of one size, in its own database: accounts and organizations with the ORM,
then applications, revisions, decisions, claims and comments with INSERT ... SELECT."""

import os
import time

from bench import databases

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://root@127.0.0.1:5432")
DB_PREFIX = os.environ.get("BENCH_QUEUE_DB", "access_review_queue_bench")
SIZES = [int(s) for s in os.environ.get("BENCH_QUEUE_SIZES", "1000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
ROUNDS = int(os.environ.get("BENCH_QUEUE_ROUNDS", "3"))
VERSION = 3  # bump when the data set changes: cached databases are then rebuilt
ORGANIZATIONS, OTHER_REVIEWERS = 40, 5
REVIEWER = "rita@provider.example"
SPECIALTY, OPT_OUT = "medical-health", "finance-credit"
IN_REVIEW_EVERY = 10  # 10%: a full first page (50 rows) at every size


def db_name(size: int) -> str:
    return f"{DB_PREFIX}_{size}"


def cached(size: int) -> bool:
    """The database exists and holds this size and version of the data set."""
    import psycopg

    if os.environ.get("BENCH_QUEUE_REBUILD") == "1":
        return False
    try:
        with psycopg.connect(f"{POSTGRES}/{db_name(size)}") as conn:
            row = conn.execute("SELECT size, version FROM bench_meta").fetchone()
    except psycopg.Error:
        return False
    return row == (size, VERSION)


def recreate_database(size: int) -> None:
    databases.recreate(POSTGRES, db_name(size))


def build(size: int) -> None:
    """Migrations, the policy, the people, then `size` applications (5% in review)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import Membership, Organization, User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_policy", verbosity=0)
    orgs = Organization.objects.bulk_create(
        [Organization(name=f"Org {i}", slug=f"org-{i}") for i in range(ORGANIZATIONS)]
    )
    dev = User.objects.create_user(email="dev@org0.example", password=None)
    reviewer = User.objects.create_user(
        email=REVIEWER, password=None, role="reviewer", specialties=[SPECIALTY], opt_outs=[OPT_OUT]
    )
    others = [
        User.objects.create_user(
            email=f"rev{i}@provider.example",
            password=None,
            role="reviewer",
            specialties=[SPECIALTY] if i == 0 else [],
        )
        for i in range(OTHER_REVIEWERS)
    ]
    Membership.objects.create(user=dev, organization=orgs[0])
    Membership.objects.create(user=reviewer, organization=orgs[1])
    params = {
        "n": size,
        "orgs": [o.pk for o in orgs],
        "dev": dev.pk,
        "me": reviewer.pk,
        "others": [u.pk for u in others],
        "every": IN_REVIEW_EVERY,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in STATEMENTS:
            cursor.execute(statement, params)
        cursor.execute("CREATE TABLE bench_meta (size int, version int)")
        cursor.execute("INSERT INTO bench_meta VALUES (%s, %s)", [size, VERSION])
    with connection.cursor() as cursor:
        for table in ("application", "revision"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('approvals_{table}', 'id'), %s)", [size]
            )
        cursor.execute("VACUUM ANALYZE")
    print(f"  built {size:,} applications in {time.perf_counter() - started:.1f} s")


# In review: every 20th application; k = (i / 20) % 10 picks its route and domains:
# 0, 3-6 standard with none; 1 standard, consumer chatbots; 2 standard, finance-credit (the
# reviewer's opt-out); 7 extra scrutiny, medical-health (their specialty); 8 extra scrutiny,
# legal; 9 policy escalation (admins only). Decided ones are spread over the same mix.
STATEMENTS = [
    """
    INSERT INTO approvals_application (
        id, organization_id, created_by_id, status, title, description, domains, audience,
        model_names, endpoints, expected_requests_per_minute, expected_monthly_tokens,
        mitigations, route_name, flagged_domains, specialist_domains, required_approvals,
        sla_due_at, current_revision_id, decided_by, created_at, updated_at)
    SELECT i, (%(orgs)s::bigint[])[1 + i %% 40], %(dev)s,
        CASE WHEN i %% %(every)s = 0 THEN 'in_review' WHEN i %% 3 = 0 THEN 'rejected'
            ELSE 'approved' END,
        'Support assistant ' || i, 'Drafts replies to customer tickets for agent review.',
        '[]', 'business', '["gpt-small"]', '["/v1/chat"]', 60, 1000000, '[]',
        CASE WHEN k IN (7, 8) THEN 'extra_scrutiny' WHEN k = 9 THEN 'policy_escalation'
            ELSE 'standard' END,
        CASE k WHEN 1 THEN '["consumer-chatbots-agents"]' WHEN 2 THEN '["finance-credit"]'
            WHEN 7 THEN '["medical-health"]' WHEN 8 THEN '["legal"]'
            WHEN 9 THEN '["fraud-scams"]' ELSE '[]' END::jsonb,
        CASE k WHEN 7 THEN '["medical-health"]' WHEN 8 THEN '["legal"]'
            ELSE '[]' END::jsonb,
        CASE WHEN k IN (7, 8) THEN 2 ELSE 1 END,
        timestamptz '2026-06-01' + ((i::bigint * 7919) %% %(n)s) * interval '1 minute',
        i,
        CASE WHEN i %% %(every)s = 0 THEN '[]'::jsonb
            ELSE jsonb_build_array((%(others)s::bigint[])[1 + i %% 5]) END,
        timestamptz '2026-01-01' + i * interval '10 seconds', now()
    FROM (SELECT i, (i / %(every)s) %% 10 AS k FROM generate_series(1, %(n)s) AS i) AS s
    """,
    """
    INSERT INTO approvals_revision (id, application_id, number, content, submitted_at,
        submitted_by_id, screened_at)
    SELECT id, id, 1, '{"title": "Support assistant"}', sla_due_at - interval '24 hours',
        created_by_id, sla_due_at - interval '24 hours'
    FROM approvals_application
    """,
    # Every decided application: one decision by another reviewer.
    """
    INSERT INTO reviews_decision (application_id, revision_id, reviewer_id, decision,
        rationale, conditions, clauses, model_names, endpoints, limits, as_specialist,
        created_at)
    SELECT id, id, (%(others)s::bigint[])[1 + id %% 5],
        CASE status WHEN 'approved' THEN 'approve' ELSE 'reject' END, 'Fine.', '[]', '[]',
        '[]', '[]', '{}', false, updated_at
    FROM approvals_application WHERE status <> 'in_review'
    """,
    # In review: the reviewer already approved 1 in 7; a specialist approved a third of the
    # extra-scrutiny ones (which then need no specialist).
    """
    INSERT INTO reviews_decision (application_id, revision_id, reviewer_id, decision,
        rationale, conditions, clauses, model_names, endpoints, limits, as_specialist,
        created_at)
    SELECT id, id, %(me)s, 'approve', 'Fine.', '[]', '[]', '[]', '[]', '{}', false, now()
    FROM approvals_application WHERE status = 'in_review' AND (id / %(every)s) %% 7 = 3
    """,
    """
    INSERT INTO reviews_decision (application_id, revision_id, reviewer_id, decision,
        rationale, conditions, clauses, model_names, endpoints, limits, as_specialist,
        created_at)
    SELECT id, id, (%(others)s::bigint[])[1], 'approve', 'Fine.', '[]', '[]', '[]', '[]',
        '{}', true, now()
    FROM approvals_application
    WHERE status = 'in_review' AND route_name = 'extra_scrutiny' AND (id / %(every)s) %% 3 = 0
    """,
    # Who decided the current revision, for the ones in review (the decided ones have theirs).
    """
    UPDATE approvals_application AS a SET decided_by = d.ids
    FROM (SELECT revision_id, jsonb_agg(reviewer_id ORDER BY id) AS ids FROM reviews_decision
          WHERE application_id %% %(every)s = 0 GROUP BY revision_id) AS d
    WHERE a.current_revision_id = d.revision_id AND a.status = 'in_review'
    """,
    # Claims: 1 in 11 in review is held by another reviewer.
    """
    INSERT INTO reviews_claim (application_id, reviewer_id, claimed_at)
    SELECT id, (%(others)s::bigint[])[1 + id %% 5], now()
    FROM approvals_application WHERE status = 'in_review' AND (id / %(every)s) %% 11 = 5
    """,
    # Comments from the applicant on 1 in 13 in review (the page's unread marks).
    """
    INSERT INTO reviews_comment (application_id, author_id, body, created_at)
    SELECT id, created_by_id, 'A question about our use case.', now()
    FROM approvals_application WHERE status = 'in_review' AND (id / %(every)s) %% 13 = 0
    """,
]
