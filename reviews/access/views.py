"""Access-review pages: campaigns (administrators start, schedule and end them), a campaign's
items with bulk certify, and one item's page where a reviewer sees what was granted beside
what was used and certifies, reduces or revokes. Plain form POSTs that redirect; no
JavaScript needed. Thin: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError
from accounts.models import Role
from accounts.paging import capped_count, count_label, page_for
from reviews import eligibility
from reviews.forms import errors_of
from reviews.models import Campaign, GrantReview

from . import campaigns, eligible, grant_reviews
from .forms import CampaignEndForm, CampaignForm, ItemDecisionForm, ScheduleForm

ITEMS_PER_PAGE = 50  # each page's usage is two aggregate queries
ERROR_FIELDS = (
    "decision",
    "rationale",
    "models",
    "endpoints",
    "limits",
    "name",
    "due_at",
    "open_items",
    "cadence",
    "due_days",
    "requests_per_minute",
    "tokens_per_minute",
    "monthly_tokens",
)


def _reviewer(request) -> None:
    if not request.user.has_role(Role.REVIEWER, Role.ADMIN):
        raise PermissionDenied("Access reviews are for reviewers and administrators.")


def _admin(request) -> None:
    if request.user.role != Role.ADMIN:
        raise PermissionDenied("Only administrators do this.")


@login_required
def campaign_list(request, *, form=None, schedule_form=None, error=None, status=200):
    _reviewer(request)
    mine = grant_reviews.work_list(request.user, GrantReview.objects.filter(campaign__isnull=True))
    page, pager = page_for(request, mine, order=eligible.ORDER, size=ITEMS_PER_PAGE)
    fields, general = errors_of(form or schedule_form, error, ERROR_FIELDS)
    return render(
        request,
        "reviews/access/campaigns.html",
        {
            "campaigns": [
                (c, campaigns.summary_of(c))
                for c in Campaign.objects.order_by("-created_at", "-pk")[:50]
            ],
            "rereviews": grant_reviews.shown(request.user, page),
            "rereviews_count": count_label(*capped_count(mine)),
            "pager": pager,
            "form": form or CampaignForm(),
            "schedule_form": schedule_form or ScheduleForm(),
            "schedules": campaigns.schedules() if request.user.role == Role.ADMIN else [],
            "errors": fields,
            "general_errors": general,
            "is_admin": request.user.role == Role.ADMIN,
        },
        status=status,
    )


@login_required
@require_POST
def campaign_start(request):
    _admin(request)
    form = CampaignForm(request.POST)
    if not form.is_valid():
        return campaign_list(request, form=form, status=400)
    try:
        campaign = campaigns.campaign_start(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return campaign_list(request, form=form, error=exc, status=exc.status_code)
    count = campaign.items.count()
    messages.success(
        request,
        f"The access review started with {count} grant{'s' if count != 1 else ''} to re-certify.",
    )
    return redirect("reviews:campaign", pk=campaign.pk)


@login_required
@require_POST
def schedule_create(request):
    _admin(request)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return campaign_list(request, schedule_form=form, status=400)
    try:
        campaigns.schedule_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        return campaign_list(request, schedule_form=form, error=exc, status=exc.status_code)
    messages.success(request, "The schedule is saved: beat starts each campaign.")
    return redirect(reverse("reviews:campaigns") + "#schedules")


@login_required
@require_POST
def schedule_delete(request, pk):
    _admin(request)
    campaigns.schedule_delete(actor=request.user, schedule_id=pk)
    messages.success(request, "The schedule is removed.")
    return redirect(reverse("reviews:campaigns") + "#schedules")


@login_required
def campaign_page(request, pk, *, end_form=None, error=None, status=200):
    _reviewer(request)
    campaign = campaigns.get_campaign(pk)
    shown_status = request.GET.get("status", "")
    items = campaign.items.select_related("grant__application", "grant__organization", "decided_by")
    if shown_status in GrantReview.Status.values:
        items = items.filter(status=shown_status)
    page, pager = page_for(request, items, order=("status", "pk"), size=ITEMS_PER_PAGE)
    rows = grant_reviews.shown(request.user, page)
    fields, general = errors_of(end_form, error, ERROR_FIELDS)
    return render(
        request,
        "reviews/access/campaign.html",
        {
            "campaign": campaign,
            "counts": campaigns.summary_of(campaign),
            "rows": rows,
            "pager": pager,
            "status": shown_status,
            "statuses": GrantReview.Status.choices,
            "decidable": [row for row in rows if row.may_decide and row.item.is_open],
            "end_form": end_form or CampaignEndForm(),
            "is_admin": request.user.role == Role.ADMIN,
            "errors": fields,
            "general_errors": general,
        },
        status=status,
    )


@login_required
@require_POST
def bulk_certify(request, pk):
    _reviewer(request)
    campaign = campaigns.get_campaign(pk)
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    if not ids:
        messages.error(request, "Tick the items to certify.")
        return redirect("reviews:campaign", pk=pk)
    certified, skipped = grant_reviews.bulk_certify(
        reviewer=request.user,
        items=campaign.items.filter(pk__in=ids).order_by("pk"),
        rationale=request.POST.get("rationale", "")[:5000],
    )
    note = f" {skipped} skipped (decided already, or not yours to decide)." if skipped else ""
    messages.success(
        request, f"{len(certified)} grant{'s' if len(certified) != 1 else ''} certified.{note}"
    )
    return redirect("reviews:campaign", pk=pk)


@login_required
@require_POST
def campaign_end(request, pk):
    _admin(request)
    campaign = campaigns.get_campaign(pk)
    form = CampaignEndForm(request.POST)
    if not form.is_valid():
        return campaign_page(request, pk, end_form=form, status=400)
    if request.POST.get("confirmed") != "yes":  # first say what will happen, then do it
        return render(
            request,
            "reviews/access/end.html",
            {
                "campaign": campaign,
                "open_items": form.cleaned_data["open_items"],
                "pending": campaigns.end_preview(campaign),
            },
        )
    try:
        campaigns.campaign_end(actor=request.user, campaign=campaign, **form.cleaned_data)
    except DomainError as exc:
        return campaign_page(request, pk, end_form=form, error=exc, status=exc.status_code)
    messages.success(request, "The access review is closed.")
    return redirect("reviews:campaign", pk=pk)


@login_required
def item_page(request, pk, *, form=None, error=None, status=200):
    _reviewer(request)
    item = grant_reviews.get_item_for(request.user, pk)
    row = grant_reviews.shown(request.user, [item])[0]
    fields, general = errors_of(form, error, ERROR_FIELDS)
    since, until = grant_reviews.usage_period(item)
    return render(
        request,
        "reviews/access/item.html",
        {
            "item": item,
            "row": row,
            "grant": item.grant,
            "since": since,
            "until": until,
            "form": form or ItemDecisionForm(grant=item.grant),
            "refusal": eligibility.REASONS.get(row.refusal) if row.refusal else None,
            "errors": fields,
            "general_errors": general,
        },
        status=status,
    )


@login_required
def item_reduce(request, pk):
    """The suggested reduction, old and new per term, to confirm: nothing changes until the
    form it shows is sent to item_decide. 409 when the item cannot be reduced to its use."""
    _reviewer(request)
    item = grant_reviews.get_item_for(request.user, pk)
    row = grant_reviews.shown(request.user, [item])[0]
    if not (row.may_decide and row.reduction.possible):
        messages.error(request, "This item cannot be reduced to what was used.")
        return item_page(request, pk, status=409)
    return render(
        request,
        "reviews/access/reduce.html",
        {
            "item": item,
            "grant": item.grant,
            "row": row,
            "terms": row.reduction.terms(item.grant),
        },
    )


@login_required
@require_POST
def item_decide(request, pk):
    _reviewer(request)
    item = grant_reviews.get_item_for(request.user, pk)
    form = ItemDecisionForm(request.POST, grant=item.grant)
    if not form.is_valid():
        return item_page(request, pk, form=form, status=400)
    try:
        grant_reviews.item_decide(reviewer=request.user, item=item, **form.decide_arguments())
    except DomainError as exc:
        return item_page(request, pk, form=form, error=exc, status=exc.status_code)
    item.refresh_from_db()
    messages.success(request, f"Recorded: {item.get_status_display().lower()}.")
    if item.campaign_id:
        return redirect("reviews:campaign", pk=item.campaign_id)
    return redirect("reviews:campaigns")
