"""A grant's names in Redis, all in its hash slot ("{grant id}") so that Redis may be a
cluster, and the flush of its usage buckets and last uses to PostgreSQL.

Names: per minute the request and token counters and the usage bucket (ar:rpm, ar:tpm,
ar:use), per month the token counter (ar:mon), the grant's dirty minutes (ar:dirty:{id})
and its keys' last uses (ar:seen:{id}). One name is global: DIRTY_GRANTS, the grants a
flush visits, written outside the limits script (another slot) once per grant and minute.
"""

from collections import Counter
from datetime import UTC, datetime

from django.utils import timezone

from approvals.models import ProductionKey

from .counts import record_keys, record_scopes, record_usage

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
    uses, so no increment falls between the two. Per-scope counts are added up over the
    batch first: one write per grant, day and scope."""
    moved, scopes, per_key = 0, Counter(), Counter()
    for member in r.spop(DIRTY_GRANTS, batch) or []:
        grant_id = int(member)
        names = bucket_names(grant_id, timezone.now())
        minutes = sorted(m.decode() for m in r.smembers(names["dirty"]))
        keys = [names["dirty"], names["seen"], *(usage_name(grant_id, m) for m in minutes)]
        *buckets, seen = script(r, FLUSH_SCRIPT)(keys=keys, args=minutes)
        for minute, flat in zip(minutes, buckets, strict=True):
            counts = {k.decode(): int(v) for k, v in zip(flat[::2], flat[1::2], strict=True)}
            if not counts:
                continue
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
            moved += 1
        for key_id, stamp in zip(seen[::2], seen[1::2], strict=True):
            ProductionKey.objects.filter(key_id=key_id.decode()).update(
                last_used_at=datetime.fromtimestamp(int(stamp), tz=UTC)
            )
    record_scopes(scopes)
    record_keys(per_key)
    return moved
