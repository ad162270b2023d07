"""Timing of the simulation and the grants' re-screen on 5,000 applications (the 298 use cases
of tests/data/use_cases.json, cycled, each made unique by its number). Not collected by
default (the name does not start with test_); run it on its own database:

    DATABASE_URL=postgres://... .venv/bin/pytest tests/approvals/policy/bench_simulation.py -q -s
"""

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import Application, Grant, Revision
from approvals.policy import simulation
from reviews.access import policy_changes
from tests.approvals.test_applications_api import BENIGN

from .conftest import LOYALTY

pytestmark = pytest.mark.django_db

APPLICATIONS = 5_000
GRANTED = 1_000
USE_CASES = json.loads((Path(__file__).parents[2] / "data" / "use_cases.json").read_text())


def content(number: int) -> dict:
    case = USE_CASES[number % len(USE_CASES)]
    description = f"{case['description']} (deployment {number})"
    if number % 10 == 0:
        description += " " + LOYALTY
    return {
        **BENIGN,
        "title": case["title"][:200],
        "description": description,
        "mitigations": case["mitigations"],
        "domains": case["declared"],
    }


@pytest.fixture
def many(dev_a):
    organization = dev_a.memberships.get().organization
    contents = [content(n) for n in range(APPLICATIONS)]
    applications = Application.objects.bulk_create(
        Application(
            organization=organization,
            created_by=dev_a,
            status="in_review",
            **{k: v for k, v in c.items() if k not in ("models",)},
            model_names=c["models"],
        )
        for c in contents
    )
    Revision.objects.bulk_create(
        Revision(application=a, number=1, content=c, submitted_by=dev_a)
        for a, c in zip(applications, contents, strict=True)
    )
    Grant.objects.bulk_create(
        Grant(
            application=a,
            organization=organization,
            expires_at=timezone.now() + timedelta(days=365),
        )
        for a in applications[:GRANTED]
    )
    return applications


def brute_force(draft) -> set[int]:
    """The applications whose verdict differs, both policies screened in full for each."""
    from approvals.policy import screening
    from approvals.policy import versions as policy
    from approvals.policy.screening import texts_of

    before = policy.compiled(policy.current_policy())
    after = policy.compiled_draft(draft)
    changed = set()
    for row in simulation.latest_revisions():
        texts, declared = texts_of(row["content"]), row["content"]["domains"]
        verdicts = [
            simulation.verdict_of(screening.screen(p, texts=texts, declared=declared))
            for p in (before, after)
        ]
        if simulation.direction(*verdicts) != simulation.UNCHANGED:
            changed.add(row["application_id"])
    return changed


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def test_simulating_5000_applications(many, loyalty_draft):
    with CaptureQueriesContext(connection) as queries:
        result, wall, cpu = timed(lambda: simulation.policy_simulate(draft=loyalty_draft))
    summary = result.summary()
    print(
        f"\nsimulation: {summary['screened']} applications in {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU ({cpu / summary['screened'] * 1000:.2f} ms each), "
        f"{len(queries)} queries; changed {summary['changed']} "
        f"(stricter {summary['stricter']}, looser {summary['looser']})"
    )
    reference, wall, cpu = timed(lambda: brute_force(loyalty_draft))
    print(f"both policies in full for every application: {wall:.2f} s wall, {cpu:.2f} s CPU")
    assert {c.application_id for c in result.changes} == reference
    assert summary["screened"] == APPLICATIONS
    assert len(queries) < 20


def test_rescreening_1000_active_grants(many, admin, loyalty_draft):
    from approvals.policy import versions as policy

    policy.policy_publish(actor=admin, policy=loyalty_draft)
    run, wall, cpu = timed(policy_changes.rescreen_pending)
    print(
        f"\nre-screen: {run.counts['checked']} grants in {wall:.2f} s wall, {cpu:.2f} s CPU;"
        f" {run.counts}"
    )
    assert run.counts["checked"] == GRANTED
