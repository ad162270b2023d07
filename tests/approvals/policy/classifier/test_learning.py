"""The learning loop end to end: decided applications become labelled examples, a retrained
draft changes, its simulation shows what would route differently, publishing applies it."""

import pytest

from approvals.models import Application, ClassifierVersion, LabelledExample
from approvals.policy.classifier import simulation
from approvals.policy.classifier import versions as classifiers
from audit.models import AuditEvent
from reviews import claims, decisions
from tests.approvals.test_applications_api import create

from .conftest import COMPANIONSHIP, RELEASE_NOTES

pytestmark = pytest.mark.django_db

# Ghost-written coursework, worded so that no rule fires and the small classifier, which
# has never seen the domain, keeps it standard.
GHOSTWRITING = {
    "title": "Study partner pro",
    "description": "Students upload the assignment brief and our writers plus the model "
    "deliver a finished paper in their personal style, ready to hand in under their name.",
    "mitigations": [],
}
GHOSTWRITING_2 = {
    "title": "Deadline saver",
    "description": "We deliver complete term papers on request, written to sound like the "
    "student so the professor believes it is their own work.",
    "mitigations": [],
}


def submitted(api, dev_a, submit_now, content) -> Application:
    client = api(dev_a)
    application = create(client, **content)
    assert submit_now(client, application["id"]).status_code == 202
    return Application.objects.get(pk=application["id"])


def decide(who, application, decision, **more):
    claims.claim(reviewer=who, application=application)
    return decisions.decide(reviewer=who, application=application, decision=decision, **more)


def test_decisions_label_revisions_and_a_retrained_draft_is_simulated_then_published(
    api, dev_a, reviewer, admin, submit_now, published_classifier, small_seed
):
    essay = submitted(api, dev_a, submit_now, GHOSTWRITING)
    essay_2 = submitted(api, dev_a, submit_now, GHOSTWRITING_2)
    assert essay.route_name == essay_2.route_name == "standard"
    scam = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    assert scam.route_name == "policy_escalation"
    notes = submitted(api, dev_a, submit_now, RELEASE_NOTES)

    for application in (essay, essay_2):
        decide(reviewer, application, "reject", rationale="Contract cheating.",
               clauses=["academic-dishonesty"])  # fmt: skip
    decide(admin, scam, "reject", rationale="A romance scam.", clauses=["fraud-scams"])
    decide(reviewer, notes, "approve")
    labelled = {e.revision.application_id: e for e in LabelledExample.objects.all()}
    assert labelled[essay.pk].domains == ["academic-dishonesty"]
    assert labelled[scam.pk].domains == ["fraud-scams"]
    assert labelled[notes.pk].domains == [] and labelled[notes.pk].source == "approved"
    assert AuditEvent.objects.filter(action="classifier.example_labelled").count() == 4

    draft = classifiers.classifier_train(actor=admin, seed_path=small_seed)
    assert draft.status == "draft"
    assert draft.data_digest != published_classifier.data_digest
    assert draft.figures["counts"]["academic-dishonesty"] == 2
    assert AuditEvent.objects.filter(action="classifier.trained").count() == 2

    result = simulation.classifier_simulate(draft=draft)
    changed = {c.application_id: c for c in result.changes}
    assert changed[essay.pk].direction == "stricter"
    assert changed[essay.pk].after.route == "policy_escalation"
    assert "academic-dishonesty" in changed[essay.pk].new_domains
    assert changed[essay.pk].evidence and changed[essay.pk].evidence[0].source == "classifier"
    assert result.summary()["current"] == published_classifier.number

    classifiers.classifier_publish(actor=admin, version=draft, fingerprint_seen=result.fingerprint)
    assert classifiers.current_classifier() == draft
    event = AuditEvent.objects.filter(action="classifier.published").latest("id")
    assert event.data["before"]["number"] == published_classifier.number
    again = submitted(api, dev_a, submit_now, GHOSTWRITING)
    assert again.route_name == "policy_escalation"
    assert again.latest_revision.screening["classifier_version"] == draft.number


def test_a_cleared_escalation_labels_not_prohibited_and_request_changes_labels_nothing(
    api, dev_a, reviewer, admin, submit_now, published_classifier
):
    scam = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    decide(admin, scam, "approve", rationale="A dating coach, no money asked.")  # no prohibited use
    example = LabelledExample.objects.get(revision__application=scam)
    assert (example.source, example.scope, example.domains) == ("cleared", "prohibited", [])
    notes = submitted(api, dev_a, submit_now, RELEASE_NOTES)
    decide(reviewer, notes, "request_changes", rationale="Say which repositories.")
    assert not LabelledExample.objects.filter(revision__application=notes).exists()


def test_publishing_refuses_a_stale_simulation_and_a_second_publication(
    admin, published_classifier, small_seed
):
    draft = classifiers.classifier_train(actor=admin, seed_path=small_seed)
    seen = simulation.classifier_simulate(draft=draft).fingerprint
    newer = classifiers.classifier_train(actor=admin, seed_path=small_seed)
    classifiers.classifier_publish(actor=admin, version=newer)
    with pytest.raises(classifiers.Conflict, match="simulate again"):
        classifiers.classifier_publish(actor=admin, version=draft, fingerprint_seen=seen)
    with pytest.raises(classifiers.Conflict, match="already published"):
        classifiers.classifier_publish(actor=admin, version=newer)
    assert ClassifierVersion.objects.get(pk=draft.pk).status == "draft"


def test_the_api_lists_simulates_and_publishes_for_admins_only(
    api, admin, reviewer, published_classifier, small_seed
):
    draft = classifiers.classifier_train(actor=admin, seed_path=small_seed)
    assert api(reviewer).get("/api/v1/classifier-versions/").status_code == 403
    listed = api(admin).get("/api/v1/classifier-versions/").json()
    assert [v["number"] for v in listed][:2] == [draft.number, published_classifier.number]
    assert listed[0]["figures"]["cross_validated"]["benign_standard"]["of"] > 0
    base = f"/api/v1/classifier-versions/{draft.number}"
    simulated = api(admin).post(f"{base}/simulate/")
    assert simulated.status_code == 200
    stale = api(admin).post(f"{base}/publish/", {"fingerprint": "0" * 16}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "simulation_stale"
    fingerprint = simulated.json()["fingerprint"]
    ok = api(admin).post(f"{base}/publish/", {"fingerprint": fingerprint}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "published"
    assert api(admin).post(f"{base}/simulate/").status_code == 409
    assert api(admin).post("/api/v1/classifier-versions/999/simulate/").status_code == 404
