"""Screening runs as a task after the commit; nothing is lost when the broker is down."""

import time

import pytest

from approvals import lifecycle, tasks
from approvals.models import Application
from audit.models import AuditEvent
from config.celery import app
from tests.approvals.test_applications_api import BENIGN, URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """A real publish to a broker that refuses connections (nothing listens on port 1)."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


def test_submit_succeeds_with_the_broker_down_and_the_sweep_screens_it(
    api, dev_a, broker_down, django_capture_on_commit_callbacks, settings
):
    client = api(dev_a)
    application_id = client.post(URL, BENIGN, format="json").json()["id"]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{application_id}/submit/")
    waited = time.monotonic() - started
    assert response.status_code == 202
    assert waited < 10, "a broker outage must not hang the request"  # a hang guard, not a goal
    assert Application.objects.get(pk=application_id).status == "submitted"

    settings.APPROVALS_SWEEP_AFTER_SECONDS = 0
    assert tasks.sweep_submitted() == 1
    assert Application.objects.get(pk=application_id).status == "in_review"
    assert tasks.sweep_submitted() == 0


def test_screening_twice_changes_nothing_the_second_time(api, dev_a):
    client = api(dev_a)
    application_id = client.post(URL, BENIGN, format="json").json()["id"]
    lifecycle.application_submit(
        actor=dev_a, application=Application.objects.get(pk=application_id)
    )
    tasks.screen_application(application_id)
    tasks.screen_application(application_id)  # a redelivered task
    assert Application.objects.get(pk=application_id).status == "in_review"
    assert AuditEvent.objects.filter(action="application.screened").count() == 1


def test_the_sweep_leaves_fresh_submissions_to_their_task(api, dev_a, settings):
    client = api(dev_a)
    application_id = client.post(URL, BENIGN, format="json").json()["id"]
    lifecycle.application_submit(
        actor=dev_a, application=Application.objects.get(pk=application_id)
    )
    settings.APPROVALS_SWEEP_AFTER_SECONDS = 300
    assert tasks.sweep_submitted() == 0
    assert Application.objects.get(pk=application_id).status == "submitted"
