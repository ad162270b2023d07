"""Grant re-reviews: a campaign's items, and the re-reviews monitoring and policy changes open.
Who may decide one, what each decision does to the grant, all in one place.

An item is decided once, with certify (the grant stays as it is), reduce (its models,
endpoints or limits are narrowed) or revoke. An item that lapsed (its campaign's due date
passed and its grant was suspended) may still be decided: certify or reduce reinstate the
grant, so a late re-certification needs no administrator. Certify and reduce on an anomaly or
policy re-review also reinstate a grant suspended pending that review.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import Conflict, InvalidInput, NotAllowed, NotFound
from accounts.models import Role
from accounts.paging import capped_count
from approvals import grants as grant_terms
from approvals.keys.usage import UsedInPeriod, used_in_period_many
from approvals.models import Grant
from audit.services import record
from reviews import eligibility, notifications
from reviews.models import GrantReview

from . import eligible
from .reduction import Reduction, reduction_to_use

CERTIFY, REDUCE, REVOKE = "certify", "reduce", "revoke"
DECISIONS = (CERTIFY, REDUCE, REVOKE)
S = GrantReview.Status
DECIDED_AS = {CERTIFY: S.CERTIFIED, REDUCE: S.REDUCED, REVOKE: S.REVOKED}
DECIDABLE = eligible.DECIDABLE


def rereview_open(
    *,
    grant,
    kind: str,
    reason: str,
    details: dict | None = None,
    policy_number: int | None = None,
    actor=None,
) -> tuple[GrantReview, bool]:
    """Opens a re-review of `grant` outside a campaign (kind anomaly or policy), or returns
    the one already open of that kind (its details gain the new finding). Returns
    (item, created). Call inside the caller's transaction; an opening is audited here, a
    finding joined is in the caller's own event (anomaly.*, policy.grants_rescreened)."""
    if kind == GrantReview.Kind.CAMPAIGN:
        raise ValueError("Campaign items are opened by reviews.access.campaigns.")
    details = details or {}
    open_item = (
        GrantReview.objects.select_for_update()
        .filter(grant=grant, kind=kind, campaign__isnull=True, status=GrantReview.Status.OPEN)
        .first()
    )
    if open_item is not None:
        findings = open_item.details.setdefault("findings", [])
        findings.append({"reason": reason, **details})
        open_item.save(update_fields=["details"])
        return open_item, False
    try:
        with transaction.atomic():
            item = GrantReview.objects.create(
                grant=grant,
                kind=kind,
                reason=reason,
                policy_number=policy_number,
                details={**details, "findings": [{"reason": reason, **details}]},
            )
    except IntegrityError as exc:  # already opened for this policy version
        raise Conflict("This grant already has that re-review.", code="already_open") from exc
    record(
        actor=actor,
        actor_label="" if actor else "system",
        action="grant_review.opened",
        target_type="grant_review",
        target_id=item.pk,
        data={"grant": grant.pk, "kind": kind, "reason": reason, "policy_number": policy_number},
    )
    return item, True


# Who may decide.


def refusal(user, item: GrantReview, *, member_org_ids: set[int] | None = None) -> str | None:
    """Why `user` may not decide `item`, or None: as for applications (never the holder's own
    organization, never an opted-out domain, escalated use cases for admins only), and an
    extra-scrutiny grant is re-certified by a specialist of one of its domains."""
    application = item.grant.application
    why = eligibility.refusal(user, application, member_org_ids=member_org_ids)
    if (
        why is None
        and eligibility.needs_specialist(application, [])
        and not eligibility.is_specialist_for(user, application)
    ):
        return eligibility.SPECIALIST_REQUIRED
    return why


def waiting_count(user) -> tuple[int, bool]:
    """(count, exact) of the open items `user` may decide (refusal() in SQL), capped."""
    return capped_count(eligible.work_list(user, GrantReview.objects.filter(status=S.OPEN)))


