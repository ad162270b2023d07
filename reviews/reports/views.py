"""The transparency report: the page for administrators, and the same figures through the
API as JSON or CSV. Thin: parse the period, call reviews.reports.transparency.report, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidInput

from . import export, transparency
from .charts import charts
from .definitions import definitions


def _report_for(params) -> transparency.Report:
    period = transparency.period_of(
        start=params.get("from") or None, end=params.get("to") or None, today=timezone.localdate()
    )
    return transparency.report(period=period, min_cell=transparency.min_cell())


def _shortcuts() -> list[tuple[str, str]]:
    today = timezone.localdate()
    last = today.year - 1
    return [
        (f"?from={today.year}-01&to={today:%Y-%m}", f"{today.year} so far"),
        (f"?from={last}-01&to={last}-12", str(last)),
    ]


@login_required
def report_page(request):
    """Administrators (staff) only: publishing the report is the provider's decision."""
    if not request.user.is_staff:
        raise PermissionDenied("The transparency report is for administrators.")
    chosen = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
    try:
        report = _report_for(request.GET)
    except InvalidInput as exc:
        return render(
            request,
            "reviews/reports/transparency.html",
            {"error": exc, "chosen": chosen, "shortcuts": _shortcuts()},
            status=400,
        )
    api = reverse("api:transparency-report")
    params = report.period.params
    return render(
        request,
        "reviews/reports/transparency.html",
        {
            "report": report,
            "chosen": params,
            "charts": charts(report),
            "shortcuts": _shortcuts(),
            "summary": export.summary(report),
            "definitions": definitions(report.min_cell),
            "downloads": {
                kind: f"{api}?{urlencode({**params, 'format': kind})}" for kind in ("csv", "json")
            },
        },
    )


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode(self.charset)  # the report's CSV text; errors answer JSON


class _SectionSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="The row's key (month, domain or group), "
        "its label, and a value per column: null when suppressed.",
    )
    total = serializers.DictField(required=False)


class TransparencyReportSerializer(serializers.Serializer):
    period = inline_serializer(
        "TransparencyPeriod",
        fields={
            "from": serializers.CharField(help_text="YYYY-MM"),
            "to": serializers.CharField(help_text="YYYY-MM"),
            "months": serializers.ListField(child=serializers.CharField()),
        },
    )
    generated_at = serializers.DateTimeField()
    min_cell = serializers.IntegerField(help_text="Counts from 1 below this are null.")
    definitions = serializers.DictField(child=serializers.CharField())
    sections = serializers.DictField(
        child=_SectionSerializer(),
        help_text="applications_by_month, applications_by_domain, "
        "applications_by_domain_and_month, time_to_decision, sla, escalations, "
        "grant_suspensions.",
    )


class TransparencyReportView(APIView):
    """The transparency report's figures for whole months (default: the last twelve), as on
    the page /reports/transparency/. Administrators only. CSV has one figure a line: section,
    month, domain, group, measure, value, suppressed."""

    permission_classes = [IsAdminUser]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        if request.query_params.get("format", "json") not in ("json", "csv"):
            raise InvalidInput(
                "Use json or csv.", code="invalid", extra={"format": ["json or csv"]}
            )
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        """Only the report itself is CSV: errors and OPTIONS answer JSON, as everywhere in the
        API, also when CSV was asked for."""
        if not isinstance(getattr(response, "data", None), str):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First month, YYYY-MM."),
            OpenApiParameter("to", str, description="Last month, YYYY-MM (default: this one)."),
            OpenApiParameter(
                "format", str, enum=["json", "csv"], description="Or ask with Accept: text/csv."
            ),
        ],
        responses={
            (200, "application/json"): TransparencyReportSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            400: OpenApiResponse(description="Not a period (code invalid_period)."),
            403: OpenApiResponse(description="Not an administrator."),
        },
    )
    def get(self, request):
        report = _report_for(request.query_params)
        if request.accepted_renderer.format == "csv":
            response = Response(export.as_csv(report))
            extension = "csv"
        else:
            response = Response(export.as_dict(report))
            extension = "json"
        response["Content-Disposition"] = (
            f'attachment; filename="{export.filename(report, extension)}"'
        )
        return response
