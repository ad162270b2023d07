"""The review queue's rules, each with the persona that must be refused."""

import pytest

from accounts import services as accounts
from approvals.models import Application, Grant
from audit.models import AuditEvent
from reviews.models import Claim, Decision

pytestmark = pytest.mark.django_db
Q = "/api/v1/review-queue/"


def url(application, action=""):
    return f"/api/v1/applications/{application.pk}/{action}"


def claim_and_decide(client, application, **body):
    assert client.post(url(application, "claim/")).status_code == 200
    return client.post(url(application, "decisions/"), body, format="json")


def ids(response):
    return [item["id"] for item in response.json()["results"]]


# The queue ------------------------------------------------------------------------------


def test_queue_lists_in_review_applications_oldest_sla_first(api, reviewer, in_review):
    first, second = in_review(), in_review(title="Second")
    Application.objects.filter(pk=second.pk).update(sla_due_at=first.sla_due_at.replace(year=2020))
    response = api(reviewer).get(Q)
    assert ids(response) == [second.pk, first.pk]
    assert response.json()["counts"] == {"standard": 2}
    assert response.json()["results"][0]["overdue"] is True


@pytest.mark.parametrize("persona", ["dev_a", "dev_b", "gateway"])
def test_the_queue_is_for_reviewers(request, api, persona):
    assert api(request.getfixturevalue(persona)).get(Q).status_code == 403


def test_a_reviewer_never_sees_their_own_organizations_applications(
    api, in_review, make_account, dev_a
):
    insider = make_account("ivy@org-a-reviewer.example", role="reviewer")
    accounts._add_member(insider, dev_a.memberships.get().organization)
    application = in_review()
    assert ids(api(insider).get(Q)) == []
    response = api(insider).post(url(application, "claim/"))
    assert response.status_code == 403 and response.json()["code"] == "own_organization"


def test_opted_out_domains_are_not_shown(api, reviewer, in_review):
    application = in_review(domains=["medical-health"])
    assert ids(api(reviewer).get(Q)) == [application.pk]
    api(reviewer).put("/api/v1/reviewer/opt-outs/", {"opt_outs": ["medical-health"]}, format="json")
    assert ids(api(reviewer).get(Q)) == []
    assert api(reviewer).post(url(application, "claim/")).json()["code"] == "opted_out"
    assert AuditEvent.objects.filter(action="reviewer.opt_outs_changed", actor=reviewer).exists()


def test_opt_outs_must_name_known_domains(api, reviewer):
    response = api(reviewer).put(
        "/api/v1/reviewer/opt-outs/", {"opt_outs": ["nope"]}, format="json"
    )
    assert response.status_code == 400 and "opt_outs" in response.json()


def test_specialist_items_come_first_for_specialists_and_are_marked(
    api, specialist, reviewer2, in_review
):
    plain = in_review()
    medical = in_review(domains=["medical-health"])
    Application.objects.filter(pk=medical.pk).update(sla_due_at=plain.sla_due_at.replace(year=2099))
    assert ids(api(specialist).get(Q)) == [medical.pk, plain.pk]
    assert ids(api(reviewer2).get(Q)) == [plain.pk, medical.pk]
    item = next(i for i in api(specialist).get(Q).json()["results"] if i["id"] == medical.pk)
    assert item["needs_specialist"] and item["for_my_specialty"]


def test_queue_filters(api, reviewer, in_review):
    plain, medical = in_review(), in_review(domains=["medical-health"])
    client = api(reviewer)
    assert ids(client.get(Q, {"route": "extra_scrutiny"})) == [medical.pk]
    assert ids(client.get(Q, {"domain": "medical-health"})) == [medical.pk]
    client.post(url(plain, "claim/"))
    assert ids(client.get(Q, {"claimed": "yes"})) == [plain.pk]
    assert ids(client.get(Q, {"claimed": "no"})) == [medical.pk]
    assert ids(client.get(Q, {"older_than_hours": "48"})) == []
    assert client.get(Q, {"older_than_hours": "soon"}).status_code == 400


def test_escalations_are_for_administrators(api, reviewer, admin, in_review):
    escalated = in_review(
        description="We write fake reviews for our clients' products and "
        "post them from many accounts."
    )
    assert escalated.route_name == "policy_escalation"
    assert ids(api(reviewer).get(Q)) == []
    assert api(reviewer).post(url(escalated, "claim/")).json()["code"] == "admins_only"
    assert ids(api(admin).get(Q)) == [escalated.pk]


# Claims ---------------------------------------------------------------------------------


