"""Administrators' policy pages: the versions, a draft's simulation over past applications,
and its publication (which re-screens the active grants once it commits). Thin: parse, call
one service, render. Drafts are edited on the admin site. The screening classifier's
versions have the same three pages: the list, a draft's simulation, its publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import Role
from approvals import routing
from approvals.models import ClassifierVersion, LabelledExample, PolicyVersion
from approvals.policy import simulation
from approvals.policy.classifier import simulation as classifier_simulation
from approvals.policy.classifier import versions as classifier_versions
from reviews.access import policy_changes

ROUTE_LABELS = {
    routing.STANDARD: "Standard",
    routing.EXTRA_SCRUTINY: "Extra scrutiny",
    routing.POLICY_ESCALATION: "Policy escalation",
    simulation.AUTO_REJECT: "Rejected by policy",
}


UNCONFIRMED = DomainError("Tick the box to confirm that you read the simulation.", code="confirm")


def _confirmed(request) -> bool:
    """Publishing a policy or a classifier needs the box ticked under its simulation."""
    return request.POST.get("confirm") == "yes"


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
            "before_name": f"v{result.current}",
            "after_name": f"v{result.draft}",
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
    if not _confirmed(request):
        return _simulation_page(request, version, error=UNCONFIRMED, status=400)
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


# The screening classifier's versions: the same read-simulate-publish flow as a policy draft.


@login_required
def classifiers(request):
    _admin(request)
    return render(
        request,
        "reviews/policy/classifiers.html",
        {
            "versions": ClassifierVersion.objects.select_related("policy", "published_by"),
            "health": classifier_versions.health(),
            "examples": LabelledExample.objects.count(),
        },
    )


def _classifier_page(request, version, *, error: DomainError | None = None, status: int = 200):
    context = {"version": version, "error": error}
    try:
        result = classifier_simulation.classifier_simulate(draft=version)
    except DomainError as exc:  # published already, or the model cannot be loaded
        return render(
            request,
            "reviews/policy/classifier.html",
            {**context, "error": exc},
            status=exc.status_code,
        )
    current = f"classifier v{result.current}" if result.current else "no classifier"
    context.update(
        result=result,
        summary=result.summary(),
        rows=[
            (change, ROUTE_LABELS[change.before.route], ROUTE_LABELS[change.after.route])
            for change in result.changes
        ],
        before_name=current,
        after_name=f"classifier v{result.draft}",
    )
    return render(request, "reviews/policy/classifier.html", context, status=status)


@login_required
def classifier_simulate(request, number: int):
    """GET: reads only, like a policy draft's simulation."""
    _admin(request)
    return _classifier_page(request, get_object_or_404(ClassifierVersion, number=number))


@login_required
@require_POST
def classifier_publish(request, number: int):
    _admin(request)
    version = get_object_or_404(ClassifierVersion, number=number)
    if not _confirmed(request):
        return _classifier_page(request, version, error=UNCONFIRMED, status=400)
    try:
        classifier_versions.classifier_publish(
            actor=request.user,
            version=version,
            fingerprint_seen=request.POST.get("fingerprint") or None,
        )
    except DomainError as exc:
        return _classifier_page(request, version, error=exc, status=exc.status_code)
    messages.success(
        request, f"Classifier v{version.number} is published: it screens every new submission."
    )
    return redirect("policy:classifiers")
