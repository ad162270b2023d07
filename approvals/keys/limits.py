"""Rate limits and quotas: one atomic Redis round trip per call, right across processes.

Counters per grant: requests and tokens in the current minute, tokens in the current month.
The same script adds the call to the grant's usage bucket for the minute (flushed to
PostgreSQL by a periodic task) and notes the key's last use. Without Redis a per-process
limiter answers: with none configured (the embedded default: one process) it applies each
limit whole; with Redis configured but unreachable, a conservative share of each (issue 12.9).

The bucket also counts each call by model and endpoint (fields "s:<model>\t<endpoint>" for
requests, "t:..." for tokens, "d:..." for scope-denied calls), so monitoring and access
reviews see what was used without another round trip; flush adds them up per grant and day
into UsageScope. A denied name outside the catalogue is counted as "(other)".

Each key's calls are counted there too ("k:<key id>:<r|l|q|d>": served, rate-limited, over
quota, out of scope), refusals included, in the same round trip; flush adds them up per key
and day into KeyUsage. Without Redis, refusals wait in the process and are written with its
next write (an admitted call, a minute's turn), never one write per refused call.
"""

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from approvals.models import KeyUsage, ProductionKey, UsageBucket, UsageScope

from . import keystore

OK, RATE_LIMITED, QUOTA_EXCEEDED, MONTH_UNKNOWN, STALE = 0, 1, 2, -1, -4

# KEYS: rpm, tpm, month, usage bucket, dirty set, last-used hash, the key's version
# ARGV: rpm limit, tpm limit, monthly limit, tokens, bucket id, key id, now, version read,
#       scope ("<model>\t<endpoint>")
SCRIPT = """
local function refused(measure)
  redis.call('HINCRBY', KEYS[4], 'k:' .. ARGV[6] .. ':' .. measure, 1)
  redis.call('EXPIRE', KEYS[4], 172800)
  redis.call('SADD', KEYS[5], ARGV[5])
end
if (redis.call('GET', KEYS[7]) or '0') ~= ARGV[8] then return {-4, 0, 0, 0} end
local month = redis.call('GET', KEYS[3])
if not month then return {-1, 0, 0, 0} end
month = tonumber(month)
local rpm = tonumber(redis.call('GET', KEYS[1]) or '0')
local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
local tokens = tonumber(ARGV[4])
if month + tokens > tonumber(ARGV[3]) then refused('q') return {2, rpm, tpm, month} end
if rpm + 1 > tonumber(ARGV[1]) or tpm + tokens > tonumber(ARGV[2]) then
  refused('l')
  return {1, rpm, tpm, month}
end
rpm = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 120)
tpm = redis.call('INCRBY', KEYS[2], tokens)
redis.call('EXPIRE', KEYS[2], 120)
month = redis.call('INCRBY', KEYS[3], tokens)
redis.call('HINCRBY', KEYS[4], 'requests', 1)
redis.call('HINCRBY', KEYS[4], 'tokens', tokens)
redis.call('HINCRBY', KEYS[4], 's:' .. ARGV[9], 1)
redis.call('HINCRBY', KEYS[4], 't:' .. ARGV[9], tokens)
redis.call('HINCRBY', KEYS[4], 'k:' .. ARGV[6] .. ':r', 1)
redis.call('EXPIRE', KEYS[4], 172800)
redis.call('SADD', KEYS[5], ARGV[5])
redis.call('HSET', KEYS[6], ARGV[6], ARGV[7])
return {0, rpm, tpm, month}
"""
DIRTY = "ar:use:dirty"
LAST_USED = "ar:lastused"
OTHER = "(other)"  # a denied model or endpoint the catalogue does not know


@dataclass(frozen=True)
class Verdict:
    outcome: int
    used: dict[str, int]  # requests this minute, tokens this minute, tokens this month
    applied: dict | None = None  # the limits enforced, when not the grant's own (a share)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def bucket_names(grant_id: int, moment: datetime) -> dict[str, str]:
    minute, month = moment.strftime("%Y%m%d%H%M"), moment.strftime("%Y%m")
    tag = f"{{{grant_id}}}"  # one hash slot per grant, should Redis be clustered
    return {
        "rpm": f"ar:rpm:{tag}:{minute}",
        "tpm": f"ar:tpm:{tag}:{minute}",
        "month": f"ar:mon:{tag}:{month}",
        "usage": f"ar:use:{tag}:{minute}",
        "bucket": f"{grant_id}:{minute}",
    }


def scope_field(model: str, endpoint: str) -> str:
    """The bucket's field suffix for one model and endpoint. Called only with names the grant
    allows, or passed through known_scope: the catalogue's names hold no tab."""
    return f"{model}\t{endpoint}"


def known_scope(model: str, endpoint: str) -> tuple[str, str]:
    """A denied call's names, with anything outside the catalogue as OTHER: a caller may
    send any string, and must not grow the usage tables at will."""
    return (
        model if model in settings.APPROVALS_MODELS else OTHER,
        endpoint if endpoint in settings.APPROVALS_ENDPOINTS else OTHER,
    )


