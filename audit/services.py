"""The one way to record an audit event."""

from django.db import transaction
from django.utils import timezone

from audit.anchor.keys import keyring

from .chain import event_hash, normalise
from .context import request_id as current_request_id
from .models import AuditEvent, ChainHead


def record(
    *,
    actor,
    action: str,
    target_type: str,
    target_id,
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head row is locked until that transaction ends, so concurrent writers append
    one after another and the chain never forks; a rolled-back transaction leaves no link.
    Call it last in a service function, to hold the lock briefly.
    """
    ring = keyring()  # HMAC-SHA256 under AUDIT_CHAIN_KEY when it is set
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        actor = actor if getattr(actor, "is_authenticated", False) else None
        event = AuditEvent(
            id=head.last_id + 1,
            at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (actor.email if actor else ""),
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            data=normalise(data or {}),
            request_id=current_request_id.get(),
            key_id=ring.current_id,
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event, ring)
        event.save()
        head.last_id, head.last_hash = event.id, event.hash
        head.save(update_fields=["last_id", "last_hash"])
    return event
