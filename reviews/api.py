"""Review API: one view per operation, each calling one service."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import paging
from accounts import services as accounts
from accounts.errors import InvalidInput
from accounts.models import Role
from accounts.paging import KeysetPagination
from accounts.permissions import HasRole
from approvals import access
from approvals.policy import versions as policy
from approvals.serializers import ApplicationSerializer

from . import claims, decisions, queue
from .conversation import comments
from .serializers import (
    CommentInputSerializer,
    CommentSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    OptOutsSerializer,
    QueueItemSerializer,
)

IsReviewer = HasRole.of(Role.REVIEWER, Role.ADMIN)


class QueuePagination(KeysetPagination):
    """A keyset page of the queue (`?cursor=`, `?page_size=`), most urgent first, with
    `counts` per route of the whole filtered queue, capped (`counts_exact` says which are
    exact)."""

    def get_paginated_response_schema(self, schema):
        page = super().get_paginated_response_schema(schema)
        page["required"] = [*page["required"], "counts", "counts_exact"]
        page["properties"]["counts"] = {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "description": (
                "Applications in the whole queue (all pages) per route name, counted up to "
                f"{paging.COUNT_CAP:,}; routes with none are left out."
            ),
        }
        page["properties"]["counts_exact"] = {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": f"Per route: false when there are more than {paging.COUNT_CAP:,}.",
        }
        return page


class ReviewQueueView(APIView):
    """Applications in review this reviewer may decide, most urgent first; `counts` per route."""

    permission_classes = [IsReviewer]
    pagination_class = QueuePagination

    @extend_schema(responses={200: QueueItemSerializer(many=True)})
    def get(self, request):
        params = request.query_params
        claimed = {"yes": True, "no": False}.get(params.get("claimed", ""))
        try:
            older = int(params["older_than_hours"]) if params.get("older_than_hours") else None
        except ValueError as exc:
            raise InvalidInput(
                "older_than_hours must be a whole number.",
                code="invalid",
                extra={"older_than_hours": ["A whole number."]},
            ) from exc
        filters = {
            "route": params.get("route") or None,
            "domain": params.get("domain") or None,
            "older_than_hours": older,
            "claimed": claimed,
        }
        paginator = self.pagination_class()
        try:
            size = paging.page_size(params, paginator.page_size, paginator.max_page_size)
            paginator.page = queue.page(
                request.user, cursor=params.get("cursor"), size=size, **filters
            )
        except paging.BadPage as exc:
            raise InvalidInput(str(exc), code="invalid", extra={exc.field: [str(exc)]}) from exc
        paginator.request = request
        counts = {k: v for k, v in queue.counts_by_route(request.user, **filters).items() if v[0]}
        return paginator.get_paginated_response(
            QueueItemSerializer(paginator.page.items, many=True, context={"request": request}).data,
            counts={name: count for name, (count, _) in counts.items()},
            counts_exact={name: exact for name, (_, exact) in counts.items()},
        )


class ClaimNextView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=None, responses={200: ApplicationSerializer, 204: None})
    def post(self, request):
        taken = claims.claim_next(reviewer=request.user)
        if taken is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ApplicationSerializer(taken.application, context={"request": request}).data)


class ClaimView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=None, responses={200: None})
    def post(self, request, pk: int):
        taken = claims.claim(
            reviewer=request.user, application=access.get_application_for(request.user, pk)
        )
        return Response({"application": pk, "claimed_at": taken.claimed_at})


class ReleaseView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=None, responses={200: None})
    def post(self, request, pk: int):
        claims.release(
            reviewer=request.user, application=access.get_application_for(request.user, pk)
        )
        return Response({"application": pk, "released": True})


class DecisionView(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer})
    def post(self, request, pk: int):
        application = access.get_application_for(request.user, pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        made = decisions.decide(
            reviewer=request.user, application=application, **data.validated_data
        )
        return Response(
            DecisionSerializer(made, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CommentsView(APIView):
    """An application's conversation, oldest first, by cursor."""

    pagination_class = KeysetPagination.of(*comments.ORDER, counted=True)

    @extend_schema(responses={200: CommentSerializer(many=True)})
    def get(self, request, pk: int):
        application = access.get_application_for(request.user, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            application.comments.select_related("author"), request, view=self
        )
        shown = comments.shown_authors(page, request.user, application)
        return paginator.get_paginated_response(
            [self._shown(c, request, shown[c.pk]) for c in page]
        )

    @extend_schema(request=CommentInputSerializer, responses={201: CommentSerializer})
    def post(self, request, pk: int):
        application = access.get_application_for(request.user, pk)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comments.comment_add(
            author=request.user, application=application, body=data.validated_data["body"]
        )
        return Response(
            self._shown(comment, request, comments.shown_author(comment, request.user)),
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _shown(comment, request, author: str) -> dict:
        return {
            "id": comment.pk,
            "author": author,
            "body": comment.body,
            "created_at": comment.created_at,
        }


class OptOutsView(APIView):
    """A reviewer's own opt-outs: domains they will not be shown."""

    permission_classes = [IsReviewer]

    @extend_schema(responses={200: OptOutsSerializer})
    def get(self, request):
        return Response({"opt_outs": request.user.opt_outs})

    @extend_schema(request=OptOutsSerializer, responses={200: OptOutsSerializer})
    def put(self, request):
        data = OptOutsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        known = set(policy.current_domains().values_list("slug", flat=True))
        unknown = sorted(set(data.validated_data["opt_outs"]) - known)
        if unknown:
            raise InvalidInput(
                "Unknown domains.",
                code="invalid",
                extra={"opt_outs": [f"Unknown: {', '.join(unknown)}."]},
            )
        user = accounts.opt_outs_set(
            actor=request.user, user=request.user, opt_outs=data.validated_data["opt_outs"]
        )
        return Response({"opt_outs": user.opt_outs})
