"""The access-review items a reviewer may decide are chosen in SQL (reviews/access/eligible.py)
by the rules grant_reviews.refusal() states one item at a time: the two agree on every case of
a matrix of routes, domains, organizations, statuses and reviewers, on PostgreSQL and SQLite;
a reviewer's work list walks by cursor, a specialist's own first."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from approvals.models import Grant
from reviews.access import grant_reviews
from reviews.models import GrantReview
from tests.approvals.test_paged_lists import applications_made, organization_of

pytestmark = pytest.mark.django_db

ROUTES = ["standard", "extra_scrutiny", "policy_escalation"]
DOMAINS = [[], ["medical-health"], ["legal-advice"], ["medical-health", "legal-advice"]]
STATUSES = ["open", "lapsed", "certified"]


@pytest.fixture
def matrix(dev_a, dev_b):
    """One open/lapsed/decided item per (route, flagged/specialist domains, organization)."""
    items = []
    for dev in (dev_a, dev_b):
        cases = list(itertools.product(ROUTES, DOMAINS, STATUSES))
        made = applications_made(dev, len(cases))
        for application, (route, domains, status) in zip(made, cases, strict=True):
            application.route_name = route
            application.flagged_domains = domains
            application.specialist_domains = domains if route == "extra_scrutiny" else []
            application.save()
            grant = Grant.objects.create(
                application=application,
                organization=application.organization,
                limits={
                    "requests_per_minute": 60,
                    "tokens_per_minute": 1000,
                    "monthly_tokens": 10**6,
                },
                expires_at=timezone.now() + timedelta(days=30),
            )
            items.append(
                GrantReview.objects.create(
                    grant=grant,
                    kind="anomaly",
                    status=status,
                    reason="r",
                    due_at=None if len(items) % 4 == 0 else timezone.now() + timedelta(days=1),
                )
            )
    return items


@pytest.fixture
def reviewers(make_account, dev_a):
    plain = make_account("plain@provider.example", role="reviewer")
    medic = make_account("medic@provider.example", role="reviewer", specialties=["medical-health"])
    medic.opt_outs = ["legal-advice"]
    medic.save()
    insider = make_account(
        "insider@provider.example", role="reviewer", specialties=["legal-advice"]
    )
    Membership.objects.create(user=insider, organization=organization_of(dev_a))
    boss = make_account("boss@provider.example", role="admin", specialties=["legal-advice"])
    return [plain, medic, insider, boss, dev_a]


def test_sql_and_refusal_agree_on_every_case(matrix, reviewers):
    everything = GrantReview.objects.all()
    for reviewer in reviewers:
        chosen = list(grant_reviews.items_for(reviewer, everything))
        expected = {
            item.pk
            for item in everything.select_related("grant__application")
            if item.status in grant_reviews.DECIDABLE
            and reviewer.has_role("reviewer", "admin")
            and grant_reviews.refusal(reviewer, item) is None
        }
        assert {item.pk for item in chosen} == expected, reviewer.email
        specialist = [
            bool(set(reviewer.specialties) & set(i.grant.application.specialist_domains))
            for i in chosen
        ]
        assert specialist == sorted(specialist, reverse=True), reviewer.email  # own first
    assert list(grant_reviews.items_for(reviewers[-1], everything)) == []  # a developer


@pytest.mark.postgres
def test_a_work_list_walks_by_cursor_once_in_order(api, matrix, reviewers):
    medic = reviewers[1]
    expected = [i.pk for i in grant_reviews.items_for(medic, GrantReview.objects.all())]
    url, seen = "/api/v1/access-review-items/?mine=yes&page_size=2", []
    while url:
        body = api(medic).get(url).json()
        seen += [item["id"] for item in body["results"]]
        assert all(item["may_decide"] for item in body["results"])
        url = body["next"]
    assert seen == expected and len(seen) > 2
    everything = api(medic).get("/api/v1/access-review-items/?page_size=200").json()
    assert everything["count"] == len(matrix) == len(everything["results"])
    undated = [item["due_at"] is None for item in everything["results"]]
    assert undated == sorted(undated) and any(undated)  # re-reviews without a due date last
    assert api(medic).get("/api/v1/access-review-items/?cursor=x").status_code == 400
