"""Access reviews and re-reviews over the API: administrators start, end and schedule
campaigns; reviewers read items and decide them. Thin: each view calls one service."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.errors import InvalidInput
from accounts.models import Role
from accounts.paging import KeysetPagination
from accounts.permissions import HasRole, IsAdmin
from reviews.models import Campaign, GrantReview

from . import campaigns, eligible, grant_reviews
from .serializers import (
    BulkCertifySerializer,
    CampaignCreatedSerializer,
    CampaignEndSerializer,
    CampaignInputSerializer,
    CampaignSerializer,
    ItemDecisionSerializer,
    ItemSerializer,
    ScheduleInputSerializer,
    ScheduleSerializer,
)

IsReviewer = HasRole.of(Role.REVIEWER, Role.ADMIN)


def campaign_data(campaign: Campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "status": campaign.status,
        "due_at": campaign.due_at,
        "period_start": campaign.period_start,
        "created_at": campaign.created_at,
        "closed_at": campaign.closed_at,
        "closed_how": campaign.closed_how,
        "counts": campaigns.summary_of(campaign),
    }


class ItemPagination(KeysetPagination):
    """Items by cursor, most urgent first (with `mine=yes`, a specialist's own first);
    `count` stops at 1,000."""

    counted = True


def _items_page(view, request, items, order):
    """`items` in `order`; with `mine=yes`, only those this reviewer may decide (in SQL,
    grant_reviews.work_list), a specialist's own first."""
    if request.query_params.get("mine") == "yes":
        items = grant_reviews.work_list(request.user, items)
    else:
        items = items.select_related("grant__application", "grant__organization", "campaign")
    paginator = view.pagination_class(order)
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(
        ItemSerializer(grant_reviews.shown(request.user, page), many=True).data
    )


def _filtered(items, params):
    """?status=open|... &kind=campaign|anomaly|policy &mine=yes (only what I may decide)."""
    errors = {}
    if params.get("status") and params["status"] not in GrantReview.Status.values:
        errors["status"] = [f"One of: {', '.join(GrantReview.Status.values)}."]
    if params.get("kind") and params["kind"] not in GrantReview.Kind.values:
        errors["kind"] = [f"One of: {', '.join(GrantReview.Kind.values)}."]
    if errors:
        raise InvalidInput("Unknown filter value.", extra=errors)
    if params.get("status"):
        items = items.filter(status=params["status"])
    if params.get("kind"):
        items = items.filter(kind=params["kind"])
    return items


ITEM_FILTERS = [
    OpenApiParameter("status", str),
    OpenApiParameter("kind", str),
    OpenApiParameter("mine", str, description="yes: only items I may decide"),
]


class AccessReviewsView(APIView):
    """Campaigns, newest first (reviewers and admins); admins start one."""

    permission_classes = [IsReviewer]
    pagination_class = PageNumberPagination

    def get_permissions(self):
        return [IsAdmin()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(responses={200: CampaignSerializer(many=True)})
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            Campaign.objects.order_by("-created_at", "-pk"), request, view=self
        )
        return paginator.get_paginated_response([campaign_data(c) for c in page])

    @extend_schema(request=CampaignInputSerializer, responses={201: CampaignCreatedSerializer})
    def post(self, request):
        data = CampaignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaigns.campaign_start(actor=request.user, **data.validated_data)
        body = campaign_data(campaign)
        body["items"] = [
            {"id": pk, "grant": grant_id}
            for pk, grant_id in campaign.items.order_by("pk").values_list("pk", "grant_id")
        ]
        return Response(body, status=status.HTTP_201_CREATED)


class AccessReviewDetailView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses={200: CampaignSerializer})
    def get(self, request, pk: int):
        return Response(campaign_data(campaigns.get_campaign(pk)))


class AccessReviewItemsView(APIView):
    """A campaign's items in the order they were opened."""

    permission_classes = [IsReviewer]
    pagination_class = ItemPagination

    @extend_schema(parameters=ITEM_FILTERS, responses={200: ItemSerializer(many=True)})
    def get(self, request, pk: int):
        campaign = campaigns.get_campaign(pk)
        items = _filtered(campaign.items.all(), request.query_params)
        return _items_page(self, request, items, ("pk",))


class AccessReviewEndView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(request=CampaignEndSerializer, responses={200: CampaignSerializer})
    def post(self, request, pk: int):
        data = CampaignEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        campaign = campaigns.get_campaign(pk)
        campaigns.campaign_end(actor=request.user, campaign=campaign, **data.validated_data)
        return Response(campaign_data(campaigns.get_campaign(pk)))


class ItemsView(APIView):
    """Every item (campaigns' and re-reviews'), open first; `mine=yes` for a reviewer's own
    work list."""

    permission_classes = [IsReviewer]
    pagination_class = ItemPagination

    @extend_schema(parameters=ITEM_FILTERS, responses={200: ItemSerializer(many=True)})
    def get(self, request):
        items = eligible.with_due(_filtered(GrantReview.objects.all(), request.query_params))
        return _items_page(self, request, items, eligible.ORDER)


class ItemDetailView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses={200: ItemSerializer})
    def get(self, request, pk: int):
        item = grant_reviews.get_item_for(request.user, pk)
        return Response(ItemSerializer(grant_reviews.shown(request.user, [item])[0]).data)


class ItemDecideView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=ItemDecisionSerializer, responses={200: ItemSerializer})
    def post(self, request, pk: int):
        item = grant_reviews.get_item_for(request.user, pk)
        data = ItemDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = grant_reviews.item_decide(reviewer=request.user, item=item, **data.validated_data)
        item = grant_reviews.get_item_for(request.user, item.pk)
        return Response(ItemSerializer(grant_reviews.shown(request.user, [item])[0]).data)


class BulkCertifyView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=BulkCertifySerializer, responses={200: None})
    def post(self, request):
        data = BulkCertifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = set(data.validated_data["items"])
        items = list(GrantReview.objects.filter(pk__in=asked).order_by("pk"))
        certified, skipped = grant_reviews.bulk_certify(
            reviewer=request.user, items=items, rationale=data.validated_data["rationale"]
        )
        return Response(
            {
                "certified": [item.pk for item in certified],
                "skipped": skipped + len(asked) - len(items),
            }
        )  # unknown ids too


class SchedulesView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={200: ScheduleSerializer(many=True)})
    def get(self, request):
        return Response([schedule_data(s) for s in campaigns.schedules()])

    @extend_schema(request=ScheduleInputSerializer, responses={201: ScheduleSerializer})
    def post(self, request):
        data = ScheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = campaigns.schedule_create(actor=request.user, **data.validated_data)
        return Response(schedule_data(task), status=status.HTTP_201_CREATED)


class ScheduleDetailView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        campaigns.schedule_delete(actor=request.user, schedule_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


def schedule_data(task) -> dict:
    return {
        "id": task.pk,
        "name": task.name,
        "description": task.description,
        "enabled": task.enabled,
        "last_run_at": task.last_run_at,
    }
