"""PolicyPair skips the applications two policies cannot screen apart. That rests on
screening's design (a domain is detected from its own rules alone); this checks it against
the brute force (both policies in full) over the 298 use cases of tests/data/use_cases.json,
for a draft that changes domains in every way a draft can."""

import json
from pathlib import Path

import pytest

from approvals.models import Domain
from approvals.policy import screening, simulation
from approvals.policy import versions as policy
from approvals.policy.screening import texts_of

from .conftest import LOYALTY_TRIGGER, REMINDER_CUE, add_rule

pytestmark = pytest.mark.django_db

CASES = json.loads((Path(__file__).parents[2] / "data" / "use_cases.json").read_text())


@pytest.fixture
def reshaped_draft(admin):
    draft = policy.policy_draft_create(actor=admin)
    add_rule(draft, "finance-credit", "triggers", LOYALTY_TRIGGER)  # a new trigger
    add_rule(draft, "medical-health", "cues", REMINDER_CUE)  # a new cue
    add_rule(draft, "spam", "cues", {"any": ["newsletter"], "weight": 6})  # a strong cue
    Domain.objects.filter(policy=draft, slug="insurance").update(kind="prohibited")
    Domain.objects.filter(policy=draft, slug="legal").delete()
    Domain.objects.filter(policy=draft, slug="astroturfing").update(rules={})
    Domain.objects.create(
        policy=draft,
        slug="pets",
        name="Pets",
        kind="extra_scrutiny",
        description="Animals.",
        rules={"triggers": [{"any": ["dog*", "cat", "cats", "pet*"], "weight": 3}]},
    )
    Domain.objects.filter(policy=draft, slug="spam").update(name="Renamed", description="x")
    return draft


def brute_force(before, after, texts, declared):
    return simulation.direction(
        simulation.verdict_of(screening.screen(before, texts=texts, declared=declared)),
        simulation.verdict_of(screening.screen(after, texts=texts, declared=declared)),
    )


def test_policy_pair_never_skips_an_application_the_policies_screen_apart(reshaped_draft):
    pair = simulation.PolicyPair(
        policy.compiled(policy.current_policy()), policy.compiled_draft(reshaped_draft)
    )
    assert pair.changed == [
        "astroturfing",
        "finance-credit",
        "insurance",
        "legal",
        "medical-health",
        "pets",
        "spam",
    ]
    differ, skipped = 0, 0
    for case in CASES:
        content = {
            "title": case["title"],
            "description": case["description"],
            "mitigations": case["mitigations"],
        }
        for declared in (case["declared"], ["legal", "insurance"], ["pets"]):
            texts = texts_of(content)
            way = brute_force(pair.before, pair.after, texts, declared)
            if not pair.may_differ(texts, declared):
                skipped += 1
                assert way == simulation.UNCHANGED, case["id"]
            differ += way != simulation.UNCHANGED
    assert differ > 50 and skipped > 200  # both branches are exercised


def test_a_draft_that_changes_no_rules_changes_nothing(admin):
    draft = policy.policy_draft_create(actor=admin)
    Domain.objects.filter(policy=draft, slug="spam").update(description="Only reworded")
    pair = simulation.PolicyPair(
        policy.compiled(policy.current_policy()), policy.compiled_draft(draft)
    )
    assert pair.changed == []
    assert not pair.may_differ({"title": "Bulk SMS blaster"}, ["spam"])
