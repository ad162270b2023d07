"""Administrators' policy pages: the versions, a draft's simulation over past applications,
and its publication (which re-screens the active grants once it commits). Thin: parse, call
one service, render. Drafts are edited on the admin site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import Role
from approvals import routing
from approvals.models import PolicyVersion
from approvals.policy import simulation
from reviews.access import policy_changes

ROUTE_LABELS = {
    routing.STANDARD: "Standard",
    routing.EXTRA_SCRUTINY: "Extra scrutiny",
    routing.POLICY_ESCALATION: "Policy escalation",
    simulation.AUTO_REJECT: "Rejected by policy",
}


def _admin(request) -> None:
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied("The policy pages are for administrators.")


@login_required
def versions(request):
    _admin(request)
    listed = list(
        PolicyVersion.objects.select_related("published_by")
        .annotate(domain_count=Count("domains"))
        .order_by("-number")
    )
    runs = policy_changes.rescreen_runs(v.number for v in listed)
    return render(
        request,
        "reviews/policy/versions.html",
        {"rows": [(version, runs.get(version.number)) for version in listed]},
    )


def _draft(number: int) -> PolicyVersion:
    return get_object_or_404(PolicyVersion, number=number)


def _simulation_page(
    request, version: PolicyVersion, *, error: DomainError | None = None, status: int = 200
):
    try:
        result = simulation.policy_simulate(draft=version)
    except DomainError as exc:  # published already, or rules that do not compile
        return render(
            request,
            "reviews/policy/simulate.html",
            {"version": version, "error": exc},
            status=exc.status_code,
        )
    return render(
        request,
        "reviews/policy/simulate.html",
        {
            "version": version,
            "result": result,
            "summary": result.summary(),
            "error": error,
            "rows": [
                (change, ROUTE_LABELS[change.before.route], ROUTE_LABELS[change.after.route])
                for change in result.changes
            ],
            "route_labels": ROUTE_LABELS,
        },
        status=status,
    )


@login_required
def simulate(request, number: int):
    """GET: the simulation reads only, so a reload simply runs it again."""
    _admin(request)
    return _simulation_page(request, _draft(number))


@login_required
@require_POST
def publish(request, number: int):
    _admin(request)
    version = _draft(number)
    if request.POST.get("confirm") != "yes":
        error = DomainError("Tick the box to confirm that you read the simulation.", code="confirm")
        return _simulation_page(request, version, error=error, status=400)
    try:
        policy_changes.policy_publish(
            actor=request.user,
            policy_version=version,
            fingerprint=request.POST.get("fingerprint") or None,
        )
    except DomainError as exc:
        return _simulation_page(request, version, error=exc, status=exc.status_code)
    messages.success(
        request,
        f"Policy v{version.number} is published. Active grants are "
        "re-screened under it; those that now screen stricter get a "
        "policy re-review.",
    )
    return redirect("policy:versions")
