"""Mail about reviews: the applicant hears of every decision; reviewers hear of items nearing
their SLA, administrators of each breach.

Mail goes out from Celery tasks (reviews/tasks.py), published after the commit of what it
tells about and bounded like approvals.lifecycle.enqueue_screening: a broker outage never
fails or hangs the caller. Applicants read "Reviewer", never who: the applicant's templates
are given plain values, never the decision or its reviewer.
"""

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role, User
from approvals.models import Application, Domain, Grant
from audit.services import record

from . import eligibility
from .models import Decision, SlaNotice

log = logging.getLogger(__name__)
K = Decision.Kind
IN_REVIEW = Application.Status.IN_REVIEW
NEARING, BREACHED = SlaNotice.Kind.NEARING.value, SlaNotice.Kind.BREACHED.value

OUTCOMES = {  # what the applicant's subject line says
    "approved": "approved",
    "approval_recorded": "one approval recorded, more review needed",
    "rejected": "rejected",
    "changes_requested": "changes requested",
}
LIMIT_LABELS = {
    "requests_per_minute": "Requests per minute",
    "tokens_per_minute": "Tokens per minute",
    "monthly_tokens": "Monthly tokens",
}


# Links: literal paths, since the reviewer's application page lives in another module.


def site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def portal_link(application_id: int) -> str:
    return site(f"/portal/applications/{application_id}/")


def review_link(application_id: int) -> str:
    return site(f"/reviews/applications/{application_id}/")


# Publishing and sending.


def publish(task_name: str, object_id: int) -> None:
    """Never raises or hangs (CELERY_BROKER_* bound the connection). A decision mail lost to
    a broker outage is sent by decision_mail_sweep (Decision.mailed_at is the outbox mark).
    The task is found by name in Celery's registry, so nothing here imports a tasks module
    (which imports this module)."""
    try:
        current_app.tasks[task_name].apply_async(args=[object_id], retry=False)
    except Exception:  # any broker failure, or in eager mode the task's own, after retries
        log.exception("%s(%s) did not go out; run it again by hand", task_name, object_id)


def enqueue(task_name: str, object_id: int) -> None:
    """Publishes the mail task reviews.<task_name> (reviews/tasks.py, reviews/access/tasks.py)
    for one object."""
    publish(f"reviews.{task_name}", object_id)


def send(template: str, subject: str, context: dict, recipients: list[str]) -> int:
    """One message per recipient (nobody learns the others' addresses), over one connection.
    A failure raises for the task to retry, so a retry may repeat an early recipient's mail:
    at least once, never silently lost."""
    text = render_to_string(f"mail/{template}.txt", context)
    html = render_to_string(f"mail/{template}.html", context)
    messages = []
    for address in recipients:
        message = EmailMultiAlternatives(subject=subject, body=text, to=[address])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _subject(prefix: str, application: Application) -> str:
    title = " ".join(application.title.split())  # a header is one line
    return f"{prefix}: application #{application.pk} \u201c{title}\u201d"


subject = _subject  # for the other mail modules (reviews/conversation/mail.py)


# The applicant, on every decision.


def enqueue_decision_mail(decision_id: int) -> None:
    """Called on commit of a decision: tells the applicant (task: send_decision_mail)."""
    enqueue("send_decision_mail", decision_id)


def send_decision_mail(decision_id: int) -> int:
    """Mails every active developer of the applicant organization; returns how many."""
    decision = Decision.objects.select_related("application").filter(pk=decision_id).first()
    if decision is None or decision.mailed_at is not None:
        return 0  # a redelivered or repeated task sends nothing twice
    context = decision_context(decision)
    subject = _subject(OUTCOMES[context["outcome"]].capitalize(), decision.application)
    sent = send("decision", subject, context, applicants(decision.application))
    Decision.objects.filter(pk=decision.pk, mailed_at__isnull=True).update(mailed_at=timezone.now())
    return sent


