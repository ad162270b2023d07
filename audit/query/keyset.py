"""Keyset pagination over the audit log, newest first.

A page is "the next n events with id below (or above) the one the previous page ended on":
an index range scan whatever the depth, where OFFSET would read and throw away every row
before the page. Nothing counts the whole table.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet


class BadCursor(ValueError):
    pass


class TooSlow(Exception):
    """PostgreSQL cancelled the query at the time limit: the caller asks for narrower filters."""


@dataclass(frozen=True)
class Page:
    events: list
    newer_cursor: int | None  # ?after=<this> shows the page above; None on the newest page
    older_cursor: int | None  # ?before=<this> shows the page below; None on the oldest page


def parse_cursor(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 19:
        raise BadCursor(f"not an event id: {value[:30]!r}")
    return int(value)


def keyset_page(
    events: QuerySet, *, before: int | None = None, after: int | None = None, size: int = 50
) -> Page:
    """Up to `size` events, newest first: below `before`, or else above `after`, or else the
    newest. One extra row tells whether there is more in the direction of travel; an indexed
    EXISTS tells whether there is anything the other way."""
    if after is not None and before is None:
        rows = list(events.filter(id__gt=after).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        newer = rows[0].id if more_newer else None
        older = (
            (rows[-1].id if rows else after + 1) if events.filter(id__lte=after).exists() else None
        )
        return Page(rows, newer_cursor=newer, older_cursor=older)
    below = events.filter(id__lt=before) if before is not None else events
    rows = list(below.order_by("-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    older = rows[-1].id if more_older else None
    newer = None
    if before is not None and events.filter(id__gte=before).exists():
        newer = rows[0].id if rows else before - 1
    return Page(rows, newer_cursor=newer, older_cursor=older)


def keyset_chunks(
    events: QuerySet, *, fields: tuple[str, ...], up_to: int, size: int = 2000
) -> Iterator[list[tuple]]:
    """Every event up to id `up_to`, oldest first, `size` rows (tuples of `fields`, id first)
    at a time: for exports, in constant memory, each chunk an index range scan."""
    last = 0
    while True:
        chunk = list(
            events.filter(id__gt=last, id__lte=up_to).order_by("id").values_list(*fields)[:size]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def query_time_limit() -> float:
    return float(settings.AUDIT_QUERY_TIME_LIMIT_SECONDS)


@contextmanager
def time_limited(seconds: float | None = None):
    """On PostgreSQL, cancel any query in the block that runs longer than `seconds`, and raise
    TooSlow: a search no index serves well must not hold a connection for minutes."""
    if connection.vendor != "postgresql":
        yield
        return
    limit = f"{int((seconds or query_time_limit()) * 1000)}ms"
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [limit],
                )
                previous = cursor.fetchone()[0]
            yield
            with connection.cursor() as cursor:  # in a caller's transaction, as it was
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooSlow from exc
        raise
