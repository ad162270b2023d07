from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAdminUser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.query.exports import FORMATS, audit_export, streaming_response
from audit.query.filters import AuditEventFilter
from audit.query.keyset import TooSlow, time_limited
from audit.query.pagination import AuditKeysetPagination

from . import verification
from .models import AuditEvent, ChainVerification
from .serializers import AuditEventSerializer, ChainReportSerializer, ChainVerificationSerializer


class AuditEventListView(ListAPIView):
    """The audit log, newest first. Administrators only (administrators are staff).

    Paginated by keyset: follow `next` (older events, `?before=<id>`) and `previous` (newer,
    `?after=<id>`); each page costs the same at any depth. `count` is exact up to 10,000
    matching events and always exact without filters; above 10,000 it is 10,000 and
    `count_exact` is false. `q` searches the actor, action, target, request id and data.
    """

    permission_classes = [IsAdminUser]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    pagination_class = AuditKeysetPagination
    queryset = AuditEvent.objects.all()

    def list(self, request, *args, **kwargs):
        try:
            with time_limited():
                return super().list(request, *args, **kwargs)
        except TooSlow as exc:
            raise QueryTooSlow from exc


class QueryTooSlow(APIException):
    status_code = 400
    default_detail = (
        "These filters took too long to search: narrow them down with an "
        "action, an actor, a target or a time range."
    )
    default_code = "query_too_slow"


class AuditChainVerifyView(APIView):
    """Verifies the whole chain now (it reads every event: seconds per hundred thousand) and
    records the run. The last scheduled result, without the wait: .../verification/."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: ChainReportSerializer})
    def get(self, request):
        run = verification.verification_run(
            trigger=ChainVerification.Trigger.API, requested_by=request.user
        )
        return Response(ChainReportSerializer(run).data)


class AuditChainVerificationView(APIView):
    """GET: the last finished verification (what the audit page shows), or 404 before the
    first. POST: ask for a full verification now; 202 with the request, which a worker runs
    (at once when Celery is eager)."""

    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: ChainVerificationSerializer, 404: None})
    def get(self, request):
        run = verification.latest_finished()
        if run is None:
            return Response(
                {"detail": "The chain has not been verified yet.", "code": "not_found"}, status=404
            )
        return Response(ChainVerificationSerializer(run).data)

    @extend_schema(request=None, responses={202: ChainVerificationSerializer})
    def post(self, request):
        requested = verification.verification_request(actor=request.user)
        requested.verification.refresh_from_db()
        return Response(ChainVerificationSerializer(requested.verification).data, status=202)


class FileTypeIsAParameter(DefaultContentNegotiation):
    """?format= names the export's file type here, not a DRF renderer: errors answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class AuditEventExportView(ListAPIView):
    """The filtered audit log as one file, streamed: CSV or JSON Lines, oldest first, up to
    the newest event when the export starts. Columns: id, at, actor, action, target_type,
    target_id, data (JSON text in CSV), prev_hash, hash. In CSV a cell starting with = + - @
    is prefixed with an apostrophe (spreadsheet formula injection). The export is recorded
    in the audit log (action audit.exported) with its filters. Administrators only."""

    permission_classes = [IsAdminUser]
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.all()
    pagination_class = None
    content_negotiation_class = FileTypeIsAParameter

    @extend_schema(
        operation_id="audit_events_export",
        filters=True,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMATS),
                default="csv",
                description="csv or jsonl (JSON Lines).",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request):
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise ValidationError({"format": ["Use csv or jsonl."]})
        events = AuditEventFilter(request.query_params, queryset=self.get_queryset())
        if not events.is_valid():
            raise ValidationError(events.errors)
        return streaming_response(
            audit_export(actor=request.user, events=events.qs, filters=events.applied(), fmt=fmt)
        )
