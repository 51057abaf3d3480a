"""``Project``: the one handle the CLI and the UI hold (Anki's ``Collection``).

Every mutating call runs in its own transaction and returns only after the
commit, so what the UI draws is already durable. Edits are recorded on an
in-memory :class:`History` for undo and redo across documents.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from datetime import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import (Connection, Dialect, Engine, Table, func, or_,
                        select, text, update)
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from . import portable, rejected, store
from .changes import NOTHING, Changes, Done, UndoStatus
from .intake import neardup
from .domain import (
    DocumentData,
    DocumentFilter,
    DocumentSummary,
    ImportReport,
    IncomingDocument,
    Progress,
    RawData,
    SpanData,
    SpanFilter,
    no_progress,
)
from .errors import ConflictError, DamagedRecordError, EditError, FormatError, ProjectError
from .models import (
    ORIGINS,
    STATUSES,
    Annotator,
    Assignment,
    Document,
    DocumentLabel,
    DocumentStatus,
    Fingerprint,
    ProjectInfo,
    RawSource,
    Span,
    Tombstone,
    utcnow,
)
from .offsets import span_problem
from .rows import check_document as _check_document
from .rows import check_span
from .rows import document_row as _document_row
from .rows import span_row as _span_row
from .rows import text_or_none as _text_or_none
from .schemes import Scheme
from .text import text_sha256
from .wording import agree, plural


@dataclass
class Edit:
    """One undoable user action: its own transactions to undo and redo it, and
    what either changes (the same data, so one ``Changes`` serves both)."""

    description: str
    document_id: int
    changes: Changes
    undo: Callable[[], None]
    redo: Callable[[], None]


@dataclass
class History:
    """Undo and redo stacks of edits (in memory, for the session)."""

    done: list[Edit] = field(default_factory=list)
    undone: list[Edit] = field(default_factory=list)
    limit: int = 1000

    def push(self, edit: Edit) -> None:
        self.done.append(edit)
        del self.done[: -self.limit]
        self.undone.clear()

    def status(self) -> UndoStatus:
        return UndoStatus(self.done[-1].description if self.done else None,
                          self.undone[-1].description if self.undone else None)


class Project:
    """An open project: documents, spans, the label scheme."""

    def __init__(self, engine: Engine, location: str):
        self.engine = engine
        self.location = location
        # Called with the seconds waited while another job holds the write lock.
        self.on_lock_wait: Callable[[float], None] | None = None
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(
            engine.execution_options(immediate=True, on_lock_wait=self._lock_waited),
            expire_on_commit=False)
        self._annotator_ids: dict[str, int] = {}
        self._history = History()
        self._history_lock = threading.RLock()  # the writer thread and the GUI thread both record
        self._scheme: Scheme | None = None

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path | None = None, *, url: str | None = None,
             readonly: bool = False, name: str | None = None) -> Project:
        """Open a project (``readonly``: never write, even on read-only media).

        ``name`` is how errors call the file (default: ``path``).
        """
        url = url or store.project_url(path, readonly=readonly)  # type: ignore[arg-type]
        location = name or (str(path) if path else store.display_url(url))
        return cls(store.open_database(url, readonly=readonly, name=location), location)

    @classmethod
    def create(cls, path: str | Path | None, scheme: Scheme, *, url: str | None = None) -> Project:
        url = url or store.project_url(path)  # type: ignore[arg-type]
        return cls(store.create_database(url, scheme.to_dict()),
                   str(path) if path else store.display_url(url))

    @property
    def path(self) -> Path | None:
        """The project file (None for a database that is not a file)."""
        return store.sqlite_path(self.engine.url.render_as_string(hide_password=False))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read transaction (for core modules that query beyond these methods)."""
        with self._guard(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction, committed on exit: one per user action.

        If another job (an import, another process) holds the write lock, this
        waits for it (up to ``store.WRITE_WAIT_S``) instead of failing, calling
        ``self.on_lock_wait(seconds_waited)`` about every quarter second, so a
        front end can say "waiting for another job to finish writing".
        """
        try:
            with self._guard(), self._writer() as session, session.begin():
                yield session
        except BaseException:
            self._annotator_ids.clear()  # ids made in a rolled-back transaction are gone
            raise

    def _lock_waited(self, seconds: float) -> None:
        if self.on_lock_wait is not None:
            self.on_lock_wait(seconds)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except DamagedRecordError as exc:
            raise DamagedRecordError(f"{self.location}: {exc}; the project is damaged") from None
        except json.JSONDecodeError as exc:
            raise DamagedRecordError(f"{self.location}: a stored JSON value is not valid JSON "
                                     f"({exc}); the project is damaged") from None
        except StaleDataError:
            raise ConflictError(f"{self.location}: someone changed this at the same time; "
                                "nothing was written: look again and redo it") from None
        except OperationalError as exc:
            message = str(exc.orig).splitlines()[0]
            if "disk" in message or "full" in message:
                raise ProjectError(f"{self.location}: the disk is full; nothing was changed") from None
            raise ProjectError(f"{self.location}: database error: {message}") from None
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise ProjectError(f"{self.location}: database error: {detail}") from None

    # -- scheme and settings ----------------------------------------------
    @property
    def scheme(self) -> Scheme:
        if self._scheme is None:
            with self.reading() as s:
                self._scheme = Scheme.from_dict(s.get(ProjectInfo, "scheme").value)
        return self._scheme

    def set_scheme(self, scheme: Scheme) -> Done[None]:
        with self.writing() as s:
            s.get(ProjectInfo, "scheme").value = scheme.to_dict()
        self._scheme = scheme
        return Done(None, Changes(scheme=True))

    def setting(self, key: str, default: Any = None) -> Any:
        with self.reading() as s:
            row = s.get(ProjectInfo, f"setting:{key}")
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> Done[None]:
        with self.writing() as s:
            s.merge(ProjectInfo(key=f"setting:{key}", value=value))
        return Done(None, Changes(settings=True))

    # -- annotators --------------------------------------------------------
    def annotators(self) -> list[str]:
        with self.reading() as s:
            return list(s.scalars(select(Annotator.name).order_by(Annotator.name)))

    def annotator_id(self, s: Session, name: str, kind: str = "human") -> int:
        """The id of an annotator, created on first use."""
        cached = self._annotator_ids.get(name)
        if cached is not None:
            return cached
        found = s.scalar(select(Annotator.id).where(Annotator.name == name))
        if found is None:
            if not name.strip():
                raise EditError("an annotator needs a name")
            row = Annotator(name=name, kind=kind)
            s.add(row)
            s.flush()
            found = row.id
        self._annotator_ids[name] = found
        return found

    def ensure_annotator(self, name: str, kind: str = "human") -> None:
        with self.writing() as s:
            self.annotator_id(s, name, kind)

    # -- documents ---------------------------------------------------------
    def document_count(self) -> int:
        with self.reading() as s:
            return s.scalar(select(func.count(Document.id))) or 0

    def document_ids(self) -> list[int]:
        with self.reading() as s:
            return list(s.scalars(select(Document.id).order_by(Document.id)))

    def document(self, document_id: int) -> DocumentData:
        with self.reading() as s:
            row = s.get(Document, document_id)
            if row is None:
                raise ProjectError(f"no document with id {document_id}")
            return document_data(row)

    def find_document(self, key: str) -> DocumentData | None:
        """A document by external id, else by row id."""
        with self.reading() as s:
            row = s.scalar(select(Document).where(Document.external_id == key).limit(1))
            if row is None and key.isdigit():
                row = s.get(Document, int(key))
            return document_data(row) if row is not None else None

    def resolve_documents(self, keys: Iterable[str]) -> list[int]:
        """Row ids of the documents named by external id, else by row id.

        Every command that takes document names uses this, so ``--document 2``
        means the same everywhere; a name that matches nothing is an error.
        """
        keys = list(dict.fromkeys(keys))
        by_external: dict[str, list[int]] = {}
        existing: set[int] = set()
        with self.reading() as s:
            for chunk in _chunks(keys, 500):
                for doc_id, external in s.execute(select(Document.id, Document.external_id)
                                                  .where(Document.external_id.in_(chunk))):
                    by_external.setdefault(external, []).append(doc_id)
            numbers = [int(k) for k in keys if k not in by_external and k.isdigit()]
            for chunk in _chunks(numbers, 500):
                existing.update(s.scalars(select(Document.id).where(Document.id.in_(chunk))))
        ids: set[int] = set()
        missing = []
        for key in keys:
            if key in by_external:
                ids.update(by_external[key])
            elif key.isdigit() and int(key) in existing:
                ids.add(int(key))
            else:
                missing.append(key)
        if missing:
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise ProjectError(f"no document {', '.join(map(repr, missing[:5]))}{more} in the project")
        return sorted(ids)

    def documents(self, keys: Iterable[str] = ()) -> Iterator[DocumentData]:
        """All documents (or those named, see :meth:`resolve_documents`), in import order."""
        keys = list(keys)
        ids = self.resolve_documents(keys) if keys else None
        with self.reading() as s:
            query = select(Document).order_by(Document.id)
            if ids is not None:
                query = query.where(Document.id.in_(ids))
            for row in s.scalars(query):
                yield document_data(row)

    def summaries(self, annotator: str | None, *, offset: int = 0, limit: int = 200,
                  search: str = "", status: str | None = None,
                  where: DocumentFilter = DocumentFilter()) -> list[DocumentSummary]:
        """A page of the document list, filtered and counted in SQL."""
        with self.reading() as s:
            query = self._summary_query(s, annotator, search, status, where)
            # assigned documents first (team projects), then in import order; the
            # sort by assignment only when there is one (else the index order serves)
            assigned = s.scalar(select(Assignment.document_id).join(Annotator).where(
                Annotator.name == annotator).limit(1)) is not None
            order = (query.selected_columns.assigned.desc(),) if assigned else ()
            rows = s.execute(query.order_by(*order, Document.id).offset(offset).limit(limit))
            return [DocumentSummary(r.id, r.external_id, r.title, r.outlet, r.spans, r.status,
                                    r.assigned) for r in rows]

    def summaries_of(self, document_ids: Iterable[int], annotator: str | None) -> list[DocumentSummary]:
        """The document list's rows of these documents (after an edit of them)."""
        ids = sorted(set(document_ids))
        found: list[DocumentSummary] = []
        with self.reading() as s:
            for chunk in _chunks(ids, 500):
                query = self._summary_query(s, annotator, "", None).where(Document.id.in_(chunk))
                found += [DocumentSummary(r.id, r.external_id, r.title, r.outlet, r.spans, r.status)
                          for r in s.execute(query.order_by(Document.id))]
        return found

    def summary_count(self, annotator: str | None, *, search: str = "",
                      status: str | None = None, where: DocumentFilter = DocumentFilter()) -> int:
        with self.reading() as s:
            query = self._summary_query(s, annotator, search, status, where).subquery()
            return s.scalar(select(func.count()).select_from(query)) or 0

    def document_values(self, field: str) -> list[tuple[str, int]]:
        """The outlets (``outlet``) or stories (``story``) of the documents, with counts."""
        column = Document.outlet if field == "outlet" else Document.meta["story"].as_string()
        with self.reading() as s:
            rows = s.execute(select(column, func.count()).where(column.is_not(None))
                             .group_by(column).order_by(column))
            return [(value, n) for value, n in rows if isinstance(value, str) and value]

    def _summary_query(self, s: Session, annotator: str | None, search: str,
                       status: str | None, where: DocumentFilter = DocumentFilter()) -> Any:
        annotator_id = s.scalar(select(Annotator.id).where(Annotator.name == annotator)) or -1
        span_count = (
            select(func.count(Span.id))
            .where(Span.document_id == Document.id, Span.annotator_id == annotator_id,
                   Span.deleted_at.is_(None))
            .scalar_subquery()
        )
        doc_status = func.coalesce(
            select(DocumentStatus.status)
            .where(DocumentStatus.document_id == Document.id,
                   DocumentStatus.annotator_id == annotator_id)
            .scalar_subquery(),
            "todo",
        )
        assigned = select(Assignment.document_id).where(
            Assignment.document_id == Document.id,
            Assignment.annotator_id == annotator_id).exists()
        query = select(Document.id, Document.external_id, Document.title, Document.outlet,
                       span_count.label("spans"), doc_status.label("status"),
                       assigned.label("assigned"))
        if search:
            query = query.where(or_(*(self._contains(column, search)
                                      for column in (Document.title, Document.text))))
        if status:
            query = query.where(doc_status == status)
        if where.outlet:
            query = query.where(Document.outlet == where.outlet)
        if where.date_from:
            query = query.where(Document.published >= where.date_from)
        if where.date_to:
            query = query.where(func.substr(Document.published, 1, len(where.date_to))
                                <= where.date_to)
        if where.story:
            query = query.where(Document.meta["story"].as_string() == where.story)
        return query

    def _contains(self, column: Any, search: str) -> Any:
        """``column`` contains ``search``, ignoring case and Unicode composition
        ("café" finds "cafe\u0301"; see :func:`annotator.find.fold`)."""
        return portable.contains(column, search, self.engine.dialect.name)

    # -- spans -------------------------------------------------------------
    def spans(self, document_id: int, annotators: Iterable[str] | None = None) -> list[SpanData]:
        """Live spans of a document, by start then end (all annotators if None)."""
        with self.reading() as s:
            query = (select(*_SPAN_COLUMNS).join(Annotator)
                     .where(Span.document_id == document_id, Span.deleted_at.is_(None))
                     .order_by(Span.start, Span.end, Span.id))
            if annotators is not None:
                query = query.where(Annotator.name.in_(list(annotators)))
            return [_span_row(row) for row in s.connection().execute(query)]

    def live_spans(self, span_ids: Iterable[int]) -> dict[int, SpanData]:
        """Those of these spans that are live (not deleted), by id."""
        ids = sorted(set(span_ids))
        found: dict[int, SpanData] = {}
        with self.reading() as s:
            for chunk in _chunks(ids, 500):
                for row in s.connection().execute(select(*_SPAN_COLUMNS).join(Annotator).where(
                        Span.id.in_(chunk), Span.deleted_at.is_(None))):
                    span = _span_row(row)
                    found[span.id] = span
        return found

    def span(self, span_id: int) -> SpanData:
        with self.reading() as s:
            return self._load_span(s, span_id)

    def _load_span(self, s: Session, span_id: int) -> SpanData:
        row = s.execute(select(Span, Annotator.name).join(Annotator).where(Span.id == span_id)).first()
        if row is None:
            raise EditError(f"no span with id {span_id}")
        return span_data(*row)

    def iter_spans(self, where: SpanFilter = SpanFilter(),
                   build: Callable[[Any], Any] = _span_row) -> Iterator[tuple[DocumentData, list[Any]]]:
        """Documents with their live spans, filtered, in import order; each span
        is ``build`` of its row (``rows.SPAN_ROW`` fields; :class:`SpanData` by
        default, the CSV export makes its cells).

        Two streamed Core queries in one read transaction (documents, and spans
        in document order) merged as they go, without ORM objects: an export of
        200,000 spans costs little more than writing them.
        """
        with self.reading() as s:
            docs = select(*_DOCUMENT_COLUMNS).order_by(Document.id)
            spans = (select(*_SPAN_COLUMNS).join(Annotator).where(Span.deleted_at.is_(None))
                     .order_by(Span.document_id, Span.start, Span.end, Span.label,
                               Annotator.name, Span.id))
            if where.documents:
                ids = self.resolve_documents(where.documents)
                docs = docs.where(Document.id.in_(ids))
                spans = spans.where(Span.document_id.in_(ids))
            if where.annotators:
                spans = spans.where(Annotator.name.in_(where.annotators))
            if where.labels:
                spans = spans.where(Span.label.in_(where.labels))
            conn = s.connection()  # Core rows: no ORM result processing
            span_rows = iter(conn.execute(spans.execution_options(yield_per=5000)))
            pending = next(span_rows, None)
            for row in conn.execute(docs.execution_options(yield_per=500)):
                doc = _document_row(row)
                found: list[Any] = []
                while pending is not None and pending[1] <= doc.id:
                    if pending[1] == doc.id:
                        found.append(build(pending))
                    pending = next(span_rows, None)
                yield doc, found

    # -- edits (each one transaction, each undoable) ------------------------
    def add_span(self, document_id: int, annotator: str, label: str, start: int, end: int, *,
                 note: str = "", attributes: dict[str, Any] | None = None,
                 origin: str = "manual", provenance: dict[str, Any] | None = None) -> Done[SpanData]:
        """Add one span (one transaction, one undo step)."""
        definition = self.scheme.label(label)
        done = self.add_spans(document_id, annotator, [{
            "label": label, "start": start, "end": end, "note": note,
            "attributes": attributes or {}, "origin": origin, "provenance": provenance or {},
        }], description=f"Add {definition.name if definition else label}")
        return Done(done.value[0], done.changes)

    def add_spans(self, document_id: int, annotator: str, spans: Iterable[dict[str, Any]], *,
                  description: str) -> Done[list[SpanData]]:
        """Add several spans (``add_span`` keyword dicts) in one transaction and one undo step."""
        spans = list(spans)
        for values in spans:
            self._check_label(values["label"], values.get("attributes") or {})
            if values.get("origin", "manual") not in ORIGINS:
                raise EditError(f"unknown origin {values['origin']!r}")
        with self.writing() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise EditError(f"no document with id {document_id}")
            annotator_id = self.annotator_id(s, annotator)
            live = {tuple(row) for row in s.execute(select(Span.label, Span.start, Span.end).where(
                Span.document_id == document_id, Span.annotator_id == annotator_id,
                Span.deleted_at.is_(None)))}
            rows = []
            for values in spans:
                _check_offsets(values["start"], values["end"], len(doc.text))
                identity = (values["label"], values["start"], values["end"])
                if identity in live:
                    raise EditError("you have already tagged these words with this label")
                live.add(identity)
                rows.append(Span(document_id=document_id, annotator_id=annotator_id,
                                 **{"note": "", "attributes": {}, "provenance": {}, **values}))
            s.add_all(rows)
            started = bool(rows) and self._touch_status(s, document_id, annotator_id)
            s.flush()
            added = [span_data(row, annotator) for row in rows]
        if not added:
            return Done([], NOTHING)
        ids = [span.id for span in added]
        changes = Changes.of([document_id], ids, spans=True, statuses=started)
        # Undoing the spans that started a document also takes back its
        # "in progress" status, so it is "to do" again.
        begun = (document_id, annotator_id) if started else None
        self.record(description, document_id, changes,
                    undo=self._in_write(lambda s: self._set_deleted(s, ids, True, begun)),
                    redo=self._in_write(lambda s: self._set_deleted(s, ids, False, begun)))
        return Done(added, changes)

    def delete_span(self, span_id: int, annotator: str) -> Done[SpanData]:
        with self.writing() as s:
            span = self._own(s, span_id, annotator)
            self._set_deleted(s, [span_id], True)
        changes = Changes.of([span.document_id], [span_id], spans=True)
        self.record("Delete span", span.document_id, changes,
                    undo=self._in_write(lambda s: self._set_deleted(s, [span_id], False)),
                    redo=self._in_write(lambda s: self._set_deleted(s, [span_id], True)))
        return Done(span, changes)

    def update_span(self, span_id: int, annotator: str, **changes: Any) -> Done[SpanData]:
        """Change label, note, attributes, start or end of one's own span."""
        allowed = {"label", "note", "attributes", "start", "end"}
        if set(changes) - allowed:
            raise EditError(f"cannot change {', '.join(sorted(set(changes) - allowed))}")
        with self.writing() as s:
            before = self._own(s, span_id, annotator)
            after = replace(before, **changes)
            self._check_label(after.label, after.attributes)
            self._apply(s, span_id, changes)
            s.flush()
            result = self._load_span(s, span_id)
        old = {k: getattr(before, k) for k in changes}
        what = "Relabel span" if "label" in changes else "Edit span"
        done = Changes.of([before.document_id], [span_id], spans=True)
        self.record(what, before.document_id, done,
                    undo=self._in_write(lambda s: self._apply(s, span_id, old)),
                    redo=self._in_write(lambda s: self._apply(s, span_id, changes)))
        return Done(result, done)

    def relabel(self, span_id: int, annotator: str, label: str) -> Done[SpanData]:
        """Give one's own span another label, keeping the attributes the new label
        also has (with a value it allows); the others are dropped."""
        definition = self.scheme.label(label)
        if definition is None:
            raise EditError(f"label {label!r} is not in the scheme {self.scheme.name!r}")
        span = self.span(span_id)
        kept = {k: v for k, v in span.attributes.items()
                if (a := definition.attribute(k)) is not None and a.check(v) is None}
        return self.update_span(span_id, annotator, label=label, attributes=kept)

    def set_document_label(self, document_id: int, annotator: str, key: str,
                           value: Any) -> Done[None]:
        """Set (or with None, clear) a document-level label."""
        definition = self.scheme.document_label(key)
        if definition is None:
            raise EditError(f"the scheme has no document label {key!r}")
        if value is not None and (problem := definition.check(value)):
            raise EditError(f"document label {key!r}: {problem}")
        with self.writing() as s:
            old = self._put_document_label(s, document_id, annotator, key, value)
        changes = Changes.of([document_id], document_labels=True)
        self.record(f"Set {definition.name}", document_id, changes,
                    undo=self._in_write(lambda s: self._put_document_label(
                        s, document_id, annotator, key, old)),
                    redo=self._in_write(lambda s: self._put_document_label(
                        s, document_id, annotator, key, value)))
        return Done(None, changes)

    def document_labels(self, document_id: int, annotator: str) -> dict[str, Any]:
        with self.reading() as s:
            rows = s.execute(select(DocumentLabel.key, DocumentLabel.value).join(Annotator)
                             .where(DocumentLabel.document_id == document_id,
                                    Annotator.name == annotator))
            return {key: value for key, value in rows}

    def document_labels_by_document(self, annotators: Iterable[str] = ()) -> dict[int, dict[str, dict[str, Any]]]:
        """Every document label: document id -> annotator -> key -> value."""
        annotators = list(annotators)
        with self.reading() as s:
            query = (select(DocumentLabel.document_id, Annotator.name, DocumentLabel.key,
                            DocumentLabel.value).join(Annotator)
                     .order_by(DocumentLabel.document_id, Annotator.name, DocumentLabel.key))
            if annotators:
                query = query.where(Annotator.name.in_(annotators))
            result: dict[int, dict[str, dict[str, Any]]] = {}
            for doc_id, name, key, value in s.execute(query):
                result.setdefault(doc_id, {}).setdefault(name, {})[key] = value
            return result

    def set_status(self, document_id: int, annotator: str, status: str) -> Done[str]:
        if status not in STATUSES:
            raise EditError(f"status must be one of {', '.join(STATUSES)}")
        with self.writing() as s:
            old = self._put_status(s, document_id, annotator, status)
        changes = Changes.of([document_id], statuses=True)
        self.record(f"Mark {status.replace('_', ' ')}", document_id, changes,
                    undo=self._in_write(lambda s: self._put_status(s, document_id, annotator, old)),
                    redo=self._in_write(lambda s: self._put_status(s, document_id, annotator,
                                                                   status)))
        return Done(status, changes)

    def mark_done(self, document_id: int, annotator: str, done: bool) -> Done[str]:
        """Mark a document done, or not done: then in progress if the annotator
        has a live span in it, else to do. The value is the status set."""
        if done:
            return self.set_status(document_id, annotator, "done")
        with self.reading() as s:
            has_spans = s.scalar(select(Span.id).join(Annotator).where(
                Span.document_id == document_id, Annotator.name == annotator,
                Span.deleted_at.is_(None)).limit(1)) is not None
        return self.set_status(document_id, annotator, "in_progress" if has_spans else "todo")

    def status(self, document_id: int, annotator: str) -> str:
        with self.reading() as s:
            found = s.scalar(select(DocumentStatus.status).join(Annotator).where(
                DocumentStatus.document_id == document_id, Annotator.name == annotator))
            return found or "todo"

    # -- correcting documents (the text itself never changes: offsets count it) --
    def update_document(self, document_id: int, **fields: Any) -> Done[DocumentData]:
        """Change title, outlet, author, published, url or language (one undo step);
        an empty value clears a field (the title stays text)."""
        unknown = set(fields) - set(DOCUMENT_FIELDS)
        if unknown:
            raise EditError(f"cannot change {', '.join(sorted(unknown))} of a document "
                            f"(only {', '.join(DOCUMENT_FIELDS)})")
        changes = {key: document_field_value(key, value) for key, value in fields.items()}
        before = self.document(document_id)
        old = {key: getattr(before, key) for key in changes}
        if old == changes:
            return Done(before, NOTHING)
        self._put_document(document_id, changes)
        what = "Rename document" if set(changes) == {"title"} else "Edit document details"
        done = Changes.of([document_id], document_fields=True)
        self.record(what, document_id, done,
                    undo=lambda: self._put_document(document_id, old),
                    redo=lambda: self._put_document(document_id, changes))
        return Done(self.document(document_id), done)

    def _put_document(self, document_id: int, values: dict[str, Any]) -> None:
        with self.writing() as s:
            row = s.get(Document, document_id)
            if row is None:
                raise EditError(f"no document with id {document_id}")
            for key, value in values.items():
                setattr(row, key, value)

    def remove_document(self, document_id: int) -> Done[RemovedDocument]:
        """Remove a document with everything on it (one transaction, one undo
        step); its SHA-256 is kept as a tombstone so a merge does not bring it back."""
        with self.writing() as s:
            saved = _saved_rows(s, document_id)
            spans = sum(1 for row in saved.get("span", []) if row["deleted_at"] is None)
            self._delete_document(s, document_id, saved)
        (doc,) = saved["document"]
        removed = RemovedDocument(document_id, doc["title"], spans)

        def undo() -> None:
            with self.writing() as s:
                if s.get(Document, document_id) is not None:
                    raise EditError("a document imported since has taken its place; import "
                                    "the removed one again instead")
                s.execute(Tombstone.__table__.delete().where(Tombstone.sha256 == doc["sha256"]))
                for table in _document_tables():
                    rows = saved.get(table.name)
                    if rows and table.name != "document" and "id" in table.c:
                        # SQLite reuses freed row ids: the spans and sessions get new ones
                        rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
                    if rows:
                        s.execute(table.insert(), rows)

        def redo() -> None:
            with self.writing() as s:
                self._delete_document(s, document_id, saved)

        changes = Changes.of([document_id], documents=True)
        self.record(f"Remove document {doc['title'] or document_id}", document_id, changes,
                    undo=undo, redo=redo)
        return Done(removed, changes)

    @staticmethod
    def _delete_document(s: Session, document_id: int, saved: dict[str, list[dict[str, Any]]]) -> None:
        (doc,) = saved["document"]
        for table in reversed(_document_tables()):
            column = table.c.id if table.name == "document" else table.c.document_id
            s.execute(table.delete().where(column == document_id))
        s.merge(Tombstone(sha256=doc["sha256"], title=doc["title"] or "", removed_at=utcnow()))

    def tombstones(self) -> set[str]:
        """SHA-256 of the documents removed from this project."""
        with self.reading() as s:
            return set(s.scalars(select(Tombstone.sha256)))

    def raw_source(self, document_id: int) -> RawData | None:
        """The bytes a document was extracted from, if kept."""
        with self.reading() as s:
            row = s.get(RawSource, document_id)
            if row is None:
                return None
            return RawData(zlib.decompress(row.data), row.content_type, row.url)

    # -- undo history ---------------------------------------------------------
    def record(self, description: str, document_id: int, changes: Changes, *,
               undo: Callable[[], None], redo: Callable[[], None]) -> None:
        """Put a committed edit on the undo history (each of ``undo`` and
        ``redo`` one transaction that changes what ``changes`` says)."""
        with self._history_lock:
            self._history.push(Edit(description, document_id, changes, undo, redo))

    def undo_status(self) -> UndoStatus:
        with self._history_lock:
            return self._history.status()

    def undo(self) -> Done[int | None]:
        """Undo the last edit; the value is the document it touched (None: nothing to undo)."""
        return self._step(self._history.done, self._history.undone, undo=True)

    def redo(self) -> Done[int | None]:
        return self._step(self._history.undone, self._history.done, undo=False)

    def _step(self, source: list[Edit], target: list[Edit], *, undo: bool) -> Done[int | None]:
        with self._history_lock:
            if not source:
                return Done(None, NOTHING)
            edit = source[-1]
            (edit.undo if undo else edit.redo)()  # an edit whose step fails stays where it was
            target.append(source.pop())
        return Done(edit.document_id, edit.changes)

    def _in_write(self, work: Callable[[Session], Any]) -> Callable[[], None]:
        """``work`` in a write transaction of its own, to run later (an undo or a redo)."""
        def run() -> None:
            with self.writing() as s:
                work(s)
        return run

    def _check_label(self, label: str, attributes: dict[str, Any]) -> None:
        problem = self.scheme.check_attributes(label, attributes)
        if problem:
            raise EditError(problem)

    def _own(self, s: Session, span_id: int, annotator: str) -> SpanData:
        """A live span of ``annotator``'s, or EditError."""
        span = self._load_span(s, span_id)
        if span.annotator != annotator:
            raise EditError(f"this span is {span.annotator}'s; you can only edit your own")
        if s.scalar(select(Span.deleted_at).where(Span.id == span_id)) is not None:
            raise EditError("this span was deleted")
        return span

    def _set_deleted(self, s: Session, span_ids: list[int], deleted: bool,
                     begun: tuple[int, int] | None = None) -> None:
        s.execute(update(Span).where(Span.id.in_(span_ids))
                  .values(deleted_at=utcnow() if deleted else None, updated_at=utcnow()))
        if begun is None:
            return
        status = s.get(DocumentStatus, begun)
        if deleted and status is not None and status.status == "in_progress":
            s.delete(status)
        elif not deleted:
            self._touch_status(s, *begun)

    @staticmethod
    def _apply(s: Session, span_id: int, values: dict[str, Any]) -> None:
        row = s.get(Span, span_id)
        if row is None:
            raise EditError(f"no span with id {span_id}")
        start = values.get("start", row.start)
        end = values.get("end", row.end)
        _check_offsets(start, end, len(s.get(Document, row.document_id).text))
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = utcnow()

    def _put_document_label(self, s: Session, document_id: int, annotator: str, key: str,
                            value: Any) -> Any:
        """Set or clear one document label; the value it had."""
        annotator_id = self.annotator_id(s, annotator)
        row = s.scalar(select(DocumentLabel).where(
            DocumentLabel.document_id == document_id,
            DocumentLabel.annotator_id == annotator_id, DocumentLabel.key == key))
        old = row.value if row is not None else None
        if value is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(DocumentLabel(document_id=document_id, annotator_id=annotator_id,
                                key=key, value=value))
        else:
            row.value = value
            row.updated_at = utcnow()
        return old

    def _put_status(self, s: Session, document_id: int, annotator: str, status: str) -> str:
        """Set an annotator's status of a document; the status it had."""
        annotator_id = self.annotator_id(s, annotator)
        row = s.get(DocumentStatus, (document_id, annotator_id))
        old = row.status if row is not None else "todo"
        s.merge(DocumentStatus(document_id=document_id, annotator_id=annotator_id,
                               status=status, updated_at=utcnow()))
        return old

    @staticmethod
    def _touch_status(s: Session, document_id: int, annotator_id: int) -> bool:
        """A first span moves a document from to-do to in progress (True if it did)."""
        if s.get(DocumentStatus, (document_id, annotator_id)) is not None:
            return False
        s.add(DocumentStatus(document_id=document_id, annotator_id=annotator_id,
                             status="in_progress"))
        return True

    # -- import ------------------------------------------------------------
    def import_documents(self, incoming: Iterable[IncomingDocument], *, annotator: str,
                         progress: Progress = no_progress,
                         scheme: Scheme | None = None) -> ImportReport:
        """Add documents and their spans in one transaction: all or nothing.

        A document whose text is already in the project (same SHA-256) is not
        added again; its spans attach to the existing one, minus those already
        there (exact duplicates only: see ``_import_identity``); the report's
        ``changes`` says what the import changed. Spans are
        never moved: bad offsets or labels are errors. ``scheme`` (the
        project's with labels added) is checked against and stored in the
        same transaction.

        Validating, deduplicating and building the rows happen in a read
        transaction, so other processes' edits go on meanwhile; the write lock
        is held only for the inserts. If another connection committed in
        between, the plan is made again (at last under the write lock).
        """
        docs = list(incoming)
        new_scheme = scheme is not None and scheme != self.scheme
        scheme = scheme or self.scheme
        for doc in docs:
            _validate_incoming(doc, scheme)
        shas = [text_sha256(d.text) for d in docs]
        with self._guard(), self.engine.connect() as conn:
            # Elsewhere than SQLite no data_version tells of other writers: plan under the lock.
            attempts = PLAN_ATTEMPTS if conn.dialect.name == "sqlite" else 1
            for attempt in range(attempts):
                locked = attempt == attempts - 1
                conn.execution_options(immediate=False)
                if not locked:
                    with Session(bind=conn) as s, s.begin():
                        plan = _ImportPlan.make(s, docs, shas, annotator, progress)
                        version = _data_version(s)
                conn.execution_options(immediate=True)
                try:
                    with Session(bind=conn, expire_on_commit=False) as s, s.begin():
                        if locked:
                            plan = _ImportPlan.make(s, docs, shas, annotator, progress)
                        elif _data_version(s) != version:
                            continue  # another connection wrote meanwhile: plan again
                        report = self._insert(s, plan)
                        if new_scheme:
                            s.get(ProjectInfo, "scheme").value = scheme.to_dict()
                except BaseException:
                    self._annotator_ids.clear()  # ids made in a rolled-back transaction are gone
                    raise
                break
        progress(len(docs), len(docs))
        if new_scheme:
            self._scheme = scheme
        if report.documents_existing:
            were = agree(report.documents_existing, "was", "were")
            report.notes.append(f"{plural(report.documents_existing, 'document')} {were} already "
                                "in the project; their spans were attached to them")
        if shas:
            with self.reading() as s:
                report.first_document_id = s.scalar(select(Document.id).where(
                    Document.sha256 == shas[0]).order_by(Document.id).limit(1))
        report.changes = Changes.of(
            plan.touched, documents=bool(report.documents_added), spans=bool(report.spans_added),
            statuses=bool(report.spans_added or plan.carried or plan.statuses),
            document_labels=bool(plan.labels), rejections=bool(report.rejections_added),
            scheme=new_scheme)
        return report

    def _insert(self, s: Session, plan: _ImportPlan) -> ImportReport:
        """Write a plan's rows (the part of an import that holds the write lock)."""
        by_name = {name: self.annotator_id(s, name, kind) for name, kind in plan.annotators.items()}
        conn = s.connection()
        for insert in plan.inserts:
            insert.execute(conn, by_name)
        store.after_explicit_ids(conn, Document.__table__)
        statuses = {(d, by_name[n]) for d, n in plan.statuses}
        carried: dict[tuple[int, int], str] = {}
        for (d, n), status in plan.carried.items():
            pair = (d, by_name[n])
            carried[pair] = max(carried.get(pair, "todo"), status, key=STATUSES.index)
        pairs = statuses | set(carried)
        known: dict[tuple[int, int], DocumentStatus] = {}
        for chunk in _chunks(sorted({d for d, _ in pairs}), 500):
            for row in s.scalars(select(DocumentStatus)
                                 .where(DocumentStatus.document_id.in_(chunk))):
                known[(row.document_id, row.annotator_id)] = row
        new_statuses = []
        for pair in pairs:
            wanted = _status(pair in statuses, carried.get(pair, "todo"))
            found = known.get(pair)
            if found is None:
                new_statuses.append({"document_id": pair[0], "annotator_id": pair[1],
                                     "status": wanted, "updated_at": plan.now})
            elif STATUSES.index(wanted) > STATUSES.index(found.status):
                found.status = wanted
        if new_statuses:
            s.execute(DocumentStatus.__table__.insert(), new_statuses)
        for doc_id, name, key, value in plan.labels:  # a label already set is updated
            annotator_id = by_name[name]
            label = s.scalar(select(DocumentLabel).where(
                DocumentLabel.document_id == doc_id, DocumentLabel.annotator_id == annotator_id,
                DocumentLabel.key == key))
            if label is None:
                s.add(DocumentLabel(document_id=doc_id, annotator_id=annotator_id, key=key,
                                    value=value, updated_at=plan.now))
            else:
                label.value, label.updated_at = value, plan.now
        for doc_id, story in plan.stories.items():  # documents already here join a story
            row = s.get(Document, doc_id)
            if row is not None and isinstance(row.meta, dict) and "story" not in row.meta:
                row.meta = {**row.meta, "story": story}
        report = plan.report
        for gold, by_sha in plan.rejections.items():
            report.rejections_added += rejected.add(s, gold, by_sha)
        return report

    # -- statistics --------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        with self.reading() as s:
            documents = s.scalar(select(func.count(Document.id))) or 0
            live = Span.deleted_at.is_(None)
            by_label = dict(s.execute(select(Span.label, func.count()).where(live)
                                      .group_by(Span.label)).all())
            by_annotator = dict(s.execute(select(Annotator.name, func.count(Span.id))
                                          .join(Span).where(live).group_by(Annotator.name)).all())
            progress: dict[str, dict[str, int]] = {}
            rows = s.execute(select(Annotator.name, DocumentStatus.status, func.count())
                             .join(DocumentStatus).group_by(Annotator.name, DocumentStatus.status))
            for name, status, count in rows:
                progress.setdefault(name, {k: 0 for k in STATUSES})[status] = count
            for counts in progress.values():
                counts["todo"] = documents - counts["in_progress"] - counts["done"]
        return {
            "documents": documents,
            "spans": sum(by_label.values()),
            "spans_per_label": {k: by_label[k] for k in sorted(by_label)},
            "spans_per_annotator": {k: by_annotator[k] for k in sorted(by_annotator)},
            "progress": {k: progress[k] for k in sorted(progress)},
        }


def _import_identity(annotator: str, label: str, start: int, end: int, note: str | None,
                     attributes: dict[str, Any] | None) -> tuple[Any, ...]:
    """What makes an imported span a duplicate of another: the same annotator,
    label and extent, and the same note and attributes (two spans on one
    extent that say different things are two annotations)."""
    return (annotator, label, start, end, note or "",
            json.dumps(attributes or {}, sort_keys=True, ensure_ascii=False, default=str))


PLAN_ATTEMPTS = 3  # imports planned outside the write lock before one is planned inside it


def _data_version(s: Session) -> int:
    """SQLite's count of other connections' commits, as this session's connection sees it."""
    return s.execute(text("PRAGMA data_version")).scalar_one()


def _status(has_spans: bool, carried: str) -> str:
    """The status an import gives an annotator's document."""
    return max(carried, "in_progress" if has_spans else "todo", key=STATUSES.index)


@dataclass
class _Insert:
    """An INSERT whose values are bound already (JSON dumped, times
    formatted): running it under the write lock is SQLite's work only. The
    ``annotator_id`` column holds annotator names until the ids are known."""

    sql: str
    columns: list[str]
    rows: list[tuple[Any, ...]]

    @classmethod
    def of(cls, table: Table, rows: list[dict[str, Any]], dialect: Dialect) -> _Insert:
        columns = list(rows[0])
        bind = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        bound = [tuple([f(row[c]) if f else row[c] for c, f in zip(columns, bind)]) for row in rows]
        sql = str(table.insert().compile(dialect=dialect, column_keys=columns))
        return cls(sql, columns, bound)

    def execute(self, conn: Connection, annotator_ids: dict[str, int]) -> None:
        rows: list[Any] = self.rows
        if "annotator_id" in self.columns:
            i = self.columns.index("annotator_id")
            rows = [(*row[:i], annotator_ids[row[i]], *row[i + 1:]) for row in rows]
        if not conn.dialect.positional:  # named parameters (PostgreSQL...)
            rows = [dict(zip(self.columns, row)) for row in rows]
        conn.exec_driver_sql(self.sql, rows)


@dataclass
class _ImportPlan:
    """The rows an import writes, worked out from one snapshot of the project.

    New documents, their spans and statuses are ready-bound inserts; what
    touches documents already there (statuses, document labels, rejections)
    is settled when the plan is written.
    """

    report: ImportReport
    now: datetime
    annotators: dict[str, str] = field(default_factory=dict)  # name -> kind, in order of use
    inserts: list[_Insert] = field(default_factory=list)
    statuses: set[tuple[int, str]] = field(default_factory=set)  # documents given spans
    carried: dict[tuple[int, str], str] = field(default_factory=dict)  # statuses a merge brings
    labels: list[tuple[int, str, str, Any]] = field(default_factory=list)
    rejections: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    stories: dict[int, str] = field(default_factory=dict)  # documents already here -> new story
    touched: set[int] = field(default_factory=set)  # documents added or given data

    @classmethod
    def make(cls, s: Session, docs: list[IncomingDocument], shas: list[str], annotator: str,
             progress: Progress) -> _ImportPlan:
        by_sha: dict[str, int] = {}
        for chunk in _chunks(sorted(set(shas)), 500):
            by_sha.update(s.execute(select(Document.sha256, Document.id)
                                    .where(Document.sha256.in_(chunk))).all())
        next_id = first_new_id = (s.scalar(select(func.max(Document.id))) or 0) + 1
        plan = cls(ImportReport(), utcnow())
        # Live spans of documents already here, so re-imports add no duplicates.
        existing: dict[int, set[tuple[Any, ...]]] = {}
        for chunk in _chunks(sorted(set(by_sha.values())), 500):
            for doc_id, *identity in s.execute(
                    select(Span.document_id, Annotator.name, Span.label, Span.start, Span.end,
                           Span.note, Span.attributes)
                    .join(Annotator).where(Span.document_id.in_(chunk),
                                           Span.deleted_at.is_(None))):
                existing.setdefault(doc_id, set()).add(_import_identity(*identity))
        documents: list[dict[str, Any]] = []
        spans: list[dict[str, Any]] = []
        statuses: set[tuple[int, str]] = set()
        carried: dict[tuple[int, str], str] = {}
        report, now, total = plan.report, plan.now, len(docs)
        intake = _IntakeRows(s)
        for n, (doc, sha) in enumerate(zip(docs, shas)):
            if sha in by_sha:
                doc_id = by_sha[sha]
                report.documents_existing += 1
            else:
                doc_id = by_sha[sha] = next_id
                next_id += 1
                report.documents_added += 1
                documents.append({
                    "id": doc_id, "external_id": doc.external_id, "title": doc.title,
                    "outlet": doc.outlet, "author": doc.author, "published": doc.published,
                    "url": doc.url, "language": doc.language, "text": doc.text, "sha256": sha,
                    "meta": doc.meta, "imported_at": now,  # in the table's column order
                })
                intake.add(doc_id, doc, documents[-1])
            if doc_id >= first_new_id or doc.spans or doc.statuses or doc.document_labels \
                    or doc.rejected:
                plan.touched.add(doc_id)
            seen = existing.setdefault(doc_id, set())
            for span in doc.spans:
                name = span.annotator or annotator
                identity = _import_identity(name, span.label, span.start, span.end,
                                            span.note, span.attributes)
                if identity in seen:
                    report.spans_duplicate += 1
                    continue
                seen.add(identity)
                plan.annotators.setdefault(name, "gold" if span.origin == "adjudicated"
                                           else "human")  # a gold layer
                spans.append({
                    "document_id": doc_id, "annotator_id": name, "label": span.label,
                    "start": span.start, "end": span.end, "note": span.note,
                    "attributes": span.attributes, "origin": span.origin,
                    "provenance": span.provenance, "created_at": now, "updated_at": now,
                })
                statuses.add((doc_id, name))
            for name, status in doc.statuses.items():
                name = name or annotator  # "": the importing annotator
                plan.annotators.setdefault(name, "human")
                carried[(doc_id, name)] = max(carried.get((doc_id, name), "todo"), status,
                                              key=STATUSES.index)
            for name, values in doc.document_labels.items():
                plan.annotators.setdefault(name, "human")
                plan.labels.extend((doc_id, name, key, value) for key, value in values.items())
            for gold, records in doc.rejected.items():
                plan.rejections.setdefault(gold, {}).setdefault(sha, []).extend(records)
            if n % 500 == 0:
                progress(n, total)
        report.spans_added = len(spans)
        new_statuses = []
        for pair in sorted(statuses | set(carried)):
            if pair[0] < first_new_id:  # a document already here: settled when written
                if pair in statuses:
                    plan.statuses.add(pair)
                if pair in carried:
                    plan.carried[pair] = carried[pair]
            else:
                new_statuses.append({"document_id": pair[0], "annotator_id": pair[1],
                                     "status": _status(pair in statuses, carried.get(pair, "todo")),
                                     "updated_at": now})
        dialect = s.get_bind().dialect
        plan.inserts = [_Insert.of(table, rows, dialect) for table, rows in (
            (Document.__table__, documents), (Span.__table__, spans),
            (DocumentStatus.__table__, new_statuses),
            (RawSource.__table__, intake.raw), (Fingerprint.__table__, intake.fingerprints))
            if rows]
        plan.stories = intake.stories
        if intake.copies:
            report.notes.append(f"{intake.copies} documents are near copies of others "
                                "(same story, see their meta 'story' and 'near_copy_of')")
        return plan


class _IntakeRows:
    """What an import adds beside new documents: raw sources (zlib), MinHash
    fingerprints, and stories: a near copy of a document joins its story, and
    a document that had none gets one named after it."""

    def __init__(self, s: Session):
        self._s = s
        self._index: Any = None
        self._info: dict[int, tuple[str, str | None]] = {}  # id -> (title or key, story)
        self.raw: list[dict[str, Any]] = []
        self.fingerprints: list[dict[str, Any]] = []
        self.stories: dict[int, str] = {}
        self._rows: dict[int, dict[str, Any]] = {}
        self.copies = 0

    def add(self, doc_id: int, doc: IncomingDocument, row: dict[str, Any]) -> None:
        if doc.raw is not None:
            self.raw.append({"document_id": doc_id, "url": doc.raw.url,
                             "content_type": doc.raw.content_type[:200],
                             "data": zlib.compress(doc.raw.data, 6)})
        value = neardup.fingerprint(doc.text)
        if value is None:
            return
        self.fingerprints.append({"document_id": doc_id, "minhash": value})
        index = self._load()
        found = index.similar(value)
        story = doc.meta.get("story") if isinstance(doc.meta.get("story"), str) else None
        if found and story is None:
            other = found[0][1]
            name, story = self._info[other]
            if story is None:
                story = f"{name} (#{other})"
                self._info[other] = (name, story)
                if other in self._rows:  # new in this import
                    self._rows[other]["meta"] = {**self._rows[other]["meta"], "story": story}
                else:
                    self.stories[other] = story
            row["meta"] = {**doc.meta, "story": story, "near_copy_of": name}
            self.copies += 1
        index.add(doc_id, value)
        self._rows[doc_id] = row
        self._info[doc_id] = (doc.title or doc.external_id or str(doc_id), story)

    def _load(self) -> Any:
        """The fingerprints of the documents already here (loaded on first use)."""
        if self._index is None:
            s = self._s
            self._index = neardup.Index(s.execute(select(Fingerprint.document_id,
                                                         Fingerprint.minhash)).all())
            for doc_id, title, external, story in s.execute(
                    select(Document.id, Document.title, Document.external_id,
                           Document.meta["story"].as_string())
                    .join(Fingerprint, Fingerprint.document_id == Document.id)):
                self._info[doc_id] = (title or external or str(doc_id),
                                      story if isinstance(story, str) else None)
        return self._index


DOCUMENT_FIELDS = ("title", "outlet", "author", "published", "url", "language")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][0-9:.+\-Z]*)?)?)?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class RemovedDocument:
    id: int
    title: str
    spans: int  # live spans it held


