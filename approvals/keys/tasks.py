"""Celery tasks of production keys: usage flushed from Redis, rotated keys' expiry recorded.
Task names keep the "approvals." prefix that beat's schedule names."""

from celery import shared_task

from . import keystore, limits
from . import services as keys


@shared_task(name="approvals.flush_usage")
def flush_usage() -> int:
    """Every minute: usage buckets from Redis to PostgreSQL."""
    r = keystore.client()
    return limits.flush(r) if r is not None else 0


@shared_task(name="approvals.expire_rotated_keys")
def expire_rotated_keys() -> int:
    return keys.keys_expired_record()
