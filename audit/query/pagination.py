"""The API list's pagination: the contract's {"count", "next", "previous", "results"}, with
keyset cursors in the links (never OFFSET) and a count that never reads the whole table."""

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from audit.models import ChainHead

from .keyset import BadCursor, keyset_page, parse_cursor

COUNT_LIMIT = 10_000


def bounded_count(events: QuerySet) -> tuple[int, bool]:
    """(count, exact). Unfiltered: the chain head's position, which is the number of events
    (ids are contiguous). Filtered: exact up to COUNT_LIMIT, else COUNT_LIMIT as a lower
    bound, so a count costs at most COUNT_LIMIT index entries."""
    if not events.query.where:
        head = ChainHead.objects.filter(pk=1).values_list("last_id", flat=True).first()
        return head or 0, True
    found = events.order_by()[: COUNT_LIMIT + 1].count()
    return (found, True) if found <= COUNT_LIMIT else (COUNT_LIMIT, False)


class AuditKeysetPagination(BasePagination):
    page_size, max_page_size = 50, 500

    def paginate_queryset(self, queryset, request, view=None):
        try:
            before, after = (
                parse_cursor(request.query_params.get(name)) for name in ("before", "after")
            )
        except BadCursor as exc:
            raise ValidationError({"cursor": [str(exc)]}) from exc
        self.request = request
        self.page = keyset_page(queryset, before=before, after=after, size=self._size(request))
        self.count, self.count_exact = bounded_count(queryset)
        return self.page.events

    def _size(self, request) -> int:
        given = request.query_params.get("page_size", "")
        if not given:
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError({"page_size": [f"A number from 1 to {self.max_page_size}."]})
        return int(given)

    def _link(self, name: str, cursor: int | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        for other in ("before", "after"):
            url = remove_query_param(url, other)
        return replace_query_param(url, name, cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self._link("before", self.page.older_cursor),
                "previous": self._link("after", self.page.newer_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": (
                        "Events matching the filters: exact up to 10,000 (and always exact "
                        "without filters); above that 10,000 with count_exact false."
                    ),
                },
                "count_exact": {"type": "boolean"},
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Older events (?before=<id>).",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Newer events (?after=<id>).",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        def integer(name, description):
            return {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "integer"},
            }

        return [
            integer("before", "Events older than this id (the `next` link carries it)."),
            integer("after", "Events newer than this id (the `previous` link carries it)."),
            integer("page_size", f"Events per page, 1 to {self.max_page_size}; 50 if not given."),
        ]
