"""Grant re-reviews: a campaign's items, and the re-reviews monitoring and policy changes open.
Who may decide one, what each decision does to the grant, all in one place."""

from django.db import IntegrityError, transaction

from accounts.errors import Conflict
from audit.services import record

from .models import GrantReview


def rereview_open(*, grant, kind: str, reason: str, details: dict | None = None,
                  policy_number: int | None = None, actor=None) -> tuple[GrantReview, bool]:
    """Opens a re-review of `grant` outside a campaign (kind anomaly or policy), or returns
    the one already open of that kind (its details gain the new finding). Returns
    (item, created). Call inside the caller's transaction; audited."""
    if kind == GrantReview.Kind.CAMPAIGN:
        raise ValueError("Campaign items are opened by reviews.campaigns.")
    details = details or {}
    open_item = (GrantReview.objects.select_for_update()
                 .filter(grant=grant, kind=kind, campaign__isnull=True,
                         status=GrantReview.Status.OPEN).first())
    if open_item is not None:
        findings = open_item.details.setdefault("findings", [])
        findings.append({"reason": reason, **details})
        open_item.save(update_fields=["details"])
        return open_item, False
    try:
        with transaction.atomic():
            item = GrantReview.objects.create(
                grant=grant, kind=kind, reason=reason, policy_number=policy_number,
                details={**details, "findings": [{"reason": reason, **details}]})
    except IntegrityError as exc:  # already opened for this policy version
        raise Conflict("This grant already has that re-review.", code="already_open") from exc
    record(actor=actor, action="grant_review.opened", target_type="grant_review",
           target_id=item.pk, data={"grant": grant.pk, "kind": kind, "reason": reason,
                                    "policy_number": policy_number})
    return item, True
