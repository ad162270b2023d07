"""Object-level access, decided in one place.

Every query for an organization-owned object goes through these functions, so a missing
check is a 404 by construction. Membership grants object permissions through
django-guardian (direct foreign-key rows, see models.OrganizationUserPermission);
administrators see everything.
"""

from django.shortcuts import get_object_or_404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Organization, Role

VIEW_ORGANIZATION = "accounts.view_organization"


def grant_membership_permissions(user, organization: Organization) -> None:
    assign_perm(VIEW_ORGANIZATION, user, organization)


def revoke_membership_permissions(user, organization: Organization) -> None:
    remove_perm(VIEW_ORGANIZATION, user, organization)


def organizations_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if user.role == Role.ADMIN:
        return Organization.objects.all()
    return get_objects_for_user(
        user, VIEW_ORGANIZATION, klass=Organization, accept_global_perms=False
    )


def get_organization_for(user, pk) -> Organization:
    return get_object_or_404(organizations_visible_to(user), pk=pk)


def can_view_organization(user, organization: Organization) -> bool:
    return organizations_visible_to(user).filter(pk=organization.pk).exists()
