"""Access-review campaigns: starting, deciding items, the due date, ending early, reminders,
schedules."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.errors import Conflict, InvalidInput, NotAllowed
from accounts.models import Membership
from approvals.keys import services as keys
from approvals.keys import verify
from audit.models import AuditEvent
from reviews.access import campaigns, grant_reviews
from reviews.models import Campaign, GrantReview

pytestmark = pytest.mark.django_db

TWO_PRODUCTS = {
    "models": ["chat-small", "chat-large"],
    "endpoints": ["/v1/chat/completions", "/v1/embeddings"],
    "expected_requests_per_minute": 100,
}


def start(admin, name="Q4 access review", days=14):
    return campaigns.campaign_start(
        actor=admin, name=name, due_at=timezone.now() + timedelta(days=days)
    )


def test_a_campaign_has_one_item_per_active_grant(approved, admin):
    first, second, ended = approved(), approved(), approved()
    from approvals.grants import grant_status_set

    grant_status_set(actor=admin, grant=ended, status="revoked", reason="test")

    campaign = start(admin)

    assert sorted(campaign.items.values_list("grant_id", flat=True)) == [first.pk, second.pk]
    assert set(campaign.items.values_list("status", flat=True)) == {"open"}
    event = AuditEvent.objects.get(action="campaign.started")
    assert event.data["grants"] == [first.pk, second.pk] and event.actor == admin


@pytest.mark.parametrize(
    "name, days, field", [("", 14, "name"), ("x" * 121, 14, "name"), ("Fine", 0, "due_at")]
)
def test_a_campaign_needs_a_name_and_a_due_date_ahead(admin, name, days, field):
    with pytest.raises(InvalidInput) as refused:
        start(admin, name=name, days=days)
    assert field in refused.value.extra
    assert not Campaign.objects.exists()


def test_certify_keeps_the_grant_and_records_who(approved, admin, reviewer2):
    grant = approved()
    item = start(admin).items.get()

    grant_reviews.item_decide(
        reviewer=reviewer2, item=item, decision="certify", rationale="Used as approved."
    )

    item.refresh_from_db()
    grant.refresh_from_db()
    assert (item.status, item.decided_by, grant.status) == ("certified", reviewer2, "active")
    assert AuditEvent.objects.filter(
        action="grant_review.decided", target_id=str(item.pk), data__decision="certify"
    ).exists()
    with pytest.raises(Conflict):  # once
        grant_reviews.item_decide(
            reviewer=reviewer2, item=item, decision="revoke", rationale="changed my mind"
        )


def test_reduce_narrows_the_grant_and_the_gateway_sees_it(
    approved, admin, reviewer2, dev_a, django_capture_on_commit_callbacks
):
    grant = approved(**TWO_PRODUCTS)
    with django_capture_on_commit_callbacks(execute=True):
        _, secret = keys.key_mint(actor=dev_a, grant=grant, name="prod")
    item = start(admin).items.get()
    assert (
        verify.key_verify(
            key=secret, model="chat-large", endpoint="/v1/chat/completions", tokens=1
        ).code
        == "VALID"
    )

    with django_capture_on_commit_callbacks(execute=True):
        grant_reviews.item_decide(
            reviewer=reviewer2,
            item=item,
            decision="reduce",
            models=["chat-small"],
            endpoints=["/v1/chat/completions"],
            limits={"requests_per_minute": 10},
        )

    grant.refresh_from_db()
    assert grant.model_names == ["chat-small"] and grant.endpoints == ["/v1/chat/completions"]
    assert grant.limits["requests_per_minute"] == 10
    assert (
        verify.key_verify(
            key=secret, model="chat-large", endpoint="/v1/chat/completions", tokens=1
        ).code
        == "SCOPE_DENIED"
    )
    assert AuditEvent.objects.get(action="grant.reduced").data["after"]["models"] == ["chat-small"]
    assert "reduced" in mail.outbox[-1].subject and dev_a.email in mail.outbox[-1].to


@pytest.mark.parametrize(
    "change, field",
    [
        ({"models": ["reasoning-large"]}, "models"),
        ({"limits": {"requests_per_minute": 10_000}}, "limits"),
        ({}, "limits"),
    ],
)
def test_a_reduction_never_widens_and_must_say_what(approved, admin, reviewer2, change, field):
    approved()
    item = start(admin).items.get()
    with pytest.raises(InvalidInput) as refused:
        grant_reviews.item_decide(reviewer=reviewer2, item=item, decision="reduce", **change)
    assert field in refused.value.extra
    item.refresh_from_db()
    assert item.status == "open"


def test_revoke_needs_a_rationale_and_ends_the_grant(approved, admin, reviewer2):
    grant = approved()
    item = start(admin).items.get()
    with pytest.raises(InvalidInput):
        grant_reviews.item_decide(reviewer=reviewer2, item=item, decision="revoke")
    grant_reviews.item_decide(
        reviewer=reviewer2, item=item, decision="revoke", rationale="Unused for a quarter."
    )
    grant.refresh_from_db()
    assert grant.status == "revoked"


def test_the_holders_organization_may_not_decide(approved, admin, make_account):
    grant = approved()
    item = start(admin).items.get()
    colleague = make_account("insider@a.example", role="reviewer")
    Membership.objects.create(user=colleague, organization=grant.organization)
    with pytest.raises(NotAllowed):
        grant_reviews.item_decide(reviewer=colleague, item=item, decision="certify")
    assert list(grant_reviews.items_for(colleague, GrantReview.objects.all())) == []


def test_extra_scrutiny_grants_are_recertified_by_a_specialist(
    approved, admin, reviewer2, specialist
):
    approved(domains=["medical-health"])
    item = start(admin).items.get()
    assert list(grant_reviews.items_for(reviewer2, GrantReview.objects.all())) == []
    with pytest.raises(NotAllowed):
        grant_reviews.item_decide(reviewer=reviewer2, item=item, decision="certify")
    grant_reviews.item_decide(reviewer=specialist, item=item, decision="certify")


def test_open_items_suspend_their_grant_at_the_due_date(
    approved, admin, reviewer2, dev_a, django_capture_on_commit_callbacks
):
    decided, forgotten = approved(), approved()
    with django_capture_on_commit_callbacks(execute=True):
        _, secret = keys.key_mint(actor=dev_a, grant=forgotten, name="prod")
    campaign = start(admin, days=7)
    grant_reviews.item_decide(
        reviewer=reviewer2, item=campaign.items.get(grant=decided), decision="certify"
    )

    assert campaigns.campaign_close_due(now=timezone.now() + timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns.campaign_close_due(now=timezone.now() + timedelta(days=7, seconds=1)) == 1
    assert campaigns.campaign_close_due(now=timezone.now() + timedelta(days=8)) == 0  # once

    forgotten.refresh_from_db()
    decided.refresh_from_db()
    campaign.refresh_from_db()
    assert (forgotten.status, decided.status) == ("suspended", "active")
    assert campaign.items.get(grant=forgotten).status == "lapsed"
    assert (campaign.status, campaign.closed_how) == ("closed", "due")
    assert (
        verify.key_verify(
            key=secret, model="chat-small", endpoint="/v1/chat/completions", tokens=1
        ).code
        == "SUSPENDED"
    )
    suspended = AuditEvent.objects.get(action="grant.suspended", target_id=str(forgotten.pk))
    assert suspended.actor is None and "Not re-certified" in suspended.data["reason"]
    subjects = [m.subject for m in mail.outbox]
    assert any("suspended" in s and f"#{forgotten.pk}" in s for s in subjects)
    assert any(s.startswith("Access review closed") for s in subjects)


def test_a_late_certification_reinstates_the_grant(approved, admin, reviewer2):
    grant = approved()
    campaign = start(admin, days=1)
    campaigns.campaign_close_due(now=timezone.now() + timedelta(days=2))
    item = campaign.items.get()
    grant_reviews.item_decide(
        reviewer=reviewer2, item=item, decision="certify", rationale="Late, but in use as approved."
    )
    grant.refresh_from_db()
    assert grant.status == "active"


@pytest.mark.parametrize(
    "open_items, item_status, grant_status",
    [("suspend", "lapsed", "suspended"), ("keep", "closed", "active")],
)
def test_ending_early_does_what_the_admin_chose(
    approved, admin, open_items, item_status, grant_status
):
    grant = approved()
    campaign = start(admin)
    campaigns.campaign_end(actor=admin, campaign=campaign, open_items=open_items)
    grant.refresh_from_db()
    campaign.refresh_from_db()
    assert campaign.items.get().status == item_status and grant.status == grant_status
    assert campaign.closed_how == open_items
    with pytest.raises(Conflict):
        campaigns.campaign_end(actor=admin, campaign=campaign, open_items="keep")


def test_reminders_go_out_once_before_the_due_date(
    approved, admin, reviewer2, django_capture_on_commit_callbacks
):
    approved()
    campaign = start(admin, days=7)
    assert campaigns.campaign_remind(now=timezone.now()) == 0  # too early
    later = campaign.due_at - timedelta(hours=24)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns.campaign_remind(now=later) == 1
    assert campaigns.campaign_remind(now=later) == 0
    reminder = [m for m in mail.outbox if m.subject.startswith("Access review due soon")]
    recipients = sorted(address for m in reminder for address in m.to)
    assert reviewer2.email in recipients and admin.email in recipients
    assert "1 grant still waits" in reminder[0].body


def test_bulk_certify_skips_what_the_reviewer_may_not_decide(
    approved, admin, reviewer2, specialist
):
    plain = approved()
    medical = approved(domains=["medical-health"])
    items = start(admin).items.order_by("pk")
    certified, skipped = grant_reviews.bulk_certify(reviewer=reviewer2, items=items)
    assert [i.grant_id for i in certified] == [plain.pk] and skipped == 1
    assert items.get(grant=medical).status == "open"


def test_usage_beside_grant_and_the_one_click_reduction(approved, admin, reviewer2, used):
    grant = approved(**TWO_PRODUCTS)
    used(grant, "chat-small", "/v1/chat/completions", requests=40, tokens=8000)
    used(grant, "chat-small", "/v1/chat/completions", requests=12, tokens=900, days_ago=5)
    item = start(admin).items.get()

    shown = grant_reviews.shown(reviewer2, [item])[0]

    assert shown.used.models == ["chat-small"]
    assert shown.used.endpoints == ["/v1/chat/completions"]
    assert (shown.used.requests, shown.used.tokens) == (52, 8900)
    assert shown.used.peak_requests_per_minute == 40
    assert shown.reduction.models == ["chat-small"]
    assert shown.reduction.limits["requests_per_minute"] == 60  # the peak, 40, x 1.5
    assert shown.unremarkable and shown.may_decide


def test_a_scheduled_campaign_is_a_beat_row_and_starts_once_a_day(approved, admin):
    approved()
    task = campaigns.schedule_create(
        actor=admin, name="Quarterly", cadence="quarterly", due_days=14
    )
    assert PeriodicTask.objects.get(pk=task.pk).crontab.month_of_year == "1,4,7,10"
    first = campaigns.scheduled_start(name="Quarterly", due_days=14)
    again = campaigns.scheduled_start(name="Quarterly", due_days=14)
    assert first.pk == again.pk and first.items.count() == 1
    assert AuditEvent.objects.get(action="campaign.started").actor_label == "system"
    campaigns.schedule_delete(actor=admin, schedule_id=task.pk)
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


def test_mail_about_a_changed_grant_lost_to_the_broker_is_sent_once_by_the_sweep(
    approved, admin, reviewer2, dev_a, django_capture_on_commit_callbacks
):
    from reviews.access import mail as campaign_mail

    kept, revoked = approved(), approved()
    campaign = start(admin)
    # Decided without running what the commits enqueue: the mail tasks are lost.
    grant_reviews.item_decide(
        reviewer=reviewer2, item=campaign.items.get(grant=kept), decision="certify"
    )
    grant_reviews.item_decide(
        reviewer=reviewer2,
        item=campaign.items.get(grant=revoked),
        decision="revoke",
        rationale="Not used.",
    )
    assert not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_mail.grant_mail_sweep(older_than=timedelta(0)) == 1  # certify owes none
    assert [m.subject for m in mail.outbox] == [
        f"Production access revoked after review: grant #{revoked.pk}"
    ]
    assert mail.outbox[0].to == [dev_a.email]
    assert campaign_mail.grant_mail_sweep(older_than=timedelta(0)) == 0
    assert campaign_mail.send_grant_review_mail(campaign.items.get(grant=revoked).pk) == 0


def test_a_monitoring_suspension_mail_lost_is_swept_too(
    approved, admin, dev_a, django_capture_on_commit_callbacks
):
    from approvals.grants import grant_status_set
    from reviews.access import mail as campaign_mail
    from reviews.models import AnomalyFlag

    grant = approved()
    grant_status_set(actor=None, grant=grant, status="suspended", reason="test")
    item, _ = grant_reviews.rereview_open(grant=grant, kind="anomaly", reason="A burst")
    now = timezone.now()
    flag = AnomalyFlag.objects.create(
        grant=grant,
        rule="denied_burst",
        severity="severe",
        suspended=True,
        review=item,
        window_start=now - timedelta(hours=1),
        window_end=now,
        figures={"observed": 900, "threshold": 500, "baseline": None, "window": "60 min"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_mail.grant_mail_sweep(older_than=timedelta(0)) == 1
    assert {a for m in mail.outbox for a in m.to} == {dev_a.email, admin.email}
    flag.refresh_from_db()
    assert flag.mailed_at is not None
    assert campaign_mail.grant_mail_sweep(older_than=timedelta(0)) == 0
