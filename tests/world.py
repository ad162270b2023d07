"""A small world for black-box tests: the eight personas and one of everything the API
names (an application in review, a draft, a grant with a key, a comment, an access review
with items, a schedule). The permission matrix (tests/config/test_permission_matrix.py)
builds it from the personas of tests/conftest.py; the schemathesis run (tests/fuzz.py)
builds it in a throwaway database. Plain functions: no pytest here."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts import services as accounts
from approvals import lifecycle
from approvals.keys import services as keys
from reviews import claims, decisions
from reviews.access import campaigns
from reviews.conversation import comments

PASSWORD = "correct-horse-battery-9"
PERSONAS = (
    "anonymous",
    "dev_a",
    "dev_b",
    "reviewer",
    "reviewer_org_a",
    "specialist",
    "admin",
    "gateway",
)
APPLICATION = {
    "title": "Support reply drafts",
    "description": "Our support agents get a suggested reply to customer emails about shipping "
    "and invoices; an agent edits and sends every reply themselves.",
    "domains": [],
    "audience": "internal",
    "models": ["chat-small"],
    "endpoints": ["/v1/chat/completions"],
    "expected_requests_per_minute": 60,
    "expected_monthly_tokens": 5_000_000,
    "mitigations": ["A person reviews outputs before they reach end users."],
}


@dataclass
class World:
    users: dict  # persona -> User (anonymous: None)
    in_review: object = None
    draft: object = None
    approved: object = None
    grant: object = None
    key: object = None
    key_text: str = ""
    campaign: object = None
    item: object = None
    schedule: object = None
    comment: object = None
    ids: dict = field(default_factory=dict)


def account_make(email, role="developer", organization="", specialties=()):
    """An account as staff make it (verified, active), with the tests' one password."""
    return accounts.account_create(
        actor=None,
        email=email,
        password=PASSWORD,
        role=role,
        organization_name=organization,
        specialties=specialties,
    )


def personas_create() -> dict:
    """The personas of tests/conftest.py, plus the reviewer of Org A (the applicant's)."""
    make = account_make
    return {
        "anonymous": None,
        "dev_a": make("alice@org-a.example", organization="Org A"),
        "dev_b": make("bob@org-b.example", organization="Org B"),
        "reviewer": make("rob@provider.example", role="reviewer"),
        "reviewer_org_a": make("rae@org-a.example", role="reviewer", organization="Org A"),
        "specialist": make("sam@provider.example", role="reviewer", specialties=["medical-health"]),
        "admin": make("ada@provider.example", role="admin"),
        "gateway": make("gw@provider.example", role="gateway"),
    }


def submitted(dev, **changes):
    """An application of the developer's organization (APPLICATION with `changes`),
    submitted and screened."""
    application = lifecycle.application_create(
        actor=dev,
        organization=dev.memberships.get().organization,
        content={**APPLICATION, **changes},
    )
    lifecycle.application_submit(actor=dev, application=application)
    lifecycle.application_screen(application_id=application.pk)
    application.refresh_from_db()
    return application


def world_build(users: dict) -> World:
    """Org A's applications (one in review, one draft, one approved with a key), a comment,
    an access review of the grant and a schedule; everything made by the services."""
    dev_a, reviewer, admin = users["dev_a"], users["specialist"], users["admin"]
    world = World(users=users)
    world.approved = submitted(dev_a, title="Invoice summaries")
    claims.claim(reviewer=reviewer, application=world.approved)
    decisions.decide(
        reviewer=reviewer,
        application=world.approved,
        decision="approve",
        limits={"requests_per_minute": 60},
    )
    world.approved.refresh_from_db()
    world.grant = world.approved.grant
    world.key, world.key_text = keys.key_mint(actor=dev_a, grant=world.grant, name="ci")
    world.in_review = submitted(dev_a)
    world.draft = lifecycle.application_create(
        actor=dev_a, organization=dev_a.memberships.get().organization, content=APPLICATION
    )
    world.comment = comments.comment_add(
        author=reviewer, application=world.in_review, body="Which models, exactly?"
    )
    world.campaign = campaigns.campaign_start(
        actor=admin, name="Quarterly", due_at=timezone.now() + timedelta(days=14)
    )
    world.item = world.campaign.items.order_by("pk").first()
    world.schedule = campaigns.schedule_create(
        actor=admin, name="Every quarter", cadence="quarterly", due_days=14
    )
    world.ids = {
        "application": world.in_review.pk,
        "draft": world.draft.pk,
        "approved": world.approved.pk,
        "grant": world.grant.pk,
        "key": world.key.pk,
        "campaign": world.campaign.pk,
        "item": world.item.pk,
        "schedule": world.schedule.pk,
        "organization": dev_a.memberships.get().organization_id,
    }
    return world


def tokens_issue(users: dict) -> dict:
    """persona -> API token (anonymous: None)."""
    return {
        name: accounts.api_token_issue(user=user)[1] if user else None
        for name, user in users.items()
    }
