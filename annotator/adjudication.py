"""Adjudication: settle the annotators' spans into a gold layer.

The gold layer is an annotator of kind "gold" (default name "gold"); it
exports like any annotator. Each gold span has origin "adjudicated" and
provenance ``{"adjudicator", "at", "decision", "sources": [{"annotator",
"span_id", "label", "start", "end"}]}``. Every operation is one transaction
and one undoable edit (``Project.record``); each returns what it changed.

Decisions name an annotator's span by its identity in the document,
``(annotator, label, start, end)``, never by its row id (``span_id`` is kept
for information): row ids differ between projects, so after a merge or a
JSONL round trip a decision still applies to the span it was taken on, and to
every live span with that identity. Rejections are kept in the project's
settings (:mod:`annotator.rejected`), so a pre-merge never brings back what an
adjudicator turned down; a pre-merge also leaves alone every span already
adjudicated (cited by a gold span), so re-running it keeps all work done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from . import rejected as rejected_store
from .compare import EXACT, Disagreement, find
from .domain import SpanData
from .errors import EditError
from .models import Annotator, Document, DocumentStatus, Span, utcnow
from .changes import NOTHING, Changes, Done
from .offsets import span_problem
from .project import Project

GOLD = "gold"
ACCEPTED, EDITED, PREMERGED = "accepted", "edited", "premerged"


@dataclass(frozen=True)
class Rejection:
    document_id: int
    annotator: str
    label: str
    start: int
    end: int
    adjudicator: str
    at: str
    span_ids: tuple[int, ...]


@dataclass(frozen=True)
class PremergeReport:
    documents: int
    spans_added: int
    skipped_adjudicated: int  # agreed spans already settled (accepted, edited or rejected)


@dataclass(frozen=True)
class Accepted:
    """What an accept did: the gold spans for the spans accepted, and the gold
    spans of the same label they overlapped, which they replaced."""

    spans: list[SpanData]
    replaced: list[SpanData]


@dataclass(frozen=True)
class DocumentProgress:
    document_id: int
    key: str
    title: str
    findings: int  # places where the annotators do not all agree exactly
    decided: int  # of those, settled in the gold layer (accepted, edited or rejected)
    agreements: int
    gold_spans: int
    status: str  # the gold layer's status of the document

    @property
    def open(self) -> int:
        return self.findings - self.decided

    @classmethod
    def of(cls, document_id: int, key: str, title: str, findings: Sequence[Disagreement],
           state: State, status: str) -> DocumentProgress:
        """A document's progress from its findings and its gold layer."""
        open_ones = [f for f in findings if f.category != EXACT]
        decided = sum(1 for f in open_ones if state.finding(f) != "open")
        return cls(document_id, key, title, len(open_ones), decided,
                   len(findings) - len(open_ones), len(state.gold), status)


@dataclass(frozen=True)
class State:
    """The gold layer of one document, for the adjudication view's colours."""

    gold: tuple[SpanData, ...]
    accepted: frozenset[int]  # annotators' span ids whose identity a live gold span cites
    rejected: frozenset[int]  # annotators' span ids whose identity was turned down

    def decision(self, span_id: int) -> str:
        if span_id in self.accepted:
            return "accepted"
        return "rejected" if span_id in self.rejected else "open"

    def finding(self, finding: Disagreement) -> str:
        """accepted (a version is in gold: the finding is settled), rejected (all
        turned down), partly (some turned down, the rest open) or open."""
        decisions = {self.decision(s.id) for s in finding.spans}
        if "accepted" in decisions:
            return "accepted"
        if decisions == {"rejected"}:
            return "rejected"
        return "partly" if "rejected" in decisions else "open"


def state(project: Project, document_id: int, gold: str = GOLD) -> State:
    spans = project.spans(document_id)
    return _state([s for s in spans if s.annotator != gold],
                  [s for s in spans if s.annotator == gold],
                  _rejections(project, gold, document_id))


def _state(spans: Sequence[SpanData], golden: Sequence[SpanData],
           rejections: Iterable[dict[str, Any]]) -> State:
    cited = _settled_sources(golden)
    turned_down = {rejected_store.identity(r) for r in rejections}
    return State(tuple(golden),
                 frozenset(s.id for s in spans if rejected_store.identity(s) in cited),
                 frozenset(s.id for s in spans if rejected_store.identity(s) in turned_down))


