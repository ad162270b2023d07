"""Developer portal pages for applications. Thin: parse, call one service, render.

Input goes through the API's serializer, so the pages and the API validate alike.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.exceptions import ValidationError

from accounts import views as account_views
from accounts.errors import DomainError
from accounts.models import Role
from accounts.paging import capped_count, count_label, page_for
from accounts.readiness import missing_steps
from approvals.policy import evidence
from approvals.policy import versions as policy
from approvals.policy.screening import shown_to_applicant, texts_of
from approvals.portal import dashboard, reading
from audit.models import AuditEvent

from . import access, catalogue, lifecycle
from .api import LIST_ORDER, validated
from .grants import grant_state
from .models import Application, DomainKind, Grant
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
    "draft": "Submit it when it is complete: the usage policy screens it at once. "
    "Until then nobody but your organization sees it.",
    "submitted": "The usage policy is screening it; this takes seconds. Reload the page to see "
    "where it was routed.",
    "auto_rejected": "It declares a prohibited use, so it cannot be approved. "
    "A different use case needs a new application.",
    "in_review": "Reviewers are looking at it. If they ask a question you get an email and it "
    "shows under Comments; you get an email when they decide.",
    "changes_requested": "Reviewers asked for changes: read their reasons below, edit it and "
    "submit it again. What you submitted before stays on record as it was.",
    "approved": "Approved: create production keys under its grant.",
    "rejected": "Rejected by the reviewers; their reasons are under \u201cReviewers\u2019 "
    "decisions\u201d. A changed use case needs a new application.",
    "withdrawn": "It was withdrawn, so nobody reviews it. To ask again, start a new application.",
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
# A decision that moves the application is audited twice (the decision, then the move): the
# timeline shows the move once, in the decision's place.
MOVED_BY = {
    "application.approved": "decision.approve",
    "application.rejected": "decision.reject",
    "application.changes_requested": "decision.request_changes",
}
PAGE_SIZE = 50  # rows on a page of a list
# Replying makes sense while someone reviews it, or is waiting on the applicant.
REPLYABLE = {"submitted", "in_review", "changes_requested"}


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


def _timeline(events, user, application) -> list[tuple]:
    """One line per action: a decision and the move it caused are one, and edits in a row by
    the same person are one."""
    shown: list[tuple] = []
    for event in events:
        if event.action not in TIMELINE_LABELS:
            continue
        last = shown[-1][0] if shown else None
        if last is not None and (
            MOVED_BY.get(event.action) == last.action
            or (
                event.action == last.action == "application.updated"
                and event.actor_id == last.actor_id
            )
        ):
            shown[-1] = (event, TIMELINE_LABELS[event.action], shown[-1][2])
            continue
        shown.append((event, TIMELINE_LABELS[event.action], _who(event, user, application)))
    return shown


def _next_step(application, state) -> str:
    """What happens next, true in every state; `state` is the grant's real one (grant_state)."""
    if application.status == "in_review" and application.route_name == "policy_escalation":
        return ESCALATED
    if application.status == "approved" and state and not state.live:
        return _grant_next_step(state)
    if application.status == "in_review":
        revision = application.latest_revision
        got = application.decisions.filter(revision=revision, decision="approve").count()
        needed = application.required_approvals or 1
        if 0 < got < needed:
            return (
                f"{got} of {needed} approvals are recorded; another reviewer decides next. "
                "You get an email when it is decided, and when a reviewer asks a question."
            )
    return NEXT_STEP[application.status]


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
def portal_home(request):
    """The developer's dashboard; every other role gets the account's home."""
    if not request.user.has_role(Role.DEVELOPER):
        return account_views.portal_home(request)
    context = account_views.home_context(request) | dashboard.dashboard(request.user)
    return render(request, "portal/home.html", context)


