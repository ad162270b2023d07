from rest_framework import serializers

from .models import Decision


class QueueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="application.pk")
    title = serializers.CharField(source="application.title")
    organization = serializers.CharField(source="application.organization.name")
    route = serializers.CharField(source="application.route_name")
    required_approvals = serializers.IntegerField(source="application.required_approvals")
    flagged_domains = serializers.ListField(source="application.flagged_domains")
    specialist_domains = serializers.ListField(source="application.specialist_domains")
    sla_due_at = serializers.DateTimeField(source="application.sla_due_at")
    overdue = serializers.BooleanField()
    needs_specialist = serializers.BooleanField()
    for_my_specialty = serializers.BooleanField()
    claimed = serializers.SerializerMethodField()
    claimed_by_me = serializers.SerializerMethodField()

    def get_claimed(self, item) -> bool:
        return item.claimed_by is not None

    def get_claimed_by_me(self, item) -> bool:
        return item.claimed_by == self.context["request"].user.pk


class LimitsSerializer(serializers.Serializer):
    requests_per_minute = serializers.IntegerField(min_value=0, required=False)
    tokens_per_minute = serializers.IntegerField(min_value=0, required=False)
    monthly_tokens = serializers.IntegerField(min_value=0, required=False)


class NarrowingSerializer(serializers.Serializer):
    """What a decision may say about the access it leaves: a rationale, and narrower models,
    endpoints and limits (an application's approval, an access-review item's reduction)."""

    rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    limits = LimitsSerializer(required=False)
    models = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=20,
        required=False,
        allow_empty=False,
    )
    endpoints = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=20,
        required=False,
        allow_empty=False,
    )


class DecisionInputSerializer(NarrowingSerializer):
    decision = serializers.ChoiceField(choices=Decision.Kind.choices)
    conditions = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=20, required=False, default=list
    )
    clauses = serializers.ListField(
        child=serializers.SlugField(max_length=64),
        max_length=34,
        required=False,
        default=list,
        help_text="Policy domains a rejection rests on.",
    )


class DecisionSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(source="revision.number")
    models = serializers.ListField(source="model_names")
    reviewer = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "revision",
            "decision",
            "rationale",
            "conditions",
            "clauses",
            "models",
            "endpoints",
            "limits",
            "reviewer",
            "created_at",
        ]

    def get_reviewer(self, decision) -> str:
        viewer = self.context["request"].user
        return "Reviewer" if viewer.role == "developer" else decision.reviewer.email


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class OptOutsSerializer(serializers.Serializer):
    opt_outs = serializers.ListField(child=serializers.CharField(max_length=64), max_length=34)


# Access reviews and re-reviews.