def human_annotators(project: Project) -> list[str]:
    """Human annotators who have worked: a live span, or a document status."""
    worked = or_(
        exists().where(Span.annotator_id == Annotator.id, Span.deleted_at.is_(None)),
        exists().where(DocumentStatus.annotator_id == Annotator.id))
    with project.reading() as s:
        return list(s.scalars(select(Annotator.name).where(Annotator.kind == "human", worked)
                              .order_by(Annotator.name)))


def ensure_gold(project: Project, gold: str = GOLD) -> None:
    """Create the gold layer; refuse a name a human annotator already has."""
    with project.writing() as s:
        _ensure_gold(project, s, gold)


def _ensure_gold(project: Project, s: Session, gold: str) -> None:
    kind = s.scalar(select(Annotator.kind).where(Annotator.name == gold))
    if kind is None:
        project.annotator_id(s, gold, kind="gold")
    elif kind != "gold":
        raise EditError(f"{gold!r} is a human annotator, not a gold layer; "
                        "choose another name for the gold layer")


def _source(span: SpanData) -> dict[str, Any]:
    return {"annotator": span.annotator, "span_id": span.id, "label": span.label,
            "start": span.start, "end": span.end}


def _provenance(adjudicator: str, decision: str, sources: Iterable[SpanData]) -> dict[str, Any]:
    if not adjudicator.strip():
        raise EditError("say who adjudicates (an adjudicator name)")
    return {"adjudicator": adjudicator, "at": utcnow().isoformat(timespec="seconds") + "Z",
            "decision": decision, "sources": [_source(s) for s in sources]}


def accept(project: Project, span_ids: Sequence[int], adjudicator: str, *,
           gold: str = GOLD) -> Done[Accepted]:
    """Take annotators' spans into gold as they are: one gold span per distinct
    (start, end, label), citing every given span that has it ("accept both"
    takes two in one call). A span gold already has is not added twice; a gold
    span of the same label that one of them overlaps is replaced (accepting
    the other version of a boundary mismatch changes the decision rather than
    making two overlapping gold spans), and reported in the result."""
    sources = [project.span(i) for i in span_ids]
    if not sources:
        raise EditError("choose a span to accept")
    by_key: dict[tuple[int, int, str], list[SpanData]] = {}
    for span in sources:
        by_key.setdefault((span.start, span.end, span.label), []).append(span)
    wanted = [(key[2], key[0], key[1], members[0].attributes, members[0].note,
               _provenance(adjudicator, ACCEPTED, members)) for key, members in by_key.items()]
    replaced = [g for g in project.spans(sources[0].document_id, [gold])
                if (g.start, g.end, g.label) not in by_key
                and any(g.label == label and g.start < end and start < g.end
                        for start, end, label in by_key)]
    done = _add(project, sources, wanted, gold, "Accept span" if len(wanted) == 1
                else f"Accept {len(wanted)} spans", remove=[g.id for g in replaced])
    return Done(Accepted(done.value, replaced), done.changes)


def settle(project: Project, span_ids: Sequence[int], adjudicator: str, *, label: str,
           start: int, end: int, gold: str = GOLD) -> Done[SpanData]:
    """A gold span with the label and boundaries the adjudicator chose, citing
    the annotators' spans it settles (edit boundary or label)."""
    sources = [project.span(i) for i in span_ids]
    if not sources:
        raise EditError("choose the spans this decision settles")
    attributes = next((s.attributes for s in sources if s.label == label), {})
    done = _add(project, sources, [(label, start, end, attributes, "",
                                    _provenance(adjudicator, EDITED, sources))],
                gold, "Settle span")
    return Done(done.value[0], done.changes)


def reject(project: Project, span_ids: Sequence[int], adjudicator: str, *,
           gold: str = GOLD) -> Done[None]:
    """Turn annotators' spans down: not gold, and never pre-merged again (one transaction)."""
    sources = [project.span(i) for i in span_ids]
    if not sources:
        raise EditError("choose a span to reject")
    documents = {s.document_id for s in sources}
    if len(documents) != 1:
        raise EditError("reject spans of one document at a time")
    document_id = documents.pop()
    if not adjudicator.strip():
        raise EditError("say who adjudicates (an adjudicator name)")
    at = utcnow().isoformat(timespec="seconds") + "Z"
    with project.writing() as s:
        _ensure_gold(project, s, gold)
        before = rejected_store.of_document(s, gold, document_id)
        after = list(before)
        seen = {rejected_store.identity(r) for r in before}
        for span in sources:
            if rejected_store.identity(span) not in seen:
                seen.add(rejected_store.identity(span))
                after.append({**_source(span), "adjudicator": adjudicator, "at": at})
        rejected_store.put_document(s, gold, document_id, after)
    changes = Changes.of([document_id], [span.id for span in sources], rejections=True)
    project.record("Reject span" if len(sources) == 1 else f"Reject {len(sources)} spans",
                   document_id, changes,
                   undo=lambda: _write_rejections(project, gold, document_id, before),
                   redo=lambda: _write_rejections(project, gold, document_id, after))
    return Done(None, changes)


