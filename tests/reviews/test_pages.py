"""The reviewer pages through Django's test client: who may open them, and the flows that
work without JavaScript (plain POST, then a redirect)."""

import pytest

from accounts import services as accounts
from approvals import lifecycle
from approvals.models import Application, Grant
from audit.models import AuditEvent
from reviews import claims, decisions
from reviews.conversation import comments
from reviews.models import Claim, Comment, Decision

pytestmark = pytest.mark.django_db


def page(application, action=""):
    return f"/reviews/applications/{application.pk}/{action}"


def approve_body(**changes):
    return {
        "decision": "approve",
        "rationale": "",
        "models": ["chat-small"],
        "endpoints": ["/v1/chat/completions"],
        "requests_per_minute": "60",
        "tokens_per_minute": "1158",
        "monthly_tokens": "5000000",
        **changes,
    }


# Who may open them ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["dev_a", "dev_b"])
def test_developers_are_refused_every_reviewer_page(request, signed_in, in_review, persona):
    application = in_review()
    client = signed_in(request.getfixturevalue(persona))
    for path in ["/reviews/", "/reviews/settings/", page(application)]:
        assert client.get(path).status_code == 403, path
    for path in [
        "/reviews/next/",
        page(application, "claim/"),
        page(application, "release/"),
        page(application, "decide/"),
    ]:
        assert client.post(path, approve_body()).status_code == 403, path
    assert not Claim.objects.exists() and not Decision.objects.exists()


def test_reviewer_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get("/reviews/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_reviewer_of_the_applicants_organization_gets_no_claim_or_decision_form(
    signed_in, make_account, dev_a, in_review
):
    insider = make_account("ivy@org-a-reviewer.example", role="reviewer")
    accounts._add_member(insider, dev_a.memberships.get().organization)
    application = in_review()
    client = signed_in(insider)

    html = client.get(page(application)).content.decode()
    assert "You may not review your own organization" in html
    assert page(application, "decide/") not in html and page(application, "claim/") not in html
    assert client.post(page(application, "claim/")).status_code == 403
    assert client.post(page(application, "decide/"), approve_body()).status_code == 403
    assert not Claim.objects.exists() and not Decision.objects.exists()
    assert f'data-application="{application.pk}"' not in client.get("/reviews/").content.decode()


# The queue ------------------------------------------------------------------------------


def test_queue_filters_by_route_and_counts_every_route(signed_in, reviewer, in_review):
    standard = in_review()
    scrutiny = in_review(title="Symptom notes", domains=["medical-health"])
    client = signed_in(reviewer)

    html = client.get("/reviews/").content.decode()
    # The reviewer is a medical-health specialist: the item needing one comes first.
    assert html.index(f'data-application="{scrutiny.pk}"') < html.index(
        f'data-application="{standard.pk}"'
    )
    assert "— your specialty" in html

    html = client.get("/reviews/", {"route": "standard"}).content.decode()
    assert f'data-application="{standard.pk}"' in html
    assert f'data-application="{scrutiny.pk}"' not in html
    assert (
        '<li data-count-route="extra_scrutiny"><a href="?route=extra_scrutiny">Extra scrutiny</a>: <strong>1</strong>'
        in html
    )

    html = client.get("/reviews/", {"claimed": "yes"}).content.decode()
    assert "data-application=" not in html


def test_overdue_items_say_so_in_words(signed_in, reviewer, in_review):
    application = in_review()
    Application.objects.filter(pk=application.pk).update(
        sla_due_at=application.sla_due_at.replace(year=2020)
    )
    html = signed_in(reviewer).get("/reviews/").content.decode()
    assert 'class="overdue"' in html and ">Overdue by " in html


def test_an_invalid_filter_is_named_and_the_others_still_apply(signed_in, reviewer, in_review):
    in_review()
    response = signed_in(reviewer).get("/reviews/", {"older_than_hours": "soon"})
    assert response.status_code == 400
    assert 'id="err-older"' in response.content.decode()


def test_next_item_claims_the_most_urgent_and_opens_it(signed_in, reviewer2, in_review):
    later, sooner = in_review(), in_review(title="Sooner")
    Application.objects.filter(pk=sooner.pk).update(sla_due_at=later.sla_due_at.replace(year=2020))
    client = signed_in(reviewer2)
    response = client.post("/reviews/next/")
    assert response.status_code == 302 and response["Location"] == page(sooner)
    assert Claim.objects.get().application_id == sooner.pk
    assert client.post("/reviews/next/")["Location"] == page(later)
    # Taking the next released the one held (issue 12.11: a reviewer held three at once).
    assert list(Claim.objects.values_list("application_id", flat=True)) == [later.pk]
    assert AuditEvent.objects.filter(
        action="claim.released", target_id=str(sooner.pk), data__next_item=True
    ).exists()
    Application.objects.filter(pk=sooner.pk).update(status="withdrawn")
    assert client.post("/reviews/next/")["Location"] == "/reviews/"  # nothing else to take
    assert list(Claim.objects.values_list("application_id", flat=True)) == [later.pk]


