"""Which applications a user may see, decided here only: anything else is a 404."""

from django.shortcuts import get_object_or_404

from accounts.access import organizations_visible_to
from accounts.errors import InvalidInput
from accounts.models import Role

from .models import Application, Grant, ProductionKey


def _organization_ids(user) -> list[int]:
    """The developer's organizations as ids, not a subquery: with one organization (the usual
    case) a list newest first is one range of the index (organization, created_at, id); as a
    subquery the planner walks every organization's rows in time order and filters."""
    return list(organizations_visible_to(user).values_list("pk", flat=True))


def applications_visible_to(user):
    if not (user.is_authenticated and user.is_active):
        return Application.objects.none()
    if user.role == Role.ADMIN:
        return Application.objects.all()
    if user.role == Role.DEVELOPER:
        return Application.objects.filter(organization__in=_organization_ids(user))
    if user.role == Role.REVIEWER:
        # Submitted work; who may *decide* what is reviews.eligibility's business (a
        # reviewer sees their own organization's application but may not review it: 403).
        return Application.objects.exclude(status=Application.Status.DRAFT)
    return Application.objects.none()


def get_application_for(user, pk, *, for_update: bool = False) -> Application:
    queryset = applications_visible_to(user)
    if for_update:
        queryset = queryset.select_for_update()
    return get_object_or_404(queryset, pk=pk)


def organization_for_new_application(user, organization_id=None):
    """The developer's organization; they must name it when they belong to several."""
    organizations = organizations_visible_to(user).filter(memberships__user=user)
    if organization_id is not None:
        return get_object_or_404(organizations, pk=organization_id)
    if organizations.count() != 1:
        raise InvalidInput(
            "Name the organization this application is for.",
            code="organization_required",
            extra={"field": "organization"},
        )
    return organizations.get()


def grants_visible_to(user):
    if not (user.is_authenticated and user.is_active):
        return Grant.objects.none()
    if user.role == Role.ADMIN:
        return Grant.objects.all()
    if user.role == Role.DEVELOPER:
        return Grant.objects.filter(organization__in=_organization_ids(user))
    return Grant.objects.none()


def get_grant_for(user, pk) -> Grant:
    return get_object_or_404(grants_visible_to(user).select_related("organization"), pk=pk)


def get_key_for(user, pk) -> ProductionKey:
    return get_object_or_404(
        ProductionKey.objects.filter(grant__in=grants_visible_to(user)).select_related(
            "grant__organization"
        ),
        pk=pk,
    )