def test_claim_conflicts_with_another_reviewers_claim_and_release_frees_it(
    api, reviewer, reviewer2, in_review
):
    application = in_review()
    assert api(reviewer).post(url(application, "claim/")).status_code == 200
    assert api(reviewer).post(url(application, "claim/")).status_code == 200  # idempotent
    taken = api(reviewer2).post(url(application, "claim/"))
    assert taken.status_code == 409 and taken.json()["code"] == "claimed"
    assert api(reviewer2).post(url(application, "release/")).status_code == 409
    assert api(reviewer).post(url(application, "release/")).status_code == 200
    assert api(reviewer2).post(url(application, "claim/")).status_code == 200
    actions = list(
        AuditEvent.objects.filter(action__startswith="claim.").values_list("action", flat=True)
    )
    assert actions == ["claim.taken", "claim.released", "claim.taken"]


def test_next_item_claims_the_most_urgent_unclaimed_one(api, reviewer, reviewer2, in_review):
    first, second = in_review(), in_review(title="Second")
    api(reviewer2).post(url(first, "claim/"))
    response = api(reviewer).post(f"{Q}next/")
    assert response.status_code == 200 and response.json()["id"] == second.pk
    assert Claim.objects.get(application=second).reviewer == reviewer
    assert api(reviewer).post(f"{Q}next/").status_code == 204


def test_idle_claims_expire_and_that_is_audited(reviewer, in_review, settings):
    from reviews.claims import claim, release_idle

    application = in_review()
    claim(reviewer=reviewer, application=application)
    settings.REVIEW_CLAIM_IDLE_MINUTES = 0
    assert release_idle() == 1
    assert not Claim.objects.exists()
    assert AuditEvent.objects.filter(action="claim.expired", target_id=str(application.pk)).exists()


# Decisions ------------------------------------------------------------------------------


def test_standard_approval_issues_a_grant_narrowed_by_the_reviewer(api, reviewer, dev_a, in_review):
    application = in_review()
    response = claim_and_decide(
        api(reviewer),
        application,
        decision="approve",
        rationale="Fine",
        limits={"requests_per_minute": 20},
        conditions=["Log prompts for 30 days."],
    )
    assert response.status_code == 201
    application.refresh_from_db()
    assert application.status == "approved"
    grant = Grant.objects.get(application=application)
    assert grant.limits["requests_per_minute"] == 20
    assert grant.limits["monthly_tokens"] == application.expected_monthly_tokens
    assert "Log prompts for 30 days." in grant.conditions and len(grant.conditions) == 2
    body = api(dev_a).get(url(application)).json()
    assert body["grant"]["limits"]["requests_per_minute"] == 20
    assert body["decisions"][0]["reviewer"] == "Reviewer"
    assert not Claim.objects.exists()  # a decision releases the claim


def test_deciding_needs_the_claim(api, reviewer, in_review):
    application = in_review()
    response = api(reviewer).post(
        url(application, "decisions/"), {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_claimed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"decision": "approve", "limits": {"requests_per_minute": 61}}, "limits"),
        ({"decision": "approve", "models": ["chat-large"]}, "models"),
        ({"decision": "approve", "endpoints": ["/v1/embeddings"]}, "endpoints"),
        ({"decision": "reject"}, "rationale"),
        ({"decision": "request_changes", "rationale": "  "}, "rationale"),
        ({"decision": "maybe"}, "decision"),
        ({"decision": "reject", "rationale": "No", "clauses": ["made-up"]}, "clauses"),
        ({"decision": "approve", "limits": {"requests_per_minute": -1}}, "limits"),
    ],
)
def test_bad_decisions_are_a_400_naming_the_field(api, reviewer, in_review, body, field):
    application = in_review()
    response = claim_and_decide(api(reviewer), application, **body)
    assert response.status_code == 400 and field in response.json()
    assert not Decision.objects.exists()
    assert Application.objects.get(pk=application.pk).status == "in_review"


def test_one_rejection_ends_it(api, reviewer, in_review):
    application = in_review(domains=["medical-health"])
    response = claim_and_decide(
        api(reviewer),
        application,
        decision="reject",
        rationale="Diagnosis without a clinician.",
        clauses=["medical-health"],
    )
    assert response.status_code == 201
    assert Application.objects.get(pk=application.pk).status == "rejected"


