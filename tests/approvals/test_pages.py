import pytest

from approvals import lifecycle
from approvals.models import Application
from tests.approvals.test_applications_api import BENIGN

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(dev_a):
    return lifecycle.application_create(
        actor=dev_a, organization=dev_a.memberships.get().organization, content=dict(BENIGN)
    )


@pytest.mark.parametrize("path", ["", "edit/"])
def test_another_organizations_application_pages_are_404(client, dev_b, application, path):
    client.force_login(dev_b)
    assert client.get(f"/portal/applications/{application.pk}/{path}").status_code == 404
    assert client.post(f"/portal/applications/{application.pk}/submit/").status_code == 404
    assert Application.objects.get().status == "draft"


def test_an_escalated_application_says_an_administrator_decides(
    client, dev_a, application, django_capture_on_commit_callbacks
):
    lifecycle.application_update(
        actor=dev_a,
        application=application,
        changes={
            "description": "We write fake reviews for our clients and post them from many accounts."
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.application_submit(actor=dev_a, application=application)
    client.force_login(dev_a)
    page = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert 'data-route="policy_escalation"' in page
    assert "an administrator reviews it" in page and "<mark" in page


def test_the_form_keeps_input_and_names_errors(client, dev_a):
    client.force_login(dev_a)
    response = client.post("/portal/applications/new/", {"title": "Kept", "description": "short"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Kept"' in page and 'href="#field-description"' in page
    assert not Application.objects.exists()


def test_the_applicants_timeline_names_steps_and_hides_reviewers_and_claims(
    client, dev_a, reviewer, application, django_capture_on_commit_callbacks
):
    from reviews import claims, decisions

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.application_submit(actor=dev_a, application=application)
    application.refresh_from_db()
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(reviewer=reviewer, application=application, decision="approve")
    client.force_login(dev_a)
    page = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert "Approved: production access granted" in page and "Screened" in page
    assert 'data-action="claim.taken"' not in page
    assert reviewer.email not in page and "Reviewer · Approved: production access granted" in page
    assert "Approval recorded" not in page  # the decision and the move it caused are one line
