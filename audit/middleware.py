import logging
import re
import time
import uuid

from .context import request_id

_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(given: str) -> str:
    """The proxy's X-Request-ID when well-formed, else a new one."""
    return given if _ACCEPTABLE.match(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes a well-formed X-Request-ID from the proxy or makes one, and echoes it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id_for(request.headers.get("X-Request-ID", ""))
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


# Path parameters that carry a secret (allauth's confirm-email and password-reset keys):
# the line names the parameter instead of its value.
_SECRET_PARAMETERS = {"key", "token", "uidb36", "uidb64"}
request_logger = logging.getLogger("access_review.request")


def _loggable_path(request) -> str:
    """The path without its query string, secret path parameters replaced by their names."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if name in _SECRET_PARAMETERS and value:
            path = path.replace(str(value), f"<{name}>")
    return path[:300]


class RequestLogMiddleware:
    """One line per request: method, path (never the query string, never a token), status,
    duration in milliseconds, request id and the user's id ("-" when anonymous). Placed just
    inside RequestIdMiddleware; the user is read after the view ran, so an API token's
    owner is named too (DRF sets the Django request's user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        log_request(
            request.method,
            _loggable_path(request),
            response.status_code,
            started,
            getattr(request, "request_id", "-"),
            user_id,
        )
        return response


def log_request(method, path, status, started, rid, user_id) -> None:
    """The one line per request (also written by the lean gateway path, config/gateway_wsgi.py)."""
    request_logger.info(
        "request method=%s path=%s status=%s duration_ms=%.1f request_id=%s user=%s",
        method,
        path,
        status,
        (time.monotonic() - started) * 1000,
        rid,
        user_id,
    )
