"""Every status change of an application, each in one place.

Each transition locks the application's row, checks the current status, changes it, and
writes one audit event, all in one transaction; an illegal move raises IllegalTransition
(HTTP 409). Reviewer decisions arrive with the review queue.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict
from accounts.readiness import ensure_ready_to_submit
from approvals.policy import screening
from approvals.policy import versions as policy
from approvals.policy.classifier import versions as classifiers
from audit.services import record

from . import grants, routing
from .models import CONTENT_FIELDS, Application, Audience, Revision

log = logging.getLogger(__name__)
S = Application.Status

EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED}
WITHDRAWABLE = {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED}


class IllegalTransition(Conflict):
    code = "illegal_transition"


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _require(application: Application, allowed: set, action: str) -> None:
    if application.status not in allowed:
        raise IllegalTransition(
            f"Cannot {action} an application that is {application.get_status_display().lower()}.",
            extra={"status": application.status},
        )


def content_of(application: Application) -> dict:
    return {api: getattr(application, attr) for api, attr in CONTENT_FIELDS.items()}


def content_shown(content: dict) -> dict:
    """The content with the audience's label, for pages."""
    return {**content, "audience_label": Audience(content["audience"]).label}


def _record(actor, application: Application, action: str, data: dict) -> None:
    record(
        actor=actor,
        action=f"application.{action}",
        target_type="application",
        target_id=application.pk,
        data={"status": application.status, **data},
    )


@transaction.atomic
def application_create(*, actor, organization, content: dict) -> Application:
    application = Application(organization=organization, created_by=actor)
    for api, value in content.items():
        setattr(application, CONTENT_FIELDS[api], value)
    application.save()
    _record(actor, application, "created", {"after": content_of(application)})
    return application


@transaction.atomic
def application_update(*, actor, application: Application, changes: dict) -> Application:
    application = _locked(application)
    _require(application, EDITABLE, "edit")
    before = content_of(application)
    for api, value in changes.items():
        setattr(application, CONTENT_FIELDS[api], value)
    after = content_of(application)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        application.save()
        _record(
            actor,
            application,
            "updated",
            {
                "before": {k: before[k] for k in sorted(changed)},
                "after": {k: after[k] for k in sorted(changed)},
            },
        )
    return application


@transaction.atomic
def application_submit(*, actor, application: Application) -> Revision:
    """Freezes a revision and queues its screening; the status leaves `submitted` when the
    screening task runs (or the sweep, if the broker was down)."""
    ensure_ready_to_submit(actor)
    application = _locked(application)
    _require(application, EDITABLE, "submit")
    number = application.revisions.count() + 1
    revision = Revision.objects.create(
        application=application, number=number, content=content_of(application), submitted_by=actor
    )
    application.status, application.route_name, application.sla_due_at = S.SUBMITTED, "", None
    application.current_revision, application.decided_by = revision, []
    application.save(
        update_fields=[
            "status",
            "route_name",
            "sla_due_at",
            "current_revision",
            "decided_by",
            "updated_at",
        ]
    )
    _record(actor, application, "submitted", {"revision": number})
    transaction.on_commit(lambda: enqueue_screening(application.pk))
    return revision


def enqueue_screening(application_id: int) -> None:
    """Publishing must never fail or hang the request: with the broker down, the periodic
    sweep screens the application instead (the row in PostgreSQL is the truth)."""
    try:  # by name: approvals/tasks.py imports this module
        current_app.tasks["approvals.screen_application"].apply_async(
            args=[application_id], retry=False
        )
    except Exception:  # any broker failure; the sweep recovers
        log.warning("could not queue screening of application %s; the sweep will", application_id)


