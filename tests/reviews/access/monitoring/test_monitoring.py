"""What a monitoring run does with its findings: flags, re-reviews, suspension, audit, mail;
and that a repeated run adds nothing."""

from datetime import timedelta

import pytest
from django.core import mail

from approvals import grants
from approvals.keys import services as keys
from approvals.keys import verify
from approvals.models import Grant
from audit.models import AuditEvent
from reviews.access import monitoring
from reviews.models import AnomalyFlag, GrantReview

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)
CHAT = "/v1/chat/completions"


def run(committed, now):
    with committed():
        return monitoring.monitor_usage(now=now)


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_a_severe_finding_suspends_the_grant_at_the_gateway_and_is_audited(
    grant, dev_a, admin, use, now, committed
):
    key = keys.key_mint(actor=dev_a, grant=grant, name="server")[1]
    use(grant, now.replace(minute=0) + MINUTE, scope_denied=500)
    before = AuditEvent.objects.count()
    counts = run(committed, now)
    assert counts["flagged"] == 1 and counts["suspended"] == 1
    grant.refresh_from_db()
    assert grant.status == "suspended"
    flag = AnomalyFlag.objects.get(grant=grant)
    assert (flag.rule, flag.severity, flag.suspended) == ("denied_burst", "severe", True)
    assert (
        verify.key_verify(key=key, model="chat-small", endpoint=CHAT, tokens=1).code == "SUSPENDED"
    )
    assert actions()[before:] == ["grant.suspended", "grant_review.opened", "anomaly.flagged"]
    event = AuditEvent.objects.get(action="anomaly.flagged")
    assert event.target_id == str(flag.pk) and event.actor is None
    assert event.data["figures"]["observed"] == 500 and event.data["review"] == flag.review_id


def test_the_members_and_the_administrators_are_told_of_a_suspension(
    grant, dev_a, admin, use, now, committed
):
    use(grant, now.replace(minute=0) + MINUTE, scope_denied=500)
    run(committed, now)
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {dev_a.email, admin.email}
    member, administrator = sent[dev_a.email], sent[admin.email]
    assert member.subject == f"Production access suspended: grant #{grant.pk}"
    assert "A burst of calls outside the grant's scope" in member.body
    assert "threshold" not in member.body and f"/portal/grants/{grant.pk}/" in member.body
    flag = AnomalyFlag.objects.get(grant=grant)
    assert "500 scope-denied calls" in administrator.body
    assert f"/reviews/access-review-items/{flag.review_id}/" in administrator.body
    assert administrator.alternatives[0][1] == "text/html"


def test_every_flag_has_a_rereview_and_a_grants_flags_share_the_open_one(
    grant, use, use_scope, now, committed
):
    hour = now.replace(minute=0)
    use(grant, hour + MINUTE, scope_denied=60)
    use_scope(grant, now.date(), "reasoning-large", CHAT, denied=6)
    run(committed, now)
    found = list(AnomalyFlag.objects.filter(grant=grant))
    assert {f.rule for f in found} == {"denied_burst", "unrequested_scope"}
    assert all(f.severity == "warning" and not f.suspended for f in found)
    review = GrantReview.objects.get(grant=grant)
    assert {f.review_id for f in found} == {review.pk}
    assert (review.kind, review.status) == ("anomaly", "open")
    assert sorted(finding["rule"] for finding in review.details["findings"]) == [
        "denied_burst",
        "unrequested_scope",
    ]
    assert Grant.objects.get(pk=grant.pk).status == "active" and mail.outbox == []


def test_a_repeated_run_in_the_same_window_adds_nothing(grant, use, use_scope, now, committed):
    use(grant, now.replace(minute=0) + MINUTE, scope_denied=500)
    use_scope(grant, now.date(), "reasoning-large", CHAT, denied=6)
    run(committed, now)
    flags, events, mails = AnomalyFlag.objects.count(), AuditEvent.objects.count(), len(mail.outbox)
    review = GrantReview.objects.get(grant=grant)
    counts = run(committed, now + 10 * MINUTE)
    assert counts.get("flagged", 0) == 0 and counts["findings"] == 2
    assert AnomalyFlag.objects.count() == flags and AuditEvent.objects.count() == events
    assert len(mail.outbox) == mails
    review.refresh_from_db()
    assert len(review.details["findings"]) == 2


def test_a_severe_finding_escalates_the_warning_of_its_window(grant, use, now, committed):
    hour = now.replace(minute=0)
    use(grant, hour + MINUTE, scope_denied=50)
    run(committed, now)
    use(grant, hour + 2 * MINUTE, scope_denied=450)
    counts = run(committed, now + 10 * MINUTE)
    assert counts["escalated"] == 1 and counts["suspended"] == 1
    flag = AnomalyFlag.objects.get(grant=grant)
    assert (flag.severity, flag.suspended, flag.figures["observed"]) == ("severe", True, 500)
    assert actions()[-2:] == ["grant.suspended", "anomaly.escalated"]
    assert len(GrantReview.objects.get(grant=grant).details["findings"]) == 2


def test_a_suspended_grant_is_flagged_but_not_suspended_again(grant, admin, use, now, committed):
    with committed():
        grants.grant_status_set(actor=admin, grant=grant, status="suspended", reason="test")
    use(grant, now.replace(minute=0) + MINUTE, scope_denied=500)
    run(committed, now)
    flag = AnomalyFlag.objects.get(grant=grant)
    assert flag.severity == "severe" and not flag.suspended and flag.review is not None
    assert actions().count("grant.suspended") == 1 and mail.outbox == []


def test_a_revoked_grant_is_left_alone(grant, admin, use, now, committed):
    with committed():
        grants.grant_status_set(actor=admin, grant=grant, status="revoked", reason="test")
    use(grant, now.replace(minute=0) + MINUTE, scope_denied=500)
    assert run(committed, now)["grants"] == 0
    assert not AnomalyFlag.objects.exists()


def test_a_reviewer_deciding_the_rereview_lets_the_next_finding_open_a_new_one(
    grant, use, now, committed
):
    hour = now.replace(minute=0)
    use(grant, hour - 50 * MINUTE, scope_denied=50)
    run(committed, now - 40 * MINUTE)
    GrantReview.objects.filter(grant=grant).update(status="certified")
    use(grant, hour + MINUTE, scope_denied=50)
    run(committed, now)
    assert GrantReview.objects.filter(grant=grant).count() == 2
    assert AnomalyFlag.objects.filter(grant=grant).count() == 2
