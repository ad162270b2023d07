"""Mail of the review queue: the applicant hears of every decision (never who decided);
reviewers hear of items nearing their SLA and administrators of breaches, each once."""

import html
import time
from contextlib import contextmanager
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django.utils.html import strip_tags

from accounts import services as accounts
from accounts.models import Membership
from approvals import grants, lifecycle
from approvals.models import Application
from audit.models import AuditEvent
from config.celery import app
from reviews import claims, decisions, notifications, tasks
from reviews.models import Claim, SlaNotice
from tests.approvals.test_applications_api import BENIGN
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db
SITE = "https://review.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def screened(dev_a, django_capture_on_commit_callbacks):
    """`screened(**content)`: an application of Org A, submitted; its screening runs on commit."""

    def make(**changes) -> Application:
        application = lifecycle.application_create(
            actor=dev_a,
            organization=dev_a.memberships.get().organization,
            content={**BENIGN, **changes},
        )
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.application_submit(actor=dev_a, application=application)
        application.refresh_from_db()
        assert application.status == "in_review"
        return application

    return make


@pytest.fixture
def decided(django_capture_on_commit_callbacks):
    """Claims and decides, running what the decision's commit enqueues (the mail, eagerly)."""

    def decide(reviewer, application, **decision):
        claims.claim(reviewer=reviewer, application=application)
        with django_capture_on_commit_callbacks(execute=True):
            return decisions.decide(reviewer=reviewer, application=application, **decision)

    return decide


@contextmanager
def broker_down():
    """A real publish to a broker that refuses connections (nothing listens on port 1);
    as tests/approvals/test_screening_task.py's fixture, but entered after the setup."""
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


class FlakyBackend(EmailBackend):
    """The locmem backend behind a mail server that drops the first `failures` sends."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    """`flaky_mail(n)`: the next n sends fail. Celery stays eager but lets the task's own
    retries run (propagating eagerly would raise the first Retry instead)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False

    def failing(times):
        FlakyBackend.failures, FlakyBackend.attempts = times, 0
        settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
        return FlakyBackend

    yield failing
    app.conf.task_eager_propagates = saved


def html_of(mail) -> str:
    return next(content for content, mimetype in mail.alternatives if mimetype == "text/html")


def parts(mail) -> list[str]:
    """The text part, and what a reader sees of the HTML part."""
    return [mail.body, html.unescape(strip_tags(html_of(mail)))]


def assert_no_reviewer_named(mail, *reviewers):
    for reviewer in reviewers:
        for text in (
            mail.subject,
            mail.body,
            html_of(mail),
            *mail.to,
            *mail.cc,
            *mail.bcc,
            *mail.reply_to,
        ):
            assert reviewer.email not in text


def portal_link(application):
    return f"{SITE}/portal/applications/{application.pk}/"


# The applicant, on every decision ---------------------------------------------------------


def test_an_approval_mails_the_applicant_the_grant_its_conditions_and_a_link(
    screened, decided, dev_a, reviewer, mailoutbox
):
    application = screened()
    decided(
        reviewer,
        application,
        decision="approve",
        rationale="A supervised, clear use.",
        conditions=["Keep a person in the loop."],
        limits={"requests_per_minute": 30},
    )
    [mail] = mailoutbox
    grant = Application.objects.get(pk=application.pk).grant
    assert mail.to == [dev_a.email]
    assert (
        mail.subject == f"Approved: application #{application.pk} \u201cSupport reply drafts\u201d"
    )
    for text in parts(mail):
        assert "approved" in text and "Reviewer" in text
        assert "A supervised, clear use." in text
        assert "Keep a person in the loop." in text and grants.GENERAL_CONDITION in text
        assert "chat-small" in text and "/v1/chat/completions" in text
        assert "Requests per minute: 30" in text and "Monthly tokens: 5,000,000" in text
        assert f"Access expires: {grant.expires_at:%-d %B %Y}" in text
        assert portal_link(application) in text
    assert_no_reviewer_named(mail, reviewer)


