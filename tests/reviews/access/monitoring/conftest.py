from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Grant, UsageBucket, UsageScope
from tests.approvals.keys.conftest import _fresh_gateway_connection, committed, grant  # noqa: F401


@pytest.fixture
def now():
    """The run's moment: half past the hour, so the rules' windows are the whole hours."""
    return timezone.now().replace(minute=30, second=0, microsecond=0)


@pytest.fixture
def old_grant(grant):  # noqa: F811
    """The grant of tests/keys (chat-small on /v1/chat/completions; 60 requests and 1,158
    tokens a minute; 5,000,000 tokens a month declared), issued a month ago."""
    Grant.objects.filter(pk=grant.pk).update(created_at=timezone.now() - timedelta(days=30))
    grant.refresh_from_db()
    return grant


@pytest.fixture
def use():
    """`use(grant, minute, requests=, tokens=, scope_denied=)`: one minute's bucket."""

    def write(of, minute, **counts):
        return UsageBucket.objects.create(grant=of, minute=minute, **counts)

    return write


@pytest.fixture
def use_scope():
    def write(of, day, model, endpoint, **counts):
        return UsageScope.objects.create(
            grant=of, day=day, model_name=model, endpoint=endpoint, **counts
        )

    return write