def test_request_changes_then_resubmit_makes_a_new_revision_to_decide(
    api, reviewer, dev_a, in_review
):
    from approvals import lifecycle

    application = in_review()
    claim_and_decide(api(reviewer), application, decision="request_changes", rationale="Say more.")
    application.refresh_from_db()
    assert application.status == "changes_requested"
    lifecycle.application_update(actor=dev_a, application=application, changes={"title": "More"})
    lifecycle.application_submit(actor=dev_a, application=application)
    lifecycle.application_screen(application_id=application.pk)
    # The same reviewer may decide the new revision.
    assert claim_and_decide(api(reviewer), application, decision="approve").status_code == 201


def test_deciding_twice_on_one_revision_is_a_conflict(api, reviewer, in_review):
    application = in_review(domains=["medical-health"])
    assert claim_and_decide(api(reviewer), application, decision="approve").status_code == 201
    again = api(reviewer).post(url(application, "claim/"))
    assert again.status_code == 409 and again.json()["code"] == "already_decided"


def test_extra_scrutiny_needs_two_reviewers_one_a_specialist(
    api, make_account, reviewer2, specialist, in_review
):
    generalist = make_account("gil@provider.example", role="reviewer")
    application = in_review(domains=["medical-health"])
    assert claim_and_decide(api(reviewer2), application, decision="approve").status_code == 201
    assert Application.objects.get(pk=application.pk).status == "in_review"
    refused = claim_and_decide(api(generalist), application, decision="approve")
    assert refused.status_code == 403 and refused.json()["code"] == "specialist_required"
    api(generalist).post(url(application, "release/"))
    assert (
        claim_and_decide(
            api(specialist), application, decision="approve", limits={"tokens_per_minute": 100}
        ).status_code
        == 201
    )
    application.refresh_from_db()
    assert application.status == "approved"
    assert Grant.objects.get(application=application).limits["tokens_per_minute"] == 100


def test_a_non_specialist_may_still_reject_an_extra_scrutiny_application(
    api, make_account, reviewer2, in_review
):
    generalist = make_account("gil@provider.example", role="reviewer")
    application = in_review(domains=["medical-health"])
    claim_and_decide(api(reviewer2), application, decision="approve")
    response = claim_and_decide(
        api(generalist), application, decision="reject", rationale="No clinician"
    )
    assert response.status_code == 201
    assert Application.objects.get(pk=application.pk).status == "rejected"


def test_an_admin_clears_an_escalation_and_review_goes_on(api, admin, reviewer, in_review):
    escalated = in_review(
        description="We write fake reviews for our clients' products and "
        "post them from many accounts."
    )
    assert (
        claim_and_decide(
            api(admin),
            escalated,
            decision="approve",
            rationale="Reviewed: it is a test fixture generator.",
        ).status_code
        == 201
    )
    escalated.refresh_from_db()
    assert escalated.status == "in_review" and escalated.route_name == "standard"
    assert ids(api(reviewer).get(Q)) == [escalated.pk]


def test_an_admin_rejects_an_escalation(api, admin, in_review):
    escalated = in_review(
        description="We write fake reviews for our clients' products and "
        "post them from many accounts."
    )
    claim_and_decide(
        api(admin), escalated, decision="reject", rationale="Astroturfing", clauses=["astroturfing"]
    )
    assert Application.objects.get(pk=escalated.pk).status == "rejected"


def test_decisions_on_a_closed_application_are_a_conflict(api, reviewer, in_review):
    from approvals import lifecycle

    application = in_review()
    lifecycle.application_withdraw(actor=application.created_by, application=application)
    response = api(reviewer).post(url(application, "claim/"))
    assert response.status_code == 409 and response.json()["code"] == "not_in_review"


# Comments -------------------------------------------------------------------------------


def test_comments_between_reviewers_and_the_applicant_hide_the_reviewers_identity(
    api, reviewer, dev_a, dev_b, in_review
):
    application = in_review()
    assert (
        api(reviewer)
        .post(url(application, "comments/"), {"body": "Who are the users?"}, format="json")
        .status_code
        == 201
    )
    api(dev_a).post(url(application, "comments/"), {"body": "Our support staff."}, format="json")
    seen_by_developer = api(dev_a).get(url(application, "comments/")).json()["results"]
    assert [c["author"] for c in seen_by_developer] == ["Reviewer", dev_a.email]
    seen_by_reviewer = api(reviewer).get(url(application, "comments/")).json()["results"]
    assert seen_by_reviewer[0]["author"] == reviewer.email
    assert api(dev_b).get(url(application, "comments/")).status_code == 404
    assert (
        api(dev_a).post(url(application, "comments/"), {"body": " "}, format="json").status_code
        == 400
    )
