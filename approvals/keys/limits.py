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

Every key one script call or pipeline touches is in the grant's hash slot, so Redis may be
a cluster: the grant's dirty minutes and last uses are per grant, and the one global name,
DIRTY_GRANTS (the grants a flush visits), is written outside the script, once per grant
and minute.
"""

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from approvals.models import ProductionKey, UsageBucket

from . import buckets, keystore
from .buckets import DIRTY_GRANTS, bucket_names, flush, usage_name  # noqa: F401
from .counts import record_keys, record_scope, record_usage  # noqa: F401  (callers use limits.)

log = logging.getLogger(__name__)

OK, RATE_LIMITED, QUOTA_EXCEEDED, MONTH_UNKNOWN, STALE = 0, 1, 2, -1, -4

# Every key of one call lives in its grant's hash slot ("{grant id}"), so Redis may be a
# cluster. KEYS: rpm, tpm, month, usage bucket, the grant's dirty minutes, the grant's
# last-used hash, the key's version. ARGV: rpm limit, tpm limit, monthly limit, tokens,
# minute, key id, now, version read, scope ("<model>\t<endpoint>"), and what this process
# admitted without Redis (LocalLimiter.owed): tokens this month, requests and tokens this
# minute, added to the counters before the call is judged. The fifth value
# returned is 1 when this call made the minute's bucket dirty: the caller then names the
# grant in DIRTY_GRANTS (another slot, so outside the script).
SCRIPT = """
local function dirty()
  local new = redis.call('SADD', KEYS[5], ARGV[5])
  redis.call('EXPIRE', KEYS[5], 172800)
  return new
end
local function refused(measure)
  redis.call('HINCRBY', KEYS[4], 'k:' .. ARGV[6] .. ':' .. measure, 1)
  redis.call('EXPIRE', KEYS[4], 172800)
  return dirty()
end
if redis.call('GET', KEYS[7]) ~= ARGV[8] then return {-4, 0, 0, 0, 0} end
local month = redis.call('GET', KEYS[3])
if not month then return {-1, 0, 0, 0, 0} end
month = tonumber(month) + tonumber(ARGV[10])
if ARGV[10] ~= '0' then redis.call('INCRBY', KEYS[3], ARGV[10]) end
if ARGV[11] ~= '0' then
  redis.call('INCRBY', KEYS[1], ARGV[11])
  redis.call('EXPIRE', KEYS[1], 120)
  redis.call('INCRBY', KEYS[2], ARGV[12])
  redis.call('EXPIRE', KEYS[2], 120)
end
local rpm = tonumber(redis.call('GET', KEYS[1]) or '0')
local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
local tokens = tonumber(ARGV[4])
if month + tokens > tonumber(ARGV[3]) then return {2, rpm, tpm, month, refused('q')} end
if rpm + 1 > tonumber(ARGV[1]) or tpm + tokens > tonumber(ARGV[2]) then
  return {1, rpm, tpm, month, refused('l')}
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
redis.call('HSET', KEYS[6], ARGV[6], ARGV[7])
redis.call('EXPIRE', KEYS[6], 172800)
return {0, rpm, tpm, month, dirty()}
"""
OTHER = "(other)"  # a denied model or endpoint the catalogue does not know


@dataclass(frozen=True)
class Verdict:
    outcome: int
    used: dict[str, int]  # requests this minute, tokens this minute, tokens this month
    applied: dict | None = None  # the limits enforced, when not the grant's own (a share)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


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


def _announce(r, grant_id: int) -> None:
    """Names the grant among those with dirty buckets, once per grant and minute. A failure
    here must not send the call on to PostgreSQL (Redis has counted it): the bucket waits for
    the grant's next dirty minute instead (docs/operations.md)."""
    try:
        r.sadd(DIRTY_GRANTS, grant_id)
    except redis.RedisError as exc:
        log.warning("grant %s not marked for flush (%s): its next minute will be", grant_id, exc)


def charge(r, **call) -> Verdict:
    """Admits or refuses one call in Redis, or answers STALE (charging nothing) when the
    key's record changed since `version` was read. Raises redis errors to the caller.
    `call`: grant_id, key_id, version, limits, tokens, model, endpoint."""
    moment = timezone.now()
    names, keys, args = script_input(moment=moment, **call)
    grant_id, script = call["grant_id"], buckets.script(r, SCRIPT)
    owed = local.owed(grant_id, names)
    try:
        result = script(keys=keys, args=[*args, *owed])
        if result[0] == MONTH_UNKNOWN:
            # First call of the month, or Redis lost its counters: start from PostgreSQL,
            # which holds what this process admitted without Redis.
            month = month_used_in_database(grant_id, moment)
            r.set(names["month"], month, nx=True, ex=40 * 86400)
            result = script(keys=keys, args=[*args, 0, *owed[1:]])
    except redis.RedisError:
        local.owe(grant_id, names, *owed)
        raise
    if result[0] == STALE:
        local.owe(grant_id, names, *owed)
    if result[0] == MONTH_UNKNOWN:  # gone again at once: Redis is being flushed or evicting
        raise redis.RedisError("the monthly counter vanished as it was seeded")
    if result[4] == 1:
        _announce(r, grant_id)
    return verdict_of(result)


