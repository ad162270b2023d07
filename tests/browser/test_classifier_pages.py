"""An administrator reads the classifier's versions, simulates a retrained draft over past
applications and publishes it, from the keyboard; the reviewer sees the classifier's evidence
and score, the applicant only the domain and their words. axe-core on each page."""

import json

import pytest

from tests.approvals.policy.classifier.conftest import COMPANIONSHIP, subset
from tests.approvals.policy.classifier.test_learning import GHOSTWRITING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _screened(developer, content):
    from approvals import lifecycle, tasks
    from tests.approvals.test_applications_api import BENIGN

    application = lifecycle.application_create(
        actor=developer,
        organization=developer.memberships.get().organization,
        content={**BENIGN, **content},
    )
    lifecycle.application_submit(actor=developer, application=application)
    tasks.screen_application(application.pk)
    application.refresh_from_db()
    return application


@pytest.fixture
def classifiers_v1_and_draft(default_policy, admin, tmp_path):
    """v1 trained on the small subset and published; a draft that also learned ghost-written
    coursework from ten more seed examples."""
    from approvals.policy.classifier import examples
    from approvals.policy.classifier import versions as classifiers

    small = tmp_path / "small.json"
    small.write_text(json.dumps(subset()))
    v1 = classifiers.classifier_train(actor=admin, seed_path=small)
    classifiers.classifier_publish(actor=admin, version=v1)
    essays = [
        c
        for c in json.loads(examples.SEED_PATH.read_text())
        if c["domain"] == "academic-dishonesty"
    ][:10]
    more = tmp_path / "more.json"
    more.write_text(json.dumps(subset() + essays))
    return v1, classifiers.classifier_train(actor=admin, seed_path=more, notes="With essays")


def test_admin_simulates_and_publishes_a_classifier_from_the_keyboard(
    page, classifiers_v1_and_draft, make_account, admin, sign_in, assert_accessible
):
    from approvals.policy.classifier import versions as classifiers

    v1, draft = classifiers_v1_and_draft
    developer = make_account("dana@org-d.example", organization="Org D")
    essay = _screened(developer, GHOSTWRITING)
    assert essay.route_name == "standard"
    sign_in(admin)

    page.goto("/reviews/policy/classifier/")
    page.get_by_role("heading", name="Screening classifier versions").wait_for()
    assert page.locator("[data-health]").get_attribute("data-health") == "ok"
    assert page.locator(f'tr[data-classifier="{draft.number}"]').count() == 1
    assert_accessible()

    link = page.get_by_role("link", name=f"Simulate v{draft.number}")
    link.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Simulate classifier v{draft.number}").wait_for()
    row = page.locator(f'table.simulation tr[data-application="{essay.pk}"]')
    assert row.get_attribute("data-direction") == "stricter"
    assert "academic-dishonesty" in row.inner_text()
    assert_accessible()

    page.get_by_label("I read this simulation").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name=f"Publish classifier v{draft.number}").focus()
    page.keyboard.press("Enter")
    page.get_by_text(f"Classifier v{draft.number} is published").wait_for()
    assert classifiers.current_classifier().number == draft.number
    assert_accessible()


def test_reviewers_see_the_evidence_and_score_applicants_see_their_words(
    page, classifiers_v1_and_draft, make_account, reviewer, sign_in, assert_accessible
):
    developer = make_account("dana@org-d.example", organization="Org D")
    scam = _screened(developer, COMPANIONSHIP)
    assert scam.route_name == "policy_escalation"

    sign_in(reviewer)
    page.goto(f"/reviews/applications/{scam.pk}/")
    evidence = page.locator('tr[data-source="classifier"]')
    assert "nearest example" in evidence.inner_text()
    assert_accessible()

    page.context.clear_cookies()
    sign_in(developer)
    page.goto(f"/portal/applications/{scam.pk}/")
    shown = page.locator('tr[data-source="classifier"]').inner_text()
    assert "Fraud and scams" in page.content() and "Classifier" in shown
    assert "nearest example" not in page.content()
    assert page.locator("mark").count() >= 1
    assert_accessible()