def document_field_value(key: str, value: Any) -> str | None:
    """A document field as stored; EditError for a date or language that is not ISO."""
    if value is not None and not isinstance(value, str):
        raise EditError(f"{key} must be text")
    value = (value or "").strip()
    if key == "title":
        return value
    if value and key == "published" and not _is_date(value):
        raise EditError(f"the date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if value and key == "language" and not _LANGUAGE.match(value):
        raise EditError(f"the language {value!r} is not a code such as en or pt-BR")
    return value or None


def _is_date(value: str) -> bool:
    """An ISO 8601 date: a year, a year and month, a day, or a time stamp."""
    if not _DATE.match(value):
        return False
    padded = value + "-01-01"[len(value) - 4:] if len(value) < 10 else value
    try:
        datetime.fromisoformat(padded)
    except ValueError:
        return False
    return True


def _document_tables() -> list[Table]:
    """The document table, then every table whose rows belong to one document."""
    from .models import Base

    return [t for t in Base.metadata.sorted_tables
            if t.name == "document" or "document_id" in t.c]


def _saved_rows(s: Session, document_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row of a document (to put back on undo); EditError if there is none."""
    saved: dict[str, list[dict[str, Any]]] = {}
    for table in _document_tables():
        column = table.c.id if table.name == "document" else table.c.document_id
        saved[table.name] = [dict(row) for row in s.execute(
            select(table).where(column == document_id)).mappings()]
    if not saved["document"]:
        raise EditError(f"no document with id {document_id}")
    return saved


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _check_offsets(start: int, end: int, length: int) -> None:
    if problem := span_problem(start, end, length):
        raise EditError(problem)


def _unencodable(*values: Any) -> bool:
    """True if a string holds an unpaired surrogate (JSON allows "\\ud800")."""
    try:
        for value in values:
            if isinstance(value, str):
                value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _validate_incoming(doc: IncomingDocument, scheme: Scheme) -> None:
    where = {"file": doc.source, "line": doc.line}
    if _unencodable(doc.text, doc.title, doc.external_id, doc.outlet, doc.author, doc.url,
                    json.dumps(doc.meta, ensure_ascii=False, default=str)):
        raise FormatError("the text or its metadata holds an unpaired surrogate "
                          "(not a Unicode character)", **where)
    if doc.sha256 is not None and doc.sha256 != text_sha256(doc.text):
        raise FormatError(
            "the document's text differs from the one its spans were made on (SHA-256 mismatch)",
            **where)
    length = len(doc.text)
    for span in doc.spans:
        at = {"file": span.source or doc.source, "line": span.line or doc.line}
        if _unencodable(span.label, span.note, span.annotator,
                        json.dumps([span.attributes, span.provenance], ensure_ascii=False, default=str)):
            raise FormatError("the span holds an unpaired surrogate (not a Unicode character)", **at)
        if problem := span_problem(span.start, span.end, length):
            raise FormatError(problem, **at)
        problem = scheme.check_attributes(span.label, span.attributes)
        if problem:
            if not scheme.has_label(span.label):
                problem = f"label {span.label!r} is not in the scheme {scheme.name!r}"
            raise FormatError(problem, **at)
        if span.origin not in ORIGINS:
            raise FormatError(f"unknown span origin {span.origin!r}", **at)
    for name, status in doc.statuses.items():
        if status not in STATUSES:
            raise FormatError(f"status {status!r} of {name} is not one of {', '.join(STATUSES)}",
                              **where)
    for name, values in doc.document_labels.items():
        for key, value in values.items():
            definition = scheme.document_label(key)
            if definition is None:
                raise FormatError(f"document label {key!r} is not in the scheme", **where)
            if problem := definition.check(value):
                raise FormatError(f"document label {key!r} of {name}: {problem}", **where)
    if problem := rejected.problem(doc.rejected, length):
        raise FormatError(problem, **where)


_DOCUMENT_COLUMNS = (Document.id, Document.external_id, Document.title, Document.text,
                     Document.sha256, Document.outlet, Document.author, Document.published,
                     Document.url, Document.meta, Document.language)
# In the order of rows.DOCUMENT_ROW and rows.SPAN_ROW (JSON and times as text).
_SPAN_COLUMNS = (Span.id, Span.document_id, Annotator.name, Span.label, Span.start, Span.end,
                 Span.note, portable.as_text(Span.attributes), Span.origin,
                 portable.as_text(Span.provenance), portable.as_text(Span.created_at),
                 portable.as_text(Span.updated_at))


def document_data(row: Document) -> DocumentData:
    _check_document(row.id, (row.external_id, row.title, row.text, row.sha256, row.outlet,
                             row.author, row.published, row.url))
    return DocumentData(id=row.id, external_id=row.external_id, title=row.title, text=row.text,
                        sha256=row.sha256, outlet=row.outlet, author=row.author,
                        published=row.published, url=row.url, meta=dict(row.meta or {}),
                        language=_text_or_none(row.language))


def span_data(row: Span, annotator: str) -> SpanData:
    check_span(row.id, (row.document_id, annotator, row.label, row.start, row.end, row.note,
                        row.origin))
    return SpanData(id=row.id, document_id=row.document_id, annotator=annotator, label=row.label,
                    start=row.start, end=row.end, note=row.note or "",
                    attributes=dict(row.attributes or {}), origin=row.origin,
                    provenance=dict(row.provenance or {}), created_at=row.created_at,
                    updated_at=row.updated_at)


