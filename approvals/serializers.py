"""Input is validated strictly here, for the API and the portal pages alike."""

from rest_framework import serializers

from approvals.policy import screening

from . import catalogue
from .models import Application, Audience, Domain, Grant, Revision


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["slug", "name", "kind", "description", "typical_conditions"]


def _choice_list(choices, field_max=catalogue.LIST_MAX, allow_empty=False):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices),
        allow_empty=allow_empty,
        max_length=field_max,
    )


class ApplicationInputSerializer(serializers.Serializer):
    """`domain_slugs`, `models` and `endpoints` come from the current policy and catalogue."""

    title = serializers.CharField(max_length=catalogue.TITLE_MAX)
    description = serializers.CharField(
        min_length=catalogue.DESCRIPTION_MIN, max_length=catalogue.DESCRIPTION_MAX
    )
    domains = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=catalogue.LIST_MAX
    )
    audience = serializers.ChoiceField(
        choices=Audience.choices,
        error_messages={
            "invalid_choice": "Choose one: "
            + ", ".join(f"{value} ({label})" for value, label in Audience.choices)
            + "."
        },
    )
    models = serializers.ListField(
        child=serializers.CharField(max_length=100),
        allow_empty=False,
        max_length=catalogue.LIST_MAX,
    )
    endpoints = serializers.ListField(
        child=serializers.CharField(max_length=200),
        allow_empty=False,
        max_length=catalogue.LIST_MAX,
    )
    expected_requests_per_minute = serializers.IntegerField(
        min_value=0, max_value=catalogue.REQUESTS_PER_MINUTE_MAX
    )
    expected_monthly_tokens = serializers.IntegerField(
        min_value=0, max_value=catalogue.MONTHLY_TOKENS_MAX
    )
    mitigations = serializers.ListField(
        child=serializers.CharField(max_length=catalogue.MITIGATION_MAX),
        required=False,
        max_length=catalogue.LIST_MAX,
    )

    def __init__(self, *args, domain_slugs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.domain_slugs = set(domain_slugs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)

    @staticmethod
    def _known(values, allowed, what):
        bad = [v for v in values if v not in allowed]
        if bad:
            raise serializers.ValidationError(f"Unknown {what}: {', '.join(bad)}.")
        return sorted(set(values), key=values.index)

    def validate_domains(self, value):
        return self._known(value, self.domain_slugs, "domain")

    def validate_models(self, value):
        return self._known(value, catalogue.models(), "model")

    def validate_endpoints(self, value):
        return self._known(value, catalogue.endpoints(), "endpoint")

    def validate_mitigations(self, value):
        return [m.strip() for m in value if m.strip()]


class CreateInputSerializer(ApplicationInputSerializer):
    organization = serializers.IntegerField(
        required=False,
        help_text=("Needed only when the developer belongs to several organizations."),
    )


class MatchSerializer(serializers.Serializer):
    domain = serializers.CharField()
    kind = serializers.CharField()
    field = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    source = serializers.ChoiceField(choices=["rule", "classifier"])
    rule = serializers.CharField(required=False, help_text="Reviewers and admins only.")
    score = serializers.FloatField(
        required=False, allow_null=True, help_text="Reviewers and admins only."
    )


class ScreeningSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    policy_version = serializers.IntegerField()
    matches = MatchSerializer(many=True)
    classifier_version = serializers.IntegerField(
        required=False, allow_null=True, help_text="Reviewers and admins only; null: rules only."
    )
    layers = serializers.ListField(child=serializers.CharField(), required=False)
    note = serializers.CharField(required=False, help_text="Why the rules alone screened it.")
    set_aside = MatchSerializer(
        many=True, required=False, help_text="Rule hits the classifier did not corroborate."
    )


class RouteSerializer(serializers.Serializer):
    name = serializers.CharField()
    required_approvals = serializers.IntegerField()
    specialist_domains = serializers.ListField(child=serializers.CharField())
    decided_by = serializers.CharField()
    sla_due_at = serializers.DateTimeField()


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Revision
        fields = ["number", "submitted_at", "content"]


class GrantSerializer(serializers.ModelSerializer):
    models = serializers.ListField(source="model_names", child=serializers.CharField())

    class Meta:
        model = Grant
        fields = ["id", "status", "models", "endpoints", "limits", "conditions", "expires_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    models = serializers.ListField(source="model_names", child=serializers.CharField())
    screening = serializers.SerializerMethodField()
    route = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()
    grant = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "organization",
            "status",
            "title",
            "description",
            "domains",
            "audience",
            "models",
            "endpoints",
            "expected_requests_per_minute",
            "expected_monthly_tokens",
            "mitigations",
            "screening",
            "route",
            "revision",
            "decisions",
            "grant",
            "created_at",
            "updated_at",
        ]

    def _latest(self, application):
        revisions = getattr(application, "_revisions_cache", None)
        if revisions is None:
            revisions = application._revisions_cache = list(application.revisions.all())
        return revisions[-1] if revisions else None

    def get_screening(self, application) -> ScreeningSerializer(allow_null=True):
        latest = self._latest(application)
        stored = latest.screening if latest else None
        request = self.context.get("request")
        if request is None or request.user.role == "developer":
            return screening.shown_to_applicant(stored)
        return stored

    def get_route(self, application) -> RouteSerializer(allow_null=True):
        latest = self._latest(application)
        return latest.route if latest else None

    def get_revision(self, application) -> int | None:
        latest = self._latest(application)
        return latest.number if latest else None

    def get_decisions(self, application) -> list[dict]:
        # Recorded by the review queue (reviews.Decision, reached by its related name so that
        # this layer does not import the one above it). Developers never see who decided.
        request = self.context.get("request")
        hide = request is None or request.user.role == "developer"
        return [
            {
                "revision": d.revision.number,
                "decision": d.decision,
                "rationale": d.rationale,
                "conditions": d.conditions,
                "clauses": d.clauses,
                "reviewer": "Reviewer" if hide else d.reviewer.email,
                "created_at": d.created_at,
            }
            for d in application.decisions.all()
        ]

    def get_grant(self, application) -> GrantSerializer(allow_null=True):
        try:
            return GrantSerializer(application.grant).data
        except Grant.DoesNotExist:
            return None
