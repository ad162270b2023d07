"""Counts added to PostgreSQL's usage rows (UsageBucket per grant and minute, UsageScope per
grant, day, model and endpoint, KeyUsage per key and day): one write per row, made when
missing. Used by the flush from Redis and by the limiter without Redis."""

from collections import Counter
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from approvals.models import KeyUsage, ProductionKey, UsageBucket, UsageScope


def record_usage(*, grant_id: int, minute: datetime, requests=0, tokens=0, scope_denied=0):
    _add(
        UsageBucket,
        {"grant_id": grant_id, "minute": minute},
        {"requests": requests, "tokens": tokens, "scope_denied": scope_denied},
    )


def record_scope(*, grant_id: int, day, model: str, endpoint: str, requests=0, tokens=0, denied=0):
    """Adds to a grant's day on one model and endpoint, like record_usage."""
    _add(
        UsageScope,
        {"grant_id": grant_id, "day": day, "model_name": model, "endpoint": endpoint},
        {"requests": requests, "tokens": tokens, "denied": denied},
    )


KEY_MEASURES = {
    "r": "requests",
    "l": "rate_limited",
    "q": "quota_exceeded",
    "d": "scope_denied",
}


def record_keys(counted: Counter) -> None:
    """Adds counts by (key id, day, measure letter) to KeyUsage: one write per key and day."""
    rows: dict[tuple, dict[str, int]] = {}
    for (key_id, day, measure), value in counted.items():
        rows.setdefault((key_id, day), {})[KEY_MEASURES[measure]] = value
    pks = dict(
        ProductionKey.objects.filter(key_id__in={k for k, _ in rows}).values_list("key_id", "pk")
    )
    for (key_id, day), measures in rows.items():
        if key_id in pks:
            _add(KeyUsage, {"key_id": pks[key_id], "day": day}, measures)


def _add(model, key: dict, counts: dict) -> None:
    """Adds `counts` to the row of `model` at `key` (unique), making it when there is none."""
    if model.objects.filter(**key).update(**{f: F(f) + n for f, n in counts.items()}):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **counts)
    except IntegrityError:  # another process made the row first
        _add(model, key, counts)


SCOPE_MEASURES = {"s": "requests", "t": "tokens", "d": "denied"}


def record_scopes(counted: Counter) -> None:
    rows: dict[tuple, dict[str, int]] = {}
    for (grant_id, day, model, endpoint, measure), value in counted.items():
        rows.setdefault((grant_id, day, model, endpoint), {})[SCOPE_MEASURES[measure]] = value
    for (grant_id, day, model, endpoint), measures in rows.items():
        record_scope(grant_id=grant_id, day=day, model=model, endpoint=endpoint, **measures)
