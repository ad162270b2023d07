"""Times the transparency report on a synthetic history (not a test; run by hand):

    DATABASE_URL=postgres://.../access_review_tr DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python -m tests.reviews.reports.bench_report 100000

Fills an empty, migrated database with N applications over 24 months (one revision each, a
tenth with a second), their decisions, SLA notices and some suspensions, with bulk inserts;
then makes the report for the last 12 months and for all 24, timing each and counting
queries. Refuses a database that already holds applications, unless given --again (time
the report only)."""

import random
import sys
import time
from datetime import UTC, datetime, timedelta


def fill(n: int) -> None:
    from accounts.models import Organization, User
    from approvals.models import Application, Domain, Grant, Revision
    from approvals.policy.versions import default_policy_load
    from reviews.models import AnomalyFlag, Campaign, Decision, GrantReview, SlaNotice

    default_policy_load()
    rng = random.Random(6)
    slugs = list(Domain.objects.values_list("slug", flat=True))
    org = Organization.objects.create(name="Bench", slug="bench")
    dev = User.objects.create_user("bench-dev@example.com", "x")
    reviewer = User.objects.create_user("bench-rev@example.com", "x", role="reviewer")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    statuses = (
        ["approved"] * 45
        + ["rejected"] * 15
        + ["auto_rejected"] * 10
        + ["withdrawn"] * 5
        + ["in_review"] * 15
        + ["changes_requested"] * 10
    )
    routes = ["standard"] * 6 + ["extra_scrutiny"] * 3 + ["policy_escalation"]
    apps, plans = [], []
    for _ in range(n):
        received = start + timedelta(minutes=rng.randrange(730 * 24 * 60))
        status = rng.choice(statuses)
        route = "" if status == "auto_rejected" else rng.choice(routes)
        flagged = rng.sample(slugs, rng.choice([0, 0, 1, 1, 2]))
        due = received + timedelta(hours=72) if route else None
        apps.append(
            Application(
                organization=org,
                created_by=dev,
                status=status,
                title="t",
                description="d",
                domains=flagged[:1] if rng.random() < 0.3 else [],
                audience="internal",
                model_names=["chat-small"],
                endpoints=["/v1/chat/completions"],
                expected_requests_per_minute=1,
                expected_monthly_tokens=1,
                route_name=route,
                flagged_domains=flagged,
                sla_due_at=due,
                created_at=received,
            )
        )
        plans.append((received, status, route, flagged))
    Application.objects.bulk_create(apps, batch_size=5000)
    revisions, decisions, notices = [], [], []
    for app, (received, status, route, flagged) in zip(apps, plans, strict=True):
        revisions.append(
            Revision(
                application=app,
                number=1,
                content={"domains": app.domains},
                submitted_by=dev,
                submitted_at=received,
                screened_at=received + timedelta(seconds=20),
                screening={"outcome": "x", "matches": []},
                route={"name": route} if route else None,
            )
        )
    Revision.objects.bulk_create(revisions, batch_size=5000)
    for app, revision, (received, status, _, _) in zip(apps, revisions, plans, strict=True):
        kind = {
            "approved": "approve",
            "rejected": "reject",
            "changes_requested": "request_changes",
        }.get(status)
        if kind:
            decisions.append(
                Decision(
                    application=app,
                    revision=revision,
                    reviewer=reviewer,
                    decision=kind,
                    created_at=received + timedelta(hours=rng.randrange(1, 200)),
                )
            )
        if rng.random() < 0.05:
            notices.append(SlaNotice(revision=revision, kind="breached"))
    Decision.objects.bulk_create(decisions, batch_size=5000)
    SlaNotice.objects.bulk_create(notices, batch_size=5000)
    approved = [a for a, p in zip(apps, plans, strict=True) if p[1] == "approved"][:5000]
    grants = Grant.objects.bulk_create(
        [
            Grant(application=a, organization=org, expires_at=start + timedelta(days=900))
            for a in approved
        ],
        batch_size=5000,
    )
    campaign = Campaign.objects.create(
        name="c", due_at=start + timedelta(days=400), period_start=start
    )
    GrantReview.objects.bulk_create(
        [
            GrantReview(
                grant=g,
                campaign=campaign,
                kind="campaign",
                status="lapsed",
                reason="r",
                due_at=start + timedelta(days=rng.randrange(730)),
            )
            for g in grants[:1000]
        ]
    )
    AnomalyFlag.objects.bulk_create(
        [
            AnomalyFlag(
                grant=g,
                rule="spike",
                severity="severe",
                figures={},
                suspended=True,
                window_start=start,
                window_end=start,
                created_at=start + timedelta(days=rng.randrange(730)),
            )
            for g in grants[1000:2000]
        ]
    )


def main(n: int) -> None:
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from approvals.models import Application
    from reviews.reports import transparency

    if "--again" not in sys.argv:
        if Application.objects.exists():
            sys.exit(
                "This database already holds applications: use an empty one, or pass "
                "--again to time the report on what a previous run filled."
            )
        began = time.perf_counter()
        fill(n)
        print(f"filled {n} applications in {time.perf_counter() - began:.1f} s")
        connection.cursor().execute("ANALYZE")
    today = datetime(2025, 12, 31).date()
    for start in (None, "2024-01"):
        period = transparency.period_of(start=start, end="2025-12", today=today)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            report = transparency.report(period=period, min_cell=5)
            took = time.perf_counter() - began
        total = report.by_month.total.cells[0].value
        print(
            f"{len(period.months)} months, {total} received: {took * 1000:.0f} ms, "
            f"{len(queries)} queries"
        )
        for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"   {float(q['time']) * 1000:.0f} ms  {q['sql'][:90]}")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 100_000)
