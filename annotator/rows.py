"""Stored rows into data, for every reader: the ORM project (``Project``) and
the start-up reader (``annotator.firstscreen``, stdlib ``sqlite3``) build
documents and spans here, with the same checks. No SQLAlchemy, so the window
can read its first article before that loads.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .domain import DocumentData, SpanData
from .errors import DamagedRecordError

# A document row: DOCUMENT_ROW fields; a span row: SPAN_ROW fields, JSON and
# times as text (decoded only when not empty, most are "{}"; the C-speed
# datetime.fromisoformat).
DOCUMENT_ROW = ("id", "external_id", "title", "text", "sha256", "outlet", "author", "published",
                "url", "meta", "language")
SPAN_ROW = ("id", "document_id", "annotator", "label", "start", "end", "note", "attributes",
            "origin", "provenance", "created_at", "updated_at")

# Types a row must hold, checked where rows become data: a colleague's file (or
# a damaged one) may hold a blob or NULL anywhere SQLite lets it.
_TEXT, _MAYBE_TEXT, _NUMBER = (str,), (str, type(None)), (int,)
_DOCUMENT_FIELDS = (("external_id", _MAYBE_TEXT), ("title", _TEXT), ("text", _TEXT),
                    ("sha256", _TEXT), ("outlet", _MAYBE_TEXT), ("author", _MAYBE_TEXT),
                    ("published", _MAYBE_TEXT), ("url", _MAYBE_TEXT))
_SPAN_FIELDS = (("document", _NUMBER), ("annotator", _TEXT), ("label", _TEXT),
                ("start", _NUMBER), ("end", _NUMBER), ("note", _MAYBE_TEXT), ("origin", _TEXT),
                ("created_at", _TEXT), ("updated_at", _TEXT))


def json_object(raw: str | None) -> dict[str, Any]:
    return json.loads(raw) if raw and raw != "{}" else {}


def document_row(row: Any) -> DocumentData:
    """A DOCUMENT_ROW (meta decoded, or as JSON text) as data."""
    check_document(row[0], row[1:9])
    meta = row[9] if row[9] is not None else {}
    if isinstance(meta, str):
        meta = json_object(meta)
    if not isinstance(meta, dict):
        raise DamagedRecordError(f"document {row[0]}: meta is not a JSON object")
    return DocumentData(*row[:9], meta=dict(meta),  # type: ignore[misc]
                        language=text_or_none(row[10]))


def text_or_none(value: Any) -> str | None:
    """A text column that is not the file's own (e.g. ``language``): anything but text is None."""
    return value if isinstance(value, str) else None


def span_row(row: Any) -> SpanData:
    (span_id, document_id, name, label, start, end, note, attributes, origin, provenance,
     created, updated) = row
    check_span(span_id, (document_id, name, label, start, end, note, origin, created, updated))
    return SpanData(span_id, document_id, name, label, start, end, note or "",
                    json_object(attributes), origin, json_object(provenance),
                    datetime.fromisoformat(created), datetime.fromisoformat(updated))


def check_document(document_id: Any, values: tuple[Any, ...]) -> None:
    _check_types(f"document {document_id}", _DOCUMENT_FIELDS, values)


def check_span(span_id: Any, values: tuple[Any, ...]) -> None:
    """Raise DamagedRecordError unless (document_id, annotator, label, start, end,
    note, origin[, created_at, updated_at]) have the types the app writes."""
    _check_types(f"span {span_id}", _SPAN_FIELDS, values)


def _check_types(record: str, fields: tuple[tuple[str, tuple[type, ...]], ...],
                 values: tuple[Any, ...]) -> None:
    for (name, types), value in zip(fields, values):
        if type(value) not in types:
            raise DamagedRecordError(f"{record}: {name} is {_kind(value)}, not "
                                     + ("a number" if types is _NUMBER else "text"))


def _kind(value: Any) -> str:
    if value is None:
        return "empty (NULL)"
    return {bytes: "a blob", str: "text", int: "a number", float: "a decimal number"}.get(
        type(value), type(value).__name__)
