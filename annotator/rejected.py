"""Spans an adjudicator turned down, kept by identity so they survive merges
and exports.

Stored in the project setting ``adjudication:<gold>`` as ``{"rejections":
{document SHA-256: [{"annotator", "label", "start", "end", "adjudicator",
"at", "span_id"}]}}``. A span is named by its identity in the document,
``(annotator, label, start, end)``; ``span_id`` is the row id where the
decision was taken, kept for information only (row ids differ between
projects). SQLAlchemy is imported when storage is used: the formats import
this module for :func:`problem`, and the window starts without SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Identity = tuple[str, str, int, int]  # annotator, label, start, end
PREFIX = "setting:adjudication:"


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
    from .models import ProjectInfo

    row = s.get(ProjectInfo, PREFIX + gold)
    return dict((row.value or {}).get("rejections", {})) if row is not None else {}


def layers(s: Session) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rejections of every gold layer: gold name -> document SHA-256 -> records."""
    from sqlalchemy import select

    from .models import ProjectInfo

    found = {}
    for key, value in s.execute(select(ProjectInfo.key, ProjectInfo.value)
                                .where(ProjectInfo.key.startswith(PREFIX, autoescape=True))):
        rejections = value.get("rejections") if isinstance(value, dict) else None
        if isinstance(rejections, dict) and rejections:  # a colleague's file is checked later
            found[key[len(PREFIX):]] = dict(rejections)
    return found


def put(s: Session, gold: str, rejections: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the rejections of a gold layer (documents without any are dropped)."""
    from .models import ProjectInfo

    row = s.get(ProjectInfo, PREFIX + gold)
    value = dict(row.value) if row is not None and row.value else {}
    value["rejections"] = {sha: records for sha, records in rejections.items() if records}
    s.merge(ProjectInfo(key=PREFIX + gold, value=value))


def add(s: Session, gold: str, incoming: Mapping[str, Iterable[dict[str, Any]]]) -> int:
    """Add rejections (document SHA-256 -> records), skipping identities already
    rejected there: adding the same twice changes nothing. How many were new."""
    rejections = layer(s, gold)
    added = 0
    for sha256, records in incoming.items():
        kept = list(rejections.get(sha256, []))
        seen = {identity(r) for r in kept}
        for record in records:
            if identity(record) not in seen:
                seen.add(identity(record))
                kept.append(dict(record))
                added += 1
        rejections[sha256] = kept
    if added:
        put(s, gold, rejections)
    return added


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
            if not 0 <= record["start"] < record["end"] <= length:
                return (f"rejected span [{record['start']}, {record['end']}) is outside the "
                        f"text (length {length}) or empty")
    return None
