"""Developer portal pages for applications. Thin: parse, call one service, render.

Input goes through the API's serializer, so the pages and the API validate alike.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError

from accounts.errors import DomainError
from accounts.models import Role
from accounts.readiness import missing_steps
from approvals.policy import evidence
from approvals.policy import versions as policy
from approvals.policy.screening import shown_to_applicant, texts_of
from audit.models import AuditEvent

from . import access, catalogue, lifecycle
from .api import validated
from .models import DomainKind, Grant
from .serializers import ApplicationInputSerializer

COMMON_MITIGATIONS = [
    "A person reviews outputs before they reach end users.",
    "End users are told they are interacting with an AI system.",
    "Outputs pass a moderation filter before they are shown.",
    "Each end user is rate-limited.",
    "No personal data is sent to the API.",
    "Only our own staff use the system.",
]
NEXT_STEP = {
    "draft": "Submit it when it is complete: the usage policy screens it at once.",
    "submitted": "The usage policy is screening it; this takes seconds.",
    "auto_rejected": "It declares a prohibited use, so it cannot be approved. "
    "A different use case needs a new application.",
    "in_review": "Reviewers are looking at it. You will get an email when they decide.",
    "changes_requested": "Reviewers asked for changes: edit it and submit it again.",
    "approved": "Approved: create production keys under its grant.",
    "rejected": "Rejected by the reviewers; the reasons are below.",
    "withdrawn": "You withdrew it.",
}
ESCALATED = (
    "Parts of the description resemble a prohibited use, so an administrator reviews it. "
    "An automated flag is not a verdict: a person decides."
)
# What the applicant's timeline shows of each event; claims and comments are left out.
TIMELINE_LABELS = {
    "application.created": "Created",
    "application.updated": "Edited",
    "application.submitted": "Submitted",
    "application.screened": "Screened",
    "application.withdrawn": "Withdrawn",
    "decision.approve": "Approval recorded",
    "decision.reject": "Rejection recorded",
    "decision.request_changes": "Changes requested",
    "application.escalation_cleared": "Policy flag cleared by an administrator",
    "application.approved": "Approved: production access granted",
    "application.rejected": "Rejected",
    "application.changes_requested": "Sent back for changes",
}
ACTOR_SHOWN = {"screening": "Usage policy"}


def _who(event, user, application) -> str:
    """Applicants see "Reviewer", never a reviewer's identity."""
    if event.actor_label in ACTOR_SHOWN:
        return ACTOR_SHOWN[event.actor_label]
    if event.actor_id == user.pk:
        return "You"
    if (
        event.actor_id
        and application.organization.memberships.filter(user_id=event.actor_id).exists()
    ):
        return "A colleague"
    return "Reviewer" if event.actor_id else "System"


def _developer(request):
    if not request.user.has_role(Role.DEVELOPER):
        raise Http404


def _form_data(post) -> dict:
    data = {
        name: post.get(name, "")
        for name in (
            "title",
            "description",
            "audience",
            "expected_requests_per_minute",
            "expected_monthly_tokens",
        )
    }
    data.update(
        domains=post.getlist("domains"),
        models=post.getlist("models"),
        endpoints=post.getlist("endpoints"),
    )
    typed = [line for line in post.get("other_mitigations", "").splitlines() if line.strip()]
    data["mitigations"] = post.getlist("mitigations") + typed
    return data


def _form_context(values: dict, errors=None) -> dict:
    domains = list(policy.current_domains())
    mitigations = values.get("mitigations", [])
    return {
        "values": values,
        "errors": errors or {},
        "prohibited": [d for d in domains if d.kind == DomainKind.PROHIBITED],
        "scrutiny": [d for d in domains if d.kind == DomainKind.EXTRA_SCRUTINY],
        "model_choices": catalogue.models(),
        "endpoint_choices": catalogue.endpoints(),
        "common_mitigations": COMMON_MITIGATIONS,
        "other_mitigations": "\n".join(m for m in mitigations if m not in COMMON_MITIGATIONS),
    }


