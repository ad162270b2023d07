"""Where the verifier finds a key: a short-lived record in Redis, shared by every process,
filled from PostgreSQL on a miss and rewritten the moment a key or its grant changes.

Each key has a version in Redis (a random token, replaced by every change, kept in its
grant's hash slot beside the grant's counters) and each record carries the version it was
written at. A version is always read before the data written with it: a fill reads the
version, then PostgreSQL; a change commits, replaces the version, then reads the keys again
and writes their records. So a record's data is at least as new as its version, and a record
written before a change (a fill racing it, or a slow publisher) carries an older version than
Redis holds once the change is published: it is never acted on.

Each process also keeps the records it has read. A copy is never acted on unconfirmed: the
limits script compares the version in the same round trip that charges the call, and a
refusal checks it first. So the common call costs one Redis round trip, and a change is seen
by every process on its next call. The TTL bounds how long a stale record costs a refill.

Every command, MULTI and script here touches one hash slot, so Redis may be a cluster
(`GATEWAY_REDIS_CLUSTER`): a record is one key; a version is in its grant's slot.
"""

import json
import logging
import secrets
import time

import redis
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from approvals.models import ProductionKey

log = logging.getLogger(__name__)
RECORD_TTL_SECONDS = 60
VERSION_TTL_SECONDS = 2 * 86400  # refreshed by each fill: it outlives every record naming it
_client = None
_down_until = 0.0  # after a failure Redis is left alone briefly instead of timing out per call


def client():
    """The gateway's Redis (a redis.cluster.RedisCluster with GATEWAY_REDIS_CLUSTER), or None
    when there is none or it failed a moment ago."""
    global _client
    if not settings.GATEWAY_REDIS_URL or time.monotonic() < _down_until:
        return None
    if _client is None:
        options = {"socket_timeout": 0.2, "socket_connect_timeout": 0.2}
        if settings.GATEWAY_REDIS_CLUSTER:
            from redis.cluster import RedisCluster

            try:  # a cluster client asks a node for the slots' map as it is made
                _client = RedisCluster.from_url(settings.GATEWAY_REDIS_URL, **options)
            except (redis.RedisError, redis.exceptions.RedisClusterException) as exc:
                mark_down(exc)
                return None
        else:
            _client = redis.Redis.from_url(
                settings.GATEWAY_REDIS_URL, health_check_interval=30, **options
            )
    return _client


def mark_down(exc: Exception) -> None:
    global _down_until
    _down_until = time.monotonic() + settings.GATEWAY_REDIS_RETRY_SECONDS
    log.warning("gateway Redis unavailable (%s); answering from PostgreSQL", exc)


def reset() -> None:
    """Forget the connection and any failure (tests, and after a fork)."""
    global _client, _down_until
    if _client is not None and settings.GATEWAY_REDIS_CLUSTER:
        _client.close()
    _client, _down_until = None, 0.0
    _local.clear()
    _grant_of.clear()


def record_name(key_id: str) -> str:
    return f"ar:rec:{key_id}"


def version_name(grant_id: int, key_id: str) -> str:
    return f"ar:ver:{{{grant_id}}}:{key_id}"  # in the grant's slot, with its counters


_local: dict[str, tuple[dict, str, float]] = {}  # key id -> (record, version, read at)
_grant_of: dict[str, int] = {}  # key id -> its grant's id: a key never changes grant


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
    return _read(r, key_id)


def fetch(r, key_id: str) -> tuple[dict | None, str]:
    """The record and version as Redis holds them now, after the copy was found stale. When
    Redis's record carries the very version found stale, it is behind its version (a change
    being published, or the version lost): the record is read again from PostgreSQL.
    Raises redis errors to the caller."""
    stale = _local.get(key_id)
    record, version = _read(r, key_id)
    if record and stale is not None and version == stale[1]:
        record, version = _fill(r, key_id, replace=True)
    return record, version


def _read(r, key_id: str) -> tuple[dict | None, str]:
    cached = r.get(record_name(key_id))
    if cached is None:
        return _fill(r, key_id)
    return _keep(key_id, json.loads(cached))


def _keep(key_id: str, stored: dict) -> tuple[dict | None, str]:
    version = stored.pop("version", "")
    record = stored or None
    if record:
        _grant_of[key_id] = record["grant_id"]
        _local[key_id] = (record, version, time.monotonic())
    else:
        _local.pop(key_id, None)
    return record, version


def _fill(r, key_id: str, *, replace: bool = False) -> tuple[dict | None, str]:
    """From PostgreSQL: the version first, then the data, so the data is at least as new."""
    grant_id = _grant_of.get(key_id)
    if grant_id is None:
        found = ProductionKey.objects.filter(key_id=key_id).values_list("grant_id", flat=True)
        grant_id = found.first()
    if grant_id is None:
        # An unknown id is remembered too ("{}"): garbage with a valid checksum costs one query.
        r.set(record_name(key_id), "{}", nx=not replace, ex=RECORD_TTL_SECONDS)
        return _keep(key_id, {})
    version = current_version(r, grant_id, key_id)
    record = load_from_database(key_id)
    stored = json.dumps({**(record or {}), "version": version})
    if replace:  # safe: whatever it overwrites is refused or refilled, never trusted wrongly
        r.set(record_name(key_id), stored, ex=RECORD_TTL_SECONDS)
    elif not r.set(record_name(key_id), stored, nx=True, ex=RECORD_TTL_SECONDS):
        return _read(r, key_id)  # a racing fill or change wrote first: it wins
    return _keep(key_id, json.loads(stored))


def current_version(r, grant_id: int, key_id: str) -> str:
    """The key's version, made now if Redis has none (first use, or Redis lost it)."""
    name = version_name(grant_id, key_id)
    pipe = r.pipeline(transaction=True)  # one key, one slot
    pipe.set(name, secrets.token_hex(8), nx=True)
    pipe.expire(name, VERSION_TTL_SECONDS)
    pipe.get(name)
    return pipe.execute()[2].decode()


def confirmed(r, grant_id: int, key_id: str, version: str) -> bool:
    """Whether the key's version (in its grant's slot: `grant_id` is its record's) is still
    the one its record was read at."""
    return (r.get(version_name(grant_id, key_id)) or b"").decode() == version


def publish(keys) -> None:
    """After a commit that changed keys or their grant: every process sees it now. The
    versions are replaced first, then the keys are read again and their records written:
    a publisher dying in between leaves records that are refilled, never trusted."""
    r = client()
    if r is None or not keys:
        return
    try:
        pipe = r.pipeline(transaction=False)
        versions = {}
        for key in keys:
            versions[key.key_id] = secrets.token_hex(8)
            pipe.set(
                version_name(key.grant_id, key.key_id),
                versions[key.key_id],
                ex=VERSION_TTL_SECONDS,
            )
        pipe.execute()
        try:
            fresh = list(
                ProductionKey.objects.select_related("grant__organization").filter(
                    key_id__in=versions
                )
            )
        except DatabaseError:  # the records go instead: the next call refills them
            for key_id in versions:
                r.delete(record_name(key_id))
            return
        pipe = r.pipeline(transaction=False)
        for key in fresh:
            stored = {**record_of(key), "version": versions[key.key_id]}
            pipe.set(record_name(key.key_id), json.dumps(stored), ex=RECORD_TTL_SECONDS)
        pipe.execute()
    except redis.RedisError as exc:  # the TTL bounds the stale record
        mark_down(exc)


def now() -> float:
    return timezone.now().timestamp()