def rejections(project: Project, document_id: int, gold: str = GOLD) -> list[Rejection]:
    return [Rejection(document_id, r["annotator"], r["label"], r["start"], r["end"],
                      r["adjudicator"], r["at"], (r["span_id"],) if "span_id" in r else ())
            for r in _rejections(project, gold, document_id)]


def premerge(project: Project, annotators: Sequence[str], adjudicator: str, *,
             min_agree: int | None = None, gold: str = GOLD,
             documents: Sequence[int] = ()) -> Done[PremergeReport]:
    """Take into gold every span at least ``min_agree`` annotators (default:
    all) marked identically, except what is already adjudicated or rejected."""
    if len(set(annotators)) < 2:
        raise EditError("pre-merge needs at least two annotators")
    if gold in annotators:
        raise EditError("the gold layer cannot be one of the annotators merged")
    need = len(set(annotators)) if min_agree is None else min_agree
    if not 1 <= need <= len(set(annotators)):
        raise EditError(f"--min-agree must be between 1 and {len(set(annotators))}")
    ensure_gold(project, gold)
    provenance = _provenance(adjudicator, PREMERGED, [])
    rejected = _rejections_by_document(project, gold)
    by_document = _spans_by_document(project, annotators, gold, documents)
    wanted: list[tuple[int, str, int, int, int, dict[str, Any]]] = []
    skipped = 0
    for doc_id, (spans, gold_spans) in by_document.items():
        settled = _settled_sources(gold_spans)
        # gold is about a label on an extent: turned down from anyone, it stays out
        turned_down = {(r["label"], r["start"], r["end"]) for r in rejected.get(doc_id, [])}
        gold_keys = {(g.start, g.end, g.label) for g in gold_spans}
        groups: dict[tuple[int, int, str], list[SpanData]] = {}
        for span in spans:
            groups.setdefault((span.start, span.end, span.label), []).append(span)
        for (start, end, label), members in groups.items():
            if len({m.annotator for m in members}) < need:
                continue
            if (start, end, label) in gold_keys or (label, start, end) in turned_down \
                    or any(rejected_store.identity(m) in settled for m in members):
                skipped += 1
                continue
            gold_keys.add((start, end, label))
            wanted.append((doc_id, label, start, end, members[0].id,
                           {**provenance, "sources": [_source(m) for m in members]}))
    extras = _attributes_and_notes(project, [w[4] for w in wanted])
    added = _insert(project, [(doc_id, label, start, end, *extras[first], prov)
                              for doc_id, label, start, end, first, prov in wanted], gold)
    changes = NOTHING
    if added:
        ids = [a.id for a in added]
        changes = Changes.of({a.document_id for a in added}, ids, spans=True, gold=True,
                             statuses=True)
        project.record(f"Pre-merge {len(ids)} spans", added[0].document_id, changes,
                       undo=lambda: _restore(project, ids, True, {}),
                       redo=lambda: _restore(project, ids, False, {}))
    return Done(PremergeReport(len({a.document_id for a in added}), len(added), skipped), changes)


def progress(project: Project, annotators: Sequence[str], *, gold: str = GOLD,
             documents: Sequence[int] = ()) -> list[DocumentProgress]:
    """Per document any annotator marked: findings, and how many are settled in gold."""
    rejected = _rejections_by_document(project, gold)
    with project.reading() as s:
        statuses = dict(s.execute(
            select(DocumentStatus.document_id, DocumentStatus.status).join(Annotator)
            .where(Annotator.name == gold)).all())
        titles = {row.id: (row.external_id, row.title) for row in s.execute(
            select(Document.id, Document.external_id, Document.title))}
    result = []
    for doc_id, (spans, gold_spans) in _spans_by_document(project, annotators, gold,
                                                          documents).items():
        if not spans:
            continue
        external_id, title = titles[doc_id]
        result.append(DocumentProgress.of(
            doc_id, external_id if external_id is not None else str(doc_id), title,
            find(doc_id, spans, annotators), _state(spans, gold_spans, rejected.get(doc_id, [])),
            statuses.get(doc_id, "todo")))
    return result


# -- storage ----------------------------------------------------------------------

