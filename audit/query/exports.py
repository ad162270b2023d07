"""Export of the filtered audit log as CSV or JSON Lines, streamed in constant memory.

Events go out oldest first (chain order, so that a reader can follow prev_hash to hash) and
only up to the newest event at the start: an export is a fixed set however long it takes to
download. Exporting is itself recorded in the log, before the first byte goes out: who took
which filter of the log, in which format, up to which event.
"""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Max, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone

from audit.services import record

from .keyset import keyset_chunks

COLUMNS = ("id", "at", "actor", "action", "target_type", "target_id", "data", "prev_hash", "hash")
# `data` is read as the database's JSON text: parsing it only to write it again was a third
# of the time per row.
_FIELDS = (
    "id",
    "at",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "data_text",
    "prev_hash",
    "hash",
)
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
CHUNK_SIZE = 2000
# Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with one of these
# as a formula ("CSV injection"), and some skip a leading tab or carriage return first.
# Audit events carry text that outsiders choose (the email typed at a failed sign-in, an
# application's target id), so such a cell is written with a leading apostrophe, which a
# spreadsheet shows as text. The JSON Lines export carries the values unchanged.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


@dataclass(frozen=True)
class Export:
    format: str
    up_to_id: int
    lines: Iterator[str]

    @property
    def filename(self) -> str:
        return f"audit-events-to-{self.up_to_id}-{timezone.now():%Y%m%dT%H%M%SZ}.{self.format}"


def audit_export(*, actor, events: QuerySet, filters: dict, fmt: str) -> Export:
    """Records the export (actor, filters, format, last event included), then returns the
    lines, produced lazily: the caller streams them."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    up_to = events.model.objects.aggregate(last=Max("id"))["last"] or 0
    record(
        actor=actor,
        action="audit.exported",
        target_type="audit_log",
        target_id=up_to,
        data={"format": fmt, "filters": filters, "up_to_id": up_to},
    )
    rows = keyset_chunks(
        events.annotate(data_text=Cast("data", TextField())),
        fields=_FIELDS,
        up_to=up_to,
        size=CHUNK_SIZE,
    )
    lines = _csv_lines(rows) if fmt == "csv" else _jsonl_lines(rows)
    return Export(format=fmt, up_to_id=up_to, lines=lines)


def streaming_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export.lines, content_type=FORMATS[export.format])
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"  # the log is confidential; keep it out of caches
    response["X-Accel-Buffering"] = "no"  # stream through nginx rather than spool it
    return response


class _Line:
    """csv.writer's file: hands each written row back instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def _csv_lines(chunks: Iterator[list[tuple]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(COLUMNS)
    for chunk in chunks:
        yield "".join(writer.writerow(_csv_cells(row)) for row in chunk)


def _csv_cells(row: tuple) -> list:
    event_id, at, actor, action, target_type, target_id, data, prev_hash, hash_ = row
    return [
        event_id,
        at.isoformat(),
        defuse(actor),
        defuse(action),
        defuse(target_type),
        defuse(target_id),
        defuse(data),
        prev_hash,
        hash_,
    ]


def _jsonl_lines(chunks: Iterator[list[tuple]]) -> Iterator[str]:
    for chunk in chunks:
        yield "".join(_jsonl_line(row) for row in chunk)


_string = json.JSONEncoder(ensure_ascii=False).encode


def _jsonl_line(row: tuple) -> str:
    event_id, at, actor, action, target_type, target_id, data, prev_hash, hash_ = row
    return (
        f'{{"id":{event_id:d},"at":{_string(at.isoformat())},"actor":{_string(actor)},'
        f'"action":{_string(action)},"target_type":{_string(target_type)},'
        f'"target_id":{_string(target_id)},"data":{data},'
        f'"prev_hash":{_string(prev_hash)},"hash":{_string(hash_)}}}\n'
    )
