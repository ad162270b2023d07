"""Keyset (cursor) pagination for the lists that grow without bound: the review queue,
applications, grants, keys, access-review items, comments, usage.

A page is "the next n rows after the last one seen" in a total order (its last column
unique, the primary key): on PostgreSQL a row-value comparison, `(a, b, id) > (x, y, z)`, one
index range scan whatever the depth, where OFFSET would read and discard every row before the
page. A cursor is opaque to clients (URL-safe base64 of the row's ordering values and the
direction); a cursor that does not decode, or names values of the wrong type, is BadPage
(a 400), never a 500. Counts are capped (`capped_count`): the page says "1,000+", not a
figure that costs a scan of the backlog.

`django-cursor-pagination` was considered: it expands the comparison into ORs with IS NULL
branches, which PostgreSQL cannot serve as one index range scan, and it compares every value
as text; so this module, on Django 5.2's tuple lookups.
"""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import EmptyResultSet, FieldError, ValidationError
from django.db import connections
from django.db.models import F, IntegerField, Q, QuerySet, Value
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import InvalidInput

COUNT_CAP = 1000
FORWARD, BACKWARD = "n", "p"


class BadPage(ValueError):
    """A cursor this list did not give out, or a page size out of range: a 400 on `field`."""

    def __init__(self, message: str, field: str = "cursor"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None  # the rows after this page; None on the last page
    previous_cursor: str | None  # the rows before it; None on the first page

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode(direction: str, values: Sequence) -> str:
    raw = json.dumps([direction, [_plain(v) for v in values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, queryset: QuerySet, order: Sequence[str]) -> tuple[str, list]:
    """(direction, values typed as the ordering columns), or BadPage."""
    if not cursor or len(cursor) > 1000:
        raise BadPage("This cursor is not one this list gave out.")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadPage("This cursor is not one this list gave out.") from exc
    if direction not in (FORWARD, BACKWARD) or not isinstance(values, list):
        raise BadPage("This cursor is not one this list gave out.")
    if len(values) != len(order):
        raise BadPage("This cursor belongs to another ordering of this list.")
    typed = []
    for name, value in zip(order, values, strict=True):
        field = _output_field(queryset, name.lstrip("-"))
        if value is None or isinstance(value, dict | list):
            raise BadPage("This cursor is not one this list gave out.")
        try:
            typed.append(field.to_python(value))
        except (ValidationError, TypeError, ValueError) as exc:
            raise BadPage("This cursor is not one this list gave out.") from exc
    return direction, typed


def _output_field(queryset: QuerySet, name: str):
    try:
        return queryset.query.resolve_ref(name).output_field
    except FieldError as exc:  # a programming error, not a client's
        raise ValueError(f"cannot order a keyset page by {name!r}") from exc


def _beyond(order: Sequence[str], values: list, *, backward: bool) -> Q:
    """Rows strictly after `values` in `order` (strictly before when `backward`)."""
    descending = [name.startswith("-") for name in order]
    names = [name.lstrip("-") for name in order]
    if len(set(descending)) == 1:  # one direction: a row-value comparison, an index range
        later = TupleLessThan if descending[0] != backward else TupleGreaterThan
        return Q(later(Tuple(*(F(n) for n in names)), tuple(values)))
    condition, equal = Q(), Q()  # mixed directions: the expanded form
    for name, value, desc in zip(names, values, descending, strict=True):
        step = "lt" if desc != backward else "gt"
        condition |= equal & Q(**{f"{name}__{step}": value})
        equal &= Q(**{name: value})
    return condition


def _reversed(order: Sequence[str]) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in order]


def _position(item, order: Sequence[str]) -> list:
    return [getattr(item, name.lstrip("-")) for name in order]


def keyset(queryset: QuerySet, *, order: Sequence[str], cursor: str | None, size: int) -> Page:
    """Up to `size` rows of `queryset` in `order` (field or annotation names, "-" for
    descending, the last unique; no NULLs in them), after or before the row `cursor` names.
    One query, plus none: one extra row tells whether there is more."""
    direction, values = decode(cursor, queryset, order) if cursor else (FORWARD, None)
    backward = direction == BACKWARD
    rows = queryset
    if values is not None:
        rows = rows.filter(_beyond(order, values, backward=backward))
    rows = list(rows.order_by(*(_reversed(order) if backward else order))[: size + 1])
    return _page(rows, order, values, size=size, backward=backward)


def keyset_tiers(
    tiers: Sequence[QuerySet], *, order: Sequence[str], cursor: str | None, size: int
) -> Page:
    """keyset() over the concatenation of disjoint `tiers`, each read in `order` (ascending):
    the list is ordered by ("rank", *order) where a row's rank is its tier's index, and each
    tier is still one index range scan (ORDER BY an expression over rows would sort them all).
    Rows carry `rank`; a cursor names it first. One query per tier the page reaches."""
    order = list(order)
    ranked = [tier.annotate(rank=Value(i, IntegerField())) for i, tier in enumerate(tiers)]
    full = ["rank", *order]
    direction, values = decode(cursor, ranked[0], full) if cursor else (FORWARD, None)
    backward = direction == BACKWARD
    start = values[0] if values is not None else 0
    if not 0 <= start < len(ranked):
        raise BadPage("This cursor is not one this list gave out.")
    steps = range(start, -1, -1) if backward else range(start, len(ranked))
    rows: list = []
    for rank in steps:
        tier = ranked[rank]
        if values is not None and rank == start:
            tier = tier.filter(_beyond(order, values[1:], backward=backward))
        tier = tier.order_by(*(_reversed(order) if backward else order))
        rows += list(tier[: size + 1 - len(rows)])
        if len(rows) > size:
            break
    return _page(rows, full, values, size=size, backward=backward)


def _page(rows: list, order: Sequence[str], values, *, size: int, backward: bool) -> Page:
    more, rows = len(rows) > size, rows[:size]
    if backward:
        rows.reverse()
    first = encode(BACKWARD, _position(rows[0], order)) if rows else None
    last = encode(FORWARD, _position(rows[-1], order)) if rows else None
    if backward:
        return Page(
            rows,
            next_cursor=last or encode(FORWARD, values),
            previous_cursor=first if more else None,
        )
    return Page(
        rows,
        next_cursor=last if more else None,
        previous_cursor=(first or encode(BACKWARD, values)) if values is not None else None,
    )


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): exact up to `cap`, else `cap` as a lower bound; reads at most cap + 1
    index entries."""
    found = 0
    for part in queryset if isinstance(queryset, list | tuple) else [queryset]:  # or tiers
        found += part.order_by().values("pk")[: cap + 1 - found].count()
        if found > cap:
            break
    return (found, True) if found <= cap else (cap, False)


def capped_counts(querysets: dict, cap: int = COUNT_CAP) -> dict:
    """capped_count() of each queryset (by key), in one query: one scalar subquery each."""
    parts, params, found = [], [], {}
    for key, queryset in querysets.items():
        try:
            sql, more = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:
            found[key] = 0
            continue
        parts.append((key, f"(SELECT COUNT(*) FROM ({sql}) AS counted)"))  # noqa: S608 (compiled ORM SQL)
        params.extend(more)
    if parts:
        using = next(iter(querysets.values())).db
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _, sql in parts), params)
            found.update(zip([key for key, _ in parts], cursor.fetchone(), strict=True))
    return {key: (found[key], True) if found[key] <= cap else (cap, False) for key in querysets}


def count_label(count: int, exact: bool) -> str:
    return f"{count:,}" if exact else f"{count:,}+"


def page_size(params, default: int = 50, most: int = 200) -> int:
    """`?page_size=` from a request's GET (or DRF query_params), or `default`."""
    given = params.get("page_size", "")
    if not given:
        return default
    if not given.isdigit() or not 1 <= int(given) <= most:
        raise BadPage(f"A number from 1 to {most}.", field="page_size")
    return int(given)


def link(url: str, cursor: str | None, param: str = "cursor") -> str | None:
    """`url` with its cursor (`param`) replaced (other query parameters kept), or None."""
    if cursor is None:
        return None
    return replace_query_param(remove_query_param(url, param), param, cursor)


def page_of(queryset, *, order: Sequence[str], cursor: str | None, size: int) -> Page:
    """keyset(), or keyset_tiers() when `queryset` is a list of tiers."""
    if isinstance(queryset, list | tuple):
        return keyset_tiers(queryset, order=order, cursor=cursor, size=size)
    return keyset(queryset, order=order, cursor=cursor, size=size)


class KeysetPagination(BasePagination):
    """The API's keyset pages: `{"next", "previous", "results"}` (the contract's links),
    `?cursor=` and `?page_size=` (1 to max_page_size). A view sets `order` (and may add
    fields to the response, such as a capped count). `counted` adds the contract's `count`,
    capped (`capped_count`), and `count_exact`, false when the count stopped at the cap. The
    queryset may be a list of tiers (keyset_tiers)."""

    order: Sequence[str] = ("-pk",)
    counted = False
    page_size, max_page_size = 50, 200

    def __init__(self, order: Sequence[str] | None = None, *, counted: bool | None = None):
        if order is not None:
            self.order = tuple(order)
        if counted is not None:
            self.counted = counted

    @classmethod
    def of(cls, *order: str, counted: bool = False) -> type["KeysetPagination"]:
        """A pagination class for a view's `pagination_class`: `KeysetPagination.of("-created_at",
        "-pk", counted=True)`."""
        return type(cls.__name__, (cls,), {"order": order, "counted": counted})

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        params = request.query_params
        try:
            self.page = page_of(
                queryset,
                order=self.order,
                cursor=params.get("cursor"),
                size=page_size(params, self.page_size, self.max_page_size),
            )
        except BadPage as exc:
            raise ApiValidationError({exc.field: [str(exc)]}) from exc
        self.capped = capped_count(queryset) if self.counted else None
        return self.page.items

    def get_paginated_response(self, data, **extra):
        url = self.request.build_absolute_uri()
        if getattr(self, "capped", None) is not None:
            extra = {"count": self.capped[0], "count_exact": self.capped[1], **extra}
        return Response(
            {
                "next": link(url, self.page.next_cursor),
                "previous": link(url, self.page.previous_cursor),
                **extra,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        page = {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }
        if self.counted:
            page["required"] = ["count", "count_exact", *page["required"]]
            page["properties"] = {
                "count": {
                    "type": "integer",
                    "description": f"Rows in the whole list: exact up to {COUNT_CAP:,}; "
                    f"beyond, {COUNT_CAP:,} with count_exact false (the count stops at "
                    f"{COUNT_CAP:,}).",
                },
                "count_exact": {"type": "boolean"},
                **page["properties"],
            }
        return page

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The page after (or before) the one that gave this cursor.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def page_links(request, page: Page, param: str = "cursor") -> dict:
    """A page view's links to the pages around `page`, keeping the other query parameters;
    templates/includes/pager.html draws them."""
    here = request.get_full_path()
    return {
        "previous": link(here, page.previous_cursor, param),
        "next": link(here, page.next_cursor, param),
    }


def page_for(
    request, queryset, *, order: Sequence[str], size: int = 50, param: str = "cursor"
) -> tuple:
    """A page view's keyset page of `queryset` (or of a list of tiers) at `?cursor=` (`param`:
    another name, for a second list on the same page), and its links (page_links). A cursor
    this list did not give out is InvalidInput: the page answers 400 and says why
    (config.exceptions.DomainErrorPages), never a 500."""
    try:
        page = page_of(queryset, order=order, cursor=request.GET.get(param), size=size)
    except BadPage as exc:
        raise InvalidInput(
            "This link to a page of the list is broken or out of date: start from the first page.",
            extra={param if exc.field == "cursor" else exc.field: [str(exc)]},
        ) from exc
    return page, page_links(request, page, param)
