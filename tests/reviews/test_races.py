"""Races on PostgreSQL: row locks decide, not luck."""

import pytest

from approvals.models import Grant
from reviews.models import Claim, Decision
from tests.concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviewers_claiming_at_once_get_one_200_and_one_409(
    default_policy, api, reviewer, reviewer2, in_review
):
    application = in_review()
    path = f"/api/v1/applications/{application.pk}/claim/"
    first, second = api(reviewer), api(reviewer2)
    codes = at_once(lambda: first.post(path).status_code, lambda: second.post(path).status_code)
    assert sorted(codes) == [200, 409]
    assert Claim.objects.filter(application=application).count() == 1


def test_racing_final_approvals_issue_exactly_one_grant(default_policy, api, reviewer, in_review):
    application = in_review()
    client = api(reviewer)
    client.post(f"/api/v1/applications/{application.pk}/claim/")
    path = f"/api/v1/applications/{application.pk}/decisions/"
    codes = at_once(
        *[
            lambda: client.post(path, {"decision": "approve"}, format="json").status_code
            for _ in range(4)
        ]
    )
    assert sorted(codes) == [201, 409, 409, 409]
    assert Grant.objects.filter(application=application).count() == 1
    assert Decision.objects.filter(application=application).count() == 1


def test_next_item_hands_two_reviewers_two_different_items(
    default_policy, api, reviewer, reviewer2, in_review
):
    in_review(), in_review(title="Second")
    first, second = api(reviewer), api(reviewer2)
    bodies = at_once(
        lambda: first.post("/api/v1/review-queue/next/").json(),
        lambda: second.post("/api/v1/review-queue/next/").json(),
    )
    assert len({b["id"] for b in bodies}) == 2