def test_an_approval_that_is_not_the_last_says_more_review_is_needed(
    screened, decided, reviewer2, specialist, mailoutbox
):
    application = screened(domains=["medical-health"])  # two approvals, one a specialist's
    decided(reviewer2, application, decision="approve", conditions=["No diagnoses."])
    [first] = mailoutbox
    assert "one approval recorded, more review needed" in first.subject.lower()
    for text in parts(first):
        assert "more review is needed" in text and "is approved" not in text
        assert "No diagnoses." in text and portal_link(application) in text

    decided(specialist, application, decision="approve", conditions=["Cite sources."])
    [_, final] = mailoutbox
    assert final.subject.startswith("Approved:")
    for text in parts(final):
        assert "is approved" in text and "No diagnoses." in text and "Cite sources." in text
    for mail in mailoutbox:
        assert_no_reviewer_named(mail, reviewer2, specialist)


def test_a_rejection_mails_the_rationale_and_the_cited_policy_clauses(
    screened, decided, reviewer, mailoutbox
):
    application = screened()
    decided(
        reviewer,
        application,
        decision="reject",
        rationale="Replies would reach customers as if a person wrote them.",
        clauses=["impersonation-undisclosed-ai", "spam"],
    )
    [mail] = mailoutbox
    assert mail.subject.startswith("Rejected:")
    for text in parts(mail):
        assert "rejected" in text
        assert "Replies would reach customers as if a person wrote them." in text
        assert "Impersonation and undisclosed AI (impersonation-undisclosed-ai)" in text
        assert "Spam (spam)" in text
        assert portal_link(application) in text
    assert_no_reviewer_named(mail, reviewer)


def test_a_change_request_mails_the_rationale_and_the_link(screened, decided, reviewer, mailoutbox):
    application = screened()
    decided(
        reviewer,
        application,
        decision="request_changes",
        rationale="Say who reads the drafts before they are sent.",
    )
    [mail] = mailoutbox
    assert mail.subject.startswith("Changes requested:")
    for text in parts(mail):
        assert "Changes are requested" in text and "submit it again" in text
        assert "Say who reads the drafts before they are sent." in text
        assert portal_link(application) in text
    assert_no_reviewer_named(mail, reviewer)


def test_the_decision_mail_goes_to_every_active_developer_of_the_organization_only(
    screened, decided, dev_a, dev_b, reviewer, make_account, mailoutbox
):
    organization = dev_a.memberships.get().organization
    colleague = make_account("carol@org-a.example")
    departed = make_account("dan@org-a.example")
    insider = make_account("ivy@org-a-reviewer.example", role="reviewer")
    for user in (colleague, departed, insider):
        Membership.objects.create(user=user, organization=organization)
    accounts.active_set(actor=None, user=departed, active=False)
    decided(reviewer, screened(), decision="reject", rationale="Out of scope.")
    assert sorted(m.to[0] for m in mailoutbox) == [dev_a.email, colleague.email]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mailoutbox)


def test_reviewer_text_is_escaped_in_the_html_part_and_plain_in_the_text_part(
    screened, decided, reviewer, mailoutbox
):
    decided(
        reviewer,
        screened(),
        decision="reject",
        rationale='<a href="https://evil.example">Click</a> & see',
    )
    [mail] = mailoutbox
    assert '<a href="https://evil.example">' not in html_of(mail)
    assert "&lt;a href=&quot;https://evil.example&quot;&gt;Click&lt;/a&gt; &amp; see" in html_of(
        mail
    )
    assert '<a href="https://evil.example">Click</a> & see' in mail.body


def test_a_broker_outage_does_not_break_the_decision(
    screened, decided, reviewer, mailoutbox, caplog
):
    application = screened()
    started = time.monotonic()
    with broker_down():
        made = decided(reviewer, application, decision="reject", rationale="Out of scope.")
    assert time.monotonic() - started < 10, "a broker outage must not hang the request"
    assert Application.objects.get(pk=application.pk).status == "rejected"
    assert AuditEvent.objects.filter(action="decision.reject").count() == 1
    assert mailoutbox == []
    assert f"reviews.send_decision_mail({made.pk})" in caplog.text
    # Once the broker is back, the sweep sends what never went out, and only once.
    made.refresh_from_db()
    assert made.mailed_at is None
    assert notifications.decision_mail_sweep(older_than=timedelta(0)) == 1
    assert len(mailoutbox) == 1 and "Rejected" in mailoutbox[0].subject
    assert notifications.decision_mail_sweep(older_than=timedelta(0)) == 0
    notifications.send_decision_mail(made.pk)  # a redelivered task
    assert len(mailoutbox) == 1