def _settled_sources(gold_spans: Iterable[SpanData]) -> set[rejected_store.Identity]:
    """Identities of the annotators' spans that gold spans cite (provenance
    is free JSON in imported files: a source without an identity cites nothing)."""
    return {rejected_store.identity(src) for s in gold_spans
            for src in _sources(s.provenance) if rejected_store.is_identity(src)}


def _sources(provenance: dict[str, Any]) -> list[Any]:
    sources = provenance.get("sources")
    return sources if isinstance(sources, list) else []


def _add(project: Project, sources: Sequence[SpanData], wanted: list[tuple[Any, ...]],
         gold: str, description: str, remove: Sequence[int] = ()) -> Done[list[SpanData]]:
    """Gold spans ``wanted`` (label, start, end, attributes, note, provenance) in
    the sources' document, and the gold spans ``remove`` taken out, as one edit."""
    documents = {s.document_id for s in sources}
    if len(documents) != 1:
        raise EditError("adjudicate spans of one document at a time")
    document_id = documents.pop()
    ensure_gold(project, gold)
    existing = {(s.start, s.end, s.label): s for s in project.spans(document_id, [gold])}
    fresh = [(document_id, *w) for w in wanted if (w[1], w[2], w[0]) not in existing]
    # A gold span already there (a colleague's decision, say) comes to cite these sources too.
    before: dict[int, dict[str, Any]] = {}
    after: dict[int, dict[str, Any]] = {}
    for label, start, end, *_, provenance in wanted:
        found = existing.get((start, end, label))
        if found is None:
            continue
        old = after.get(found.id, found.provenance)
        cited = _settled_sources([replace(found, provenance=old)])
        new = [src for src in provenance["sources"]
               if rejected_store.identity(src) not in cited]
        if new:
            before.setdefault(found.id, found.provenance)
            after[found.id] = {**old, "sources": [*_sources(old), *new]}
    added = _insert(project, fresh, gold, cite=after, remove=remove)
    changes = NOTHING
    if added or after or remove:
        ids = [s.id for s in added]
        gone = list(remove)
        changes = Changes.of([document_id], [*ids, *after, *gone], spans=True, gold=True,
                             statuses=bool(added))
        project.record(description, document_id, changes,
                       undo=lambda: _restore(project, ids, True, before, gone),
                       redo=lambda: _restore(project, ids, False, after, gone))
    kept = {(s.start, s.end, s.label): s for s in added}
    kept.update({key: replace(s, provenance=after.get(s.id, s.provenance))
                 for key, s in existing.items()})
    return Done([kept[(w[1], w[2], w[0])] for w in wanted], changes)


def _spans_by_document(project: Project, annotators: Sequence[str], gold: str,
                       documents: Sequence[int]) -> dict[int, tuple[list[SpanData],
                                                                    list[SpanData]]]:
    """Live spans of the annotators and of gold, per document in id order.

    Plain columns, not ORM rows: a pre-merge reads every span of the project.
    Annotators' spans carry no note, attributes or provenance; gold's carry
    their provenance (its sources say what is settled).
    """
    names = [*annotators, gold]
    result: dict[int, tuple[list[SpanData], list[SpanData]]] = {}
    with project.reading() as s:
        query = (select(Span.id, Span.document_id, Annotator.name, Span.label, Span.start,
                        Span.end).join(Annotator)
                 .where(Span.deleted_at.is_(None), Annotator.name.in_(names))
                 .order_by(Span.document_id, Span.start, Span.end, Span.id))
        golden = (select(Span.id, Span.document_id, Span.label, Span.start, Span.end,
                         Span.provenance).join(Annotator)
                  .where(Span.deleted_at.is_(None), Annotator.name == gold))
        if documents:
            query = query.where(Span.document_id.in_(documents))
            golden = golden.where(Span.document_id.in_(documents))
        for span_id, doc_id, name, label, start, end in s.execute(query):
            if name != gold:
                result.setdefault(doc_id, ([], []))[0].append(
                    SpanData(span_id, doc_id, name, label, start, end))
        for span_id, doc_id, label, start, end, provenance in s.execute(golden):
            result.setdefault(doc_id, ([], []))[1].append(
                SpanData(span_id, doc_id, gold, label, start, end, origin="adjudicated",
                         provenance=dict(provenance or {})))
    return dict(sorted(result.items()))