NOTHING_OWED = (0, 0, 0)


def charge_many(r, calls: list[dict]) -> list[Verdict | None]:
    """Several calls charged in one round trip, in order (a pipeline of the same script):
    None for a call whose month is not counted yet (charge it alone). What this process owes
    a grant from an outage rides on the grant's first call of the batch, and is owed again
    when that call charges nothing (STALE, month unknown, Redis failing)."""
    moment, script = timezone.now(), buckets.script(r, SCRIPT)
    pipe, carried = r.pipeline(transaction=False), {}  # call index -> (grant, names, owed)
    for n, call in enumerate(calls):
        names, keys, args = script_input(moment=moment, **call)
        owed = NOTHING_OWED
        if call["grant_id"] not in {grant for grant, _, _ in carried.values()}:
            owed = local.owed(call["grant_id"], names)
            carried[n] = (call["grant_id"], names, owed)
        script(keys=keys, args=[*args, *owed], client=pipe)
    try:
        results = pipe.execute()
    except redis.RedisError:
        for grant, names, owed in carried.values():
            local.owe(grant, names, *owed)
        raise
    for n, (call, result) in enumerate(zip(calls, results, strict=True)):
        if n in carried and result[0] in (STALE, MONTH_UNKNOWN):
            local.owe(*carried[n][:2], *carried[n][2])
        elif result[0] != MONTH_UNKNOWN and result[4] == 1:
            _announce(r, call["grant_id"])
    return [None if res[0] == MONTH_UNKNOWN else verdict_of(res) for res in results]


def verdict_of(result) -> Verdict:
    used = {"requests": int(result[1]), "tokens": int(result[2]), "month": int(result[3])}
    return Verdict(outcome=int(result[0]), used=used)


def script_input(*, moment, grant_id, key_id, version, limits, tokens, model, endpoint):
    """The bucket names, and the limits script's keys and arguments (less what an outage
    owes, appended by the caller), for one call; every key in the grant's hash slot."""
    names = bucket_names(grant_id, moment)
    # In the order of the script's KEYS and ARGV (see SCRIPT)
    keys = [names["rpm"], names["tpm"], names["month"], names["usage"], names["dirty"]]
    keys += [names["seen"], keystore.version_name(grant_id, key_id)]
    args = [limits["requests_per_minute"], limits["tokens_per_minute"], limits["monthly_tokens"]]
    args += [tokens, names["minute"], key_id, int(moment.timestamp()), version]
    args.append(scope_field(model, endpoint))
    return names, keys, args


def note_scope_denied(r, *, grant_id: int, key_id: str, model: str, endpoint: str) -> None:
    names = bucket_names(grant_id, timezone.now())
    pipe = r.pipeline(transaction=False)  # every key in the grant's slot
    pipe.hincrby(names["usage"], "scope_denied", 1)
    pipe.hincrby(names["usage"], f"k:{key_id}:d", 1)
    pipe.hincrby(names["usage"], "d:" + scope_field(*known_scope(model, endpoint)), 1)
    pipe.expire(names["usage"], 172800)
    pipe.sadd(names["dirty"], names["minute"])
    pipe.expire(names["dirty"], 172800)
    if pipe.execute()[4] == 1:
        _announce(r, grant_id)


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
        self._owed: dict[int, Counter] = {}  # grant id -> Redis counter name -> amount

    def owe(self, grant_id: int, names: dict, tokens: int, requests: int, minute_tokens: int):
        """Notes what was admitted while Redis was configured but down, for the grant's next
        call through Redis to add to its counters: a restarted Redis (or one that missed the
        outage) then does not admit the same tokens again. Only the current names are kept."""
        with self._lock:
            kept = self._owed.get(grant_id, Counter())
            kept = Counter({n: v for n, v in kept.items() if n in names.values()})
            kept.update(
                {names["month"]: tokens, names["rpm"]: requests, names["tpm"]: minute_tokens}
            )
            self._owed[grant_id] = kept

    def owed(self, grant_id: int, names: dict) -> tuple[int, int, int]:
        """Takes what is owed to the grant's current counters: month tokens, minute requests
        and tokens (zeros when nothing is)."""
        if not self._owed:
            return 0, 0, 0
        with self._lock:
            kept = self._owed.pop(grant_id, Counter())
        return kept[names["month"]], kept[names["rpm"]], kept[names["tpm"]]

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
        if verdict is None and settings.GATEWAY_REDIS_URL:
            self.owe(grant_id, bucket_names(grant_id, moment), tokens, 1, tokens)
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


local = LocalLimiter()
