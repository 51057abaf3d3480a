"""Bring colleagues' work into this project: another project file, or any
export that names annotators.

Documents are matched by text SHA-256, then by external id. A document found
by id whose text differs keeps only the spans that cover the same characters
at the same offsets in our text; the others are reported, never moved.
Unmatched documents are reported (or added, if asked). Each span keeps its
annotator (renamed if asked); spans already present are skipped, so merging
the same file twice adds nothing. One transaction: all or nothing.

A colleague's project file is untrusted: it is copied with SQLite's backup API
(through a connection that writes nothing) to a private temporary folder and
the copy opened read-only (``mode=ro``, ``query_only``, ``trusted_schema=OFF``),
and refused unless it is a project of this app at our schema revision with
exactly our schema. Errors name the colleague's file, never the copy.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .domain import IncomingDocument, IncomingSpan, Progress, no_progress
from . import files, store
from .errors import DamagedRecordError, FormatError, ProjectError
from .project import Project, check_span, text_sha256
from .rejected import problem as rejections_problem
from .wording import agree, plural

SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class MergeReport:
    source: str
    documents_by_sha256: int = 0
    documents_by_id: int = 0
    documents_added: int = 0
    spans_added: int = 0
    spans_duplicate: int = 0
    unmatched_documents: tuple[str, ...] = ()  # keys in the source
    unmatched_spans: int = 0  # on a document found by id whose text differs there
    annotators: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    rejections_added: int = 0  # the adjudicator's rejections of spans (new ones)
    documents_removed_here: int = 0  # in the source, removed from this project: not brought back

    def summary(self) -> str:
        matched = plural(self.documents_by_sha256 + self.documents_by_id, "document")
        parts = [f"{matched} matched ({self.documents_by_sha256} by text, {self.documents_by_id} by id)"]
        if self.documents_added:
            parts.append(f"{self.documents_added} added")
        if self.unmatched_documents:
            parts.append(f"{len(self.unmatched_documents)} unmatched, not merged")
        parts.append(f"{plural(self.spans_added, 'span')} added")
        if self.spans_duplicate:
            parts.append(f"{self.spans_duplicate} already present")
        if self.unmatched_spans:
            parts.append(f"{self.unmatched_spans} not merged (the text differs there)")
        if self.rejections_added:
            parts.append(f"{plural(self.rejections_added, 'rejection')} added")
        if self.documents_removed_here:
            removed = plural(self.documents_removed_here, "document")
            parts.append(f"{removed} removed here not brought back")
        return ", ".join(parts)


def is_project_file(path: Path) -> bool:
    """Whether a colleague's file starts like an SQLite database (read through the guard)."""
    return files.read_bytes(path, limit=len(SQLITE_MAGIC)) == SQLITE_MAGIC


def read_project(path: Path) -> list[IncomingDocument]:
    """Everything in a colleague's project file, read from a private copy made
    with SQLite's backup API (their WAL included); errors name ``path``."""
    files.check_input(path)
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as folder:
        copy = Path(folder) / "colleague.annotator"
        try:
            with store.probe(path) as (source, _immutable):
                store.copy_database(source, copy)
        except sqlite3.DatabaseError as exc:
            raise ProjectError(f"{path}: damaged or not a project database ({exc})") from None
        try:
            with Project.open(copy, readonly=True, name=str(path)) as theirs:
                return _documents_of(theirs, str(path))
        except DamagedRecordError as exc:
            raise FormatError(str(exc).removeprefix(f"{path}: "), file=str(path)) from None
        except (ValueError, TypeError, KeyError) as exc:  # values no app of ours wrote
            raise FormatError(f"damaged project file ({type(exc).__name__}: {exc})",
                              file=str(path)) from None


