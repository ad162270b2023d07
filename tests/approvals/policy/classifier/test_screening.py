"""The classifier in screening: a classifier-only hit routes with its evidence; applicants
never see which rule or example fired; a broken model leaves the rules, said so."""

import pytest

from approvals.models import Application
from tests.approvals.test_applications_api import URL, create

from .conftest import COMPANIONSHIP, RELEASE_NOTES

pytestmark = pytest.mark.django_db


def submitted(api, dev_a, submit_now, content) -> dict:
    client = api(dev_a)
    application = create(client, **content)
    assert submit_now(client, application["id"]).status_code == 202
    return client.get(f"{URL}{application['id']}/").json()


def test_a_paraphrase_no_rule_catches_is_escalated_by_the_classifier(
    api, dev_a, reviewer, admin, submit_now, published_classifier
):
    shown = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    assert shown["route"]["name"] == "policy_escalation"
    matches = shown["screening"]["matches"]
    assert matches and {m["source"] for m in matches} == {"classifier"}
    assert {m["domain"] for m in matches} == {"fraud-scams"}
    for match in matches:  # the applicant sees the domain, its kind and their words only
        assert set(match) == {"domain", "kind", "field", "start", "end", "text", "source"}
        assert match["text"] in COMPANIONSHIP[match["field"]]
    assert "classifier_version" not in shown["screening"]

    as_admin = api(admin).get(f"{URL}{shown['id']}/").json()["screening"]
    assert as_admin["classifier_version"] == published_classifier.number
    assert as_admin["layers"] == ["rule", "classifier"]
    (hit,) = [m for m in as_admin["matches"] if m["source"] == "classifier"]
    assert hit["rule"].startswith("nearest example:") and 0.0 < hit["score"] <= 1.0


def test_benign_text_stays_standard_with_the_classifier(
    api, dev_a, submit_now, published_classifier
):
    shown = submitted(api, dev_a, submit_now, RELEASE_NOTES)
    assert shown["route"]["name"] == "standard"
    assert shown["screening"]["matches"] == []


def test_the_applicants_page_never_names_the_rule_or_the_example(
    client, api, dev_a, submit_now, published_classifier
):
    rule_hit = submitted(
        api,
        dev_a,
        submit_now,
        {"description": "We recruit young men online to join the armed struggle and its martyrs."},
    )
    hidden = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    client.force_login(dev_a)
    for shown in (rule_hit, hidden):
        assert shown["route"]["name"] == "policy_escalation"
        page = client.get(f"/portal/applications/{shown['id']}/").content.decode()
        assert "phrase:" not in page and "co-occurrence:" not in page
        assert "nearest example" not in page and "seed:" not in page
        assert any(m["text"] in page for m in shown["screening"]["matches"])


def test_the_reviewer_page_shows_the_source_the_example_and_the_score(
    client, api, dev_a, reviewer, submit_now, published_classifier
):
    shown = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    client.force_login(reviewer)
    page = client.get(f"/reviews/applications/{shown['id']}/").content.decode()
    assert "nearest example" in page and 'data-source="classifier"' in page
    assert f"classifier version {published_classifier.number}" in page


def test_a_broken_model_leaves_the_rules_screening_and_says_so(
    api, dev_a, admin, submit_now, published_classifier, broken_model, client
):
    shown = submitted(api, dev_a, submit_now, COMPANIONSHIP)
    application = Application.objects.get(pk=shown["id"])
    assert application.status == "in_review"  # screened, not stuck, not a 500
    screening = application.latest_revision.screening
    assert screening["classifier_version"] is None and screening["layers"] == ["rule"]
    assert "unavailable" in screening["note"]
    assert shown["route"]["name"] == "standard"  # the rules alone do not catch this one

    rule_hit = submitted(
        api,
        dev_a,
        submit_now,
        {"description": "A phishing kit that harvests bank logins from look-alike sites."},
    )
    assert rule_hit["route"]["name"] == "policy_escalation"  # never a silent pass

    health = api().get("/api/v1/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["classifier"]["status"] == "unavailable"

    client.force_login(admin)
    page = client.get(f"/reviews/applications/{shown['id']}/").content.decode()
    assert "the rules alone screened this" in page


def test_health_reports_the_loaded_classifier(api, published_classifier):
    body = api().get("/api/v1/health/").json()
    assert body == {
        "status": "ok",
        "database": "ok",
        "classifier": {
            "status": "ok",
            "version": published_classifier.number,
            "encoder": published_classifier.encoder,
        },
    }


def test_a_classifier_that_fails_mid_screening_leaves_the_rules_and_says_so(
    api, dev_a, submit_now, published_classifier, monkeypatch
):
    from approvals.policy.classifier.scoring import Classifier

    def fails(self, texts, **kwargs):
        raise FloatingPointError("overflow in the forward pass")

    monkeypatch.setattr(Classifier, "assess", fails)
    shown = submitted(
        api,
        dev_a,
        submit_now,
        {"description": "A phishing kit that harvests bank logins from look-alike sites."},
    )
    application = Application.objects.get(pk=shown["id"])
    assert application.status == "in_review"
    assert shown["route"]["name"] == "policy_escalation"  # the rules still caught it
    screening = application.latest_revision.screening
    assert screening["classifier_version"] is None
    assert "The classifier failed" in screening["note"]
    assert "overflow" not in str(shown)  # the reason is for reviewers, not the applicant
