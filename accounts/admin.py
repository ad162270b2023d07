"""Admin site: every change goes through a service, so it is validated and audited."""

from django import forms
from django.contrib import admin
from django.db import transaction

from . import services
from .models import GuidelinesVersion, Membership, Organization, User


class SlugListField(forms.CharField):
    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [s.strip() for s in (value or "").split(",") if s.strip()]


class UserForm(forms.ModelForm):
    specialties = SlugListField(required=False, help_text="Comma-separated domain slugs.")
    opt_outs = SlugListField(required=False, help_text="Comma-separated domain slugs.")

    class Meta:
        model = User
        fields = ["role", "specialties", "opt_outs", "is_active"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["organization", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ["email", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active"]
    search_fields = ["email"]
    readonly_fields = ["email", "public_id", "date_joined", "last_login"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return False  # accounts come from signup or `manage.py create_user`

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log refers to accounts

    def save_model(self, request, obj, form, change):
        data, user = form.cleaned_data, User.objects.get(pk=obj.pk)
        with transaction.atomic():
            services.role_set(actor=request.user, user=user, role=data["role"])
            services.specialties_set(actor=request.user, user=user, specialties=data["specialties"])
            services.opt_outs_set(actor=request.user, user=user, opt_outs=data["opt_outs"])
            services.active_set(actor=request.user, user=user, active=data["is_active"])


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GuidelinesVersion)
class GuidelinesVersionAdmin(admin.ModelAdmin):
    """Publishing is adding a version; a published version never changes."""

    list_display = ["version", "published_at", "published_by"]
    fields = ["text"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = services.guidelines_publish(actor=request.user, text=form.cleaned_data["text"])
        obj.pk, obj.version = published.pk, published.version