def unmailed(model, *, older_than: timedelta) -> list[int]:
    """Ids of rows (a `mailed_at` and a `created_at`) whose mail has not gone out after
    `older_than`, from the last 7 days, 500 at most: what a sweep publishes again."""
    now = timezone.now()
    return list(
        model.objects.filter(
            mailed_at__isnull=True,
            created_at__lt=now - older_than,
            created_at__gt=now - timedelta(days=7),
        ).values_list("pk", flat=True)[:500]
    )


def decision_mail_sweep(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Publishes again the decision mails not sent yet (their task was lost, or never left
    because the broker was down); returns how many."""
    pending = unmailed(Decision, older_than=older_than)
    for decision_id in pending:
        enqueue_decision_mail(decision_id)
    return len(pending)


def applicants(application: Application) -> list[str]:
    return list(
        User.objects.filter(
            memberships__organization_id=application.organization_id,
            is_active=True,
            role=Role.DEVELOPER,
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def decision_context(decision: Decision) -> dict:
    """Plain values only: the reviewer is not within reach of the templates."""
    outcome, grant = _outcome_of(decision)
    application = decision.application
    context = {
        "outcome": outcome,
        "application_id": application.pk,
        "title": application.title,
        "rationale": decision.rationale,
        "conditions": list(decision.conditions),
        "clauses": _clauses(decision) if outcome == "rejected" else [],
        "link": portal_link(application.pk),
        "grant": None,
    }
    if grant is not None:
        context["conditions"] = list(grant.conditions)  # every approval's, the general first
        context["grant"] = {
            "models": grant.model_names,
            "endpoints": grant.endpoints,
            "limits": limits_shown(grant.limits),
            "expires_at": grant.expires_at,
        }
    return context


def _outcome_of(decision: Decision) -> tuple[str, Grant | None]:
    """An approval is the final one when the grant exists and no approval of the revision
    came after it (decisions on one application are serialized by its row lock, so their
    ids follow their order). Read from rows, not the status: the mail may go out late."""
    if decision.decision == K.REJECT:
        return "rejected", None
    if decision.decision == K.REQUEST_CHANGES:
        return "changes_requested", None
    grant = Grant.objects.filter(application_id=decision.application_id).first()
    later = Decision.objects.filter(
        revision_id=decision.revision_id, decision=K.APPROVE, pk__gt=decision.pk
    ).exists()
    return ("approved", grant) if grant is not None and not later else ("approval_recorded", None)


def _clauses(decision: Decision) -> list[dict]:
    """Decisions cite clauses of the policy current when they were made: the newest published
    name of each slug."""
    names = dict(
        Domain.objects.filter(slug__in=decision.clauses, policy__status="published")
        .order_by("policy__number")
        .values_list("slug", "name")
    )
    return [{"slug": slug, "name": names.get(slug, slug)} for slug in decision.clauses]


def limits_shown(limits: dict) -> list[tuple[str, str]]:
    return [(label, f"{limits[name]:,}") for name, label in LIMIT_LABELS.items() if name in limits]


# Reviewers before an SLA runs out, administrators after.
#
# Each notice is claimed in its own transaction: the application's row is locked with
# SKIP LOCKED (a racing beat, or a reviewer deciding it right now, is passed over, not waited
# for) and the SlaNotice is created with get_or_create under its unique (revision, kind), so a
# notice exists at most once; the audit event is written with it. The mail is published on
# commit, as a task taking the notice's id: no mail for a notice that rolled back, no SMTP
# round trips while the row and the audit chain are locked, and the task retries a failing
# mail server with backoff. The price: a notice whose mail exhausts its retries stays sent
# (logged), which we prefer to a second beat warning everyone again.


def sla_notify(now: datetime | None = None) -> dict[str, int]:
    """Notices due now: nearing (within REVIEW_SLA_WARNING_HOURS) and breached. Idempotent."""
    now = now or timezone.now()
    windows = {
        NEARING: Q(
            sla_due_at__gte=now,
            sla_due_at__lte=now + timedelta(hours=settings.REVIEW_SLA_WARNING_HOURS),
        ),
        BREACHED: Q(sla_due_at__lt=now),
    }
    return {
        kind: sum(
            _notice(application_id=pk, kind=kind, window=window) for pk in _unnoticed(kind, window)
        )
        for kind, window in windows.items()
    }


def _unnoticed(kind: str, window: Q) -> list[int]:
    """Applications in review within `window` whose latest revision has no `kind` notice."""
    latest = dict(
        Application.objects.filter(window, status=IN_REVIEW)
        .annotate(latest_revision_id=Max("revisions__id"))  # revisions only grow
        .order_by("sla_due_at", "pk")
        .values_list("pk", "latest_revision_id")
    )
    noticed = set(
        SlaNotice.objects.filter(kind=kind, revision_id__in=latest.values()).values_list(
            "revision_id", flat=True
        )
    )
    return [pk for pk, revision_id in latest.items() if revision_id not in noticed]


def _notice(*, application_id: int, kind: str, window: Q) -> bool:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(skip_locked=True)
            .filter(window, pk=application_id, status=IN_REVIEW)
            .first()
        )
        if application is None:  # locked by someone else now, or no longer due
            return False
        revision = application.latest_revision
        notice, created = SlaNotice.objects.get_or_create(revision=revision, kind=kind)
        if not created:
            return False
        record(
            actor=None,
            actor_label="system",
            action=f"sla.{kind}",
            target_type="application",
            target_id=application.pk,
            data={
                "revision": revision.number,
                "route": application.route_name,
                "sla_due_at": application.sla_due_at,
            },
        )
        transaction.on_commit(lambda: enqueue_sla_mail(notice.pk))
    return True


def enqueue_sla_mail(notice_id: int) -> None:
    enqueue("send_sla_mail", notice_id)


def send_sla_mail(notice_id: int) -> int:
    """Mails a notice's recipients; nothing once the application has left review (a retry
    that comes late has nothing left to hurry)."""
    notice = (
        SlaNotice.objects.select_related("revision__application__organization")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        return 0
    application = notice.revision.application
    if application.status != IN_REVIEW or application.latest_revision != notice.revision:
        return 0
    if notice.kind == NEARING:
        return send(
            "sla_nearing",
            _subject("Review due soon", application),
            _sla_context(application),
            _reviewers_to_warn(application),
        )
    return send(
        "sla_breached", _subject("Review overdue", application), _sla_context(application), admins()
    )


def _reviewers_to_warn(application: Application) -> list[str]:
    """Active reviewers and administrators who may review it (eligibility.refusal) and have
    not decided this revision yet: the people the queue shows it to."""
    decided = set(
        Decision.objects.filter(revision=application.latest_revision).values_list(
            "reviewer_id", flat=True
        )
    )
    staff = (
        User.objects.filter(is_active=True, role__in=[Role.REVIEWER, Role.ADMIN])
        .exclude(pk__in=decided)
        .prefetch_related("memberships")
        .order_by("email")
    )
    return [
        user.email
        for user in staff
        if eligibility.refusal(
            user,
            application,
            member_org_ids={m.organization_id for m in user.memberships.all()},
        )
        is None
    ]


def admins() -> list[str]:
    return list(
        User.objects.filter(is_active=True, role=Role.ADMIN)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _sla_context(application: Application) -> dict:
    held = getattr(application, "claim", None)
    return {
        "application_id": application.pk,
        "title": application.title,
        "organization": application.organization.name,
        "route": application.route_name.replace("_", " "),
        "flagged_domains": application.flagged_domains,
        "sla_due_at": application.sla_due_at,
        "claimed_by": held.reviewer.email if held else "",
        "link": review_link(application.pk),
        "queue_link": site("/reviews/"),
    }
