"""`make run` seeds a demo world (manage.py seed_demo): every surface has something on it,
and a second run changes nothing."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from approvals.models import Application, Grant, ProductionKey, UsageBucket, UsageScope
from audit.models import AuditEvent
from reviews.models import Campaign, Comment, GrantReview

pytestmark = pytest.mark.django_db
S = Application.Status


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User, Application, Grant, ProductionKey, UsageBucket, UsageScope, AuditEvent,
            Campaign, GrantReview, Comment,
        )
    }  # fmt: skip


@override_settings(DEBUG=True)
def test_the_demo_world_has_every_state_and_a_second_run_changes_nothing(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "developer@example.com" in out and "demo-password-123" in out

    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses >= {
        S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.AUTO_REJECTED,
        S.WITHDRAWN,
    }  # fmt: skip
    in_review = Application.objects.filter(status=S.IN_REVIEW)
    assert set(in_review.values_list("route_name", flat=True)) == {
        "standard",
        "extra_scrutiny",
        "policy_escalation",
    }
    grant = Grant.objects.filter(status=Grant.Status.ACTIVE).first()
    assert grant and grant.keys.exists()
    assert grant.usage.filter(requests__gt=0).exists() and grant.usage.filter(scope_denied__gt=0)
    assert grant.scope_usage.exists()
    campaign = Campaign.objects.get()
    assert campaign.items.count() == Grant.objects.filter(status="active").count() >= 1
    assert Comment.objects.count() >= 2
    assert AuditEvent.objects.filter(action="application.submitted").count() >= 9

    before = _counts()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert _counts() == before

    # Each role's pages have something on them.
    client.force_login(User.objects.get(email="developer@example.com"))
    page = client.get("/portal/applications/").content.decode()
    for label in ("Draft", "In review", "Changes requested", "Approved", "Rejected", "Withdrawn"):
        assert label in page
    usage = client.get(f"/portal/grants/{grant.pk}/").content.decode()
    assert "production" in usage and "refused" in usage
    client.force_login(User.objects.get(email="reviewer@example.com"))
    queue = client.get("/reviews/")
    assert len(queue.context["rows"]) >= 2
    client.force_login(User.objects.get(email="admin@example.com"))
    assert client.get("/audit/").context["page"].events
    assert client.get(f"/reviews/access-reviews/{campaign.pk}/").status_code == 200


@override_settings(DEBUG=False)
def test_the_demo_world_is_refused_outside_development():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
