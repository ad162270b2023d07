from rest_framework import serializers

from . import verification
from .models import AuditEvent, ChainVerification


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "target_type",
            "target_id",
            "data",
            "request_id",
            "prev_hash",
            "hash",
        ]


class ChainReportSerializer(serializers.Serializer):
    """ok, events_checked and first_bad_id as ever; then what the chain is anchored with:
    `keyed` is false while its newest events are plain SHA-256 (no AUDIT_CHAIN_KEY), which
    proves nothing against whoever can write the database; `warnings` say what a sound
    result still cannot vouch for, `problem` why it is not sound."""

    ok = serializers.BooleanField()
    events_checked = serializers.IntegerField()
    first_bad_id = serializers.IntegerField(allow_null=True)
    keyed = serializers.SerializerMethodField()
    keyed_events = serializers.IntegerField()
    unkeyed_events = serializers.IntegerField()
    digests_checked = serializers.IntegerField()
    problem = serializers.CharField()
    warnings = serializers.SerializerMethodField()

    def get_keyed(self, run) -> bool:
        return run.keyed_events > 0

    def get_warnings(self, run) -> list[str]:
        return verification.warnings(run)


class ChainVerificationSerializer(serializers.ModelSerializer):
    requested_by = serializers.EmailField(source="requested_by.email", default=None, read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = ChainVerification
        fields = [
            "id",
            "kind",
            "trigger",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "ok",
            "events_checked",
            "first_bad_id",
            "last_id",
            "keyed_events",
            "unkeyed_events",
            "digests_checked",
            "problem",
            "duration_seconds",
        ]

    def get_duration_seconds(self, run) -> float | None:
        return run.duration.total_seconds() if run.duration is not None else None
