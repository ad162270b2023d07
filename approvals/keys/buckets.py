"""A grant's names in Redis, all in its hash slot ("{grant id}") so that Redis may be a
cluster, and the flush of its usage buckets and last uses to PostgreSQL.

Names: per minute the request and token counters and the usage bucket (ar:rpm, ar:tpm,
ar:use), per month the token counter (ar:mon), the grant's dirty minutes (ar:dirty:{id})
and its keys' last uses (ar:seen:{id}). One name is global: DIRTY_GRANTS, the grants a
flush visits, written outside the limits script (another slot) once per grant and minute.
"""

import logging
from collections import Counter
from datetime import UTC, datetime

import redis
from django.db import DatabaseError, transaction
from django.utils import timezone

from approvals.models import ProductionKey

from .counts import record_keys, record_scopes, record_usage

log = logging.getLogger(__name__)

# Flush, one grant: KEYS the grant's dirty minutes, its last-used hash, then the buckets of
# ARGV's minutes. Each bucket is read and deleted at once; the last value is the last uses.
FLUSH_SCRIPT = """
local out = {}
for i = 3, #KEYS do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
  redis.call('DEL', KEYS[i])
  redis.call('SREM', KEYS[1], ARGV[i - 2])
end
out[#out + 1] = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
return out
"""
DIRTY_GRANTS = "ar:dirty-grants"  # ids of grants with a bucket (or a last use) waiting for flush


def bucket_names(grant_id: int, moment: datetime) -> dict[str, str]:
    minute, month = moment.strftime("%Y%m%d%H%M"), moment.strftime("%Y%m")
    tag = f"{{{grant_id}}}"  # one hash slot per grant: Redis may be a cluster
    return {
        "rpm": f"ar:rpm:{tag}:{minute}",
        "tpm": f"ar:tpm:{tag}:{minute}",
        "month": f"ar:mon:{tag}:{month}",
        "usage": usage_name(grant_id, minute),
        "dirty": f"ar:dirty:{tag}",
        "seen": f"ar:seen:{tag}",
        "minute": minute,
    }


def usage_name(grant_id: int, minute: str) -> str:
    return f"ar:use:{{{grant_id}}}:{minute}"


_scripts: dict[tuple[int, str], object] = {}


def script(r, text: str):
    """One Script object per client and text: it runs by EVALSHA, loading itself once."""
    found = _scripts.get((id(r), text))
    if found is None or found.registered_client is not r:  # an id reused by a new client
        found = _scripts[(id(r), text)] = r.register_script(text)
    return found


def flush(r, *, batch: int = 1000) -> int:
    """Moves usage buckets and last-use times from Redis to PostgreSQL; returns buckets moved.
    Per grant named in DIRTY_GRANTS, one script reads and deletes its dirty buckets and last
    uses, so no increment falls between the two; the grant's counts are then written in one
    transaction (one write per minute, per day and scope, per key and day). Should that
    transaction fail, the counts go back into Redis for the next flush."""
    moved, popped = 0, r.spop(DIRTY_GRANTS, batch) or []
    for n, member in enumerate(popped):
        try:
            moved += _flush_grant(r, int(member))
        except Exception:
            _named_again(r, popped[n:])  # the grants not flushed wait for the next flush
            raise
    return moved


def _named_again(r, grants) -> None:
    try:
        r.sadd(DIRTY_GRANTS, *grants)
    except redis.RedisError as exc:  # they wait for their next dirty minute instead
        log.warning("%d grants not named again for flush (%s)", len(grants), exc)


def _flush_grant(r, grant_id: int) -> int:
    names = bucket_names(grant_id, timezone.now())
    minutes = sorted(m.decode() for m in r.smembers(names["dirty"]))
    keys = [names["dirty"], names["seen"], *(usage_name(grant_id, m) for m in minutes)]
    *read, seen = script(r, FLUSH_SCRIPT)(keys=keys, args=minutes)
    counted = {m: _pairs(flat) for m, flat in zip(minutes, read, strict=True) if flat}
    try:
        with transaction.atomic():
            _write(grant_id, counted, _pairs(seen))
    except DatabaseError:
        _put_back(r, grant_id, counted, seen)
        raise
    return len(counted)


def _pairs(flat) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in zip(flat[::2], flat[1::2], strict=True)}


def _write(grant_id: int, counted: dict[str, dict[str, int]], seen: dict[str, int]) -> None:
    scopes, per_key = Counter(), Counter()
    for minute, counts in counted.items():
        at = timezone.make_aware(datetime.strptime(minute, "%Y%m%d%H%M"), UTC)
        totals = {f: counts.get(f, 0) for f in ("requests", "tokens", "scope_denied")}
        if any(totals.values()):  # a minute of refusals only adds no empty bucket
            record_usage(grant_id=grant_id, minute=at, **totals)
        day = timezone.localdate(at)
        for field, value in counts.items():
            if field[:2] == "k:":
                key_id, measure = field[2:].rsplit(":", 1)
                per_key[(key_id, day, measure)] += value
            elif field[:2] in ("s:", "t:", "d:"):
                model, endpoint = field[2:].split("\t", 1)
                scopes[(grant_id, day, model, endpoint, field[0])] += value
    record_scopes(scopes)
    record_keys(per_key)
    for key_id, stamp in seen.items():
        ProductionKey.objects.filter(key_id=key_id).update(
            last_used_at=datetime.fromtimestamp(stamp, tz=UTC)
        )


def _put_back(r, grant_id: int, counted: dict[str, dict[str, int]], seen) -> None:
    """PostgreSQL refused the grant's counts: they wait in Redis again (its slot), and flush
    names the grant again."""
    names = bucket_names(grant_id, timezone.now())
    pipe = r.pipeline(transaction=False)
    for minute, counts in counted.items():
        for field, value in counts.items():
            pipe.hincrby(usage_name(grant_id, minute), field, value)
        pipe.expire(usage_name(grant_id, minute), 172800)
        pipe.sadd(names["dirty"], minute)
    for key_id, stamp in zip(seen[::2], seen[1::2], strict=True):
        pipe.hsetnx(names["seen"], key_id, stamp)  # a newer last use wins
    pipe.execute()
