"""Keys API for developers, and the gateway's verify call."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import NotAllowed
from accounts.models import Role
from accounts.paging import KeysetPagination
from accounts.permissions import HasRole
from approvals import access
from approvals.models import Grant
from approvals.serializers import GrantSerializer

from . import gateway_call, keyformat, verify
from . import services as keys
from .services import DEFAULT_GRACE, GRACE_PERIODS


class KeySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    prefix = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)

    def get_prefix(self, key) -> str:
        return keyformat.shown_prefix(key.key_id)


class NewKeySerializer(KeySerializer):
    key = serializers.CharField(help_text="The secret. Shown in this response only.")


class MintSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)


class RotateSerializer(serializers.Serializer):
    grace = serializers.ChoiceField(
        choices=list(GRACE_PERIODS),
        default=DEFAULT_GRACE,
        help_text="How long the old key keeps working (default 24 hours).",
    )


class VerifyRequestSerializer(serializers.Serializer):
    key = serializers.CharField(trim_whitespace=False, allow_blank=True)
    model = serializers.CharField(max_length=100)
    endpoint = serializers.CharField(max_length=200)
    tokens = serializers.IntegerField(min_value=0, max_value=verify.MAX_TOKENS)


class VerifyResponseSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    code = serializers.ChoiceField(
        choices=[
            verify.VALID,
            verify.NOT_FOUND,
            verify.REVOKED,
            verify.EXPIRED,
            verify.SUSPENDED,
            verify.SCOPE_DENIED,
            verify.RATE_LIMITED,
            verify.QUOTA_EXCEEDED,
        ]
    )
    grant_id = serializers.IntegerField(allow_null=True)
    organization = serializers.CharField(allow_null=True)
    limits = serializers.DictField(allow_null=True)
    remaining = serializers.DictField(allow_null=True)
    retry_after = serializers.IntegerField(
        allow_null=True,
        help_text="For RATE_LIMITED and QUOTA_EXCEEDED: seconds until a call may succeed "
        "(also sent as a Retry-After header); null otherwise.",
    )


def _developer(request):
    if not request.user.has_role(Role.DEVELOPER):
        raise NotAllowed("Only the grant holder's developers manage its keys.")


def _new_key_body(key, text) -> dict:
    return {**KeySerializer(key).data, "key": text}


class GrantListSerializer(GrantSerializer):
    organization = serializers.IntegerField(source="organization_id")
    application = serializers.IntegerField(source="application_id")
    created_at = serializers.DateTimeField()

    class Meta(GrantSerializer.Meta):
        fields = ["id", "organization", "application", *GrantSerializer.Meta.fields, "created_at"]


class GrantFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Grant.Status.choices, required=False)
    organization = serializers.IntegerField(min_value=1, required=False)


class GrantListView(APIView):
    """The grants a caller may see (developers: their organizations'; admins: all), newest
    first, by cursor; filters `status` and `organization` (its id). `count` stops at 1,000."""

    permission_classes = [HasRole.of(Role.DEVELOPER, Role.ADMIN)]
    pagination_class = KeysetPagination.of("-created_at", "-pk", counted=True)

    @extend_schema(
        parameters=[GrantFilterSerializer], responses={200: GrantListSerializer(many=True)}
    )
    def get(self, request):
        filters = GrantFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        grants = access.grants_visible_to(request.user).filter(**filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(grants, request, view=self)
        return paginator.get_paginated_response(GrantListSerializer(page, many=True).data)


class GrantDetailView(APIView):
    @extend_schema(responses={200: GrantSerializer})
    def get(self, request, pk: int):
        return Response(GrantSerializer(access.get_grant_for(request.user, pk)).data)


class GrantKeysView(APIView):
    """A grant's keys, newest first, by cursor: rotations and revocations keep adding keys."""

    pagination_class = KeysetPagination.of("-created_at", "-pk", counted=True)

    @extend_schema(responses={200: KeySerializer(many=True)})
    def get(self, request, pk: int):
        grant = access.get_grant_for(request.user, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(grant.keys.all(), request, view=self)
        return paginator.get_paginated_response(KeySerializer(page, many=True).data)

    @extend_schema(request=MintSerializer, responses={201: NewKeySerializer})
    def post(self, request, pk: int):
        grant = access.get_grant_for(request.user, pk)
        _developer(request)
        data = MintSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key, text = keys.key_mint(actor=request.user, grant=grant, name=data.validated_data["name"])
        return Response(_new_key_body(key, text), status=status.HTTP_201_CREATED)


class KeyRevokeView(APIView):
    @extend_schema(request=None, responses={200: KeySerializer})
    def post(self, request, pk: int):
        key = access.get_key_for(request.user, pk)
        return Response(KeySerializer(keys.key_revoke(actor=request.user, key=key)).data)


class KeyRotateView(APIView):
    @extend_schema(request=RotateSerializer, responses={201: NewKeySerializer})
    def post(self, request, pk: int):
        key = access.get_key_for(request.user, pk)
        _developer(request)
        data = RotateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new, text = keys.key_rotate(actor=request.user, key=key, grace=data.validated_data["grace"])
        return Response(_new_key_body(new, text), status=status.HTTP_201_CREATED)


class VerifyView(APIView):
    """The gateway's hot path, for Django's own request path (the test client, runserver)
    and the OpenAPI schema: production serves it on the lean WSGI path
    (config/gateway_wsgi.py). Both answer through gateway_call.answer.

    `dispatch` is replaced: this view skips DRF's request wrapping, negotiation and the
    database-backed token check. The class stays an APIView so the schema documents it
    from `post`.
    """

    permission_classes = [HasRole.of(Role.GATEWAY)]
    batch = False

    def dispatch(self, request, *args, **kwargs):
        reply = gateway_call.answer(
            request.method,
            request.headers.get("Authorization", ""),
            lambda: request.body,  # raises RequestDataTooBig over the limit: a 413
            batch=self.batch,
        )
        response = HttpResponse(reply.body, status=reply.status, content_type="application/json")
        for name, value in reply.headers:
            response[name] = value
        return response

    @extend_schema(request=VerifyRequestSerializer, responses={200: VerifyResponseSerializer})
    def post(self, request):  # documents the contract; dispatch above serves it
        raise NotImplementedError


class VerifyBatchRequestSerializer(serializers.Serializer):
    checks = VerifyRequestSerializer(
        many=True,
        min_length=1,
        max_length=gateway_call.MAX_CHECKS,
        help_text="Checked and charged in order: a check sees what the ones before it were "
        "charged. A check's field error refuses the whole batch with a 400 naming "
        "`checks[<i>].<field>`; nothing is charged then.",
    )


class VerifyBatchResponseSerializer(serializers.Serializer):
    results = VerifyResponseSerializer(
        many=True, help_text="One answer per check, in order, each as verify answers it."
    )


class VerifyBatchView(VerifyView):
    """Several checks in one call (POST /api/v1/keys/verify/batch/)."""

    batch = True

    @extend_schema(
        request=VerifyBatchRequestSerializer, responses={200: VerifyBatchResponseSerializer}
    )
    def post(self, request):
        raise NotImplementedError
