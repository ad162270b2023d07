"""Reviewer decisions and the rules that turn them into an outcome.

N-of-M per route, distinct reviewers, a specialist for extra scrutiny, nobody from the
applicant's organization, escalations decided by administrators, one rejection ends it.
All of it is checked here, under the application's row lock, whoever calls.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import Conflict, InvalidInput, NotAllowed
from approvals import grants, lifecycle, routing
from approvals.models import Application
from approvals.policy import versions as policy
from approvals.policy.classifier.examples import example_from_decision
from approvals.policy.screening import Screening
from approvals.routing import POLICY_ESCALATION
from audit.services import record

from . import eligibility, notifications
from .claims import lock_in_review
from .models import Claim, Decision

K = Decision.Kind


def decide(
    *,
    reviewer,
    application: Application,
    decision: str,
    rationale: str = "",
    conditions=(),
    clauses=(),
    models=None,
    endpoints=None,
    limits=None,
) -> Decision:
    try:
        with transaction.atomic():
            made = _decide(
                reviewer=reviewer,
                application_id=application.pk,
                decision=decision,
                rationale=rationale.strip(),
                conditions=list(conditions),
                clauses=list(clauses),
                models=models,
                endpoints=endpoints,
                limits=limits,
            )
    except IntegrityError as exc:  # the unique (revision, reviewer) guard of a double submit
        raise Conflict("You have already decided this revision.", code="already_decided") from exc
    return made


def _decide(
    *, reviewer, application_id, decision, rationale, conditions, clauses, models, endpoints, limits
) -> Decision:
    application = lock_in_review(application_id)
    reason = eligibility.refusal(reviewer, application)
    if reason:
        raise NotAllowed(eligibility.REASONS[reason], code=reason)
    if not Claim.objects.filter(application=application, reviewer=reviewer).exists():
        raise Conflict("Claim the application before deciding it.", code="not_claimed")
    revision = application.latest_revision
    if Decision.objects.filter(revision=revision, reviewer=reviewer).exists():
        raise Conflict("You have already decided this revision.", code="already_decided")
    if decision in (K.REJECT, K.REQUEST_CHANGES) and not rationale:
        raise InvalidInput(
            "Say why.",
            code="rationale_required",
            extra={"rationale": ["Required to reject or request changes."]},
        )
    if decision == K.APPROVE and application.route_name == POLICY_ESCALATION and not rationale:
        raise InvalidInput(
            "Say why this is not the prohibited use it looked like.",
            code="rationale_required",
            extra={"rationale": ["Required to clear a suspected prohibited use."]},
        )
    unknown = sorted(set(clauses) - set(policy.current_domains().values_list("slug", flat=True)))
    if unknown:
        raise InvalidInput(
            "Cite clauses of the usage policy.",
            code="unknown_clause",
            extra={"clauses": [f"Unknown: {', '.join(unknown)}."]},
        )
    approvals = list(Decision.objects.filter(revision=revision, decision=K.APPROVE))
    terms = None
    if decision == K.APPROVE:
        terms = grants.narrowed(
            application, models=models, endpoints=endpoints, limits=limits, conditions=conditions
        )
        reason = eligibility.approval_refusal(reviewer, application, approvals)
        if reason:
            raise NotAllowed(eligibility.REASONS[reason], code=reason)
    made = Decision.objects.create(
        application=application,
        revision=revision,
        reviewer=reviewer,
        decision=decision,
        rationale=rationale,
        conditions=conditions,
        clauses=clauses,
        model_names=terms.models if terms else [],
        endpoints=terms.endpoints if terms else [],
        limits=terms.limits if terms else {},
        as_specialist=eligibility.is_specialist_for(reviewer, application),
    )
    application.decided_by = [*application.decided_by, reviewer.pk]  # the queue's own copy
    application.save(update_fields=["decided_by"])
    Claim.objects.filter(application=application).delete()  # a decision releases the claim
    record(
        actor=reviewer,
        action=f"decision.{decision}",
        target_type="application",
        target_id=application.pk,
        data={
            "revision": revision.number,
            "rationale": rationale,
            "conditions": conditions,
            "clauses": clauses,
            "terms": made.limits,
            "as_specialist": made.as_specialist,
        },
    )
    _outcome(reviewer, application, made, approvals)
    transaction.on_commit(lambda: notifications.enqueue_decision_mail(made.pk))
    return made


def _outcome(reviewer, application: Application, made: Decision, approvals: list) -> None:
    """Moves the application, and labels the revision for the classifier when the outcome
    says what it is (approvals/policy/classifier/examples.py)."""
    route = application.route_name
    if made.decision == K.REJECT:
        lifecycle.application_reject(
            actor=reviewer, application=application, rationale=made.rationale
        )
        _learn(reviewer, made.revision, "rejected", clauses=made.clauses, route=route)
    elif made.decision == K.REQUEST_CHANGES:
        lifecycle.application_request_changes(
            actor=reviewer, application=application, rationale=made.rationale
        )
    elif application.route_name == POLICY_ESCALATION:
        # An administrator's approval of an escalation clears the flag; review goes on.
        lifecycle.application_clear_escalation(
            actor=reviewer, application=application, rationale=made.rationale
        )
        _learn(reviewer, made.revision, "cleared", route=route)
    else:
        approvals = approvals + [made]
        enough = len({d.reviewer_id for d in approvals}) >= application.required_approvals
        if enough and not eligibility.needs_specialist(application, approvals):
            terms = grants.combined([_terms(d) for d in approvals])
            lifecycle.application_approve(actor=reviewer, application=application, terms=terms)
            _learn(reviewer, made.revision, "approved", route=route)


def escalation_next(application: Application, revision=None) -> routing.Route | None:
    """Where clearing an escalated application sends it: its screening without the
    prohibited matches, routed afresh (what lifecycle.application_clear_escalation does).
    None when the application is not an escalation. `revision`: the latest, if at hand."""
    if application.route_name != POLICY_ESCALATION:
        return None
    revision = revision or application.latest_revision
    if not (revision and revision.screening):
        return None
    result = Screening.from_dict(revision.screening).without_prohibited()
    return routing.route_for(result, submitted_at=timezone.now())


def _learn(reviewer, revision, outcome: str, *, clauses=(), route: str = "") -> None:
    example_from_decision(
        actor=reviewer, revision=revision, outcome=outcome, clauses=clauses, route=route
    )


def _terms(decision: Decision) -> grants.GrantTerms:
    return grants.GrantTerms(
        models=decision.model_names,
        endpoints=decision.endpoints,
        limits=decision.limits,
        conditions=decision.conditions,
    )