def month_used_in_database(grant_id: int, moment: datetime) -> int:
    start = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (
        UsageBucket.objects.filter(grant_id=grant_id, minute__gte=start).aggregate(
            total=Sum("tokens")
        )["total"]
        or 0
    )


_scripts: dict[int, object] = {}


def _script(r):
    """One Script object per client: it runs by EVALSHA, loading itself once."""
    if id(r) not in _scripts:
        _scripts[id(r)] = r.register_script(SCRIPT)
    return _scripts[id(r)]


def charge(r, **call) -> Verdict:
    """Admits or refuses one call in Redis, or answers STALE (charging nothing) when the
    key's record changed since `version` was read. Raises redis errors to the caller.
    `call`: grant_id, key_id, version, limits, tokens, model, endpoint."""
    moment = timezone.now()
    names, keys, args = script_input(moment=moment, **call)
    script = _script(r)
    result = script(keys=keys, args=args)
    if result[0] == MONTH_UNKNOWN:
        # First call of the month, or Redis lost its counters: start from what PostgreSQL has.
        month = month_used_in_database(call["grant_id"], moment)
        r.set(names["month"], month, nx=True, ex=40 * 86400)
        result = script(keys=keys, args=args)
    if result[0] == MONTH_UNKNOWN:  # gone again at once: Redis is being flushed or evicting
        raise redis.RedisError("the monthly counter vanished as it was seeded")
    return verdict_of(result)


def charge_many(r, calls: list[dict]) -> list[Verdict | None]:
    """Several calls charged in one round trip, in order (a pipeline of the same script):
    None for a call whose month is not counted yet (charge it alone)."""
    moment, script = timezone.now(), _script(r)
    pipe = r.pipeline(transaction=False)
    for call in calls:
        _, keys, args = script_input(moment=moment, **call)
        script(keys=keys, args=args, client=pipe)
    return [None if res[0] == MONTH_UNKNOWN else verdict_of(res) for res in pipe.execute()]


def verdict_of(result) -> Verdict:
    used = {"requests": int(result[1]), "tokens": int(result[2]), "month": int(result[3])}
    return Verdict(outcome=int(result[0]), used=used)


def script_input(*, moment, grant_id, key_id, version, limits, tokens, model, endpoint):
    """The bucket names, and the limits script's keys and arguments, for one call."""
    names = bucket_names(grant_id, moment)
    # In the order of the script's KEYS and ARGV (see SCRIPT)
    keys = [names["rpm"], names["tpm"], names["month"], names["usage"], DIRTY, LAST_USED]
    keys.append(keystore.version_name(key_id))
    args = [limits["requests_per_minute"], limits["tokens_per_minute"], limits["monthly_tokens"]]
    args += [tokens, names["bucket"], key_id, int(moment.timestamp()), version]
    args.append(scope_field(model, endpoint))
    return names, keys, args


def note_scope_denied(r, *, grant_id: int, key_id: str, model: str, endpoint: str) -> None:
    names = bucket_names(grant_id, timezone.now())
    pipe = r.pipeline(transaction=False)
    pipe.hincrby(names["usage"], "scope_denied", 1)
    pipe.hincrby(names["usage"], f"k:{key_id}:d", 1)
    pipe.hincrby(names["usage"], "d:" + scope_field(*known_scope(model, endpoint)), 1)
    pipe.expire(names["usage"], 172800)
    pipe.sadd(DIRTY, names["bucket"])
    pipe.execute()


def local_share() -> int:
    """How many processes share a limit when Redis does not count for them: with Redis
    configured but down, GATEWAY_PROCESSES (so that together they stay within it); with no
    Redis configured, the embedded default's one process."""
    return max(1, settings.GATEWAY_PROCESSES) if settings.GATEWAY_REDIS_URL else 1