def test_a_mail_server_failure_is_retried_until_the_mail_goes_out(
    screened, decided, reviewer, flaky_mail, mailoutbox
):
    backend = flaky_mail(2)
    decided(reviewer, screened(), decision="reject", rationale="Out of scope.")
    assert backend.attempts == 3
    assert len(mailoutbox) == 1


def test_mail_retries_are_bounded_and_never_undo_the_decision(
    screened, decided, reviewer, flaky_mail, mailoutbox
):
    backend = flaky_mail(100)
    application = screened()
    decided(reviewer, application, decision="reject", rationale="Out of scope.")
    assert backend.attempts == 1 + tasks.send_decision_mail.max_retries
    assert mailoutbox == []
    assert Application.objects.get(pk=application.pk).status == "rejected"


def test_sending_a_decision_mail_for_a_missing_decision_sends_nothing(mailoutbox):
    assert tasks.send_decision_mail(999_999) == 0
    assert mailoutbox == []


# SLA: reviewers before, administrators after ----------------------------------------------


@pytest.fixture
def staff(make_account, dev_a, reviewer, reviewer2, admin, gateway):
    """Who could hear of an item: eligible reviewers and an admin, and those who must not."""
    insider = make_account("ivy@org-a-reviewer.example", role="reviewer")
    Membership.objects.create(user=insider, organization=dev_a.memberships.get().organization)
    squeamish = make_account("otto@provider.example", role="reviewer")
    accounts.opt_outs_set(actor=None, user=squeamish, opt_outs=["medical-health"])
    retired = make_account("rex@provider.example", role="reviewer")
    accounts.active_set(actor=None, user=retired, active=False)
    return {
        "eligible": sorted([reviewer.email, reviewer2.email, admin.email]),
        "refused": [insider, squeamish, retired, gateway, dev_a],
    }


