"""A known history for the transparency report: applications received in January to March
2025 (and one on each side), made by the real services and then moved back in time, since
the services stamp the present. `history` describes what each application is; the expected
figures in the tests follow from it."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from approvals import lifecycle
from approvals.models import Application, Grant, Revision
from reviews import claims, decisions
from reviews.models import AnomalyFlag, Campaign, Decision, GrantReview, SlaNotice
from tests.approvals.test_applications_api import BENIGN

SPAM = {
    "title": "Bulk promo blaster",
    "description": "Sends millions of unsolicited promotional emails and SMS to purchased "
    "contact lists. The model rewrites each message slightly so it gets past "
    "spam filters.",
    "mitigations": [],
}
SYMPTOMS = {
    "title": "Symptom checker",
    "description": "Users describe their symptoms and the assistant suggests possible "
    "conditions and whether they should see a doctor, go to the "
    "emergency room or rest at home.",
    "mitigations": [],
}
NOW = datetime(2025, 4, 2, 12, tzinfo=UTC)  # when the report is made


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class History:
    apps: dict[str, Application]
    now: datetime


@pytest.fixture
def reviewers(make_account, admin):
    return {
        "rita": make_account(
            "rita@provider.example", role="reviewer", specialties=["medical-health"]
        ),
        "rob": make_account("rob@provider.example", role="reviewer"),
        "ada": admin,
    }


@pytest.fixture
def history(dev_a, reviewers):  # noqa: C901 - one story, told in order
    org = dev_a.memberships.get().organization
    apps: dict[str, Application] = {}

    def submit(name, received, **content):
        app = lifecycle.application_create(
            actor=dev_a, organization=org, content={**BENIGN, **content}
        )
        lifecycle.application_submit(actor=dev_a, application=app)
        lifecycle.application_screen(application_id=app.pk)
        Revision.objects.filter(application=app).update(
            submitted_at=at(received), screened_at=at(received) + timedelta(seconds=30)
        )
        app.refresh_from_db()
        apps[name] = app
        return app

    def decide(app, who, kind, when, rationale="Because."):
        app.refresh_from_db()
        claims.claim(reviewer=reviewers[who], application=app)
        made = decisions.decide(
            reviewer=reviewers[who], application=app, decision=kind, rationale=rationale
        )
        Decision.objects.filter(pk=made.pk).update(created_at=at(when))

    def due(app, when):
        Application.objects.filter(pk=app.pk).update(sla_due_at=at(when))

    # Out of the period on both sides.
    d0 = submit("D0", "2024-12-20T10:00")
    decide(d0, "rob", "approve", "2024-12-21T10:00")
    submit("E0", "2025-04-01T09:00")

    # January: standard approved on time (48 h), standard rejected late (120 h), a declared
    # prohibited domain rejected by policy (30 s), a policy escalation rejected (24 h).
    a1 = submit("A1", "2025-01-10T09:00")
    due(a1, "2025-01-13T09:00")
    decide(a1, "rob", "approve", "2025-01-12T09:00")
    a2 = submit("A2", "2025-01-15T00:00")
    due(a2, "2025-01-18T00:00")
    decide(a2, "rob", "reject", "2025-01-20T00:00")
    submit("A3", "2025-01-20T12:00", domains=["spam"])
    a4 = submit("A4", "2025-01-25T00:00", **SPAM)
    due(a4, "2025-01-27T00:00")
    decide(a4, "ada", "reject", "2025-01-26T00:00")

    # February: detected extra scrutiny approved (96 h) and one with changes asked for, late
    # and notified; a declared one approved (72 h); a standard one open past its deadline
    # (notified too); one withdrawn.
    b1 = submit("B1", "2025-02-03T00:00", **SYMPTOMS)
    due(b1, "2025-02-08T00:00")
    decide(b1, "rob", "approve", "2025-02-06T00:00")
    decide(b1, "rita", "approve", "2025-02-07T00:00")
    b2 = submit("B2", "2025-02-10T00:00", **SYMPTOMS)
    due(b2, "2025-02-15T00:00")
    decide(b2, "rita", "request_changes", "2025-02-20T00:00")
    b3 = submit("B3", "2025-02-12T00:00", domains=["medical-health"])
    due(b3, "2025-02-17T00:00")
    decide(b3, "rob", "approve", "2025-02-14T12:00")
    decide(b3, "rita", "approve", "2025-02-15T00:00")
    b4 = submit("B4", "2025-02-20T00:00")
    due(b4, "2025-02-23T00:00")
    b5 = submit("B5", "2025-02-21T00:00")
    due(b5, "2025-02-24T00:00")
    lifecycle.application_withdraw(actor=dev_a, application=b5)
    for app in (b2, b4):
        SlaNotice.objects.create(revision=app.latest_revision, kind="breached")
    SlaNotice.objects.create(revision=a1.latest_revision, kind="nearing")  # not a breach

    # March: an escalation cleared by an administrator, then approved (60 h); a standard one
    # in review before its deadline; an escalation not yet decided, past its deadline.
    c1 = submit("C1", "2025-03-05T00:00", **SPAM)
    decide(c1, "ada", "approve", "2025-03-06T00:00")
    due(c1, "2025-03-09T00:00")
    decide(c1, "rob", "approve", "2025-03-07T12:00")
    c2 = submit("C2", "2025-03-31T00:00")
    due(c2, "2025-04-03T00:00")
    c3 = submit("C3", "2025-03-10T00:00", **SPAM)
    due(c3, "2025-03-12T00:00")

    _suspensions(apps)
    for app in apps.values():
        app.refresh_from_db()
    return History(apps, NOW)


def _suspensions(apps):
    """Grants of A1 and B1 lapsed in campaigns (in February by its decision, in March by its
    due date); B3's suspended by monitoring twice in March (one grant); not counted: an item
    certified, a flag that suspended nothing, a lapse in April."""
    grant = {name: Grant.objects.get(application=apps[name]) for name in ("A1", "B1", "B3", "C1")}
    campaign = Campaign.objects.create(
        name="Q1", due_at=at("2025-03-01T00:00"), period_start=at("2024-12-01T00:00")
    )
    GrantReview.objects.create(
        grant=grant["A1"],
        campaign=campaign,
        kind="campaign",
        status="lapsed",
        reason="r",
        due_at=at("2025-03-01T00:00"),
        decided_at=at("2025-02-28T23:00"),
    )
    GrantReview.objects.create(
        grant=grant["B1"],
        campaign=campaign,
        kind="campaign",
        status="lapsed",
        reason="r",
        due_at=at("2025-03-01T00:00"),
    )
    GrantReview.objects.create(
        grant=grant["B3"],
        campaign=campaign,
        kind="campaign",
        status="certified",
        reason="r",
        due_at=at("2025-03-01T00:00"),
        decided_at=at("2025-02-20T00:00"),
    )
    april = Campaign.objects.create(
        name="Q2", due_at=at("2025-04-01T00:00"), period_start=at("2025-01-01T00:00")
    )
    GrantReview.objects.create(
        grant=grant["C1"],
        campaign=april,
        kind="campaign",
        status="lapsed",
        reason="r",
        due_at=at("2025-04-01T00:00"),
    )
    window = {"window_start": at("2025-03-10T00:00"), "window_end": at("2025-03-10T01:00")}
    for rule, suspended in (("volume_spike", True), ("scope_probe", True), ("night_use", False)):
        AnomalyFlag.objects.create(
            grant=grant["B3"],
            rule=rule,
            severity="severe",
            created_at=at("2025-03-10T02:00"),
            suspended=suspended,
            **window,
        )