def _documents_of(theirs: Project, source: str) -> list[IncomingDocument]:
    """Documents with their live spans, labels and statuses, read as plain columns
    (ORM rows would cost a minute on 500,000 spans); JSON values decoded only
    when not empty."""
    from sqlalchemy import String, select, type_coerce

    from .models import Annotator, DocumentStatus, Span
    from .rejected import layers

    labels = theirs.document_labels_by_document()
    spans: dict[int, list[IncomingSpan]] = {}
    statuses: dict[int, dict[str, str]] = {}
    with theirs.reading() as s:
        rejections = layers(s)
        for doc_id, name, status in s.execute(
                select(DocumentStatus.document_id, Annotator.name, DocumentStatus.status)
                .join(Annotator)):
            statuses.setdefault(doc_id, {})[name] = status
        rows = s.execute(
            select(Span.id, Span.document_id, Span.start, Span.end, Span.label, Annotator.name,
                   Span.note, type_coerce(Span.attributes, String), Span.origin,
                   type_coerce(Span.provenance, String))
            .join(Annotator).where(Span.deleted_at.is_(None))
            .order_by(Span.document_id, Span.start, Span.end, Span.id))
        for span_id, doc_id, start, end, label, name, note, attributes, origin, provenance in rows:
            check_span(span_id, (doc_id, name, label, start, end, note, origin))
            spans.setdefault(doc_id, []).append(IncomingSpan(
                start, end, label, name, note or "", _json_object(attributes), origin,
                _json_object(provenance)))
    return [IncomingDocument(
        text=doc.text, source=source, external_id=doc.external_id, title=doc.title,
        outlet=doc.outlet, author=doc.author, published=doc.published, url=doc.url,
        language=doc.language, meta=doc.meta, sha256=doc.sha256, spans=spans.get(doc.id, []),
        document_labels=labels.get(doc.id, {}), statuses=statuses.get(doc.id, {}),
        rejected={gold: by_sha[doc.sha256] for gold, by_sha in rejections.items()
                  if doc.sha256 in by_sha})
        for doc in theirs.documents()]


def _renamed_sources(provenance: dict[str, Any], rename: Mapping[str, str]) -> dict[str, Any]:
    """A gold span's provenance with its sources' annotators renamed."""
    sources = provenance.get("sources")
    if not rename or not isinstance(sources, list):
        return provenance
    return {**provenance, "sources": [
        {**src, "annotator": rename.get(src.get("annotator"), src.get("annotator"))}
        if isinstance(src, dict) else src for src in sources]}


def _json_object(raw: str | None) -> dict[str, Any]:
    if raw in (None, "{}", "null"):
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, found {type(value).__name__}")
    return value


def annotators_of(incoming: Sequence[IncomingDocument]) -> list[str]:
    """The annotators whose spans a colleague's files hold, by name (what a rename renames)."""
    return sorted({span.annotator for doc in incoming for span in doc.spans if span.annotator})


def read_source(path: Path, format_name: str = "auto") -> list[IncomingDocument]:
    """A colleague's project file or an export in any format we read."""
    from .formats import read_files

    if format_name == "auto" and path.is_file() and is_project_file(path):
        return read_project(path)
    return read_files([path], format_name)


def merge(project: Project, paths: Sequence[Path], *, format_name: str = "auto",
          annotator: str | None = None, rename: Mapping[str, str] | None = None,
          add_unmatched: bool = False, progress: Progress = no_progress) -> MergeReport:
    """Merge colleagues' files into ``project`` (one transaction)."""
    incoming = [doc for path in paths for doc in read_source(path, format_name)]
    return merge_documents(project, incoming, source=", ".join(map(str, paths)),
                           annotator=annotator, rename=rename, add_unmatched=add_unmatched,
                           progress=progress)


