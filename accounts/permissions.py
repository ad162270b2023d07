from rest_framework.permissions import BasePermission

from .models import Role


class HasRole(BasePermission):
    """`HasRole.of(Role.REVIEWER, Role.ADMIN)` admits active accounts with one of the roles."""

    roles: tuple[str, ...] = ()
    message = "Your role does not allow this."

    @classmethod
    def of(cls, *roles: str):
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_role(*self.roles))


IsDeveloper = HasRole.of(Role.DEVELOPER)
IsAdmin = HasRole.of(Role.ADMIN)
