"""The gateway's calls, from request to answer: one implementation for every way they arrive
(the lean WSGI path in config/gateway_wsgi.py, and Django's VerifyView and VerifyBatchView
for the test client, runserver and the OpenAPI schema).

`answer` takes the method, the Authorization header and a function that reads the body
(raising RequestDataTooBig over DATA_UPLOAD_MAX_MEMORY_SIZE), and returns the status, the
extra headers and the JSON bytes. The order of the checks is the contract's: 405, then the
gateway's token (401, 403), then the body (413, 400), then the key; PostgreSQL down where a
call needs it is a 503 with Retry-After.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError

from accounts.auth import gateway as gateway_auth
from accounts.models import Role

from . import verify

MAX_CHECKS = 100
RETRY_SECONDS = 5  # what a 503 tells the gateway to wait


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    user_id: int | None = None  # the gateway account, once its token is known


def _error(status: int, detail: str, code: str, **extra) -> Reply:
    return Reply(status, json.dumps({"detail": detail, "code": code}).encode(), **extra)


UNAVAILABLE = _error(
    503,
    "The service is briefly unavailable; try again shortly.",
    "unavailable",
    headers=(("Retry-After", str(RETRY_SECONDS)),),
)


def answer(method: str, authorization: str, read_body, *, batch: bool = False) -> Reply:
    try:
        return _answer(method, authorization, read_body, batch)
    except (OperationalError, InterfaceError):
        # PostgreSQL is down and this call needs it (a gateway token not seen yet, a key
        # Redis does not hold, or no Redis): a typed 503 the gateway can act on, never a 500.
        return UNAVAILABLE


def _answer(method, authorization, read_body, batch) -> Reply:
    if method != "POST":
        return _error(405, "Method not allowed.", "method_not_allowed")
    caller = gateway_auth.caller(authorization)
    if caller is None:
        return _error(401, "Invalid token.", "authentication_failed")
    if caller.role != Role.GATEWAY:
        return _error(403, "Only the gateway verifies keys.", "permission_denied")
    user = caller.user_id
    try:
        body = json.loads(read_body())
    except RequestDataTooBig:
        return _error(413, "The request body is too large.", "request_too_large", user_id=user)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return _error(400, "JSON parse error.", "parse_error", user_id=user)
    if batch:
        return _batch(body, user)
    fields, errors = verify.request_errors(body)
    if errors:
        return Reply(400, json.dumps(errors).encode(), user_id=user)
    found = verify.key_verify(**fields)
    headers = () if found.retry_after is None else (("Retry-After", str(found.retry_after)),)
    return Reply(200, json.dumps(found.as_dict()).encode(), headers, user)


def batch_errors(body) -> tuple[list[dict], dict]:
    """The batch's checks, each checked as verify checks its request; a check's own field
    errors are named `checks[<i>].<field>` and refuse the whole batch (nothing is charged)."""
    if not isinstance(body, dict):
        return [], {"non_field_errors": ["Expected a JSON object."]}
    checks = body.get("checks")
    if not isinstance(checks, list) or not 1 <= len(checks) <= MAX_CHECKS:
        return [], {"checks": [f"A list of 1 to {MAX_CHECKS} checks."]}
    found, errors = [], {}
    for i, check in enumerate(checks):
        fields, wrong = verify.request_errors(check)
        for name, messages in wrong.items():
            errors[f"checks[{i}]" if name == "non_field_errors" else f"checks[{i}].{name}"] = (
                messages
            )
        found.append(fields)
    return found, errors


def _batch(body, user) -> Reply:
    checks, errors = batch_errors(body)
    if errors:
        return Reply(400, json.dumps(errors).encode(), user_id=user)
    # Charged in order: check 2 sees what check 1 was charged.
    results = [found.as_dict() for found in verify.key_verify_many(checks)]
    return Reply(200, json.dumps({"results": results}).encode(), user_id=user)