@login_required
def application_list(request):
    _developer(request)
    applications = access.applications_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    page, pager = page_for(request, applications, order=LIST_ORDER, size=PAGE_SIZE)
    unread = reading.unread_counts(request.user, page.items)
    return render(
        request,
        "portal/applications/list.html",
        {
            "applications": [(a, unread.get(a.pk, 0)) for a in page],
            "count": count_label(*capped_count(applications)),
            "pager": pager,
            "status_shown": Application.Status(status).label
            if status in Application.Status.values
            else "",
            "missing": missing_steps(request.user),
        },
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
        else:
            messages.success(request, _saved(application))
        return redirect("applications:detail", pk=pk)
    context = _form_context(lifecycle.content_of(application)) | {"application": application}
    return render(request, "portal/applications/form.html", context)


def _saved(application) -> str:
    revision = application.latest_revision
    if revision is None:
        return "Changes saved. Submit the draft when it is complete."
    return (
        f"Changes saved. Revision {revision.number}, as reviewers saw it, is kept unchanged; "
        f"submit to send your changes as revision {revision.number + 1}."
    )


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
    conversation = reading.conversation(request, application)
    grant = Grant.objects.filter(application=application).first()
    live = lifecycle.content_of(application)
    # The submitted revision is shown as it was; edits made since are shown apart.
    submitted = revision.content if revision else live
    pending = (
        revision is not None and application.status in lifecycle.EDITABLE and live != submitted
    )
    state = grant_state(grant) if grant else None
    return render(
        request,
        "portal/applications/detail.html",
        {
            # Decisions and comments through their reverse relations: approvals does not import
            # reviews. Applicants see "Reviewer", never a reviewer's identity.
            "decisions": application.decisions.select_related("revision"),
            "grant": grant,
            "state": state,
            "comments": [
                (
                    c,
                    "You"
                    if c.author_id == request.user.pk
                    else c.author.email
                    if c.author_id in members
                    else "Reviewer",
                )
                for c in conversation.pop("comments_shown")
            ],
            **conversation,
            "application": application,
            "revision": revision,
            "screening": screening,
            "content": lifecycle.content_shown(submitted),
            "pending": lifecycle.content_shown(live) if pending else None,
            "route": revision.route if revision else None,
            "evidence": evidence.by_field(texts, matches, names),
            "evidence_groups": evidence.grouped(texts, matches, names),
            "declared": [(m, domains.get(m["domain"])) for m in matches if m["field"] == "domains"],
            "timeline": _timeline(timeline, request.user, application),
            "next_step": _next_step(application, state),
            "replyable": application.status in REPLYABLE,
            "missing": missing_steps(request.user),
            "editable": application.status in lifecycle.EDITABLE,
            "withdrawable": application.status in lifecycle.WITHDRAWABLE,
        },
    )


def _grant_next_step(state) -> str:
    """An approved application whose grant stopped working: what stopped it, not "create
    production keys"."""
    then = {
        "suspended": "Its keys are blocked until the grant is reinstated after a review.",
        "revoked": "Its keys no longer work; a new application is reviewed afresh.",
        "expired": "Its keys no longer work; apply again to continue.",
    }[state.status]
    return f"Approved, but its grant is {state.label.lower()}. {then}"


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
@require_http_methods(["GET", "POST"])
def application_withdraw(request, pk):
    """GET asks to confirm, saying what withdrawing does; POST withdraws. 409 once it is past
    withdrawing (decided, or withdrawn already)."""
    if request.method == "POST":
        return _transition(request, pk, lifecycle.application_withdraw, "Application withdrawn.")
    _developer(request)
    application = access.get_application_for(request.user, pk)
    if application.status not in lifecycle.WITHDRAWABLE:
        status = application.get_status_display().lower()
        messages.error(request, f"This application is {status}: it can no longer be withdrawn.")
        response = application_detail(request, pk)
        response.status_code = 409
        return response
    return render(request, "portal/applications/withdraw.html", {"application": application})
