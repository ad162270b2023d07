"""The review page and the queue as a reviewer reads them (issue 13): the revision diff
above the decision form, evidence grouped per domain and span, how long each item has
waited and whose specialty it needs, similar past decisions, and the escalation step."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone
from django.utils.html import escape

from approvals import lifecycle
from approvals.models import Application, Revision, TextEmbedding
from approvals.policy.classifier import versions as classifier_versions
from approvals.policy.classifier.scoring import classifier_text
from approvals.policy.screening import texts_of
from audit.models import AuditEvent
from reviews import claims, decisions
from reviews.models import Decision

pytestmark = pytest.mark.django_db

MEDICAL = (
    "Our assistant reads a patient's symptoms and suggests questions a clinician may "
    "ask at the next visit."
)
FAKE_REVIEWS = "We write fake reviews for our clients' products and post them from many accounts."


def page(application, action=""):
    return f"/reviews/applications/{application.pk}/{action}"


def html_of(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def resubmitted(reviewer, developer, application, **changes):
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(
        reviewer=reviewer,
        application=application,
        decision="request_changes",
        rationale="Say who reads the drafts.",
    )
    lifecycle.application_update(actor=developer, application=application, changes=changes)
    lifecycle.application_submit(actor=developer, application=application)
    lifecycle.application_screen(application_id=application.pk)
    application.refresh_from_db()
    return application


# The diff -------------------------------------------------------------------------------


def test_the_diff_marks_inserted_and_deleted_words_lists_and_numbers_above_the_form(
    client, reviewer2, dev_a, in_review
):
    application = in_review()
    before = application.description
    application = resubmitted(
        reviewer2,
        dev_a,
        application,
        description=before.replace("suggested", "proposed") + " A team lead audits them weekly.",
        expected_requests_per_minute=30,
        mitigations=[*application.mitigations, "Weekly audit by a team lead"],
    )
    claims.claim(reviewer=reviewer2, application=application)
    html = html_of(client, reviewer2, page(application))

    assert "Changes since revision 1" in html
    assert '<del><span class="visually-hidden">deleted: </span>suggested</del>' in html
    assert '<ins><span class="visually-hidden">inserted: </span>proposed</ins>' in html
    assert "audits them weekly.</ins>" in html
    assert "added: audits" not in html  # the old word-per-line list
    assert "Was <del>60</del> → now <ins>30</ins>" in html
    assert "<ins>Added: Weekly audit by a team lead</ins>" in html
    assert (
        "Unchanged: Title, Declared domains, Audience, Models, Endpoints, Expected tokens per month."
        in html
    )
    # The application's text and its diff come before the decision form.
    assert html.index('id="content-heading"') < html.index('id="decide-heading"')
    assert html.index('id="diff-heading"') < html.index('id="decide-heading"')


# Evidence -------------------------------------------------------------------------------


def test_evidence_is_grouped_per_domain_by_name_with_a_label_and_one_row_per_span(
    client, reviewer2, in_review
):
    application = in_review(description=MEDICAL, domains=[])
    html = html_of(client, reviewer2, page(application))
    assert 'data-evidence-domain="medical-health"' in html
    assert "Medical and health" in html and ">Extra scrutiny</" in html
    revision = application.latest_revision
    matches = revision.screening["matches"]
    spans = {(m["field"], m["start"], m["end"]) for m in matches if m["domain"] == "medical-health"}
    assert html.count('data-evidence-span="medical-health"') == len(spans)
    for m in matches:
        if m["domain"] == "medical-health" and m.get("rule"):
            assert escape(m["rule"]) in html  # every rule that hit is named in its span's row


def test_prohibited_evidence_says_prohibited_in_words(client, admin, in_review):
    application = in_review(description=FAKE_REVIEWS)
    assert application.route_name == "policy_escalation"
    html = html_of(client, admin, page(application))
    assert ">Prohibited</" in html and 'data-evidence-kind="prohibited"' in html


# The queue ------------------------------------------------------------------------------


def test_the_queue_says_how_long_each_item_waited_and_whose_specialty_it_needs(
    client, reviewer, reviewer2, in_review
):
    plain = in_review()
    medical = in_review(description=MEDICAL)
    Revision.objects.filter(application=plain).update(
        submitted_at=timezone.now() - timedelta(hours=3, minutes=10)
    )
    Revision.objects.filter(application=medical).update(
        submitted_at=timezone.now() - timedelta(days=2, hours=1)
    )
    mine = html_of(client, reviewer, "/reviews/")  # rita: medical-health specialist
    assert "Waiting 3 h" in mine and "Waiting 2 d" in mine
    assert "Needs a specialist in Medical and health — your specialty" in mine
    theirs = html_of(client, reviewer2, "/reviews/")
    assert "Needs a specialist in Medical and health — not yours" in theirs


def test_the_queue_makes_no_query_per_item(
    client, reviewer, in_review, django_assert_max_num_queries
):
    in_review(description=MEDICAL)
    client.force_login(reviewer)
    client.get("/reviews/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/reviews/")
    for _ in range(4):
        in_review(description=MEDICAL)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/reviews/").content.decode().count("data-waited-seconds") == 5
    assert len(five) == len(one)


# Similar past decisions -----------------------------------------------------------------


def _decided(in_review, reviewer, kind, **content):
    application = in_review(**content)
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision=kind, rationale="x")
    return application


def test_similar_past_decisions_fall_back_to_shared_domains(client, reviewer2, in_review):
    _decided(in_review, reviewer2, "reject", title="Triage helper", description=MEDICAL)
    _decided(in_review, reviewer2, "reject", title="Unrelated tool")
    current = in_review(title="Symptom questions", description=MEDICAL)
    html = html_of(client, reviewer2, page(current))
    section = html[html.index('id="similar-heading"') :]
    assert "Triage helper" in section and 'data-similar-outcome="rejected"' in section
    assert "Unrelated tool" not in section
    assert "Symptom questions</a>" not in section  # never the application itself
    assert "Shares Medical and health" in section


def _vector(*values):
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def _embed(application, vector):
    text = classifier_text(texts_of(application.latest_revision.content))
    classifier_versions.keep_vector(text, vector)


def test_similar_past_decisions_rank_by_the_kept_embeddings(
    client, reviewer2, in_review, django_assert_max_num_queries
):
    near = _decided(in_review, reviewer2, "reject", title="Near one")
    far = _decided(in_review, reviewer2, "request_changes", title="Far one")
    unlike = _decided(in_review, reviewer2, "reject", title="Unlike one")
    current = in_review(title="The current one")
    _embed(current, _vector(1, 0))
    _embed(near, _vector(0.9, 0.1))
    _embed(far, _vector(0.6, 0.8))
    _embed(unlike, _vector(0, 1))
    html = html_of(client, reviewer2, page(current))
    section = html[html.index('id="similar-heading"') :]
    assert section.index("Near one") < section.index("Far one")
    assert "99% similar" in section and "60% similar" in section
    assert "Unlike one" not in section and 'data-similar-outcome="changes_requested"' in section
    assert TextEmbedding.objects.count() == 4  # the page computed no vector itself

    # Many more decided applications cost no more queries.
    client.force_login(reviewer2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(page(current))
    for n in range(4):
        _decided(in_review, reviewer2, "reject", title=f"More {n}")
    with CaptureQueriesContext(connection) as more:
        client.get(page(current))
    assert len(more) == len(few)


# The escalation step --------------------------------------------------------------------


def test_an_escalation_says_what_clearing_it_leads_to(client, admin, in_review):
    escalated = in_review(description=FAKE_REVIEWS)
    claims.claim(reviewer=admin, application=escalated)
    html = html_of(client, admin, page(escalated))
    assert 'data-escalation-next="standard"' in html
    assert "Clearing it sends it back to the queue as Standard" in html
    assert "1 more reviewer approval completes it" in html
    assert html.index("data-escalation-next") < html.index('id="decide-heading"')


def test_clearing_a_suspected_prohibited_use_requires_a_rationale_and_audits_it(
    client, admin, reviewer2, in_review
):
    escalated = in_review(description=FAKE_REVIEWS)
    claims.claim(reviewer=admin, application=escalated)
    client.force_login(admin)
    body = {
        "decision": "approve",
        "rationale": "  ",
        "models": ["chat-small"],
        "endpoints": ["/v1/chat/completions"],
        "requests_per_minute": "60",
        "tokens_per_minute": "1158",
        "monthly_tokens": "5000000",
    }
    response = client.post(page(escalated, "decide/"), body)
    assert response.status_code == 400 and 'id="err-rationale"' in response.content.decode()
    assert not Decision.objects.exists()
    escalated.refresh_from_db()
    assert escalated.route_name == "policy_escalation"

    body["rationale"] = "Reviews of the client's own customers, collected with consent."
    response = client.post(page(escalated, "decide/"), body)
    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.route_name == "standard" and escalated.status == Application.Status.IN_REVIEW
    cleared = AuditEvent.objects.get(action="application.escalation_cleared")
    assert cleared.data["rationale"] == body["rationale"]
    # As the page said: one more reviewer approval completes it.
    claims.claim(reviewer=reviewer2, application=escalated)
    decisions.decide(reviewer=reviewer2, application=escalated, decision="approve")
    escalated.refresh_from_db()
    assert escalated.status == Application.Status.APPROVED


def test_the_api_also_requires_a_rationale_to_clear_an_escalation(admin, in_review):
    from rest_framework.test import APIClient

    escalated = in_review(description=FAKE_REVIEWS)
    client = APIClient()
    client.force_authenticate(admin)
    client.post(f"/api/v1/applications/{escalated.pk}/claim/")
    response = client.post(
        f"/api/v1/applications/{escalated.pk}/decisions/",
        {"decision": "approve"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "rationale" in response.json()


def test_rule_hits_set_aside_name_the_domain_and_the_field_in_words(client, reviewer2, in_review):
    application = in_review()
    revision = application.latest_revision
    aside = {
        "domain": "medical-health",
        "kind": "extra_scrutiny",
        "field": "mitigations.0",
        "start": 0,
        "end": 1,
        "text": "A",
        "rule": "topic word",
    }
    Revision.objects.filter(pk=revision.pk).update(
        screening={**revision.screening, "set_aside": [aside]}
    )
    html = html_of(client, reviewer2, page(application))
    row = html[html.index("data-set-aside") :]
    assert "<td>Medical and health</td><td>Mitigation 1</td>" in row
