"""The application page tells the truth in every state: what happens next, one timeline line
per action, a saved edit that keeps the submitted revision, and a reply box only where a reply
makes sense."""

import pytest

from approvals import lifecycle
from approvals.models import Application
from tests.approvals.test_applications_api import BENIGN
from tests.reviews.conftest import in_review  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(dev_a, reviewer, django_capture_on_commit_callbacks):
    from reviews import claims, decisions

    def make(state: str, **changes) -> Application:
        org = dev_a.memberships.get().organization
        app = lifecycle.application_create(
            actor=dev_a, organization=org, content={**BENIGN, **changes}
        )
        if state == "draft":
            return app
        if state == "submitted":
            lifecycle.application_submit(actor=dev_a, application=app)
            return Application.objects.get(pk=app.pk)
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.application_submit(actor=dev_a, application=app)
        app.refresh_from_db()
        if state in ("in_review", "auto_rejected", "escalated"):
            return app
        if state == "withdrawn":
            return lifecycle.application_withdraw(actor=dev_a, application=app)
        claims.claim(reviewer=reviewer, application=app)
        decision = {"approved": "approve", "rejected": "reject"}.get(state, "request_changes")
        with django_capture_on_commit_callbacks(execute=True):
            decisions.decide(
                reviewer=reviewer,
                application=app,
                decision=decision,
                rationale="" if decision == "approve" else "Say which models.",
            )
        app.refresh_from_db()
        return app

    return make


def _page(client, user, app) -> str:
    client.force_login(user)
    response = client.get(f"/portal/applications/{app.pk}/")
    assert response.status_code == 200
    return response.content.decode()


STATES = {
    "draft": ({}, "Submit it when it is complete"),
    "submitted": ({}, "screening it"),
    "in_review": ({}, "Reviewers are looking at it"),
    "escalated": (
        {"description": "We write fake reviews for our clients and post them from many accounts."},
        "an administrator reviews it",
    ),
    "auto_rejected": ({"domains": ["astroturfing"]}, "prohibited use"),
    "changes_requested": ({}, "edit it and submit it again"),
    "approved": ({}, "create production keys"),
    "rejected": ({}, "Rejected by the reviewers"),
    "withdrawn": ({}, "was withdrawn"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_what_happens_next_matches_the_state(client, dev_a, make, state):
    changes, expected = STATES[state]
    app = make(state, **changes)
    page = _page(client, dev_a, app)
    assert f'data-next="{app.status}"' in page
    assert expected in page


def test_withdrawn_by_a_colleague_does_not_say_you(client, dev_a, make_account, make):
    app = make("withdrawn")
    colleague = make_account("colleague@a.example", organization=app.organization.name)
    page = _page(client, colleague, app)
    assert "You withdrew it" not in page and "was withdrawn" in page


def test_an_approved_application_with_a_suspended_grant_does_not_offer_keys(
    client, dev_a, admin, make
):
    from approvals import grants

    app = make("approved")
    grants.grant_status_set(
        actor=admin, grant=app.grant, status="suspended", reason="Under investigation"
    )
    page = _page(client, dev_a, app)
    assert "create production keys" not in page and "suspended" in page.lower()


@pytest.mark.parametrize("state", ["approved", "rejected", "changes_requested"])
def test_each_decision_appears_once_in_the_timeline(client, dev_a, make, state):
    page = _page(client, dev_a, make(state))
    timeline = page.split('id="timeline-heading"')[1]
    assert timeline.count("<li") == 4  # created, submitted, screened, decided
    assert timeline.count("data-action=") == 4


def test_editing_after_a_change_request_says_it_saved_and_keeps_revision_1(client, dev_a, make):
    app = make("changes_requested")
    client.force_login(dev_a)
    form = {**BENIGN, "description": BENIGN["description"] + " We use gpt-small only."}
    form["expected_requests_per_minute"] = BENIGN["expected_requests_per_minute"]
    response = client.post(f"/portal/applications/{app.pk}/edit/", form, follow=True)
    page = response.content.decode()
    assert "Changes saved" in page and "Revision 1" in page
    assert app.revisions.get().content["description"] == BENIGN["description"]
    # The page shows what reviewers saw as revision 1 and, apart, the unsubmitted changes.
    assert "Unsubmitted changes" in page and "We use gpt-small only." in page
    revision_part = page.split('id="content-heading"')[1].split('id="draft-heading"')[0]
    assert "We use gpt-small only." not in revision_part


@pytest.mark.parametrize(
    "state,offered",
    [
        ("draft", False),
        ("in_review", True),
        ("changes_requested", True),
        ("approved", False),
        ("rejected", False),
        ("withdrawn", False),
    ],
)
def test_replying_is_offered_only_where_it_makes_sense(client, dev_a, make, state, offered):
    page = _page(client, dev_a, make(state))
    assert ('name="body"' in page) is offered


def test_an_application_halfway_through_two_approvals_says_so(
    client,
    dev_a,
    reviewer,
    make_account,
    in_review,  # noqa: F811
):
    from reviews import claims, decisions

    specialist = make_account(
        "sam@provider.example", role="reviewer", specialties=["medical-health"]
    )
    app = in_review(domains=["medical-health"])
    assert app.required_approvals == 2
    claims.claim(reviewer=specialist, application=app)
    decisions.decide(reviewer=specialist, application=app, decision="approve")
    page = _page(client, dev_a, app)
    assert "1 of 2 approvals are recorded" in page
