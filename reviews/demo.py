"""A small demo world for `make run` (manage.py seed_demo): the demo accounts, then
applications in every state, two grants with a week of use and a key each, comments, an
access review with items. Everything is made by the services, so the audit log fills the
way it does in use. Idempotent: a piece that exists (by its title or name) is left alone,
so a second run changes nothing."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts import services as accounts
from accounts.models import Role, User
from approvals import lifecycle
from approvals.keys import limits
from approvals.keys import services as keys
from approvals.models import Application, Grant
from reviews import claims, decisions
from reviews.access import campaigns
from reviews.conversation import comments
from reviews.models import Campaign

PASSWORD = "demo-password-123"
ACCOUNTS = [  # email, role, organization, specialties
    ("developer@example.com", Role.DEVELOPER, "Acme Apps", ()),
    ("other-developer@example.com", Role.DEVELOPER, "Globex", ()),
    ("reviewer@example.com", Role.REVIEWER, "", ()),
    ("specialist@example.com", Role.REVIEWER, "", ("medical-health", "legal", "finance-credit")),
    ("admin@example.com", Role.ADMIN, "", ()),
    ("gateway@example.com", Role.GATEWAY, "", ()),
]
CAMPAIGN = "Demo: quarterly access review"

BASE = {
    "domains": [],
    "audience": "internal",
    "models": ["chat-small"],
    "endpoints": ["/v1/chat/completions"],
    "expected_requests_per_minute": 60,
    "expected_monthly_tokens": 10_000_000,
    "mitigations": ["A person reviews outputs before they reach end users."],
}


def _content(title, description, **changes):
    return {**BASE, "title": title, "description": description, **changes}


# (what happens to it, its content); the step names are the states the demo shows.
APPLICATIONS = [
    (
        "draft",
        _content(
            "Meeting notes assistant",
            "Summarises our internal meeting transcripts into action items for the attendees, "
            "who check and edit the notes before sharing them.",
        ),
    ),
    (
        "in_review",
        _content(
            "Support reply drafts",
            "Our support agents get a suggested reply to customer emails about shipping and "
            "invoices; an agent edits and sends every reply themselves.",
        ),
    ),
    (
        "in_review_claimed",
        _content(
            "Product description writer",
            "Drafts product descriptions for our catalogue from a list of features; a copy "
            "editor reviews every description before it is published.",
        ),
    ),
    (
        "in_review",
        _content(
            "Clinic appointment triage",
            "Patients describe their symptoms when booking and the assistant suggests which "
            "clinic to book; a nurse confirms every booking before it is made.",
            domains=["medical-health"],
            audience="consumer",
        ),
    ),
    (
        "in_review",
        _content(
            "Bulk promo blaster",
            "Sends millions of unsolicited promotional emails and SMS to purchased contact "
            "lists. The model rewrites each message slightly so it gets past spam filters.",
            mitigations=[],
        ),
    ),
    (
        "changes_requested",
        _content(
            "Contract clause finder",
            "Finds clauses in supplier contracts that our procurement team should look at; "
            "the team reads each flagged clause in the contract itself.",
        ),
    ),
    (
        "approved",
        _content(
            "Invoice summaries",
            "Summarises supplier invoices for our accounts team, who check each summary "
            "against the invoice before paying it.",
            expected_monthly_tokens=10_000_000,
        ),
    ),
    (
        "approved",
        _content(
            "Release notes drafts",
            "Drafts release notes from our merged pull requests; an engineer edits and "
            "publishes them.",
            models=["chat-small"],
            expected_requests_per_minute=20,
            expected_monthly_tokens=2_000_000,
        ),
    ),
    (
        "rejected",
        _content(
            "Review booster",
            "Writes many five-star customer reviews of our products in different voices for "
            "us to post on marketplaces under new accounts.",
            mitigations=[],
        ),
    ),
    (
        "auto_rejected",
        _content(
            "Weapons assembly guide",
            "Explains step by step how to build weapons at home for our customers.",
            domains=["weapons-cbrn"],
            mitigations=[],
        ),
    ),
    (
        "withdrawn",
        _content(
            "Old chatbot pilot",
            "A pilot of a chatbot answering staff questions about the holiday policy; the HR "
            "team answers anything it cannot.",
        ),
    ),
]


@dataclass
class Seeded:
    accounts: list = field(default_factory=list)  # (role, email)
    made: list = field(default_factory=list)  # titles made by this run
    kept: int = 0  # pieces already there


def _accounts(seeded: Seeded) -> dict[str, User]:
    users = {}
    for email, role, organization, specialties in ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = accounts.account_create(
                actor=None,
                email=email,
                password=PASSWORD,
                role=role,
                organization_name=organization,
                specialties=specialties,
            )
        users[email.split("@")[0]] = user
        seeded.accounts.append((role, email))
    return users


def _submitted(dev, content) -> Application:
    application = lifecycle.application_create(
        actor=dev, organization=dev.memberships.get().organization, content=content
    )
    lifecycle.application_submit(actor=dev, application=application)
    lifecycle.application_screen(application_id=application.pk)  # eager or not
    application.refresh_from_db()
    return application


def _use(grant: Grant, *, days: int, now) -> None:
    """A week of use as the gateway's flush records it: a busy minute each working hour,
    a few calls refused as outside the grant's scope."""
    model, endpoint = grant.model_names[0], grant.endpoints[0]
    for day in range(days, 0, -1):
        moment = (now - timedelta(days=day)).replace(minute=0, second=0, microsecond=0)
        requests_total = tokens_total = 0
        for hour in range(9, 18):
            minute = moment.replace(hour=hour)
            requests, tokens = 20 + 3 * hour, (20 + 3 * hour) * 450
            limits.record_usage(grant_id=grant.pk, minute=minute, requests=requests, tokens=tokens)
            requests_total, tokens_total = requests_total + requests, tokens_total + tokens
        limits.record_usage(grant_id=grant.pk, minute=moment.replace(hour=18), scope_denied=2)
        limits.record_scope(
            grant_id=grant.pk, day=moment.date(), model=model, endpoint=endpoint,
            requests=requests_total, tokens=tokens_total,
        )  # fmt: skip
        limits.record_scope(
            grant_id=grant.pk, day=moment.date(), model="chat-large", endpoint=endpoint, denied=2
        )