@login_required
def application_list(request):
    _developer(request)
    applications = access.applications_visible_to(request.user).order_by("-created_at")
    return render(
        request,
        "portal/applications/list.html",
        {"applications": applications, "missing": missing_steps(request.user)},
    )


@login_required
def application_new(request):
    _developer(request)
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            content = validated(ApplicationInputSerializer, data)
            organization = access.organization_for_new_application(request.user)
            application = lifecycle.application_create(
                actor=request.user, organization=organization, content=content
            )
        except ValidationError as exc:
            return render(
                request,
                "portal/applications/form.html",
                _form_context(data, exc.detail),
                status=400,
            )
        messages.success(request, "Draft saved. Review it, then submit it.")
        return redirect("applications:detail", pk=application.pk)
    return render(
        request,
        "portal/applications/form.html",
        _form_context({"models": [], "endpoints": [], "domains": []}),
    )


@login_required
def application_edit(request, pk):
    _developer(request)
    application = access.get_application_for(request.user, pk)
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            changes = validated(ApplicationInputSerializer, data)
            lifecycle.application_update(
                actor=request.user, application=application, changes=changes
            )
        except ValidationError as exc:
            context = _form_context(data, exc.detail) | {"application": application}
            return render(request, "portal/applications/form.html", context, status=400)
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect("applications:detail", pk=pk)
    context = _form_context(lifecycle.content_of(application)) | {"application": application}
    return render(request, "portal/applications/form.html", context)


@login_required
def application_detail(request, pk):
    _developer(request)
    application = access.get_application_for(request.user, pk)
    revision = application.latest_revision
    # The applicant's view: domains, kinds and their words, never the rule or its score.
    screening = shown_to_applicant(revision.screening if revision else None) or {}
    matches = screening.get("matches", [])
    texts = texts_of(revision.content) if revision else {}
    domains = {d.slug: d for d in policy.current_domains()}
    names = {slug: d.name for slug, d in domains.items()}
    timeline = AuditEvent.objects.filter(
        target_type="application", target_id=str(application.pk)
    ).order_by("id")
    members = set(application.organization.memberships.values_list("user_id", flat=True))
    return render(
        request,
        "portal/applications/detail.html",
        {
            # Decisions and comments through their reverse relations: approvals does not import
            # reviews. Applicants see "Reviewer", never a reviewer's identity.
            "decisions": application.decisions.select_related("revision"),
            "grant": Grant.objects.filter(application=application).first(),
            "comments": [
                (
                    c,
                    "You"
                    if c.author_id == request.user.pk
                    else c.author.email
                    if c.author_id in members
                    else "Reviewer",
                )
                for c in application.comments.select_related("author")
            ],
            "application": application,
            "revision": revision,
            "screening": screening,
            "content": lifecycle.content_shown(lifecycle.content_of(application)),
            "route": revision.route if revision else None,
            "evidence": evidence.by_field(texts, matches, names),
            "evidence_groups": evidence.grouped(texts, matches, names),
            "declared": [(m, domains.get(m["domain"])) for m in matches if m["field"] == "domains"],
            "timeline": [
                (e, TIMELINE_LABELS[e.action], _who(e, request.user, application))
                for e in timeline
                if e.action in TIMELINE_LABELS
            ],
            "next_step": ESCALATED
            if (application.status == "in_review" and application.route_name == "policy_escalation")
            else NEXT_STEP[application.status],
            "missing": missing_steps(request.user),
            "editable": application.status in lifecycle.EDITABLE,
            "withdrawable": application.status in lifecycle.WITHDRAWABLE,
        },
    )


def _transition(request, pk, service, done: str):
    _developer(request)
    application = access.get_application_for(request.user, pk)
    try:
        service(actor=request.user, application=application)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, done)
    return redirect("applications:detail", pk=pk)


@login_required
@require_POST
def application_submit(request, pk):
    return _transition(request, pk, lifecycle.application_submit, "Submitted for screening.")


@login_required
@require_POST
def application_withdraw(request, pk):
    return _transition(request, pk, lifecycle.application_withdraw, "Application withdrawn.")
