"""Grants: the production access an approved application receives, and its terms."""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import InvalidInput
from approvals.keys import keystore
from audit.models import AuditEvent
from audit.services import record

from .models import Application, Grant

LIMIT_NAMES = ("requests_per_minute", "tokens_per_minute", "monthly_tokens")
GENERAL_CONDITION = (
    "The key may be used only for the use case approved; widening it is a new "
    "application that is reviewed again."
)


@dataclass(frozen=True)
class GrantTerms:
    models: list[str]
    endpoints: list[str]
    limits: dict[str, int]
    conditions: list[str] = field(default_factory=list)


def requested_terms(application: Application) -> GrantTerms:
    """What the application asked for. Tokens per minute is not asked for: it is the average
    monthly rate times a burst allowance (settings.GRANT_TOKEN_BURST)."""
    average = application.expected_monthly_tokens / (30 * 24 * 60)
    return GrantTerms(
        models=list(application.model_names),
        endpoints=list(application.endpoints),
        limits={
            "requests_per_minute": application.expected_requests_per_minute,
            "tokens_per_minute": math.ceil(average * settings.GRANT_TOKEN_BURST),
            "monthly_tokens": application.expected_monthly_tokens,
        },
    )


def narrowed(
    application: Application, *, models=None, endpoints=None, limits=None, conditions=()
) -> GrantTerms:
    """A reviewer's terms: within what the application asked for, never wider (400 naming
    the field otherwise). Anything not given stays as asked."""
    terms = within(
        requested_terms(application),
        models=models,
        endpoints=endpoints,
        limits=limits,
        outside="Not asked for",
        refusal=("The terms are wider than the application asked for.", "wider_than_asked"),
    )
    return GrantTerms(terms.models, terms.endpoints, terms.limits, list(conditions))


def within(
    bound: GrantTerms, *, models, endpoints, limits, outside: str, refusal: tuple[str, str]
) -> GrantTerms:
    """`bound` narrowed by what is given (None keeps a term as it is): a model, endpoint or
    limit beyond `bound`, or no model or endpoint left, is refused (400 naming the field;
    `outside` starts the scope errors, `refusal` is the detail and code)."""
    errors = {}
    for name, given, allowed in (
        ("models", models, bound.models),
        ("endpoints", endpoints, bound.endpoints),
    ):
        wider = sorted(set(given or ()) - set(allowed))
        if wider:
            errors[name] = [f"{outside}: {', '.join(wider)}."]
        elif given == []:
            errors[name] = ["Keep at least one."]
    merged = {**bound.limits, **{k: v for k, v in (limits or {}).items() if v is not None}}
    wider_limits = [k for k in LIMIT_NAMES if merged[k] > bound.limits[k]]
    if wider_limits:
        errors["limits"] = [f"{k} may not exceed {bound.limits[k]}." for k in wider_limits]
    if errors:
        raise InvalidInput(refusal[0], code=refusal[1], extra=errors)
    return GrantTerms(
        models=list(models or bound.models),
        endpoints=list(endpoints or bound.endpoints),
        limits={k: merged[k] for k in LIMIT_NAMES},
    )


def combined(all_terms: list[GrantTerms]) -> GrantTerms:
    """Every approval's narrowing applies: the intersection of scopes, the least of each
    limit, and every condition (the general one first)."""
    first = all_terms[0]
    models = [m for m in first.models if all(m in t.models for t in all_terms)]
    endpoints = [e for e in first.endpoints if all(e in t.endpoints for t in all_terms)]
    limits = {k: min(t.limits[k] for t in all_terms) for k in LIMIT_NAMES}
    conditions = [GENERAL_CONDITION]
    for terms in all_terms:
        conditions += [c for c in terms.conditions if c not in conditions]
    return GrantTerms(models=models, endpoints=endpoints, limits=limits, conditions=conditions)


def grant_issue(*, actor, application: Application, terms: GrantTerms) -> Grant:
    """Called inside the approval's transaction (approvals.lifecycle.application_approve)."""
    grant = Grant.objects.create(
        application=application,
        organization=application.organization,
        model_names=terms.models,
        endpoints=terms.endpoints,
        limits=terms.limits,
        conditions=terms.conditions,
        expires_at=timezone.now() + timedelta(days=settings.GRANT_LIFETIME_DAYS),
    )
    record(
        actor=actor,
        action="grant.issued",
        target_type="grant",
        target_id=grant.pk,
        data={
            "application": application.pk,
            "models": terms.models,
            "endpoints": terms.endpoints,
            "limits": terms.limits,
            "conditions": terms.conditions,
            "expires_at": grant.expires_at,
        },
    )
    return grant