def _attributes_and_notes(project: Project, span_ids: list[int]
                          ) -> dict[int, tuple[dict[str, Any], str]]:
    found: dict[int, tuple[dict[str, Any], str]] = {}
    with project.reading() as s:
        for i in range(0, len(span_ids), 500):
            for span_id, attributes, note in s.execute(
                    select(Span.id, Span.attributes, Span.note)
                    .where(Span.id.in_(span_ids[i:i + 500]))):
                found[span_id] = (dict(attributes or {}), note or "")
    return found


def _insert(project: Project, wanted: list[tuple[Any, ...]], gold: str, *,
            cite: Mapping[int, dict[str, Any]] = {}, remove: Sequence[int] = ()) -> list[SpanData]:
    """Gold spans (document, label, start, end, attributes, note, provenance),
    new provenance for gold spans already there (``cite``) and gold spans
    deleted (``remove``), one transaction."""
    scheme = project.scheme
    for _doc, label, _start, _end, attributes, _note, _prov in wanted:
        problem = scheme.check_attributes(label, attributes)
        if problem:
            raise EditError(problem)
    if not wanted and not cite and not remove:
        return []
    documents = sorted({w[0] for w in wanted})
    now = utcnow()
    with project.writing() as s:
        gold_id = project.annotator_id(s, gold, kind="gold")
        lengths: dict[int, int] = {}
        started: set[int] = set()
        for i in range(0, len(documents), 500):
            chunk = documents[i:i + 500]
            lengths.update(s.execute(select(Document.id, func.length(Document.text))
                                     .where(Document.id.in_(chunk))).all())
            started.update(s.scalars(select(DocumentStatus.document_id).where(
                DocumentStatus.annotator_id == gold_id, DocumentStatus.document_id.in_(chunk))))
        for doc_id, _label, start, end, *_ in wanted:
            if doc_id not in lengths:
                raise EditError(f"no document with id {doc_id}")
            if problem := span_problem(start, end, lengths[doc_id]):
                raise EditError(problem)
        rows = [{"document_id": doc_id, "annotator_id": gold_id, "label": label, "start": start,
                 "end": end, "note": note, "attributes": attributes, "origin": "adjudicated",
                 "provenance": provenance, "created_at": now, "updated_at": now}
                for doc_id, label, start, end, attributes, note, provenance in wanted]
        for span_id, provenance in cite.items():
            s.execute(update(Span).where(Span.id == span_id)
                      .values(provenance=provenance, updated_at=now))
        if remove:
            s.execute(update(Span).where(Span.id.in_(list(remove)))
                      .values(deleted_at=now, updated_at=now))
        ids = list(s.scalars(insert(Span).returning(Span.id, sort_by_parameter_order=True),
                             rows)) if rows else []
        fresh = [d for d in documents if d not in started]
        if fresh:
            s.execute(insert(DocumentStatus), [
                {"document_id": d, "annotator_id": gold_id, "status": "in_progress",
                 "updated_at": now} for d in fresh])
    return [SpanData(span_id, row["document_id"], gold, row["label"], row["start"], row["end"],
                     row["note"], row["attributes"], "adjudicated", row["provenance"], now, now)
            for span_id, row in zip(ids, rows)]


def _restore(project: Project, ids: list[int], deleted: bool,
             provenance: Mapping[int, dict[str, Any]], replaced: Sequence[int] = ()) -> None:
    """Undo (``deleted``) or redo an accept: its new gold spans, the sources it
    added to others, and the gold spans it replaced (back on undo)."""
    with project.writing() as s:
        if ids:
            s.execute(update(Span).where(Span.id.in_(ids))
                      .values(deleted_at=utcnow() if deleted else None, updated_at=utcnow()))
        if replaced:
            s.execute(update(Span).where(Span.id.in_(list(replaced)))
                      .values(deleted_at=None if deleted else utcnow(), updated_at=utcnow()))
        for span_id, value in provenance.items():
            s.execute(update(Span).where(Span.id == span_id)
                      .values(provenance=value, updated_at=utcnow()))


def _rejections(project: Project, gold: str, document_id: int) -> list[dict[str, Any]]:
    with project.reading() as s:
        return rejected_store.of_document(s, gold, document_id)


def _rejections_by_document(project: Project, gold: str) -> dict[int, list[dict[str, Any]]]:
    with project.reading() as s:
        by_sha = rejected_store.layer(s, gold)
        if not by_sha:
            return {}
        return {doc_id: by_sha[sha] for doc_id, sha in s.execute(
            select(Document.id, Document.sha256)) if sha in by_sha}


def _write_rejections(project: Project, gold: str, document_id: int,
                      records: list[dict[str, Any]]) -> None:
    with project.writing() as s:
        rejected_store.put_document(s, gold, document_id, records)