def get_item_for(user, pk: int) -> GrantReview:
    """Reviewers and admins may read any item (a refusal is explained on the page, as for
    applications); anyone else gets 404."""
    if not user.has_role(Role.REVIEWER, Role.ADMIN):
        raise NotFound("No such access-review item.")
    item = (
        GrantReview.objects.select_related(
            "grant__application", "grant__organization", "campaign", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound("No such access-review item.")
    return item


def items_for(reviewer, items):
    """Of `items` (a queryset), those `reviewer` may decide now, as a queryset in
    eligible.MINE_ORDER: a specialist's own first, then the most urgent. The same rules as
    refusal(), in SQL (reviews/access/eligible.py)."""
    return (
        eligible.decidable(reviewer, items)
        .select_related("grant__application", "grant__organization", "campaign")
        .order_by(*eligible.MINE_ORDER)
    )


def work_list(reviewer, items) -> list:
    """items_for as tiers for a keyset page in eligible.ORDER (accounts.paging.keyset_tiers):
    the same rows, in the same order, without sorting them all."""
    return [
        part.select_related("grant__application", "grant__organization", "campaign")
        for part in eligible.work_list(reviewer, items)
    ]


# What was used, and the reduction to it (reviews/access/reduction.py).


def usage_period(item: GrantReview, now: datetime | None = None) -> tuple[datetime, datetime]:
    """A campaign item shows the campaign's period; a re-review the same length up to now."""
    if item.campaign_id:
        return item.campaign.period_start, item.campaign.created_at
    end = now or timezone.now()
    return end - timedelta(days=settings.CAMPAIGN_USAGE_DAYS), end


def usage_for(items) -> dict[int, UsedInPeriod]:
    """What each item's grant used in its period, by item id: two queries per period."""
    now, by_period = timezone.now(), {}
    for item in items:
        by_period.setdefault(usage_period(item, now), []).append(item)
    found = {}
    for (since, until), group in by_period.items():
        used = used_in_period_many([item.grant_id for item in group], since, until)
        found.update({item.pk: used[item.grant_id] for item in group})
    return found


@dataclass(frozen=True)
class Shown:
    """An item as the pages and the API present it: what was granted beside what was used."""

    item: GrantReview
    used: UsedInPeriod
    reduction: Reduction
    unremarkable: bool
    refusal: str | None
    grant_state: grant_terms.GrantState  # the grant's real state and why (the mailed reason)

    @property
    def may_decide(self) -> bool:
        return self.refusal is None and self.item.status in DECIDABLE


def shown(viewer, items) -> list[Shown]:
    items = list(items)
    usage = usage_for(items)
    members_of = set(viewer.memberships.values_list("organization_id", flat=True))
    states = grant_terms.grant_states({item.grant_id: item.grant for item in items}.values())
    result = []
    for item in items:
        since, until = usage_period(item)
        used = usage[item.pk]
        result.append(
            Shown(
                item=item,
                used=used,
                reduction=reduction_to_use(item.grant, used, since, until),
                unremarkable=is_unremarkable(item, used),
                refusal=refusal(viewer, item, member_org_ids=members_of),
                grant_state=states[item.grant_id],
            )
        )
    return result


def is_unremarkable(item: GrantReview, used: UsedInPeriod) -> bool:
    """Safe to certify in bulk: used, every call within scope, and no anomaly pending."""
    return (
        item.kind == GrantReview.Kind.CAMPAIGN
        and used.requests > 0
        and used.scope_denied == 0
        and item.grant.status == Grant.Status.ACTIVE
    )


# Deciding.


def item_decide(
    *,
    reviewer,
    item: GrantReview,
    decision: str,
    rationale: str = "",
    models=None,
    endpoints=None,
    limits=None,
) -> GrantReview:
    """Certify, reduce or revoke, under the item's row lock: 409 once decided, 403 for a
    reviewer who may not decide it, 400 for a reduction that widens or changes nothing and for
    a revocation without rationale. One transaction: the item, the grant, the audit events."""
    if decision not in DECISIONS:
        raise InvalidInput(
            "Unknown decision.", extra={"decision": [f"One of: {', '.join(DECISIONS)}."]}
        )
    rationale = (rationale or "").strip()
    if decision == REVOKE and not rationale:
        raise InvalidInput(
            "Say why the grant is revoked.",
            code="rationale_required",
            extra={"rationale": ["Required to revoke."]},
        )
    with transaction.atomic():
        item = (
            GrantReview.objects.select_for_update(of=("self",))
            .select_related("grant__application", "campaign")
            .get(pk=item.pk)
        )
        if item.status not in DECIDABLE:
            raise Conflict(
                f"This item is already {item.get_status_display().lower()}.", code="already_decided"
            )
        why = refusal(reviewer, item)
        if why:
            raise NotAllowed(eligibility.REASONS[why], code=why)
        grant = item.grant
        if grant.status in (Grant.Status.REVOKED, Grant.Status.EXPIRED):
            raise Conflict(
                f"The grant is {grant.status}; there is nothing left to decide.", code="grant_ended"
            )
        before = _terms(grant)
        reason = f"{item.get_kind_display()} #{item.pk}: {decision}"
        if decision == REVOKE:
            grant = grant_terms.grant_status_set(
                actor=reviewer, grant=grant, status="revoked", reason=f"{reason}. {rationale}"
            )
        else:
            if decision == REDUCE:
                if models is None and endpoints is None and not limits:
                    raise InvalidInput(
                        "Say what to reduce.",
                        code="nothing_to_reduce",
                        extra={"limits": ["Narrow models, endpoints or a limit."]},
                    )
                grant = grant_terms.grant_terms_reduce(
                    actor=reviewer,
                    grant=grant,
                    models=models,
                    endpoints=endpoints,
                    limits=limits,
                    reason=reason,
                )
                if {**_terms(grant), "status": None} == {**before, "status": None}:
                    raise InvalidInput(
                        "That reduction changes nothing: certify instead.",
                        code="nothing_to_reduce",
                        extra={"limits": ["Narrow models, endpoints or a limit."]},
                    )
            if grant.status == Grant.Status.SUSPENDED and _reinstates(item):
                grant = grant_terms.grant_status_set(
                    actor=reviewer, grant=grant, status="active", reason=reason
                )
        told = decision != CERTIFY or before["status"] != grant.status
        was = item.status
        item.status, item.decided_at, item.decided_by = (
            DECIDED_AS[decision],
            timezone.now(),
            reviewer,
        )
        item.rationale = rationale
        item.outcome = {"before": before, "after": _terms(grant)}
        item.mail_due_at = item.decided_at if told else None
        item.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "rationale",
                "outcome",
                "mail_due_at",
            ]
        )
        record(
            actor=reviewer,
            action="grant_review.decided",
            target_type="grant_review",
            target_id=item.pk,
            data={
                "grant": grant.pk,
                "decision": decision,
                "rationale": rationale,
                "was": was,
                **item.outcome,
            },
        )
        if told:  # the holder's developers hear of every change to their grant
            transaction.on_commit(lambda: notifications.enqueue("send_grant_review_mail", item.pk))
    return item


def _reinstates(item: GrantReview) -> bool:
    """A lapsed campaign item, or a re-review: the suspension was pending this review."""
    return item.status == S.LAPSED or item.kind != GrantReview.Kind.CAMPAIGN


def _terms(grant: Grant) -> dict:
    return {
        "status": grant.status,
        "models": list(grant.model_names),
        "endpoints": list(grant.endpoints),
        "limits": dict(grant.limits),
    }


def bulk_certify(*, reviewer, items, rationale: str = "") -> tuple[list[GrantReview], int]:
    """Certifies each of `items` this reviewer may decide and that is still open, in one
    transaction (one audit event each); returns (certified, skipped)."""
    certified, skipped = [], 0
    with transaction.atomic():
        for item in items:
            if item.status != S.OPEN:  # a lapsed item is re-certified one by one
                skipped += 1
                continue
            try:
                certified.append(
                    item_decide(reviewer=reviewer, item=item, decision=CERTIFY, rationale=rationale)
                )
            except (Conflict, NotAllowed):  # decided a moment ago, or not this reviewer's
                skipped += 1
    return certified, skipped
