from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.query.actions import actions_present
from audit.query.exports import FORMATS, audit_export, streaming_response
from audit.query.filters import AuditEventFilter
from audit.query.keyset import BadCursor, TooSlow, keyset_page, parse_cursor, time_limited
from audit.query.targets import LINKED_TYPES, target_url

from . import verification
from .models import AuditEvent
from .templatetags.auditlog import humanized

PAGE_SIZE = 50
CURSORS = ("before", "after")


def staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("The audit log is for administrators.")
        return view(request, *args, **kwargs)

    return wrapped


def _filters_query(request) -> str:
    """The current filters as a query string, without the page's cursor."""
    params = request.GET.copy()
    for name in (*CURSORS, "format"):
        params.pop(name, None)
    return params.urlencode()


@require_GET
@staff_required
def log(request):
    """Administrators (staff) read the log here, newest first; filters as in the API."""
    events = AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.all())
    _action_pick_list(events.form, request.GET.get("action", ""))
    try:
        before, after = (parse_cursor(request.GET.get(name)) for name in CURSORS)
    except BadCursor as exc:
        raise BadRequest(str(exc)) from exc
    page, too_slow = None, False
    if events.is_valid() or not events.is_bound:
        try:
            with time_limited():
                page = keyset_page(events.qs, before=before, after=after, size=PAGE_SIZE)
        except TooSlow:
            too_slow = True
    return render(
        request,
        "audit/log.html",
        {
            "filter": events,
            "page": page,
            "too_slow": too_slow,
            "filters_query": _filters_query(request),
            "verification": verification.verification_status(),
            "linked_types": LINKED_TYPES,
        },
        status=200 if page or too_slow else 400,
    )


def _action_pick_list(form, chosen: str) -> None:
    """The page offers the actions present in the log (the API still takes any string)."""
    present = actions_present()
    if chosen and chosen not in present:
        present = sorted([*present, chosen])
    form.fields["action"].widget = forms.Select(
        choices=[("", "Any action"), *((a, humanized(a)) for a in present)]
    )
    form.fields["action"].help_text = ""


@require_GET
@staff_required
def event(request, pk):
    """One event: who did what to which target, its data as key/value pairs, its links."""
    found = get_object_or_404(AuditEvent.objects.select_related("actor"), pk=pk)
    neighbours = set(
        AuditEvent.objects.filter(pk__in=[pk - 1, pk + 1]).values_list("pk", flat=True)
    )
    return render(
        request,
        "audit/event.html",
        {
            "event": found,
            "target_url": target_url(found.target_type, found.target_id),
            "older": pk - 1 if pk - 1 in neighbours else None,
            "newer": pk + 1 if pk + 1 in neighbours else None,
        },
    )


@require_GET
@staff_required
def target(request, target_type, target_id):
    """The page of an event's target (the log links here, to look it up only when asked)."""
    url = target_url(target_type, target_id)
    if url is None:
        raise Http404("That target has no page (or no longer exists).")
    return redirect(url)


@require_POST
@staff_required
def verify(request):
    requested = verification.verification_request(actor=request.user)
    run = requested.verification
    run.refresh_from_db()
    if requested.already_pending:
        messages.info(request, "A verification is already waiting for a worker.")
    elif run.finished_at:
        messages.success(request, "The chain has been verified: see the result below.")
    else:
        messages.success(
            request, "Verification requested: the result shows here when a worker has run it."
        )
    return redirect("audit:log")


@require_GET
@staff_required
def export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        return HttpResponse(
            "Unknown format: use csv or jsonl.", status=400, content_type="text/plain"
        )
    events = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    if not events.is_valid():
        return HttpResponse(
            f"Invalid filters: {events.errors.as_text()}", status=400, content_type="text/plain"
        )
    return streaming_response(
        audit_export(actor=request.user, events=events.qs, filters=events.applied(), fmt=fmt)
    )
