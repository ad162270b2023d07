from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import normalize_email

from .client import client_network


class RateFromSettings(SimpleRateThrottle):
    """Reads the rate when asked, not at import, so that settings changes take effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class IPThrottle(RateFromSettings):
    """Per client address; the scope names the rate in REST_FRAMEWORK's throttle rates."""

    def get_ident(self, request):
        # Not DRF's NUM_PROXIES reading of X-Forwarded-For: the one notion of the client.
        return client_network(request) or ""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenIPThrottle(IPThrottle):
    scope = "token_ip"


class SignupIPThrottle(IPThrottle):
    scope = "signup_ip"


class SignupEmailThrottle(RateFromSettings):
    """Per address asked for, whoever asks: bounds the mail sent to one inbox."""

    scope = "signup_email"

    def get_cache_key(self, request, view):
        email = request.data.get("email", "") if hasattr(request.data, "get") else ""
        email = normalize_email(str(email))
        return self.cache_format % {"scope": self.scope, "ident": email} if email else None
