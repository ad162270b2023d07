"""The access-review API's input and output: campaigns, items (what was granted beside what
was used), decisions on items, schedules."""

from rest_framework import serializers

from reviews.serializers import NarrowingSerializer

from .grant_reviews import DECISIONS


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
