"""Reviewer pages: the queue, one application's review, the reviewer's settings; and the
comment form that reviewers and developers both post to. Thin: parse, call one service,
render.

Every action is a plain form POST that redirects (no JavaScript needed); sent by htmx, it
answers with the review panel alone (`request.htmx`), errors included.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import paging
from accounts import services as accounts
from accounts.errors import DomainError, InvalidInput
from accounts.models import Role
from approvals import access, grants, lifecycle, revisions
from approvals.models import Application, Audience, Domain
from approvals.policy import evidence
from approvals.policy import versions as policy
from approvals.policy.screening import texts_of
from approvals.portal import reading
from reviews.access import grant_reviews

from . import claims, decisions, eligibility, precedents, queue
from .conversation import comments
from .forms import ROUTE_LABELS, DecisionForm, OptOutsForm, QueueFilterForm, errors_of
from .models import Claim, Decision

CONTENT_LABELS = {
    "title": "Title",
    "description": "Description",
    "domains": "Declared domains",
    "audience": "Audience",
    "models": "Models",
    "endpoints": "Endpoints",
    "expected_requests_per_minute": "Expected requests per minute",
    "expected_monthly_tokens": "Expected tokens per month",
    "mitigations": "Mitigations",
}
ERROR_LABELS = {
    "decision": "Decision",
    "rationale": "Rationale",
    "conditions": "Conditions",
    "other_conditions": "Other conditions",
    "clauses": "Policy clauses",
    "models": "Models",
    "endpoints": "Endpoints",
    "limits": "Limits",
    "requests_per_minute": "Requests per minute",
    "tokens_per_minute": "Tokens per minute",
    "monthly_tokens": "Tokens per month",
    "body": "Comment",
}


def _reviewer(request) -> None:
    if not request.user.has_role(Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("The review pages are for reviewers.")


def _reviewable(request, pk) -> Application:
    _reviewer(request)
    return access.get_application_for(request.user, pk)


@login_required
def queue_page(request):
    _reviewer(request)
    domains = list(policy.current_domains())
    names = {d.slug: d.name for d in domains}
    form = QueueFilterForm(request.GET or None, domains=domains)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters()
    route = filters.pop("route")
    try:
        shown = queue.page(request.user, cursor=request.GET.get("cursor"), route=route, **filters)
    except paging.BadPage as exc:
        raise InvalidInput(str(exc), code="invalid", extra={exc.field: [str(exc)]}) from exc
    # Counted before the route filter, so that the counts say where the work is.
    counts = queue.counts_by_route(request.user, **filters)
    unread = reading.unread_counts(request.user, [item.application for item in shown])
    return render(
        request,
        "reviews/queue.html",
        {
            "form": form,
            "reviewer": request.user,
            "specialties": [names.get(slug, slug) for slug in request.user.specialties],
            "opt_outs": [names.get(slug, slug) for slug in request.user.opt_outs],
            "grants_waiting": grant_reviews.waiting_count(request.user),
            "rows": [_row(item, names, unread[item.application.pk]) for item in shown],
            "pager": paging.page_links(request, shown),
            "count_cap": f"{paging.COUNT_CAP:,}",
            "counts": [
                (name, label, paging.count_label(*counts[name]))
                for name, label in ROUTE_LABELS.items()
            ],
        },
        status=200 if valid else 400,
    )


def _row(item: queue.Item, names: dict, unread: int) -> dict:
    a = item.application
    return {
        "item": item,
        "unread": unread,
        "route_label": ROUTE_LABELS.get(a.route_name, ""),
        "domains": [names.get(slug, slug) for slug in a.flagged_domains],
        "specialties": [names.get(slug, slug) for slug in a.specialist_domains],
    }


@login_required
@require_POST
def claim_next(request):
    _reviewer(request)
    taken = claims.claim_next(reviewer=request.user)
    if taken is None:
        messages.info(request, "Nothing is waiting that you may claim.")
        return redirect("reviews:queue")
    messages.success(
        request, "You hold the most urgent item: no one else can decide it while you do."
    )
    return redirect("reviews:review", pk=taken.application_id)


@login_required
def review(request, pk):
    return _render(request, _reviewable(request, pk))


@login_required
@require_POST
def claim(request, pk):
    application = _reviewable(request, pk)
    return _act(
        request,
        application,
        "You hold this application: no one else can decide it while you do.",
        lambda: claims.claim(reviewer=request.user, application=application),
    )


@login_required
@require_POST
def release(request, pk):
    application = _reviewable(request, pk)
    return _act(
        request,
        application,
        "You released this application.",
        lambda: claims.release(reviewer=request.user, application=application),
    )


@login_required
@require_POST
def decide(request, pk):
    application = _reviewable(request, pk)
    form = _decision_form(application, application.latest_revision, request.POST)
    if not form.is_valid():
        return _render(request, application, form=form, status=400)
    return _act(
        request,
        application,
        "Your decision is recorded.",
        lambda: decisions.decide(
            reviewer=request.user, application=application, **form.decide_arguments()
        ),
        form=form,
    )


def _act(request, application, done: str, service, form=None):
    """Runs one service; the outcome is the panel (htmx) or a redirect to the page, and an
    error is shown in place, with the status the API would answer."""
    try:
        service()
    except DomainError as exc:
        return _render(request, application, form=form, error=exc, status=exc.status_code)
    if request.htmx:
        application.refresh_from_db()
        return _render(request, application, notice=done)
    messages.success(request, done)
    return redirect("reviews:review", pk=application.pk)


@login_required
@require_POST
def comment(request, pk):
    """Reviewers comment from the review page, developers reply from the portal's page."""
    application = access.get_application_for(request.user, pk)
    reviewing = request.user.has_role(Role.REVIEWER, Role.ADMIN)
    body = request.POST.get("body", "")
    try:
        comments.comment_add(author=request.user, application=application, body=body)
    except DomainError as exc:
        if reviewing:
            return _render(
                request, application, error=exc, comment_body=body, status=exc.status_code
            )
        messages.error(request, exc.detail)
    else:
        messages.success(request, "Comment added.")
    page = "reviews:review" if reviewing else "applications:detail"
    return redirect(reverse(page, kwargs={"pk": pk}) + "#comments")