# Claim and decide without JavaScript ----------------------------------------------------


def test_claim_then_approve_with_a_narrowed_limit(signed_in, reviewer2, in_review):
    application = in_review()
    client = signed_in(reviewer2)
    assert page(application, "claim/") in client.get(page(application)).content.decode()

    response = client.post(page(application, "claim/"))
    assert response.status_code == 302 and response["Location"] == page(application)
    assert Claim.objects.get().reviewer == reviewer2
    assert page(application, "decide/") in client.get(page(application)).content.decode()

    response = client.post(
        page(application, "decide/"),
        approve_body(requests_per_minute="20", other_conditions="Log every prompt.\n\n"),
    )
    assert response.status_code == 302 and response["Location"] == page(application)
    application.refresh_from_db()
    assert application.status == "approved"
    grant = Grant.objects.get(application=application)
    assert grant.limits["requests_per_minute"] == 20
    assert "Log every prompt." in grant.conditions
    assert not Claim.objects.exists()


def test_release_gives_the_claim_back(signed_in, reviewer2, in_review):
    application = in_review()
    client = signed_in(reviewer2)
    client.post(page(application, "claim/"))
    assert client.post(page(application, "release/")).status_code == 302
    assert not Claim.objects.exists()


def test_a_rejection_cites_checked_clauses_and_typical_conditions_are_offered(
    signed_in, reviewer, in_review
):
    application = in_review(domains=["medical-health"])
    client = signed_in(reviewer)
    client.post(page(application, "claim/"))
    html = client.get(page(application)).content.decode()
    assert "A qualified clinician reviews outputs; AI use disclosed." in html
    assert 'id="clause-medical-health"' in html

    client.post(
        page(application, "decide/"),
        {
            "decision": "reject",
            "rationale": "Diagnoses without a clinician.",
            "clauses": ["medical-health"],
        },
    )
    decision = Decision.objects.get()
    assert decision.clauses == ["medical-health"] and decision.decision == "reject"
    application.refresh_from_db()
    assert application.status == "rejected"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"decision": "reject", "rationale": "  "}, "rationale"),
        (approve_body(requests_per_minute="61"), "limits"),
        (approve_body(models=[]), "models"),
        ({"rationale": "no decision chosen"}, "decision"),
        (approve_body(requests_per_minute="-1"), "requests_per_minute"),
    ],
)
def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(
    signed_in, reviewer2, in_review, body, field
):
    application = in_review()
    client = signed_in(reviewer2)
    client.post(page(application, "claim/"))
    response = client.post(page(application, "decide/"), body)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="err-{field}"' in html and f'href="#field-{field}"' in html
    assert 'role="alert"' in html
    assert not Decision.objects.exists() and Claim.objects.get().reviewer == reviewer2
    application.refresh_from_db()
    assert application.status == "in_review"


def test_deciding_without_the_claim_is_refused_with_the_reason(signed_in, reviewer2, in_review):
    application = in_review()
    response = signed_in(reviewer2).post(page(application, "decide/"), approve_body())
    assert response.status_code == 409
    assert "Claim the application before deciding it." in response.content.decode()
    assert not Decision.objects.exists()


# The same actions through htmx answer with the panel alone -------------------------------


def test_htmx_claim_and_decision_answer_with_the_panel(signed_in, reviewer2, in_review):
    application = in_review()
    client = signed_in(reviewer2)
    htmx = {"HTTP_HX_REQUEST": "true"}

    response = client.post(page(application, "claim/"), **htmx)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="review-panel"' in html and "<html" not in html
    assert "You hold this application" in html and page(application, "decide/") in html

    response = client.post(page(application, "decide/"), {"decision": "reject"}, **htmx)
    assert response.status_code == 400 and 'id="err-rationale"' in response.content.decode()

    response = client.post(page(application, "decide/"), approve_body(), **htmx)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-status="approved"' in html


# The review page shows the revision, its evidence, the diff and the precedent ------------


