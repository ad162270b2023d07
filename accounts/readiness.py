"""What a developer must still do before they may submit an application."""

from allauth.account.models import EmailAddress

from .errors import NotAllowed
from .models import GuidelinesAcceptance, GuidelinesVersion

VERIFY_EMAIL = "verify_email"
ACCEPT_GUIDELINES = "accept_guidelines"


def current_guidelines() -> GuidelinesVersion | None:
    return GuidelinesVersion.objects.order_by("-version").first()


def has_accepted_current_guidelines(user) -> bool:
    current = current_guidelines()
    return (
        current is None
        or GuidelinesAcceptance.objects.filter(user=user, guidelines=current).exists()
    )


def missing_steps(user) -> list[str]:
    missing = []
    if not EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists():
        missing.append(VERIFY_EMAIL)
    if not has_accepted_current_guidelines(user):
        missing.append(ACCEPT_GUIDELINES)
    return missing


def ensure_ready_to_submit(user) -> None:
    missing = missing_steps(user)
    if missing:
        raise NotAllowed(
            "Verify your email address and accept the current usage guidelines before submitting.",
            code="not_ready",
            extra={"missing": missing},
        )
