from rest_framework import serializers

from .grant_reviews import DECISIONS
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


class CampaignInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    due_at = serializers.DateTimeField()


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    period_start = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_how = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Items by status.")


class CampaignCreatedSerializer(CampaignSerializer):
    items = serializers.ListField(
        child=serializers.DictField(),
        help_text="One item per grant active at the start: id, grant.",
    )


class CampaignEndSerializer(serializers.Serializer):
    open_items = serializers.ChoiceField(
        choices=["suspend", "keep"],
        help_text="suspend: as at the due date; keep: close them, grants unchanged.",
    )


class UsedSerializer(serializers.Serializer):
    models = serializers.ListField(child=serializers.CharField())
    endpoints = serializers.ListField(child=serializers.CharField())
    requests = serializers.IntegerField()
    tokens = serializers.IntegerField()
    peak_requests_per_minute = serializers.IntegerField()
    peak_tokens_per_minute = serializers.IntegerField()
    scope_denied = serializers.IntegerField()
    by_scope = serializers.ListField(child=serializers.DictField())


class ItemSerializer(serializers.Serializer):
    """An item (Shown): the grant's terms beside its use in the period, and what this viewer
    may do with it."""

    id = serializers.IntegerField(source="item.pk")
    kind = serializers.CharField(source="item.kind")
    status = serializers.CharField(source="item.status")
    campaign = serializers.IntegerField(source="item.campaign_id", allow_null=True)
    reason = serializers.CharField(source="item.reason")
    details = serializers.DictField(source="item.details")
    due_at = serializers.DateTimeField(source="item.due_at", allow_null=True)
    grant = serializers.SerializerMethodField()
    used = UsedSerializer()
    suggested_reduction = serializers.SerializerMethodField()
    unremarkable = serializers.BooleanField()
    may_decide = serializers.BooleanField()
    refusal = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(source="item.decided_at", allow_null=True)
    decided_by = serializers.SerializerMethodField()
    rationale = serializers.CharField(source="item.rationale")
    outcome = serializers.DictField(source="item.outcome")

    def get_grant(self, shown) -> dict:
        grant = shown.item.grant
        return {
            "id": grant.pk,
            "status": grant.status,
            "application": grant.application_id,
            "organization": grant.organization.name,
            "models": grant.model_names,
            "endpoints": grant.endpoints,
            "limits": grant.limits,
            "expires_at": grant.expires_at,
        }

    def get_suggested_reduction(self, shown) -> dict | None:
        reduction = shown.reduction
        if not reduction.possible:
            return None
        return {
            "models": reduction.models,
            "endpoints": reduction.endpoints,
            "limits": reduction.limits,
        }

    def get_decided_by(self, shown) -> str | None:
        return shown.item.decided_by.email if shown.item.decided_by else None


class ItemDecisionSerializer(NarrowingSerializer):
    decision = serializers.ChoiceField(choices=DECISIONS)


class BulkCertifySerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500
    )
    rationale = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ScheduleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    cadence = serializers.ChoiceField(choices=["monthly", "quarterly", "yearly"])
    due_days = serializers.IntegerField(min_value=1, max_value=90)


class ScheduleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    enabled = serializers.BooleanField()
    last_run_at = serializers.DateTimeField(allow_null=True)
