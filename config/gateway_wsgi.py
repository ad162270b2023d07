"""The lean path for the gateway's calls: a WSGI dispatcher in front of Django (config/wsgi.py)
that serves POST /api/v1/keys/verify/ and /api/v1/keys/verify/batch/ without Django's request
object, URL resolution and middleware (sessions, messages, allauth, axes, htmx, CSRF, CSP),
none of which does anything for a call authenticated by the gateway's token. Everything else
goes to Django untouched.

The answer is gateway_call.answer's, the one the Django view gives. What the middleware
would have done and this path keeps: the request id (echoed or made, X-Request-ID, and set
for the call's logging), the one log line per request, X-Content-Type-Options, and
Django's request_started / request_finished signals, so database connections are handled
as Django handles them (CONN_MAX_AGE honoured, a dropped connection replaced on the next
call). A Host outside ALLOWED_HOSTS, or plain HTTP when SECURE_SSL_REDIRECT is on, goes to
Django, which refuses or redirects it as it always has.
"""

import logging
import time
from http import HTTPStatus

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestDataTooBig
from django.http.request import split_domain_port, validate_host

from approvals.keys import gateway_call
from audit.context import request_id
from audit.middleware import log_request, request_id_for

PATHS = {"/api/v1/keys/verify/": False, "/api/v1/keys/verify/batch/": True}  # path: batch
log = logging.getLogger("django.request")
_STATUS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}
SERVER_ERROR = b'{"detail": "Server error.", "code": "server_error"}'


class GatewayPath:
    def __init__(self, django_application):
        self.django = django_application

    def __call__(self, environ, start_response):
        batch = PATHS.get(environ.get("PATH_INFO", ""))
        if batch is None or not _plain(environ):
            return self.django(environ, start_response)
        started = time.monotonic()
        rid = request_id_for(environ.get("HTTP_X_REQUEST_ID", ""))
        token = request_id.set(rid)
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            reply = gateway_call.answer(
                environ["REQUEST_METHOD"],
                environ.get("HTTP_AUTHORIZATION", ""),
                lambda: _body(environ),
                batch=batch,
            )
            status, body, extra, user = reply.status, reply.body, reply.headers, reply.user_id
        except Exception:  # what Django's handler would make a 500: logged, and JSON
            log.exception("Internal Server Error: %s", environ.get("PATH_INFO"))
            status, body, extra, user = 500, SERVER_ERROR, (), None
        finally:
            signals.request_finished.send(sender=self.__class__)
            request_id.reset(token)
        start_response(
            _STATUS[status],
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Request-ID", rid),
                *extra,
            ],
        )
        user = "-" if user is None else user
        log_request(environ["REQUEST_METHOD"], environ["PATH_INFO"], status, started, rid, user)
        return [body]


def _plain(environ) -> bool:
    """A call Django would serve as it is: an allowed Host, and HTTPS unless not required."""
    if settings.SECURE_SSL_REDIRECT and not _secure(environ):
        return False
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        return False
    domain, _ = split_domain_port(environ.get("HTTP_HOST", ""))
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _secure(environ) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        given = environ.get(header)
        if given is not None:
            return given.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def _body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    return environ["wsgi.input"].read(length) if length > 0 else b""