@login_required
def reviewer_settings(request):
    _reviewer(request)
    domains = list(policy.current_domains())
    posted = request.POST if request.method == "POST" else None
    form = OptOutsForm(posted, domains=domains, initial={"opt_outs": request.user.opt_outs})
    if form.is_bound and form.is_valid():
        accounts.opt_outs_set(
            actor=request.user, user=request.user, opt_outs=form.cleaned_data["opt_outs"]
        )
        messages.success(
            request,
            "Your opt-outs are saved: the queue no longer shows applications in those domains.",
        )
        return redirect("reviews:settings")
    chosen = form["opt_outs"].value() or []
    return render(
        request,
        "reviews/settings.html",
        {
            "form": form,
            "chosen": chosen,
            "reviewer": request.user,
            "scrutiny": [d for d in domains if d.kind == "extra_scrutiny"],
            "prohibited": [d for d in domains if d.kind == "prohibited"],
        },
        status=400 if form.errors else 200,
    )


# --- the review page -------------------------------------------------------------------


def _matched_domains(application: Application, revision) -> list[Domain]:
    """The flagged domains as the policy version that screened the revision defines them."""
    if revision is None or revision.policy_id is None:
        return []
    return list(
        Domain.objects.filter(policy_id=revision.policy_id, slug__in=application.flagged_domains)
    )


def _decision_form(application: Application, revision, data=None) -> DecisionForm:
    matched = _matched_domains(application, revision)
    typical = list(dict.fromkeys(d.typical_conditions for d in matched if d.typical_conditions))
    return DecisionForm(
        data,
        typical_conditions=typical,
        clause_domains=matched,
        asked=grants.requested_terms(application),
    )


def _shown(field: str, value) -> str:
    if field == "audience" and value:
        return Audience(value).label
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return "—" if value is None else str(value)


def _change_shown(change: revisions.FieldChange) -> dict:
    return {
        "field": change.field,
        "label": CONTENT_LABELS.get(change.field, change.field),
        "kind": change.kind,
        "before": _shown(change.field, change.before),
        "after": _shown(change.field, change.after),
        "segments": change.segments,
        "added": change.added,
        "removed": change.removed,
        "kept": change.kept,
    }


