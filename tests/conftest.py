"""Personas for authorization tests (after healthchecks' alice, bob, charlie):
a developer of organization A, a developer of organization B, a reviewer, an
administrator, the gateway, and anonymous callers."""

import importlib

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts import services
from tests.world import PASSWORD, account_make  # noqa: F401 (PASSWORD: tests import it from here)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as `make run` leaves it: migrated, with the default policy; but
    without the shipped classifier, so that tests of the rules, the routes and the pages do
    not change whenever the classifier is retrained. The classifier's tests publish their own
    (tests/approvals/policy/classifier/conftest.py); test_training checks the shipped one."""
    from django.db import connection

    from approvals.models import ClassifierVersion

    with django_db_blocker.unblock():
        call_command("load_policy", verbosity=0)
        ClassifierVersion.objects.all().delete()
        if connection.vendor == "postgresql":
            # The test database alone lets TRUNCATE of the audit table through where the
            # session asks (config/settings/test.py), so that transactional tests can reset
            # it; a deployment's trigger has no such escape (audit migration 0005).
            migration = importlib.import_module("audit.migrations.0005_no_truncate_escape")
            with connection.cursor() as cursor:
                cursor.execute(migration.WITH_ESCAPE)


@pytest.fixture
def default_policy(transactional_db):
    """For transactional tests, whose predecessors' flush removed the session's policy."""
    from approvals.policy.versions import current_policy, default_policy_load

    default_policy_load()
    return current_policy()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and rate limits live in the cache (Redis in CI): start each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_account(db):
    return account_make


@pytest.fixture
def dev_a(make_account):
    return make_account("alice@org-a.example", organization="Org A")


@pytest.fixture
def dev_b(make_account):
    return make_account("bob@org-b.example", organization="Org B")


@pytest.fixture
def reviewer(make_account):
    return make_account("rita@provider.example", role="reviewer", specialties=["medical-health"])


@pytest.fixture
def admin(make_account):
    return make_account("ada@provider.example", role="admin")


@pytest.fixture
def gateway(make_account):
    return make_account("gw@provider.example", role="gateway")


@pytest.fixture
def api():
    """`api(user)` is a client signed in with a real API token; `api()` is anonymous."""

    def client_for(user=None):
        client = APIClient()
        if user is not None:
            _, token = services.api_token_issue(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for


@pytest.fixture
def signed_in(client):
    """`signed_in(user)`: the page client, signed in as `user`."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user
