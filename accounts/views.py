"""Developer portal pages. Thin: read, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import access, services
from .adapters import home_for
from .errors import DomainError
from .models import Role
from .readiness import ACCEPT_GUIDELINES, VERIFY_EMAIL, current_guidelines, missing_steps


def home_context(request) -> dict:
    """The account's part of the portal home; approvals.views.portal_home adds the dashboard."""
    missing = missing_steps(request.user)
    return {
        "missing": missing,
        "needs_verification": VERIFY_EMAIL in missing,
        "needs_guidelines": ACCEPT_GUIDELINES in missing,
        "organizations": access.organizations_visible_to(request.user).filter(
            memberships__user=request.user
        ),
        "guidelines": current_guidelines(),
    }


@login_required
def portal_home(request):
    if request.user.role != Role.DEVELOPER:
        # Reviewers and administrators have no use of the portal (its pages are developers'):
        # an old link or bookmark leads to their own home instead.
        return redirect(home_for(request.user))
    return render(request, "portal/home.html", home_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def guidelines(request):
    current = current_guidelines()
    if request.method == "POST":
        try:
            services.guidelines_accept(
                user=request.user, version=int(request.POST.get("version", "0") or 0)
            )
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "detail", "That version cannot be accepted."))
            return redirect("portal:guidelines")
        messages.success(request, f"You accepted the usage guidelines, version {current.version}.")
        return redirect("portal:home")
    return render(
        request,
        "portal/guidelines.html",
        {
            "guidelines": current,
            "accepted": ACCEPT_GUIDELINES not in missing_steps(request.user),
        },
    )