def _advance(step: str, application: Application, users: dict, now) -> None:
    dev, reviewer, admin = users["developer"], users["reviewer"], users["admin"]
    if step == "in_review_claimed":
        claims.claim(reviewer=reviewer, application=application)
    elif step == "in_review" and application.route_name == "standard":
        comments.comment_add(
            author=reviewer,
            application=application,
            body="Which mailboxes does this read, and who sees the drafts?",
        )
        comments.comment_add(
            author=dev,
            application=application,
            body="Only the shared support mailbox; drafts are seen by the agent alone.",
        )
    elif step == "changes_requested":
        claims.claim(reviewer=reviewer, application=application)
        decisions.decide(
            reviewer=reviewer,
            application=application,
            decision="request_changes",
            rationale="Say how a clause the tool misses is caught, and who reads the output.",
        )
    elif step == "rejected":
        claims.claim(reviewer=admin, application=application)
        decisions.decide(
            reviewer=admin,
            application=application,
            decision="reject",
            rationale="Fake reviews deceive buyers; the usage policy prohibits them.",
            clauses=[application.flagged_domains[0]] if application.flagged_domains else [],
        )
    elif step == "approved":
        claims.claim(reviewer=reviewer, application=application)
        decisions.decide(reviewer=reviewer, application=application, decision="approve")
        application.refresh_from_db()
        grant = application.grant
        keys.key_mint(actor=dev, grant=grant, name="production")
        _use(grant, days=7, now=now)
    elif step == "withdrawn":
        lifecycle.application_withdraw(actor=dev, application=application)


def seed(now=None) -> Seeded:
    """Makes what is missing of the demo world; returns what it made."""
    now = now or timezone.now()
    seeded = Seeded()
    users = _accounts(seeded)
    dev = users["developer"]
    organization = dev.memberships.get().organization
    for step, content in APPLICATIONS:
        if Application.objects.filter(organization=organization, title=content["title"]).exists():
            seeded.kept += 1
            continue
        with transaction.atomic():
            if step == "draft":
                lifecycle.application_create(actor=dev, organization=organization, content=content)
            else:
                _advance(step, _submitted(dev, content), users, now)
        seeded.made.append(content["title"])
    if Campaign.objects.filter(name=CAMPAIGN).exists():
        seeded.kept += 1
    else:
        campaigns.campaign_start(
            actor=users["admin"], name=CAMPAIGN, due_at=now + timedelta(days=14)
        )
        seeded.made.append(CAMPAIGN)
    return seeded
