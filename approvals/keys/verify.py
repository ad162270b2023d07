"""The gateway's question, asked on every request the provider serves: may this key call
this model and endpoint now? The hot path: no password hashing, no database in the common
case, two Redis round trips (the key's record, then one atomic script for every limit)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from django.utils import timezone

from . import keyformat, keystore, limits

VALID, NOT_FOUND, REVOKED, EXPIRED = "VALID", "NOT_FOUND", "REVOKED", "EXPIRED"
SUSPENDED, SCOPE_DENIED = "SUSPENDED", "SCOPE_DENIED"
RATE_LIMITED, QUOTA_EXCEEDED = "RATE_LIMITED", "QUOTA_EXCEEDED"
MAX_TOKENS = 10**9


@dataclass(frozen=True)
class Answer:
    code: str
    grant_id: int | None = None
    organization: str | None = None
    limits: dict | None = None
    remaining: dict | None = None
    retry_after: int | None = None  # seconds, for RATE_LIMITED and QUOTA_EXCEEDED
    extra: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.code == VALID

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "code": self.code,
            "grant_id": self.grant_id,
            "organization": self.organization,
            "limits": self.limits,
            "remaining": self.remaining,
            "retry_after": self.retry_after,
        }


def key_verify(*, key, model: str, endpoint: str, tokens: int) -> Answer:
    parsed = keyformat.parse(key)
    if parsed is None:  # garbage and typos: no lookup at all
        return Answer(NOT_FOUND)
    r = keystore.client()
    try:
        return _verify(r, parsed, model, endpoint, tokens)
    except redis.RedisError as exc:
        keystore.mark_down(exc)
        return _verify(None, parsed, model, endpoint, tokens)


def _verify(r, parsed, model, endpoint, tokens) -> Answer:
    if r is None:
        return _judge(
            None, parsed, keystore.load_from_database(parsed.key_id), None, model, endpoint, tokens
        )
    record, version = keystore.lookup(r, parsed.key_id)
    answer = _judge(r, parsed, record, version, model, endpoint, tokens)
    if answer is STALE:  # the key or its grant changed: judge what Redis holds now
        record, version = keystore.fetch(r, parsed.key_id)
        answer = _judge(r, parsed, record, version, model, endpoint, tokens)
    return Answer(NOT_FOUND) if answer is STALE else answer


STALE = Answer("STALE")


def _judge(r, parsed, record, version, model, endpoint, tokens) -> Answer:
    early = _before_charge(r, parsed, record, version, model, endpoint)
    if early is not None:
        return early
    call = _call(parsed, record, model, endpoint, tokens)
    if r is None:
        return _charged(limits.local.charge(**call), record)
    return _charged(limits.charge(r, version=version, **call), record)


def _known(record: dict) -> dict:
    return {k: record[k] for k in ("grant_id", "organization", "limits")}


def _before_charge(r, parsed, record, version, model, endpoint) -> Answer | None:
    """The answer when the call is refused before any limit (or STALE); None: charge it."""
    if not record or not keyformat.matches(parsed.secret, record["digest"]):
        return Answer(NOT_FOUND)  # a digest never changes: no need to confirm the copy
    refusal = _status_refusal(record)
    if refusal is None and (model not in record["models"] or endpoint not in record["endpoints"]):
        refusal = SCOPE_DENIED
    if refusal is None:
        return None
    if r is not None and not keystore.confirmed(r, record["grant_id"], parsed.key_id, version):
        return STALE
    if refusal == SCOPE_DENIED:
        noted = {"grant_id": record["grant_id"], "key_id": parsed.key_id}
        if r is not None:
            limits.note_scope_denied(r, model=model, endpoint=endpoint, **noted)
        else:
            limits.local.note_scope_denied(model=model, endpoint=endpoint, **noted)
    return Answer(refusal, **_known(record))


def _call(parsed, record, model, endpoint, tokens) -> dict:
    return {
        "grant_id": record["grant_id"],
        "key_id": parsed.key_id,
        "limits": record["limits"],
        "tokens": tokens,
        "model": model,
        "endpoint": endpoint,
    }


def _charged(verdict, record) -> Answer:
    if verdict.outcome == limits.STALE:
        return STALE
    code = {
        limits.OK: VALID,
        limits.RATE_LIMITED: RATE_LIMITED,
        limits.QUOTA_EXCEEDED: QUOTA_EXCEEDED,
    }[verdict.outcome]
    return Answer(
        code,
        remaining=_remaining(verdict.applied or record["limits"], verdict.used),
        retry_after=retry_after(code),
        **_known(record),
    )


def key_verify_many(checks: list[dict]) -> list[Answer]:
    """Each check as key_verify answers it, charged in order in one Redis round trip (after
    the key records, which this process mostly holds). A check whose key changed meanwhile,
    or the first of a month, is judged again alone after the others."""
    r = keystore.client()
    if r is None:
        return [key_verify(**check) for check in checks]
    try:
        answers = _verify_many(r, checks)
    except redis.RedisError as exc:
        keystore.mark_down(exc)
        answers = [None] * len(checks)
    return [key_verify(**c) if a is None else a for a, c in zip(answers, checks, strict=True)]


def _verify_many(r, checks) -> list[Answer | None]:
    answers, pending = [], []
    for check in checks:
        parsed = keyformat.parse(check["key"])
        if parsed is None:
            answers.append(Answer(NOT_FOUND))
            continue
        record, version = keystore.lookup(r, parsed.key_id)
        early = _before_charge(r, parsed, record, version, check["model"], check["endpoint"])
        answers.append(None if early is STALE else early)
        if early is None:
            call = _call(parsed, record, check["model"], check["endpoint"], check["tokens"])
            pending.append((len(answers) - 1, record, {**call, "version": version}))
    verdicts = limits.charge_many(r, [call for _, _, call in pending]) if pending else []
    for (i, record, _), verdict in zip(pending, verdicts, strict=True):
        answer = None if verdict is None else _charged(verdict, record)
        answers[i] = None if answer is STALE else answer
    return answers


def retry_after(code: str) -> int | None:
    """Seconds until a refused call may succeed: the next minute for a rate limit (its
    counters are per calendar minute), the next month (UTC) for the monthly quota."""
    now = timezone.now().astimezone(UTC)
    if code == RATE_LIMITED:
        return 60 - now.second
    if code == QUOTA_EXCEEDED:
        turn = datetime(now.year + now.month // 12, now.month % 12 + 1, 1, tzinfo=UTC)
        return max(1, int((turn - now).total_seconds()) + 1)
    return None


def _status_refusal(record: dict) -> str | None:
    now = keystore.now()
    if record["revoked"]:
        return REVOKED
    if record["expires_at"] is not None and record["expires_at"] <= now:
        return EXPIRED
    if record["grant_status"] == "suspended":
        return SUSPENDED
    if record["grant_status"] in ("revoked",):
        return REVOKED
    if record["grant_status"] == "expired" or record["grant_expires_at"] <= now:
        return EXPIRED
    return None


def _remaining(granted: dict, used: dict) -> dict:
    return {
        "requests_per_minute": max(0, granted["requests_per_minute"] - used["requests"]),
        "tokens_per_minute": max(0, granted["tokens_per_minute"] - used["tokens"]),
        "monthly_tokens": max(0, granted["monthly_tokens"] - used["month"]),
    }


def request_errors(body) -> tuple[dict, dict]:
    """The verify request's fields, checked by hand rather than by a DRF serializer: this
    runs on every request the provider serves. Returns (fields, errors)."""
    if not isinstance(body, dict):
        return {}, {"non_field_errors": ["Expected a JSON object."]}
    errors, fields = {}, {}
    for name, limit in (("key", 1000), ("model", 100), ("endpoint", 200)):
        value = body.get(name)
        if not isinstance(value, str):
            errors[name] = ["This field is required and must be a string."]
        elif name == "key" and len(value) > limit:
            fields[name] = ""  # far too long to be a key: NOT_FOUND, not an error
        elif len(value) > limit:
            errors[name] = [f"Ensure this field has no more than {limit} characters."]
        else:
            fields[name] = value
    tokens = body.get("tokens")
    if isinstance(tokens, bool) or not isinstance(tokens, int) or not 0 <= tokens <= MAX_TOKENS:
        errors["tokens"] = [f"A whole number from 0 to {MAX_TOKENS}."]
    else:
        fields["tokens"] = tokens
    return fields, errors
