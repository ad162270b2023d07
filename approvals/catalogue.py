"""What an application may ask for: the provider's models and endpoints, and input bounds."""

from django.conf import settings

TITLE_MAX = 200
DESCRIPTION_MIN, DESCRIPTION_MAX = 40, 10_000
LIST_MAX = 20
MITIGATION_MAX = 500
REQUESTS_PER_MINUTE_MAX = 1_000_000
MONTHLY_TOKENS_MAX = 10**13


def models() -> list[str]:
    return list(settings.APPROVALS_MODELS)


def endpoints() -> list[str]:
    return list(settings.APPROVALS_ENDPOINTS)