def grant_status_set(*, actor, grant: Grant, status: str, reason: str) -> Grant:
    """Suspends, reinstates, revokes or expires a grant; every key's verifier record follows
    as soon as the change commits."""
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("organization").get(pk=grant.pk)
        before = grant.status
        if before == status:
            return grant
        if status not in Grant.Status.values or before in (
            Grant.Status.REVOKED,
            Grant.Status.EXPIRED,
        ):
            raise InvalidInput(f"A {before} grant cannot become {status}.", code="invalid_status")
        grant.status = status
        grant.save(update_fields=["status"])
        record(
            actor=actor,
            action=f"grant.{status}",
            target_type="grant",
            target_id=grant.pk,
            data={"before": {"status": before}, "after": {"status": status}, "reason": reason},
        )
        keys = list(grant.keys.select_related("grant__organization"))
        transaction.on_commit(lambda: keystore.publish(keys))
    return grant


def grant_terms_reduce(
    *, actor, grant: Grant, models=None, endpoints=None, limits=None, reason: str
) -> Grant:
    """Narrows a grant's models, endpoints and limits (an access review's "reduce"): never
    wider than it is (400 naming the field), at least one model and endpoint kept. Audited,
    and every key's verifier record follows on commit."""
    with transaction.atomic():
        grant = Grant.objects.select_for_update().select_related("organization").get(pk=grant.pk)
        if grant.status in (Grant.Status.REVOKED, Grant.Status.EXPIRED):
            raise InvalidInput(f"A {grant.status} grant cannot change.", code="invalid_status")
        kept = within(
            GrantTerms(grant.model_names, grant.endpoints, grant.limits),
            models=models,
            endpoints=endpoints,
            limits=limits,
            outside="Not granted",
            refusal=("A reduction cannot widen the grant.", "wider_than_granted"),
        )
        before = {"models": grant.model_names, "endpoints": grant.endpoints, "limits": grant.limits}
        grant.model_names = [m for m in grant.model_names if m in kept.models]
        grant.endpoints = [e for e in grant.endpoints if e in kept.endpoints]
        grant.limits = kept.limits
        grant.save(update_fields=["model_names", "endpoints", "limits"])
        after = {"models": grant.model_names, "endpoints": grant.endpoints, "limits": grant.limits}
        record(
            actor=actor,
            action="grant.reduced",
            target_type="grant",
            target_id=grant.pk,
            data={"before": before, "after": after, "reason": reason},
        )
        keys = list(grant.keys.select_related("grant__organization"))
        transaction.on_commit(lambda: keystore.publish(keys))
    return grant


# --- a grant's state as people are shown it ----------------------------------------------


@dataclass(frozen=True)
class GrantState:
    """Whether a grant's keys work, and if not, why: the reason recorded with the change,
    which is the reason its developers were mailed (a lapsed review, monitoring, a decision)."""

    status: str  # active | suspended | revoked | expired (past its end date counts)
    reason: str = ""
    since: datetime | None = None

    @property
    def live(self) -> bool:
        return self.status == Grant.Status.ACTIVE

    @property
    def label(self) -> str:
        return Grant.Status(self.status).label


def grant_states(grants) -> dict[int, GrantState]:
    """Each grant's state by id, with the reason of the change that stopped it: one query."""
    now, grants = timezone.now(), list(grants)
    states = {}
    for grant in grants:
        if grant.status == Grant.Status.ACTIVE and grant.expires_at <= now:
            ended = f"The grant reached its end date, {grant.expires_at:%Y-%m-%d %H:%M} UTC."
            states[grant.pk] = GrantState(Grant.Status.EXPIRED, ended, grant.expires_at)
        else:
            states[grant.pk] = GrantState(grant.status)
    stopped = {g.pk: g.status for g in grants if states[g.pk].status == g.status != "active"}
    if stopped:
        events = AuditEvent.objects.filter(
            target_type="grant",
            target_id__in=[str(pk) for pk in stopped],
            action__in=[f"grant.{status}" for status in set(stopped.values())],
        ).order_by("-id")
        for event in events.only("target_id", "action", "data", "at"):
            pk = int(event.target_id)
            if event.action == f"grant.{stopped[pk]}" and not states[pk].since:
                states[pk] = GrantState(stopped[pk], (event.data or {}).get("reason", ""), event.at)
    return states


def grant_state(grant: Grant) -> GrantState:
    return grant_states([grant])[grant.pk]
