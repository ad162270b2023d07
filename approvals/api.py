"""Policy and applications API: one view per operation, each calling one service."""

from django.db import DatabaseError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import NotAllowed
from accounts.models import Role
from accounts.paging import KeysetPagination
from approvals.policy import versions as policy
from approvals.policy.classifier import versions as classifiers

from . import access, lifecycle
from .models import Application, Revision
from .serializers import (
    ApplicationInputSerializer,
    ApplicationSerializer,
    CreateInputSerializer,
    DomainSerializer,
)

LIST_ORDER = ("-created_at", "-pk")  # newest first; the pk makes the order total


def validated(serializer_class, data, *, partial=False) -> dict:
    slugs = policy.current_domains().values_list("slug", flat=True)
    serializer = serializer_class(data=data, partial=partial, domain_slugs=slugs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def with_revisions(queryset):
    """What ApplicationSerializer reads, fetched for the whole page in a few queries."""
    return queryset.select_related("grant").prefetch_related(
        Prefetch("revisions", queryset=Revision.objects.order_by("number")),
        "decisions__revision",
        "decisions__reviewer",
    )


class HealthView(APIView):
    """For load balancers and operators: the database answers, and whether screening has
    its classifier ("ok"), has none published ("none") or runs on the rules alone because
    the model cannot be loaded ("unavailable": status "degraded"). 200 while the database
    answers (screening still works on the rules), 503 when it does not."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request):
        try:
            classifier = classifiers.health()
        except DatabaseError:
            return Response({"status": "down", "database": "unavailable"}, status=503)
        degraded = classifier["status"] == "unavailable"
        return Response(
            {"status": "degraded" if degraded else "ok", "database": "ok", "classifier": classifier}
        )


class DomainListView(APIView):
    """The published policy's domains."""

    @extend_schema(responses={200: DomainSerializer(many=True)})
    def get(self, request):
        return Response(DomainSerializer(policy.current_domains(), many=True).data)


class ApplicationListCreateView(generics.ListAPIView):
    """Newest first, by cursor (`?cursor=`, `?page_size=`); `count` stops at 1,000."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["status"]
    pagination_class = KeysetPagination.of(*LIST_ORDER, counted=True)

    def get_queryset(self):
        return with_revisions(access.applications_visible_to(self.request.user))

    @extend_schema(request=CreateInputSerializer, responses={201: ApplicationSerializer})
    def post(self, request):
        if not request.user.has_role(Role.DEVELOPER):
            raise NotAllowed("Only developers create applications.")
        content = validated(CreateInputSerializer, request.data)
        organization = access.organization_for_new_application(
            request.user, content.pop("organization", None)
        )
        application = lifecycle.application_create(
            actor=request.user, organization=organization, content=content
        )
        return Response(
            ApplicationSerializer(application, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def own_application(request, pk: int) -> Application:
    """An application the caller may act on as its applicant: 404 when they may not see it,
    403 when they see it but are not one of its developers."""
    application = access.get_application_for(request.user, pk)
    if not request.user.has_role(Role.DEVELOPER):
        raise NotAllowed("Only the applicant's developers may do this.")
    return application


class ApplicationDetailView(APIView):
    @extend_schema(responses={200: ApplicationSerializer})
    def get(self, request, pk: int):
        application = access.get_application_for(request.user, pk)
        return Response(ApplicationSerializer(application, context={"request": request}).data)

    @extend_schema(request=ApplicationInputSerializer, responses={200: ApplicationSerializer})
    def patch(self, request, pk: int):
        application = own_application(request, pk)
        changes = validated(ApplicationInputSerializer, request.data, partial=True)
        application = lifecycle.application_update(
            actor=request.user, application=application, changes=changes
        )
        return Response(ApplicationSerializer(application, context={"request": request}).data)


class ApplicationSubmitView(APIView):
    @extend_schema(request=None, responses={202: ApplicationSerializer})
    def post(self, request, pk: int):
        application = own_application(request, pk)
        lifecycle.application_submit(actor=request.user, application=application)
        application.refresh_from_db()
        return Response(
            ApplicationSerializer(application, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ApplicationWithdrawView(APIView):
    @extend_schema(request=None, responses={200: ApplicationSerializer})
    def post(self, request, pk: int):
        application = lifecycle.application_withdraw(
            actor=request.user, application=own_application(request, pk)
        )
        return Response(ApplicationSerializer(application, context={"request": request}).data)
