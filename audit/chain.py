"""The hash chain: how an event's hash is computed and how the whole chain is checked."""

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


def canonical_json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def normalise(data: dict) -> dict:
    """What the JSON column gives back, so the hash is the same before and after storage."""
    return json.loads(canonical_json(data))


def event_hash(event: AuditEvent) -> str:
    body = canonical_json({
        "id": event.id,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    })
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_bad_id: int | None


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walks every event in order: each must follow the previous one by id, link to its hash
    and hash to what it says; the last must be the one the chain head remembers."""
    expected_id, prev = 1, GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        checked += 1
        if event.id != expected_id or event.prev_hash != prev or event_hash(event) != event.hash:
            return ChainReport(ok=False, events_checked=checked, first_bad_id=event.id)
        expected_id, prev = event.id + 1, event.hash
    head = ChainHead.objects.filter(pk=1).first()
    if head and (head.last_id != expected_id - 1 or head.last_hash != prev):
        # The newest events were removed: name the first one that is missing.
        return ChainReport(ok=False, events_checked=checked, first_bad_id=expected_id)
    return ChainReport(ok=True, events_checked=checked, first_bad_id=None)
