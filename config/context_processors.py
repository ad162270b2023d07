"""What base.html needs on every page, computed only when a template asks for it."""

from django.utils.functional import SimpleLazyObject


def _unverified_address(user) -> str:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, primary=True).first()
    if address is None or address.verified:
        return ""
    return address.email


def verification(request):
    """`unverified_email`: a signed-in developer's primary address while it is unverified
    (base.html then offers a new verification mail), else ""."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != "developer":
        return {"unverified_email": ""}
    return {"unverified_email": SimpleLazyObject(lambda: _unverified_address(user))}