@pytest.fixture
def notify(django_capture_on_commit_callbacks):
    """Runs the SLA service at `now`, and the mail tasks its commits enqueue."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return notifications.sla_notify(now=now)

    return run


def test_reviewers_who_may_review_an_item_are_warned_once_as_its_sla_nears(
    screened, staff, notify, mailoutbox
):
    application = screened(domains=["medical-health"])
    soon = application.sla_due_at - timedelta(hours=1)
    assert notify(soon) == {"nearing": 1, "breached": 0}
    assert sorted(m.to[0] for m in mailoutbox) == staff["eligible"]
    mail = mailoutbox[0]
    assert mail.subject.startswith(f"Review due soon: application #{application.pk}")
    for text in parts(mail):
        assert f"{SITE}/reviews/applications/{application.pk}/" in text
        assert f"{SITE}/reviews/" in text and "Medical and health" in text

    assert notify(soon + timedelta(minutes=30)) == {"nearing": 0, "breached": 0}
    assert len(mailoutbox) == 3
    assert SlaNotice.objects.filter(kind="nearing").count() == 1
    [event] = AuditEvent.objects.filter(action="sla.nearing")
    assert event.target_id == str(application.pk) and event.data["revision"] == 1


def test_an_item_far_from_its_sla_warns_nobody(screened, staff, notify, mailoutbox, settings):
    application = screened()
    early = application.sla_due_at - timedelta(hours=settings.REVIEW_SLA_WARNING_HOURS + 1)
    assert notify(early) == {"nearing": 0, "breached": 0}
    assert mailoutbox == [] and not SlaNotice.objects.exists()


def test_a_reviewer_who_decided_the_revision_is_not_warned_again(
    screened, decided, reviewer2, specialist, notify, mailoutbox
):
    application = screened(domains=["medical-health"])
    decided(reviewer2, application, decision="approve")
    mailoutbox.clear()
    notify(application.sla_due_at - timedelta(hours=1))
    assert [m.to[0] for m in mailoutbox] == [specialist.email]


def test_a_breach_is_told_to_every_active_admin_once_and_audited(
    screened, staff, admin, make_account, notify, mailoutbox
):
    second_admin = make_account("abe@provider.example", role="admin")
    former_admin = make_account("amy@provider.example", role="admin")
    accounts.active_set(actor=None, user=former_admin, active=False)
    application = screened()
    late = application.sla_due_at + timedelta(minutes=1)
    assert notify(late) == {"nearing": 0, "breached": 1}
    assert sorted(m.to[0] for m in mailoutbox) == [second_admin.email, admin.email]
    for text in parts(mailoutbox[0]):
        assert "still in review" in text
        assert f"{SITE}/reviews/applications/{application.pk}/" in text

    assert notify(late + timedelta(hours=1)) == {"nearing": 0, "breached": 0}
    assert len(mailoutbox) == 2
    assert SlaNotice.objects.filter(kind="breached").count() == 1
    assert (
        AuditEvent.objects.filter(action="sla.breached", target_id=str(application.pk)).count() == 1
    )


def test_decided_applications_are_not_warned_about(screened, decided, reviewer, notify, mailoutbox):
    application = screened()
    decided(reviewer, application, decision="approve")
    mailoutbox.clear()
    assert notify(application.sla_due_at + timedelta(minutes=1)) == {"nearing": 0, "breached": 0}
    assert mailoutbox == []


def test_a_resubmitted_revision_is_warned_about_again(
    screened, decided, dev_a, reviewer, notify, mailoutbox, django_capture_on_commit_callbacks
):
    application = screened()
    notify(application.sla_due_at - timedelta(hours=1))
    decided(reviewer, application, decision="request_changes", rationale="Say more.")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.application_submit(actor=dev_a, application=application)
    application.refresh_from_db()
    mailoutbox.clear()
    assert notify(application.sla_due_at - timedelta(hours=1)) == {"nearing": 1, "breached": 0}
    assert [m.to[0] for m in mailoutbox] == [reviewer.email]
    assert SlaNotice.objects.filter(kind="nearing").count() == 2


def test_a_notice_whose_application_was_decided_before_its_mail_went_out_sends_nothing(
    screened, decided, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    application = screened()
    with django_capture_on_commit_callbacks(execute=False):  # the mail task not run yet
        notifications.sla_notify(now=application.sla_due_at - timedelta(hours=1))
    decided(reviewer, application, decision="approve")
    mailoutbox.clear()
    assert tasks.send_sla_mail(SlaNotice.objects.get().pk) == 0
    assert mailoutbox == []


def test_the_periodic_task_notifies_through_celery(
    screened, reviewer, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.REVIEW_SLA_WARNING_HOURS = 24 * 30
    screened()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_sla.apply().get() == {"nearing": 1, "breached": 0}
    assert [m.to[0] for m in mailoutbox] == [reviewer.email]


def test_the_periodic_task_releases_idle_claims_with_an_audit_event(screened, reviewer):
    application = screened()
    claims.claim(reviewer=reviewer, application=application)
    Claim.objects.update(claimed_at=timezone.now() - timedelta(hours=2))
    assert tasks.release_idle_claims.apply().get() == 1
    assert not Claim.objects.exists()
    assert (
        AuditEvent.objects.filter(action="claim.expired", target_id=str(application.pk)).count()
        == 1
    )


# Two beats at once (PostgreSQL: real row locks) -------------------------------------------


@pytest.fixture
def project_celery_app():
    """Shared tasks run on Celery's current app: make it the project's (eager) one again, as
    a Celery() made by an earlier test (tests/config) takes that place."""
    app.set_current()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_racing_send_each_notice_once(
    project_celery_app, default_policy, dev_a, reviewer, admin, mailoutbox
):
    application = lifecycle.application_create(
        actor=dev_a, organization=dev_a.memberships.get().organization, content=BENIGN
    )
    lifecycle.application_submit(actor=dev_a, application=application)  # screened on commit
    application.refresh_from_db()
    soon = application.sla_due_at - timedelta(hours=1)
    results = at_once(*[lambda: notifications.sla_notify(now=soon) for _ in range(4)])
    assert sum(r["nearing"] for r in results) == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([reviewer.email, admin.email])
    assert SlaNotice.objects.count() == 1
    assert AuditEvent.objects.filter(action="sla.nearing").count() == 1
