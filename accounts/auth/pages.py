"""The web pages are for people: the gateway account authenticates the verify call and
nothing else, so every page refuses it (issue 13). The API keeps answering it, and it may
still sign out of a session someone opened with it."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Role

GATEWAY_REFUSED = "The gateway account is for the API only."


class GatewayPagesRefused:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.role == Role.GATEWAY
            and not request.path.startswith("/api/")
            and request.path != reverse("account_logout")
        ):
            raise PermissionDenied(GATEWAY_REFUSED)
        return self.get_response(request)
