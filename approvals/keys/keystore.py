"""Where the verifier finds a key: a short-lived record in Redis, shared by every process,
filled from PostgreSQL on a miss and rewritten the moment a key or its grant changes.

Filling uses SET NX and changes use a plain SET, so a fill that read the database just
before a revocation can never overwrite the revoked record; the TTL bounds what a lost
update (a process dying between its commit and its SET) can leave behind.

Each process also keeps the records it has read, with the key's version number (bumped by
every change). A copy is never acted on unconfirmed: the limits script compares the version
in the same round trip that charges the call, and a refusal checks it first. So the common
call costs one Redis round trip, and a change is seen by every process on its next call.
"""

import json
import logging
import time

import redis
from django.conf import settings
from django.utils import timezone

from approvals.models import ProductionKey

log = logging.getLogger(__name__)
RECORD_TTL_SECONDS = 60
_client = None
_down_until = 0.0  # after a failure Redis is left alone briefly instead of timing out per call


def client() -> redis.Redis | None:
    """The gateway's Redis, or None when there is none or it failed a moment ago."""
    global _client
    if not settings.GATEWAY_REDIS_URL or time.monotonic() < _down_until:
        return None
    if _client is None:
        _client = redis.Redis.from_url(
            settings.GATEWAY_REDIS_URL,
            socket_timeout=0.2,
            socket_connect_timeout=0.2,
            health_check_interval=30,
        )
    return _client


def mark_down(exc: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + settings.GATEWAY_REDIS_RETRY_SECONDS
    log.warning("gateway Redis unavailable (%s); answering from PostgreSQL", exc)


def reset() -> None:
    """Forget the connection and any failure (tests, and after a fork)."""
    global _client, _down_until
    _client, _down_until = None, 0.0
    _local.clear()


def _name(key_id: str) -> str:
    return f"ar:key:{key_id}"


def version_name(key_id: str) -> str:
    return f"ar:kv:{key_id}"


_local: dict[str, tuple[dict, str, float]] = {}  # key id -> (record, version, read at)


def _epoch(moment) -> float | None:
    return moment.timestamp() if moment else None


def record_of(key: ProductionKey) -> dict:
    grant = key.grant
    return {
        "digest": key.digest,
        "key_pk": key.pk,
        "revoked": key.revoked_at is not None,
        "expires_at": _epoch(key.expires_at),
        "grant_id": grant.pk,
        "grant_status": grant.status,
        "grant_expires_at": _epoch(grant.expires_at),
        "organization": grant.organization.name,
        "models": grant.model_names,
        "endpoints": grant.endpoints,
        "limits": grant.limits,
    }


def load_from_database(key_id: str) -> dict | None:
    key = ProductionKey.objects.select_related("grant__organization").filter(key_id=key_id).first()
    return record_of(key) if key else None


def lookup(r, key_id: str) -> tuple[dict | None, str]:
    """The key's record (None: no such key) and its version, from this process's copy when
    it is recent: the caller confirms the version before acting on it."""
    entry = _local.get(key_id)
    if entry and time.monotonic() - entry[2] < RECORD_TTL_SECONDS:
        return entry[0], entry[1]
    return fetch(r, key_id)


def fetch(r, key_id: str) -> tuple[dict | None, str]:
    """The record and version as Redis holds them now (filled from PostgreSQL on a miss).
    Raises redis errors to the caller."""
    cached, version = r.mget(_name(key_id), version_name(key_id))
    if cached is None:
        record = load_from_database(key_id)
        # An unknown id is remembered too ("{}"): garbage with a valid checksum costs one query.
        r.set(_name(key_id), json.dumps(record or {}), nx=True, ex=RECORD_TTL_SECONDS)
        cached, version = r.mget(_name(key_id), version_name(key_id))  # a racing change wins
        cached = cached if cached is not None else json.dumps(record or {}).encode()
    record = json.loads(cached) or None
    version = (version or b"0").decode()
    if record:
        _local[key_id] = (record, version, time.monotonic())
    else:
        _local.pop(key_id, None)
    return record, version


def confirmed(r, key_id: str, version: str) -> bool:
    return (r.get(version_name(key_id)) or b"0").decode() == version


def publish(keys) -> None:
    """After a commit that changed keys or their grant: every process sees it now."""
    r = client()
    if r is None:
        return
    try:
        pipe = r.pipeline(transaction=True)
        for key in keys:
            pipe.set(_name(key.key_id), json.dumps(record_of(key)), ex=RECORD_TTL_SECONDS)
            pipe.incr(version_name(key.key_id))
        pipe.execute()
    except redis.RedisError as exc:  # the TTL bounds the stale record
        mark_down(exc)


def now() -> float:
    return timezone.now().timestamp()
