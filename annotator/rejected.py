"""Spans an adjudicator turned down, kept by identity so they survive merges
and exports.

Stored in the table ``adjudication_rejection`` (one row per gold layer,
document and identity); files carry them as ``{gold: [{"annotator", "label",
"start", "end", "adjudicator", "at", "span_id"}]}`` per document, which is
also the shape of the records here (by document SHA-256, so they travel
between projects). A span is named by its identity in the document,
``(annotator, label, start, end)``; ``span_id`` is the row id where the
decision was taken, kept for information only (row ids differ between
projects). SQLAlchemy is imported when storage is used: the formats import
this module for :func:`problem`, and the window starts without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .offsets import span_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Identity = tuple[str, str, int, int]  # annotator, label, start, end
_FIELDS = ("annotator", "label", "start", "end", "adjudicator", "at")


def identity(record: Any) -> Identity:
    """The identity of a span (SpanData) or of a record citing one (dict)."""
    if isinstance(record, dict):
        return (record["annotator"], record["label"], record["start"], record["end"])
    return (record.annotator, record.label, record.start, record.end)


def is_identity(record: Any) -> bool:
    """Whether a record read from a file names a span: annotator, label, start, end."""
    return (isinstance(record, dict)
            and all(isinstance(record.get(k), str) and record[k] for k in ("annotator", "label"))
            and all(isinstance(record.get(k), int) and not isinstance(record[k], bool)
                    for k in ("start", "end")))


def layer(s: Session, gold: str) -> dict[str, list[dict[str, Any]]]:
    """Rejections of one gold layer, by document SHA-256."""
    return layers(s, gold).get(gold, {})


def layers(s: Session, gold: str | None = None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rejections of every gold layer (or one): gold name -> document SHA-256 -> records."""
    from sqlalchemy import select

    from .models import AdjudicationRejection as Row
    from .models import Document

    query = select(Row, Document.sha256).join(Document).order_by(Row.id)
    if gold is not None:
        query = query.where(Row.gold == gold)
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row, sha in s.execute(query):
        found.setdefault(row.gold, {}).setdefault(sha, []).append(_record(row))
    return found


def of_document(s: Session, gold: str, document_id: int) -> list[dict[str, Any]]:
    """One document's rejections in a gold layer."""
    from sqlalchemy import select

    from .models import AdjudicationRejection as Row

    return [_record(row) for row in s.scalars(select(Row).where(
        Row.gold == gold, Row.document_id == document_id).order_by(Row.id))]


def put_document(s: Session, gold: str, document_id: int,
                 records: Iterable[dict[str, Any]]) -> None:
    """Make these the document's rejections in a gold layer."""
    from sqlalchemy import delete

    from .models import AdjudicationRejection as Row

    s.execute(delete(Row).where(Row.gold == gold, Row.document_id == document_id))
    s.add_all(_row(gold, document_id, r) for r in records)


def add(s: Session, gold: str, incoming: Mapping[str, Iterable[dict[str, Any]]]) -> int:
    """Add rejections (document SHA-256 -> records), skipping identities already
    rejected there: adding the same twice changes nothing. How many were new."""
    from sqlalchemy import select

    from .models import Document

    added = 0
    for sha256, records in incoming.items():
        document_id = s.scalar(select(Document.id).where(Document.sha256 == sha256).limit(1))
        if document_id is None:
            continue  # records of a document not here apply to nothing
        seen = {identity(r) for r in of_document(s, gold, document_id)}
        for record in records:
            if identity(record) not in seen:
                seen.add(identity(record))
                s.add(_row(gold, document_id, record))
                added += 1
    return added


def _record(row: Any) -> dict[str, Any]:
    record = {key: getattr(row, key) for key in _FIELDS}
    if row.span_id is not None:
        record["span_id"] = row.span_id
    return record


def _row(gold: str, document_id: int, record: dict[str, Any]) -> Any:
    from .models import AdjudicationRejection

    return AdjudicationRejection(gold=gold, document_id=document_id,
                                 span_id=record.get("span_id"),
                                 **{key: record[key] for key in _FIELDS})


def problem(rejections: Any, length: int) -> str | None:
    """What is wrong with a document's rejections as read from a file (gold
    layer -> records), if anything."""
    if not isinstance(rejections, dict):
        return "rejections must map gold layers to lists of spans"
    for gold, records in rejections.items():
        if not isinstance(gold, str) or not gold.strip() or not isinstance(records, list):
            return "rejections must map gold layers to lists of spans"
        for record in records:
            if not (is_identity(record) and all(isinstance(record.get(k), str) and record[k]
                                                for k in ("adjudicator", "at"))):
                return (f"a rejection of gold layer {gold!r} needs annotator, label, start, "
                        "end, adjudicator and at")
            if problem := span_problem(record["start"], record["end"], length):
                return f"rejected {problem}"
    return None
