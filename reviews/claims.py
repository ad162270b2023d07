"""Claims: one reviewer looks at an application at a time."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.errors import Conflict, NotAllowed
from approvals.models import Application
from audit.services import record

from . import eligibility, queue
from .models import Claim, Decision


def _record(actor, application, action, **data):
    record(
        actor=actor,
        action=f"claim.{action}",
        target_type="application",
        target_id=application.pk,
        data=data,
    )


def lock_in_review(application_id: int) -> Application:
    application = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
    if application.status != Application.Status.IN_REVIEW:
        raise Conflict("This application is not in review.", code="not_in_review")
    return application


def _claimable(reviewer, application: Application) -> None:
    reason = eligibility.refusal(reviewer, application)
    if reason:
        raise NotAllowed(eligibility.REASONS[reason], code=reason)
    if Decision.objects.filter(revision=application.latest_revision, reviewer=reviewer).exists():
        raise Conflict("You have already decided this revision.", code="already_decided")


@transaction.atomic
def claim(*, reviewer, application: Application) -> Claim:
    application = lock_in_review(application.pk)
    _claimable(reviewer, application)
    held = Claim.objects.filter(application=application).first()
    if held and held.reviewer_id != reviewer.pk:
        raise Conflict("Another reviewer holds this application.", code="claimed")
    if held:
        return held
    taken = Claim.objects.create(application=application, reviewer=reviewer)
    _record(reviewer, application, "taken")
    return taken


@transaction.atomic
def release(*, reviewer, application: Application) -> None:
    Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    deleted, _ = Claim.objects.filter(application=application, reviewer=reviewer).delete()
    if not deleted:
        raise Conflict("You do not hold this application.", code="not_claimed")
    _record(reviewer, application, "released")


@transaction.atomic
def claim_next(*, reviewer) -> Claim | None:
    """Claims the most urgent unclaimed item this reviewer may decide, releasing the one they
    held; rows other reviewers are claiming at this moment are skipped, not waited for. One
    SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1 per rank (two at most), in the queue's order."""
    unclaimed = queue.reviewable(reviewer, claimed=False)
    for tier in queue.tiers(reviewer, unclaimed):
        application = (
            tier.select_for_update(skip_locked=True, of=("self",)).order_by(*queue.ORDER).first()
        )
        if application is not None:
            _release_held(reviewer)
            taken = Claim.objects.create(application=application, reviewer=reviewer)
            _record(reviewer, application, "taken", next_item=True)
            return taken
    return None  # nothing else to take: the reviewer keeps what they hold


def _release_held(reviewer) -> None:
    """Taking the next item lets go of the one held, so a reviewer never sits on several."""
    for held in (
        Claim.objects.select_for_update(of=("self",))
        .filter(reviewer=reviewer)
        .select_related("application")
    ):
        held.delete()
        _record(reviewer, held.application, "released", next_item=True)


def release_idle() -> int:
    """Releases claims held longer than REVIEW_CLAIM_IDLE_MINUTES; each release is audited."""
    cutoff = timezone.now() - timedelta(minutes=settings.REVIEW_CLAIM_IDLE_MINUTES)
    released = 0
    for claim_id in Claim.objects.filter(claimed_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            stale = (
                Claim.objects.select_for_update(skip_locked=True)
                .filter(pk=claim_id, claimed_at__lt=cutoff)
                .select_related("application")
                .first()
            )
            if stale is None:
                continue
            stale.delete()
            record(
                actor=None,
                actor_label="system",
                action="claim.expired",
                target_type="application",
                target_id=stale.application_id,
                data={"reviewer": stale.reviewer_id, "claimed_at": stale.claimed_at},
            )
            released += 1
    return released
