"""Withdrawing an application asks first and says what will happen."""

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


def test_withdraw_asks_first_saying_what_will_happen(client, dev_a, application):
    client.force_login(dev_a)
    url = f"/portal/applications/{application.pk}/withdraw/"
    detail = client.get(f"/portal/applications/{application.pk}/").content.decode()
    assert f'href="{url}"' in detail and f'action="{url}"' not in detail

    confirm = client.get(url)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "never reached the review queue" in page and "cannot be submitted again" in page
    assert "start a new application" in page
    assert Application.objects.get().status == "draft"

    client.post(url)
    assert Application.objects.get().status == "withdrawn"


def test_a_submitted_application_leaves_the_queue(client, dev_a, application):
    lifecycle.application_submit(actor=dev_a, application=application)
    lifecycle.application_screen(application_id=application.pk)
    client.force_login(dev_a)
    page = client.get(f"/portal/applications/{application.pk}/withdraw/").content.decode()
    assert "leaves the review queue: reviewers stop working on it" in page


def test_a_withdrawn_application_is_not_offered_withdraw_again(client, dev_a, application):
    lifecycle.application_withdraw(actor=dev_a, application=application)
    client.force_login(dev_a)
    url = f"/portal/applications/{application.pk}/withdraw/"
    assert client.get(url).status_code == 409
    assert url not in client.get(f"/portal/applications/{application.pk}/").content.decode()
