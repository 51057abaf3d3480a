"""Assignments: which documents an admin gave which annotators, and how far
each has got (row-level security shows an annotator only their own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ..errors import AnnotatorError
from ..models import STATUSES, Annotator, Assignment, DocumentStatus, Span

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class AnnotatorProgress:
    """One annotator's work on the documents assigned to them."""

    annotator: str
    assigned: int
    todo: int
    in_progress: int
    done: int
    spans: int  # live spans in the assigned documents


def assign(project: Project, annotators: Sequence[str], document_ids: Sequence[int],
           per_document: int | None = None) -> int:
    """Give each document to every annotator named, or with ``per_document``
    to that many of them, the least loaded first (in the order named), so the
    work spreads evenly. Assignments already made count and stay. One
    transaction; returns how many were added."""
    annotators = list(dict.fromkeys(annotators))
    if not annotators:
        raise AnnotatorError("name at least one annotator")
    if per_document is not None and not 1 <= per_document <= len(annotators):
        raise AnnotatorError(f"--per-document must be between 1 and {len(annotators)} "
                             "(the annotators named)")
    server = project.engine.dialect.name != "sqlite"
    with project.writing() as s:
        known = dict(s.execute(select(Annotator.name, Annotator.id)
                               .where(Annotator.name.in_(annotators))).all())
        missing = [a for a in annotators if a not in known]
        if missing and server:
            raise AnnotatorError(f"no team member {', '.join(map(repr, missing))} "
                                 "(add them with: annotator team add-user)")
        ids = {name: known.get(name) or project.annotator_id(s, name) for name in annotators}
        have = set(s.execute(select(Assignment.document_id, Assignment.annotator_id)
                             .where(Assignment.annotator_id.in_(ids.values()))).all())
        load = Counter(a for _d, a in have)
        order = {ident: n for n, ident in enumerate(ids.values())}
        new = []
        for doc in document_ids:
            given = [a for a in ids.values() if (doc, a) in have]
            wanted = len(ids) if per_document is None else per_document
            free = sorted((a for a in ids.values() if (doc, a) not in have),
                          key=lambda a: (load[a], order[a]))
            for a in free[:max(0, wanted - len(given))]:
                new.append({"document_id": doc, "annotator_id": a})
                load[a] += 1
        if new:
            s.execute(Assignment.__table__.insert(), new)
    return len(new)


def progress(project: Project) -> list[AnnotatorProgress]:
    """Per annotator (those the database lets one see), their assigned
    documents by status and their spans in them, by name."""
    with project.reading() as s:
        assigned = dict(s.execute(select(Annotator.name, func.count())
                                  .join(Assignment, Assignment.annotator_id == Annotator.id)
                                  .group_by(Annotator.name)).all())
        statuses: dict[str, Counter[str]] = {}
        for name, status, count in s.execute(
                select(Annotator.name, DocumentStatus.status, func.count())
                .join(DocumentStatus, DocumentStatus.annotator_id == Annotator.id)
                .join(Assignment, (Assignment.document_id == DocumentStatus.document_id)
                      & (Assignment.annotator_id == DocumentStatus.annotator_id))
                .group_by(Annotator.name, DocumentStatus.status)):
            statuses.setdefault(name, Counter())[status] = count
        spans = dict(s.execute(select(Annotator.name, func.count(Span.id))
                               .join(Span, Span.annotator_id == Annotator.id)
                               .join(Assignment, (Assignment.document_id == Span.document_id)
                                     & (Assignment.annotator_id == Span.annotator_id))
                               .where(Span.deleted_at.is_(None))
                               .group_by(Annotator.name)).all())
    rows = []
    for name in sorted(assigned):
        counts = statuses.get(name, Counter())
        started = {k: counts.get(k, 0) for k in STATUSES[1:]}
        rows.append(AnnotatorProgress(name, assigned[name], assigned[name] - sum(started.values()),
                                      started["in_progress"], started["done"], spans.get(name, 0)))
    return rows