def test_the_review_page_shows_the_diff_against_the_previous_revision(
    signed_in, reviewer2, dev_a, in_review
):
    application = in_review()
    claims.claim(reviewer=reviewer2, application=application)
    decisions.decide(
        reviewer=reviewer2,
        application=application,
        decision="request_changes",
        rationale="Say who reads the drafts.",
    )
    lifecycle.application_update(
        actor=dev_a,
        application=application,
        changes={
            "description": application.description + " A team lead audits them weekly.",
            "expected_requests_per_minute": 30,
        },
    )
    lifecycle.application_submit(actor=dev_a, application=application)
    lifecycle.application_screen(application_id=application.pk)

    html = signed_in(reviewer2).get(page(application)).content.decode()
    assert "Changes since revision 1" in html
    assert "audits them weekly.</ins>" in html
    assert 'data-changed="expected_requests_per_minute"' in html
    assert "Request changes</strong> of revision 1" in html


def test_the_review_page_lists_the_organizations_earlier_outcomes(
    signed_in, reviewer2, dev_a, in_review
):
    earlier = in_review(title="Earlier tool")
    lifecycle.application_withdraw(actor=dev_a, application=earlier)
    current = in_review()
    html = signed_in(reviewer2).get(page(current)).content.decode()
    assert "Earlier tool" in html and 'data-outcome="withdrawn"' in html


def test_the_review_page_highlights_the_evidence(signed_in, reviewer2, in_review):
    application = in_review(
        description="Our assistant reads a patient's symptoms and suggests "
        "questions a clinician may ask at the next visit."
    )
    html = signed_in(reviewer2).get(page(application)).content.decode()
    assert '<mark title="Medical and health" data-domains="medical-health"' in html


# Settings -------------------------------------------------------------------------------


def test_opting_out_hides_the_domain_from_the_queue(signed_in, reviewer2, in_review):
    application = in_review(domains=["medical-health"])
    client = signed_in(reviewer2)
    assert f'data-application="{application.pk}"' in client.get("/reviews/").content.decode()
    assert 'id="opt-medical-health"' in client.get("/reviews/settings/").content.decode()

    response = client.post("/reviews/settings/", {"opt_outs": ["medical-health", "legal"]})
    assert response.status_code == 302
    reviewer2.refresh_from_db()
    assert reviewer2.opt_outs == ["legal", "medical-health"]
    assert f'data-application="{application.pk}"' not in client.get("/reviews/").content.decode()
    assert 'id="opt-legal" checked' in client.get("/reviews/settings/").content.decode()

    client.post("/reviews/settings/", {})  # nothing ticked: opted out of nothing
    reviewer2.refresh_from_db()
    assert reviewer2.opt_outs == []


def test_an_unknown_domain_is_refused_and_nothing_is_saved(signed_in, reviewer2):
    response = signed_in(reviewer2).post("/reviews/settings/", {"opt_outs": ["not-a-domain"]})
    assert response.status_code == 400 and 'id="err-opt_outs"' in response.content.decode()
    reviewer2.refresh_from_db()
    assert reviewer2.opt_outs == []


# Comments, and what the developer sees --------------------------------------------------


def test_the_developer_sees_reviewer_not_an_identity_and_replies(
    signed_in, reviewer2, dev_a, in_review
):
    application = in_review()
    comments.comment_add(author=reviewer2, application=application, body="Who edits replies?")
    claims.claim(reviewer=reviewer2, application=application)
    decisions.decide(
        reviewer=reviewer2,
        application=application,
        decision="approve",
        conditions=["Log every prompt."],
        limits={"requests_per_minute": 10},
    )
    client = signed_in(dev_a)

    html = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert reviewer2.email not in html
    assert 'class="reviewer">Reviewer</span>' in html and "<strong>Reviewer</strong>" in html
    assert 'data-limit="requests_per_minute">10<' in html and "Log every prompt." in html

    response = client.post(page(application, "comments/"), {"body": "Our support agents."})
    assert response["Location"] == f"/portal/applications/{application.pk}/#comments"
    assert Comment.objects.filter(author=dev_a, body="Our support agents.").exists()
    html = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert "<strong>You</strong>" in html


def test_another_organization_cannot_comment(signed_in, dev_b, in_review):
    application = in_review()
    assert signed_in(dev_b).post(page(application, "comments/"), {"body": "hi"}).status_code == 404
    assert not Comment.objects.exists()


def test_a_reviewers_empty_comment_is_named_next_to_the_field(signed_in, reviewer2, in_review):
    application = in_review()
    client = signed_in(reviewer2)
    response = client.post(page(application, "comments/"), {"body": "   "})
    assert response.status_code == 400 and 'id="err-body"' in response.content.decode()
    response = client.post(page(application, "comments/"), {"body": "Who reads the drafts?"})
    assert response["Location"] == page(application) + "#comments"
    assert "Who reads the drafts?" in client.get(page(application)).content.decode()