def _render(request, application, *, form=None, error=None, notice="", comment_body="", status=200):
    revision = application.latest_revision
    context = _panel_context(request, application, revision, form=form, error=error, notice=notice)
    if request.htmx:
        return render(request, "reviews/_panel.html", context, status=status)
    context.update(_page_context(request, application, revision), comment_body=comment_body)
    return render(request, "reviews/review.html", context, status=status)


def _panel_context(request, application, revision, *, form, error, notice) -> dict:
    user = request.user
    decided = list(application.decisions.select_related("reviewer", "revision"))
    of_revision = [d for d in decided if d.revision_id == getattr(revision, "pk", None)]
    approvals = [d for d in of_revision if d.decision == Decision.Kind.APPROVE]
    held = Claim.objects.filter(application=application).select_related("reviewer").first()
    refusal = eligibility.refusal(user, application)
    last_needed = eligibility.approval_refusal(user, application, approvals)
    field_errors, general_errors = errors_of(form, error, ERROR_LABELS)
    return {
        "application": application,
        "revision": revision,
        "decisions": decided,
        "approvals": approvals,
        "held": held,
        "mine": bool(held and held.reviewer_id == user.pk),
        "refusal": eligibility.REASONS[refusal] if refusal else "",
        "approval_note": eligibility.REASONS[last_needed] if last_needed else "",
        "needs_specialist": eligibility.needs_specialist(application, approvals),
        "my_decision": next((d for d in of_revision if d.reviewer_id == user.pk), None),
        "form": form or _decision_form(application, revision),
        "errors": {k: v for k, v in field_errors.items() if k != "body"},
        "error_list": [(k, ERROR_LABELS[k], v) for k, v in field_errors.items() if k != "body"],
        "comment_errors": field_errors.get("body", []),
        "general_errors": general_errors,
        "notice": notice,
        "route_label": ROUTE_LABELS.get(application.route_name, ""),
        "asked": grants.requested_terms(application),
    }


def _page_context(request, application, revision) -> dict:
    screening = (revision.screening if revision else None) or {}
    matches = screening.get("matches", [])
    texts = texts_of(revision.content) if revision else {}
    # The domains as the policy version that screened the revision defines them.
    domains = (
        list(Domain.objects.filter(policy_id=revision.policy_id))
        if revision and revision.policy_id
        else []
    )
    names = {d.slug: d.name for d in domains}
    previous = (
        application.revisions.filter(number=revision.number - 1).first() if revision else None
    )
    changes, same = [], []
    if previous:
        changes = revisions.diff(previous.content, revision.content, CONTENT_LABELS)
        same = revisions.unchanged(previous.content, revision.content, CONTENT_LABELS)
    escalation = decisions.escalation_next(application, revision)
    return {
        "content": lifecycle.content_shown(revision.content) if revision else {},
        "screening": screening,
        "evidence": evidence.by_field(texts, matches, names),
        "evidence_groups": evidence.grouped(texts, matches, names),
        "set_aside": [
            {
                **m,
                "name": names.get(m["domain"], m["domain"]),
                "where": evidence.field_label(m["field"]),
            }
            for m in screening.get("set_aside", [])
        ],
        "matched_domains": [d for d in domains if d.slug in application.flagged_domains],
        "previous": previous,
        "changes": [_change_shown(c) for c in changes],
        "unchanged": [CONTENT_LABELS.get(f, f) for f in same],
        "escalation": escalation,
        "escalation_label": ROUTE_LABELS.get(escalation.name, "") if escalation else "",
        # The clearing approval counts towards the new route's approvals (decisions._outcome)
        # but never completes one: at least one more reviewer always decides.
        "escalation_remaining": max(escalation.required_approvals - 1, 1) if escalation else 0,
        "escalation_specialties": [
            names.get(slug, slug) for slug in (escalation.specialist_domains if escalation else [])
        ],
        "precedents": precedents.history(request.user, application),
        "similar": [
            (s, [names.get(slug, slug) for slug in s.shared])
            for s in precedents.similar(request.user, application, revision)
        ],
        **_conversation(request, application),
    }


def _conversation(request, application) -> dict:
    """Marks the conversation read as the page shows it: a page of comments, those new to the
    reader marked (approvals.portal.reading.conversation)."""
    shown = reading.conversation(request, application)
    page = shown.pop("comments_shown")
    authors = comments.shown_authors(page, request.user, application)
    return {"comments": [(c, authors[c.pk]) for c in page], **shown}