@transaction.atomic
def application_screen(*, application_id: int) -> Application:
    """Screens the latest revision with the current policy and routes it. Idempotent: an
    application no longer `submitted` is left as it is."""
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.status != S.SUBMITTED:
        return application
    revision = application.latest_revision
    current = policy.current_policy()
    result = _screened(policy.compiled(current), revision)
    route = routing.route_for(result, submitted_at=revision.submitted_at)
    revision.policy, revision.screening = current, result.as_dict()
    revision.route, revision.screened_at = route.as_dict() if route else None, timezone.now()
    revision.save()
    application.flagged_domains = result.matched_domains
    if route is None:
        application.status = S.AUTO_REJECTED
        application.save(update_fields=["status", "flagged_domains", "updated_at"])
    else:
        application.status = S.IN_REVIEW
        _set_route(application, route)
    record(
        actor=None,
        actor_label="screening",
        action="application.screened",
        target_type="application",
        target_id=application.pk,
        data={
            "status": application.status,
            "revision": revision.number,
            "policy_version": current.number,
            "classifier_version": result.classifier_version,
            "outcome": result.outcome,
            "route": route.name if route else None,
            "domains": result.matched_domains,
        },
    )
    return application


def _screened(compiled, revision: Revision) -> screening.Screening:
    """Rules and the current classifier; the rules alone, saying why, when it is missing or
    fails: never a silent pass, never an error that keeps the application in `submitted`."""
    texts, declared = screening.texts_of(revision.content), revision.content["domains"]
    classifier, note = classifiers.screener()
    try:
        return screening.screen(
            compiled, texts=texts, declared=declared, classifier=classifier, note=note
        )
    except classifiers.Unavailable as exc:
        log.error("classifier failed on revision %s: %s", revision.pk, exc)
        note = f"The classifier failed ({exc}): the rules alone screened this."
        return screening.screen(compiled, texts=texts, declared=declared, note=note)


ROUTE_FIELDS = [
    "route_name",
    "sla_due_at",
    "specialist_domains",
    "required_approvals",
    "flagged_domains",
    "status",
    "updated_at",
]


def _set_route(application: Application, route: routing.Route) -> None:
    application.route_name, application.sla_due_at = route.name, route.sla_due_at
    application.specialist_domains = route.specialist_domains
    application.required_approvals = route.required_approvals
    application.save(update_fields=ROUTE_FIELDS)


@transaction.atomic
def application_withdraw(*, actor, application: Application) -> Application:
    application = _locked(application)
    _require(application, WITHDRAWABLE, "withdraw")
    before = application.status
    application.status = S.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    _record(actor, application, "withdrawn", {"before": {"status": before}})
    return application


def stuck_submitted_ids(*, older_than_seconds: int) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Application.objects.filter(status=S.SUBMITTED, updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:500]
    )


# Reviewers' outcomes. The review queue (reviews/) decides *whether* enough has been said;
# these functions make the move and record it.


def _in_review(application: Application, action: str) -> Application:
    application = _locked(application)
    _require(application, {S.IN_REVIEW}, action)
    return application


@transaction.atomic
def application_approve(*, actor, application: Application, terms: "grants.GrantTerms"):
    application = _in_review(application, "approve")
    application.status = S.APPROVED
    application.save(update_fields=["status", "updated_at"])
    _record(actor, application, "approved", {"revision": application.latest_revision.number})
    return grants.grant_issue(actor=actor, application=application, terms=terms)


@transaction.atomic
def application_reject(*, actor, application: Application, rationale: str) -> Application:
    application = _in_review(application, "reject")
    application.status = S.REJECTED
    application.save(update_fields=["status", "updated_at"])
    _record(actor, application, "rejected", {"rationale": rationale})
    return application


@transaction.atomic
def application_request_changes(*, actor, application: Application, rationale: str) -> Application:
    application = _in_review(application, "request changes to")
    application.status = S.CHANGES_REQUESTED
    application.save(update_fields=["status", "updated_at"])
    _record(actor, application, "changes_requested", {"rationale": rationale})
    return application


@transaction.atomic
def application_clear_escalation(
    *, actor, application: Application, rationale: str = ""
) -> Application:
    """An administrator found no prohibited use: the application goes on to ordinary review,
    routed as if the prohibited clauses had not matched. The audit keeps why."""
    application = _in_review(application, "clear the flag of")
    if application.route_name != routing.POLICY_ESCALATION:
        raise IllegalTransition("Only an escalated application has a flag to clear.")
    revision = application.latest_revision
    result = screening.Screening.from_dict(revision.screening).without_prohibited()
    route = routing.route_for(result, submitted_at=timezone.now())
    _set_route(application, route)
    _record(actor, application, "escalation_cleared", {"route": route.name, "rationale": rationale})
    return application
