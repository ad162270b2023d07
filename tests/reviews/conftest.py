import pytest

from approvals import lifecycle
from approvals.models import Application
from tests.approvals.test_applications_api import BENIGN


@pytest.fixture
def in_review(dev_a):
    """`in_review(**content)`: an application of Org A, submitted and screened."""

    def make(**changes) -> Application:
        application = lifecycle.application_create(
            actor=dev_a,
            organization=dev_a.memberships.get().organization,
            content={**BENIGN, **changes},
        )
        lifecycle.application_submit(actor=dev_a, application=application)
        lifecycle.application_screen(application_id=application.pk)
        application.refresh_from_db()
        assert application.status == "in_review"
        return application

    return make


@pytest.fixture
def specialist(make_account):
    return make_account("sam@provider.example", role="reviewer", specialties=["medical-health"])


@pytest.fixture
def reviewer2(make_account):
    return make_account("rob@provider.example", role="reviewer")