def merge_documents(project: Project, incoming: Sequence[IncomingDocument], *, source: str,
                    annotator: str | None = None, rename: Mapping[str, str] | None = None,
                    add_unmatched: bool = False, progress: Progress = no_progress) -> MergeReport:
    rename = dict(rename or {})
    by_sha: dict[str, tuple[int, str]] = {}
    by_id: dict[str, tuple[int, str]] = {}
    ambiguous: set[str] = set()  # an id several of our documents carry matches none
    for doc in project.documents():
        by_sha[doc.sha256] = (doc.id, doc.text)
        if doc.external_id is not None:
            if doc.external_id in by_id:
                ambiguous.add(doc.external_id)
            by_id.setdefault(doc.external_id, (doc.id, doc.text))
    for key in ambiguous:
        del by_id[key]
    counts = {"sha": 0, "id": 0, "unmatched_spans": 0, "removed": 0}
    removed = project.tombstones()
    unmatched: list[str] = []
    names: set[str] = set()
    ready: list[IncomingDocument] = []
    for doc in incoming:
        spans = []
        for span in doc.spans:
            name = span.annotator or annotator
            if name is None:
                raise FormatError("a span names no annotator; say whose it is (--annotator)",
                                  file=doc.source, line=span.line or doc.line)
            wanted = rename.get(name, name)
            provenance = _renamed_sources(span.provenance, rename)
            spans.append(span if (span.annotator, span.provenance) == (wanted, provenance)
                         else replace(span, annotator=wanted, provenance=provenance))
        if problem := rejections_problem(doc.rejected, len(doc.text)):
            raise FormatError(problem, file=doc.source, line=doc.line)
        statuses = {rename.get(k, k): v for k, v in doc.statuses.items()}
        labels = {rename.get(k, k): v for k, v in doc.document_labels.items()}
        rejected = {rename.get(gold, gold): [{**r, "annotator": rename.get(r["annotator"],
                                                                           r["annotator"])}
                                             for r in records]
                    for gold, records in doc.rejected.items()}
        if doc.sha256 is not None and doc.sha256 != text_sha256(doc.text):
            raise FormatError("the document's text differs from the one its spans were made "
                              "on (SHA-256 mismatch)", file=doc.source, line=doc.line)
        sha = text_sha256(doc.text)
        found = by_sha.get(sha)
        if found is None and sha in removed:
            counts["removed"] += 1  # removed here on purpose: a merge does not undo that
            continue
        if found is not None:
            counts["sha"] += 1
        elif doc.external_id is not None and doc.external_id in by_id:
            found = by_id[doc.external_id]
            counts["id"] += 1
            ours = found[1]
            fits = [s for s in spans
                    if s.end <= min(len(ours), len(doc.text))
                    and ours[s.start:s.end] == doc.text[s.start:s.end]]
            counts["unmatched_spans"] += len(spans) - len(fits)
            spans = fits
            rejected = {gold: [r for r in records if r["end"] <= min(len(ours), len(doc.text))
                               and ours[r["start"]:r["end"]] == doc.text[r["start"]:r["end"]]]
                        for gold, records in rejected.items()}
        elif not add_unmatched:
            unmatched.append(doc.external_id or doc.title or f"line {doc.line}")
            continue
        text = found[1] if found is not None else doc.text
        names.update(s.annotator for s in spans if s.annotator)
        ready.append(replace(doc, text=text, sha256=None, spans=spans, statuses=statuses,
                             document_labels=labels, rejected=rejected))
    report = project.import_documents(ready, annotator=annotator or "unknown", progress=progress)
    notes = []
    seen = {s.annotator or annotator for d in incoming for s in d.spans} \
        | {name for d in incoming for name in (*d.statuses, *d.document_labels)}
    if set(rename) - seen:
        notes.append("nobody called " + ", ".join(sorted(set(rename) - seen))
                     + " in what was merged; nothing renamed for them")
    if unmatched:
        notes.append(f"{plural(len(unmatched), 'document')} {agree(len(unmatched), 'is', 'are')} not in "
                     "this project and were not merged: "
                     + ", ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else ""))
    if ambiguous & {d.external_id for d in incoming if d.external_id is not None}:
        notes.append("some ids name several documents of this project, so they matched "
                     "nothing by id: " + ", ".join(sorted(ambiguous)[:10]))
    if counts["removed"]:
        removed = plural(counts["removed"], "document")
        notes.append(f"{removed} removed here {agree(counts['removed'], 'was', 'were')} not "
                     "brought back (import them again to have them back)")
    if counts["unmatched_spans"]:
        notes.append(f"{plural(counts['unmatched_spans'], 'span')} "
                     f"{agree(counts['unmatched_spans'], 'was', 'were')} not merged: their document "
                     "was found by id but its text differs under them")
    return MergeReport(source, counts["sha"], counts["id"], report.documents_added,
                       report.spans_added, report.spans_duplicate, tuple(unmatched),
                       counts["unmatched_spans"], tuple(sorted(names)), tuple(notes),
                       report.rejections_added, counts["removed"])
