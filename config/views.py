"""Pages that belong to no one app: the front page (which sends a signed-in account to its
role's home), the administrators' overview, and the refused-form (CSRF) page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from accounts.adapters import home_for
from accounts.models import Role
from config.exceptions import refusal_fragment
from reviews.reports.overview import overview


def home(request):
    if request.user.is_authenticated:
        return redirect(home_for(request.user))
    return render(request, "home.html")


@login_required
def overview_page(request):
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied("The overview is for administrators.")
    return render(request, "overview.html", {"overview": overview()})


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: the form was sent without its token or with a stale one
    (most often a page left open across a sign-in or sign-out)."""
    if request.headers.get("HX-Request") == "true":
        message = "The form expired, so nothing was changed: reload the page and try again."
        return refusal_fragment(request, message, 403)
    return render(request, "403_csrf.html", status=403)
