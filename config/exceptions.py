"""One place that turns domain errors into HTTP answers: {"detail", "code"} as DRF gives them."""

from django.db import IntegrityError
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
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(response.data["detail"], "code", "error"))
    return response
