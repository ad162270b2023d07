"""Applications, grants and drafts for the policy-change tests.

The draft adds two rules for phrases some applications use: a finance-credit trigger for
"loyalty points" (stricter for an application that was standard) and a medical-health cue for
"appointment reminders only" (looser for one that was extra scrutiny)."""

import pytest

from approvals import grants, lifecycle
from approvals.models import Application, Domain
from approvals.policy import versions as policy
from tests import world

LOYALTY = "Our support agents answer customers' questions about their loyalty points balance."
STRICTER = {"title": "Loyalty desk", "description": LOYALTY + " An agent sends every reply."}
LOOSER = {
    "title": "Clinic reminders",
    "description": "Sends patients of a dental clinic appointment reminders only: date, "
    "time and address, nothing else.",
    "audience": "consumer",
}
SAME_PHRASE = {
    "title": "Card rewards",
    "description": LOYALTY + " They also explain credit "
    "card statements and the credit limit; an agent sends every reply.",
}
UNRELATED = {}

LOYALTY_TRIGGER = {"any": ["loyalty points"], "weight": 3, "name": "loyalty points"}
REMINDER_CUE = {"any": ["appointment reminders only"], "weight": 3}


@pytest.fixture
def submitted(dev_a):
    """`submitted(**changes)`: an application of Org A, submitted and screened (v1)."""

    def make(**changes) -> Application:
        return world.submitted(dev_a, **changes)

    return make


@pytest.fixture
def approved(submitted, admin):
    """`approved(**changes)`: the same, approved with the terms asked for: an active grant."""

    def make(**changes):
        application = submitted(**changes)
        return lifecycle.application_approve(
            actor=admin, application=application, terms=grants.requested_terms(application)
        )

    return make


def add_rule(draft, slug: str, section: str, rule: dict) -> None:
    domain = Domain.objects.get(policy=draft, slug=slug)
    domain.rules = {**domain.rules, section: [*domain.rules.get(section, []), rule]}
    domain.save()


@pytest.fixture
def loyalty_draft(admin):
    """Draft v2: the current policy plus the loyalty trigger and the reminders cue."""
    draft = policy.policy_draft_create(actor=admin)
    add_rule(draft, "finance-credit", "triggers", LOYALTY_TRIGGER)
    add_rule(draft, "medical-health", "cues", REMINDER_CUE)
    return draft
