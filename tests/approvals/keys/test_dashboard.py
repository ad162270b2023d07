"""The developer's home: what needs their action, applications by status, grants with this
month's use against their limits, active keys per grant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.keys import limits
from approvals.keys import services as keys
from reviews.conversation import comments

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/portal/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_counts_applications_by_status_with_links(client, dev_a, in_review):
    in_review()
    in_review(title="Second")
    page = _home(client, dev_a)
    assert 'data-count-status="in_review"' in page
    assert "/portal/applications/?status=in_review" in page and "<strong>2</strong>" in page
    listing = client.get("/portal/applications/?status=in_review").content.decode()
    assert listing.count("data-unread-count") == 0 and "Second" in listing
    assert "Show all applications" in listing


def test_a_reviewers_question_needs_the_developers_action_until_answered(
    client, dev_a, reviewer, in_review
):
    application = in_review()
    comments.comment_add(author=reviewer, application=application, body="Which models?")
    assert 'data-todo="question"' in _home(client, dev_a)
    client.get(f"/portal/applications/{application.pk}/")  # read, not yet answered
    assert 'data-todo="question"' in _home(client, dev_a)
    comments.comment_add(author=dev_a, application=application, body="chat-small only")
    assert 'data-todo="question"' not in _home(client, dev_a)


def test_grants_show_this_months_use_against_limits_and_active_keys(client, dev_a, grant):
    keys.key_mint(actor=dev_a, grant=grant, name="server")
    keys.key_mint(actor=dev_a, grant=grant, name="ci")
    minute = timezone.now().replace(second=0, microsecond=0)
    limits.record_usage(grant_id=grant.pk, minute=minute, requests=42, tokens=1_250_000)
    page = _home(client, dev_a)
    row = page.split(f'<li data-grant="{grant.pk}">')[1].split("</li>")[0]
    assert "1,250,000 of 5,000,000 (25%)" in row
    assert "42 of 60 (70%)" in row
    assert 'data-active-keys="2"' in row


def test_a_rotated_keys_grace_and_an_access_review_need_attention(client, dev_a, admin, grant):
    from reviews.access import campaigns

    key, _ = keys.key_mint(actor=dev_a, grant=grant, name="server")
    keys.key_rotate(actor=dev_a, key=key, grace="24h")
    campaigns.campaign_start(actor=admin, name="Q1", due_at=timezone.now() + timedelta(days=14))
    page = _home(client, dev_a)
    assert 'data-todo="key_grace"' in page and "server" in page
    assert 'data-todo="access_review"' in page


def test_other_roles_keep_their_home(client, reviewer):
    client.force_login(reviewer)
    page = client.get("/portal/").content.decode()
    assert 'data-dashboard="todo"' not in page