def shared_limits(limits: dict, share: int) -> dict:
    """This process's part of each per-minute limit (never below one call)."""
    if share == 1:
        return limits
    return {
        **limits,
        "requests_per_minute": max(1, limits["requests_per_minute"] // share),
        "tokens_per_minute": limits["tokens_per_minute"] // share,
    }


class LocalLimiter:
    """Without Redis: each process admits its share (local_share) of a limit, so all of them
    together stay within it; usage and the key's last use are written to PostgreSQL directly."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[tuple, list[int]] = {}
        self._refused: Counter = Counter()  # (key id, day, measure): written in a batch

    def _tally(self, key_id: str, moment: datetime, measure: str) -> None:
        self._refused[(key_id, timezone.localdate(moment), measure)] += 1

    def write_refusals(self) -> None:
        """Writes the refusals counted since the last write: one row per key and day."""
        with self._lock:
            pending, self._refused = self._refused, Counter()
        record_keys(pending)

    def charge(
        self,
        *,
        grant_id: int,
        key_id: str,
        limits: dict,
        tokens: int,
        model: str,
        endpoint: str,
    ) -> Verdict:
        moment = timezone.now()
        share = local_share()
        applied = shared_limits(limits, share)
        with self._lock:
            minute = (grant_id, _minute(moment))
            turned = [k for k in self._counts if k[1] < minute[1]]
            for stale in turned:
                del self._counts[stale]
            requests, used_tokens = self._counts.setdefault(minute, [0, 0])
            month = month_used_in_database(grant_id, moment)
            used = {"requests": requests, "tokens": used_tokens, "month": month}
            if month + tokens > limits["monthly_tokens"]:
                verdict = Verdict(QUOTA_EXCEEDED, used, applied)
                self._tally(key_id, moment, "q")
            elif (
                requests + 1 > applied["requests_per_minute"]
                or used_tokens + tokens > applied["tokens_per_minute"]
            ):
                verdict = Verdict(RATE_LIMITED, used, applied)
                self._tally(key_id, moment, "l")
            else:
                verdict = None
                self._counts[minute] = [requests + 1, used_tokens + tokens]
        if verdict is not None:
            if turned:
                self.write_refusals()
            return verdict
        ProductionKey.objects.filter(key_id=key_id).update(last_used_at=moment)
        minute = _minute(moment)
        record_usage(grant_id=grant_id, minute=minute, requests=1, tokens=tokens)
        record_scope(
            grant_id=grant_id,
            day=timezone.localdate(minute),
            model=model,
            endpoint=endpoint,
            requests=1,
            tokens=tokens,
        )
        self._tally(key_id, moment, "r")
        self.write_refusals()  # this call's own count, and the refusals waiting
        used = {"requests": requests + 1, "tokens": used_tokens + tokens, "month": month + tokens}
        return Verdict(OK, used, applied)

    def note_scope_denied(self, *, grant_id: int, key_id: str, model: str, endpoint: str) -> None:
        minute = _minute(timezone.now())
        self._tally(key_id, minute, "d")
        self.write_refusals()
        record_usage(grant_id=grant_id, minute=minute, scope_denied=1)
        model, endpoint = known_scope(model, endpoint)
        record_scope(
            grant_id=grant_id,
            day=timezone.localdate(minute),
            model=model,
            endpoint=endpoint,
            denied=1,
        )


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


local = LocalLimiter()


SCOPE_MEASURES = {"s": "requests", "t": "tokens", "d": "denied"}


def flush(r, *, batch: int = 1000) -> int:
    """Moves usage buckets and last-use times from Redis to PostgreSQL; returns buckets moved.
    Each bucket is read and deleted in one MULTI, so no increment falls between the two.
    Per-scope counts are added up over the batch first: one write per grant, day and scope."""
    moved, scopes, per_key = 0, Counter(), Counter()
    for member in r.spop(DIRTY, batch) or []:
        grant_id, minute = member.decode().split(":")
        name = f"ar:use:{{{grant_id}}}:{minute}"
        pipe = r.pipeline(transaction=True)
        pipe.hgetall(name)
        pipe.delete(name)
        counts = {k.decode(): int(v) for k, v in pipe.execute()[0].items()}
        if counts:
            at = timezone.make_aware(datetime.strptime(minute, "%Y%m%d%H%M"), UTC)
            totals = {f: counts.get(f, 0) for f in ("requests", "tokens", "scope_denied")}
            if any(totals.values()):  # a minute of refusals only adds no empty bucket
                record_usage(grant_id=int(grant_id), minute=at, **totals)
            day = timezone.localdate(at)
            for field, value in counts.items():
                if field[:2] == "k:":
                    key_id, measure = field[2:].rsplit(":", 1)
                    per_key[(key_id, day, measure)] += value
                elif field[:2] in ("s:", "t:", "d:"):
                    model, endpoint = field[2:].split("\t", 1)
                    scopes[(int(grant_id), day, model, endpoint, field[0])] += value
            moved += 1
    _record_scopes(scopes)
    record_keys(per_key)
    pipe = r.pipeline(transaction=True)
    pipe.hgetall(LAST_USED)
    pipe.delete(LAST_USED)
    for key_id, stamp in pipe.execute()[0].items():
        ProductionKey.objects.filter(key_id=key_id.decode()).update(
            last_used_at=datetime.fromtimestamp(int(stamp), tz=UTC)
        )
    return moved


def _record_scopes(counted: Counter) -> None:
    rows: dict[tuple, dict[str, int]] = {}
    for (grant_id, day, model, endpoint, measure), value in counted.items():
        rows.setdefault((grant_id, day, model, endpoint), {})[SCOPE_MEASURES[measure]] = value
    for (grant_id, day, model, endpoint), measures in rows.items():
        record_scope(grant_id=grant_id, day=day, model=model, endpoint=endpoint, **measures)
