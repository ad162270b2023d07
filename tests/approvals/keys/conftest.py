import pytest

from approvals.keys import keystore
from reviews import claims, decisions
from tests.reviews.conftest import in_review  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _fresh_gateway_connection():
    keystore.reset()
    yield
    keystore.reset()


@pytest.fixture
def grant(in_review, reviewer):  # noqa: F811
    """An active grant of Org A: chat-small on /v1/chat/completions; 60 requests and 1,158
    tokens a minute, 5,000,000 tokens a month."""
    application = in_review()
    claims.claim(reviewer=reviewer, application=application)
    decisions.decide(
        reviewer=reviewer,
        application=application,
        decision="approve",
        limits={"requests_per_minute": 60},
    )
    return application.grant


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the commit of the enclosed request would run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
