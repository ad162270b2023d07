from django.contrib import admin

from .models import AuditEvent, ChainVerification


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by audit.services.record and nothing else. The audit
    page (/audit/) is the one built for millions of events: keyset pages, indexed filters."""

    list_display = ["id", "at", "actor_label", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "target_id", "request_id"]
    show_full_result_count = False  # no second COUNT(*) of the whole log under a filter

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChainVerification)
class ChainVerificationAdmin(admin.ModelAdmin):
    """Read-only history of the chain's verifications."""

    list_display = [
        "id",
        "kind",
        "trigger",
        "requested_by",
        "finished_at",
        "ok",
        "events_checked",
        "first_bad_id",
        "duration",
    ]
    list_filter = ["kind", "trigger", "ok"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
