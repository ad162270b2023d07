"""Administrators edit a draft policy here and publish it; published versions are read-only."""

from django.contrib import admin, messages

from accounts.errors import DomainError
from approvals.policy import versions as policy

from .models import Application, Domain, PolicyVersion


class DomainInline(admin.StackedInline):
    model = Domain
    extra = 0
    fields = ["slug", "name", "kind", "description", "typical_conditions", "rules"]

    def _draft(self, obj):
        return obj is not None and not obj.is_published

    def has_change_permission(self, request, obj=None):
        return self._draft(obj)

    def has_add_permission(self, request, obj=None):
        return self._draft(obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "published_at", "published_by"]
    readonly_fields = ["number", "status", "published_at", "published_by", "created_at"]
    fields = readonly_fields + ["notes"]
    inlines = [DomainInline]
    actions = ["new_draft", "publish"]

    def has_add_permission(self, request):
        return False  # drafts start as a copy of the current policy: the "new draft" action

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    @admin.action(description="Create a new draft from the current policy")
    def new_draft(self, request, queryset):
        draft = policy.policy_draft_create(actor=request.user)
        self.message_user(request, f"Draft v{draft.number} created.")

    @admin.action(description="Publish the selected draft")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                policy.policy_publish(actor=request.user, policy=version)
            except DomainError as exc:
                self.message_user(request, exc.detail, level=messages.ERROR)
            else:
                self.message_user(request, f"Policy v{version.number} published.")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through the portal, the API and the queue."""

    list_display = ["id", "title", "organization", "status", "route_name", "sla_due_at"]
    list_filter = ["status", "route_name"]
    search_fields = ["title", "organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
