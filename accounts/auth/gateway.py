"""Authenticating the gateway on the verify hot path without a database query per call.

The gateway presents an ordinary API token (knox: only a digest is stored). Each process
remembers, for GATEWAY_AUTH_CACHE_SECONDS, which digest belongs to which active account and
until when the token is valid; so a revoked gateway token keeps working on a process for at
most that long. Production keys are not handled here: their revocation is immediate.

While PostgreSQL cannot be reached, a token this process has already checked stays trusted
(until its own expiry): nobody can revoke it then anyway, and the verify hot path must not
stop for the database (issue 12.8). A token never seen raises the database's error.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS


@dataclass(frozen=True)
class Caller:
    user_id: int
    role: str
    token_expires: float | None
    checked_at: float


_cache: dict[str, Caller] = {}
_lock = threading.Lock()
_MAX_ENTRIES = 10_000


def caller(authorization: str) -> Caller | None:
    """The account behind `Authorization: Token <token>`, or None."""
    scheme, _, token = authorization.partition(" ")
    if scheme != "Token" or not token or len(token) > 200:
        return None
    digest = hash_token(token)
    now = time.monotonic()
    known = _cache.get(digest)
    if known is None or now - known.checked_at > settings.GATEWAY_AUTH_CACHE_SECONDS:
        try:
            known = _look_up(token, digest, now)
        except (OperationalError, InterfaceError):
            if known is None:
                raise
    if known is None or (
        known.token_expires is not None and known.token_expires <= timezone.now().timestamp()
    ):
        return None
    return known


def _look_up(token: str, digest: str, now: float) -> Caller | None:
    found = (
        AuthToken.objects.filter(
            token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH], digest=digest, user__is_active=True
        )
        .values_list("user_id", "user__role", "expiry")
        .first()
    )
    with _lock:
        if found is None:
            _cache.pop(digest, None)
            return None
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        user_id, role, expiry = found
        entry = Caller(user_id, role, expiry.timestamp() if expiry else None, now)
        _cache[digest] = entry
        return entry


def forget() -> None:
    _cache.clear()
