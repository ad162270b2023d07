"""Accounts API: one view per operation, each calling one service."""

import uuid

from allauth.account.adapter import get_adapter
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.auth.client import client_ip
from accounts.auth.lockout import LOCKED_OUT, failures_forget
from accounts.auth.throttles import SignupEmailThrottle, SignupIPThrottle, TokenIPThrottle

from . import access, services
from .errors import Conflict, InvalidInput
from .models import User
from .permissions import IsDeveloper
from .readiness import current_guidelines, missing_steps
from .serializers import (
    GuidelinesAcceptedSerializer,
    GuidelinesAcceptSerializer,
    GuidelinesSerializer,
    MeSerializer,
    OrganizationSerializer,
    SignupRequestSerializer,
    SignupResponseSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)

BAD_CREDENTIALS = "Unable to sign in with the email and password given."


class TokenView(APIView):
    """Exchange email and password for an expiring API token (stored only as a digest)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenIPThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        if not data.is_valid():
            raise InvalidInput(BAD_CREDENTIALS, code="invalid_credentials")
        # The Django request, so that django-axes sees the client address (axes #478).
        user = authenticate(
            request._request,
            email=data.validated_data["email"],
            password=data.validated_data["password"],
        )
        if getattr(request._request, "axes_locked_out", False):
            raise Throttled(detail=LOCKED_OUT)
        if user is None or not user.is_active:
            raise InvalidInput(BAD_CREDENTIALS, code="invalid_credentials")
        instance, token = services.api_token_issue(user=user, ip=client_ip(request._request))
        failures_forget(request._request, user.email)
        return Response({"token": token, "expires_at": instance.expiry})


class SignupView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [SignupIPThrottle, SignupEmailThrottle]

    @extend_schema(request=SignupRequestSerializer, responses={201: SignupResponseSerializer})
    def post(self, request):
        data = SignupRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        try:
            user = services.developer_signup(
                email=email,
                password=data.validated_data["password"],
                organization_name=data.validated_data["organization"],
            )
        except Conflict:
            # Same answer as for a new address: the owner gets an "account exists" mail,
            # and the id names nothing.
            get_adapter(request._request).send_account_already_exists_mail(email)
            return Response(
                {"id": uuid.uuid4(), "email": email.lower()}, status=status.HTTP_201_CREATED
            )
        user.emailaddress_set.get(primary=True).send_confirmation(request._request, signup=True)
        return Response(
            SignupResponseSerializer({"id": user.public_id, "email": user.email}).data,
            status=status.HTTP_201_CREATED,
        )


class CurrentGuidelinesView(APIView):
    @extend_schema(responses={200: GuidelinesSerializer})
    def get(self, request):
        current = current_guidelines()
        if current is None:
            raise NotFound("No usage guidelines are published.")
        return Response(GuidelinesSerializer(current).data)


class AcceptGuidelinesView(APIView):
    permission_classes = [IsDeveloper]

    @extend_schema(
        request=GuidelinesAcceptSerializer, responses={200: GuidelinesAcceptedSerializer}
    )
    def post(self, request):
        data = GuidelinesAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        acceptance = services.guidelines_accept(
            user=request.user, version=data.validated_data["version"]
        )
        return Response(GuidelinesAcceptedSerializer(acceptance).data)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        user: User = request.user
        return Response(
            MeSerializer(
                {
                    "public_id": user.public_id,
                    "email": user.email,
                    "role": user.role,
                    "specialties": user.specialties,
                    "opt_outs": user.opt_outs,
                    "organizations": access.organizations_visible_to(user).filter(
                        memberships__user=user
                    ),
                    "missing": missing_steps(user),
                }
            ).data
        )


class OrganizationDetailView(APIView):
    @extend_schema(responses={200: OrganizationSerializer})
    def get(self, request, pk: int):
        return Response(OrganizationSerializer(access.get_organization_for(request.user, pk)).data)
