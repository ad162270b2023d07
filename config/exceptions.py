"""One place that turns errors into HTTP answers: {"detail", "code"} as DRF gives them, for
DRF's views (api_exception_handler) and, for /api/ paths, Django's own error handlers too
(config/urls.py: handler400/403/404/500), so that no API answer is an HTML page (issue 12.8):
a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, a database that cannot be reached a 503."""

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.errors import DomainError


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(
            {"detail": exc.detail, "code": exc.code, **exc.extra}, status=exc.status_code
        )
    if isinstance(exc, IntegrityError):
        # A race lost to a concurrent write of the same thing.
        return Response(
            {"detail": "This conflicts with a concurrent change; try again.", "code": "conflict"},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable()
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(response.data["detail"], "code", "error"))
    return response


DATABASE_RETRY_SECONDS = 5


def database_unavailable() -> JsonResponse:
    """503 while PostgreSQL cannot be reached (or a query was cancelled): try again shortly."""
    response = JsonResponse(
        {"detail": "The service is briefly unavailable; try again shortly.", "code": "unavailable"},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    return response


def request_too_large() -> JsonResponse:
    return JsonResponse(
        {"detail": "The request body is too large.", "code": "request_too_large"},
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def refusal_fragment(request, message: str, status: int):
    """A refused htmx request: htmx swaps a 403/404 body into the part of the page that
    asked, so it gets the message alone, not a second page inside the first."""
    return render(request, "includes/refusal.html", {"message": message}, status=status)


def bad_request(request, exception=None):
    if not _api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return request_too_large()
    return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)


def permission_denied(request, exception=None):
    if not _api(request) and _htmx(request):
        message = str(exception or "") or "Your account does not have access to this."
        return refusal_fragment(request, message, 403)
    if not _api(request):
        # templates/403.html, in the layout, showing the message the code raised.
        return defaults.permission_denied(request, exception)
    detail = "You do not have permission to perform this action."
    return JsonResponse({"detail": detail, "code": "permission_denied"}, status=403)


def page_not_found(request, exception=None):
    if not _api(request) and _htmx(request):
        return refusal_fragment(request, "That is no longer there: reload the page.", 404)
    if not _api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def server_error(request):
    if not _api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)


class DomainErrorPages:
    """A service's refusal raised in a page (a DomainError no view caught) is a page in the
    layout that says why, with the error's status (400, 403, 404, 409), never a 500."""

    TEMPLATES = {403: "403.html"}  # the others: refused.html, with the message

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if _api(request) or not isinstance(exception, DomainError):
            return None
        from django.shortcuts import render

        template = self.TEMPLATES.get(exception.status_code, "refused.html")
        return render(
            request, template, {"exception": exception.detail}, status=exception.status_code
        )
