from rest_framework.throttling import SimpleRateThrottle

from .models import normalize_email


class IPThrottle(SimpleRateThrottle):
    """Per client address; the scope names the rate in REST_FRAMEWORK's throttle rates."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenIPThrottle(IPThrottle):
    scope = "token_ip"


class SignupIPThrottle(IPThrottle):
    scope = "signup_ip"


class SignupEmailThrottle(SimpleRateThrottle):
    """Per address asked for, whoever asks: bounds mail sent to one inbox."""

    scope = "signup_email"

    def get_cache_key(self, request, view):
        email = normalize_email(str(request.data.get("email", ""))) if hasattr(
            request.data, "get") else ""
        return self.cache_format % {"scope": self.scope, "ident": email} if email else None
