from rest_framework import serializers

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
    ok = serializers.BooleanField()
    events_checked = serializers.IntegerField()
    first_bad_id = serializers.IntegerField(allow_null=True)


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
            "duration_seconds",
        ]

    def get_duration_seconds(self, run) -> float | None:
        return run.duration.total_seconds() if run.duration is not None else None
