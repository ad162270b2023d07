from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import UsageBucket, UsageScope
from reviews import claims, decisions
from tests.approvals.keys.conftest import _fresh_gateway_connection  # noqa: F401  (autouse fixture)


@pytest.fixture
def approved(in_review, reviewer, specialist):
    """`approved(**content)`: an application of Org A approved now; returns its grant."""

    def make(**content):
        application = in_review(**content)
        for person in [reviewer, specialist] if application.required_approvals > 1 else [reviewer]:
            claims.claim(reviewer=person, application=application)
            decisions.decide(reviewer=person, application=application, decision="approve")
        application.refresh_from_db()
        return application.grant

    return make


@pytest.fixture
def used():
    """`used(grant, model, endpoint, requests, tokens, days_ago=3, denied=0)`: usage rows as
    the flush from Redis writes them, in one minute `days_ago` days back."""

    def make(grant, model, endpoint, requests, tokens, days_ago=3, denied=0):
        minute = (timezone.now() - timedelta(days=days_ago)).replace(second=0, microsecond=0)
        UsageBucket.objects.create(
            grant=grant, minute=minute, requests=requests, tokens=tokens, scope_denied=denied
        )
        UsageScope.objects.create(
            grant=grant,
            day=timezone.localdate(minute),
            model_name=model,
            endpoint=endpoint,
            requests=requests,
            tokens=tokens,
            denied=denied,
        )

    return make
