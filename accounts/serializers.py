from django.contrib.auth import password_validation
from rest_framework import serializers

from . import services
from .errors import InvalidInput
from .models import GuidelinesVersion, Organization, User, normalize_email


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class SignupRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    organization = serializers.CharField(max_length=120)

    def validate_email(self, value):
        try:
            return services.email_for_new_account(value)
        except services.LooksLikeAnother:
            return normalize_email(value)  # answered as a taken address (SignupView)
        except InvalidInput as exc:
            raise serializers.ValidationError(exc.detail, code=exc.code) from exc

    def validate(self, attrs):
        candidate = User(email=attrs["email"])
        try:
            password_validation.validate_password(attrs["password"], candidate)
        except Exception as exc:  # django ValidationError -> field error
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class SignupResponseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


class GuidelinesSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidelinesVersion
        fields = ["version", "text", "published_at"]


class GuidelinesAcceptSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


class GuidelinesAcceptedSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="guidelines.version")
    accepted_at = serializers.DateTimeField()


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "created_at"]


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    email = serializers.EmailField()
    role = serializers.CharField()
    specialties = serializers.ListField(child=serializers.CharField())
    opt_outs = serializers.ListField(child=serializers.CharField())
    organizations = OrganizationSerializer(many=True)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="Steps left before the account may submit."
    )
