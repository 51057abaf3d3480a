"""Frozen values the core hands out: the UI and formats never see ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable
from typing import Any

from .changes import NOTHING, Changes
from .wording import plural

# progress(done, total): long work reports through it; it may raise Cancelled.
Progress = Callable[[int, int], None]


def no_progress(_done: int, _total: int) -> None:
    """The progress callback of work nobody watches."""


@dataclass(frozen=True)
class SpanData:
    id: int
    document_id: int
    annotator: str
    label: str
    start: int
    end: int
    note: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"
    provenance: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class DocumentData:
    id: int
    external_id: str | None
    title: str
    text: str
    sha256: str
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    language: str | None = None

    @property
    def key(self) -> str:
        """The id a file names this document by: external id, else row id."""
        return self.external_id if self.external_id is not None else str(self.id)


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the document list: no text."""

    id: int
    external_id: str | None
    title: str
    outlet: str | None
    span_count: int
    status: str
    assigned: bool = False  # given to this annotator by a team admin


@dataclass(frozen=True)
class IncomingSpan:
    """A span read from a file, not yet in the project."""

    start: int
    end: int
    label: str
    annotator: str | None = None
    note: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    origin: str = "imported"
    provenance: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    source: str | None = None  # the file the span was read from, when not the document's


@dataclass(frozen=True)
class RawData:
    """The bytes a document was extracted from (a page, a PDF...), kept beside it."""

    data: bytes
    content_type: str
    url: str | None = None


@dataclass
class IncomingDocument:
    """A document read from a file; ``source`` and ``line`` say where."""

    text: str
    source: str
    line: int | None = None
    external_id: str | None = None
    title: str = ""
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[IncomingSpan] = field(default_factory=list)
    sha256: str | None = None  # as declared by the file, checked on import
    document_labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)  # annotator -> status ("": the importer)
    # gold layer -> spans its adjudicator turned down, by identity (annotator.rejected)
    rejected: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    language: str | None = None
    raw: RawData | None = None  # kept (compressed) beside a new document


@dataclass
class ImportReport:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_duplicate: int = 0
    notes: list[str] = field(default_factory=list)
    rejections_added: int = 0  # adjudicators' rejections a merge or JSONL brought
    first_document_id: int | None = None  # the first document of the import (to open it)
    changes: Changes = NOTHING  # what the import changed in the project

    def summary(self) -> str:
        parts = [f"{plural(self.documents_added, 'document')} added"]
        if self.documents_existing:
            parts.append(f"{self.documents_existing} already in the project (spans attached)")
        parts.append(f"{plural(self.spans_added, 'span')} added")
        if self.spans_duplicate:
            parts.append(f"{plural(self.spans_duplicate, 'span')} already present, skipped")
        return ", ".join(parts)


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents the list shows (empty means all): an outlet, a date
    range (ISO prefixes, both ends included: ``2024-03`` is all of March),
    a story."""

    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    story: str | None = None


@dataclass(frozen=True)
class SpanFilter:
    """Which spans an export or a statistic covers (empty means all)."""

    annotators: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()  # external ids or row ids
