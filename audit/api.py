from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAdminUser
from rest_framework.response import Response
from rest_framework.views import APIView

from .chain import verify_chain
from .filters import AuditEventFilter
from .models import AuditEvent
from .serializers import AuditEventSerializer, ChainReportSerializer


class AuditEventListView(ListAPIView):
    """The audit log, newest first. Administrators only (administrators are staff)."""

    permission_classes = [IsAdminUser]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.order_by("-id")


class AuditChainVerifyView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(responses={200: ChainReportSerializer})
    def get(self, request):
        return Response(ChainReportSerializer(asdict(verify_chain())).data)
