"""The data agreement works on: documents laid end to end on one continuum,
spans as numpy arrays (annotator, label and document as indices).

Document ``d`` occupies ``[offset[d], offset[d] + length[d])`` of the
continuum, so intervals of different documents never touch; that lets every
measure run as a few vectorized passes over all documents at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import case, select

from .. import tokencache
from ..errors import AnnotatorError
from ..nlp import tokenizer_of

if TYPE_CHECKING:
    from spacy.language import Language

    from ..project import Project

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Corpus:
    annotators: tuple[str, ...]  # the first is the reference
    labels: tuple[str, ...]
    document_ids: tuple[int, ...]
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    texts: tuple[str, ...]
    doc: Array  # per span: index into the documents
    rater: Array  # per span: index into annotators
    label: Array  # per span: index into labels
    start: Array  # code points of the document, [start, end)
    end: Array
    notes: tuple[str, ...] = ()

    @cached_property
    def lengths(self) -> Array:
        return np.fromiter((len(t) for t in self.texts), dtype=np.int64, count=len(self.texts))

    @cached_property
    def offsets(self) -> Array:
        lengths = self.lengths
        return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64) \
            if len(lengths) else np.zeros(0, np.int64)

    @classmethod
    def build(cls, texts: dict[str, str], spans: Iterable[tuple[str, str, str, int, int]],
              annotators: Sequence[str], labels: Sequence[str]) -> Corpus:
        """A corpus from plain values; ``spans``: (document key, annotator, label, start, end)."""
        keys = list(texts)
        doc_index = {k: i for i, k in enumerate(keys)}
        rater_index = {a: i for i, a in enumerate(annotators)}
        label_index = {lab: i for i, lab in enumerate(labels)}
        rows = [(doc_index[d], rater_index[a], label_index[lab], s, e)
                for d, a, lab, s, e in spans if a in rater_index and lab in label_index]
        columns = np.array(rows, dtype=np.int64).reshape(-1, 5).T
        return cls(tuple(annotators), tuple(labels), tuple(range(1, len(keys) + 1)), tuple(keys),
                   tuple(keys), tuple(texts[k] for k in keys), *columns)


def from_project(project: Project, annotators: Sequence[str] = (), labels: Sequence[str] = (),
                 documents: Sequence[str] = (), *, all_documents: bool = False) -> Corpus:
    """The corpus of a project: documents every chosen annotator worked on.

    An annotator worked on a document when they marked a span in it or set its
    status (a document marked done with no spans counts: it says "nothing
    here"; importing a format that states a complete annotation, such as a
    SemEval labels file, marks its documents done). Documents not worked on by
    all are left out and counted in a note; with ``all_documents`` every
    (selected) document counts, an annotator's missing spans as "nothing here".
    Annotators default to every human annotator (sorted), labels to the scheme's.
    """
    from ..models import Annotator, Document, DocumentStatus, Span
    from ..portable import raw_rows

    known = project.annotators()
    with project.reading() as s:
        kinds = dict(s.execute(select(Annotator.name, Annotator.kind)).all())
    chosen = list(annotators) or [a for a in known if kinds.get(a) == "human"]
    unknown = [a for a in chosen if a not in kinds]
    if unknown:
        raise AnnotatorError(f"no annotator {', '.join(map(repr, unknown))} in the project")
    if len(set(chosen)) != len(chosen):
        raise AnnotatorError("an annotator is named twice")
    scheme = project.scheme
    chosen_labels = list(labels) or [lab.key for lab in scheme.labels]
    bad = [lab for lab in chosen_labels if not scheme.has_label(lab)]
    if bad:
        raise AnnotatorError(f"no label {', '.join(map(repr, bad))} in the project's scheme")
    chosen_ids = project.resolve_documents(documents) if documents else []
    with project.reading() as s:
        ids = dict(s.execute(select(Annotator.name, Annotator.id)
                             .where(Annotator.name.in_(chosen))).all())
        raters = [ids[a] for a in chosen]
        docs = select(Document.id, Document.external_id, Document.title, Document.text) \
            .order_by(Document.id)
        if documents:
            docs = docs.where(Document.id.in_(chosen_ids))
        all_docs = s.execute(docs).all()
        statuses = s.execute(select(DocumentStatus.document_id, DocumentStatus.annotator_id)
                             .where(DocumentStatus.annotator_id.in_(raters),
                                    DocumentStatus.status != "todo")).all()
        # Spans as plain integer rows from the driver (500,000 rows: the row
        # objects of the ORM would cost seconds); labels and annotators become indices.
        rows = raw_rows(s, select(
            Span.document_id,
            case({r: i for i, r in enumerate(raters)}, value=Span.annotator_id, else_=-1),
            case({lab: i for i, lab in enumerate(chosen_labels)}, value=Span.label, else_=-1),
            Span.start, Span.end).where(Span.deleted_at.is_(None)))
    table = np.array(rows, dtype=np.int64).reshape(-1, 5)
    table = table[table[:, 1] >= 0]
    # who worked on which document: a span (any label) or a status other than "to do"
    rater_of = {ident: i for i, ident in enumerate(raters)}
    status = np.array([(d, rater_of[a]) for d, a in statuses], dtype=np.int64).reshape(-1, 2)
    n = len(raters)
    pairs = unique(np.concatenate([table[:, 0] * n + table[:, 1], status[:, 0] * n + status[:, 1]]))
    worked_docs, worked_by = np.unique(pairs // n, return_counts=True)
    complete = set(worked_docs[worked_by == n].tolist())
    kept = all_docs if all_documents else [row for row in all_docs if row.id in complete]
    kept_ids = np.array([r.id for r in kept], dtype=np.int64)
    at = np.searchsorted(kept_ids, table[:, 0])
    inside = (at < len(kept_ids)) & (kept_ids[np.minimum(at, len(kept_ids) - 1)] == table[:, 0]) \
        if len(kept_ids) else np.zeros(len(table), dtype=bool)
    inside &= table[:, 2] >= 0
    table = table[inside]
    table[:, 0] = at[inside]
    notes = []
    if all_documents and len(complete) < len(all_docs):
        notes.append(f"{len(all_docs) - len(complete)} of {len(all_docs)} documents were not "
                     "worked on by every annotator compared; counted as marking nothing "
                     "(--all-documents)")
    if len(all_docs) > len(kept):
        notes.append(f"{len(all_docs) - len(kept)} of {len(all_docs)} documents left out: not "
                     "worked on by every annotator compared (no span and status to do)")
    doc, rater, label, start, end = table.T
    return Corpus(tuple(chosen), tuple(chosen_labels), tuple(r.id for r in kept),
                  tuple(r.external_id if r.external_id is not None else str(r.id) for r in kept),
                  tuple(r.title for r in kept), tuple(r.text for r in kept), doc, rater, label,
                  start, end, notes=tuple(notes))


def tokens(corpus: Corpus, nlp: Language | None = None) -> tuple[Array, Array, Array]:
    """Non-space tokens on the continuum: (document index, start, end), sorted."""
    from ..nlp import pipeline

    per_doc = token_bounds(nlp or pipeline(), corpus.texts)
    if not per_doc:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    counts = np.fromiter((len(b) for b in per_doc), dtype=np.int64, count=len(per_doc))
    doc = np.repeat(np.arange(len(per_doc)), counts)
    bounds = np.concatenate(per_doc).astype(np.int64) + corpus.offsets[doc][:, None]
    return doc, bounds[:, 0], bounds[:, 1]


# Token bounds of texts seen lately, per tokenizer: agreement is recomputed as
# the analyst changes annotators or labels, and tokenizing is its costliest part.
_cache: OrderedDict[tuple[int, str], Array] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_TOKENS = 6_000_000
_cached_tokens = 0


def clear_token_cache() -> None:
    global _cached_tokens
    with _cache_lock:
        _cache.clear()
        _cached_tokens = 0


def token_bounds(nlp: Language, texts: Sequence[str]) -> list[Array]:
    """Per text, its non-space tokens as rows (start, end) in code points."""
    global _cached_tokens
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    tokenizer = tokenizer_of(nlp)
    with _cache_lock:
        found = {t: _cache.get((id(nlp), t)) for t in texts}
    missing = [t for t, b in found.items() if b is None]
    key = _tokenizer_key(nlp)
    if missing:
        found.update(tokencache.load(key, missing))
        uncut = [t for t in missing if found[t] is None]
    if missing and uncut:
        tables = [doc.to_array([IDX, LENGTH, IS_SPACE]).reshape(-1, 3)
                  for doc in tokenizer.pipe(uncut)]
        sizes = [len(t) for t in tables]
        table = np.concatenate(tables).astype(np.int64)
        keep = table[:, 2] == 0
        bounds = np.stack([table[:, 0], table[:, 0] + table[:, 1]], axis=1)
        owner = np.repeat(np.arange(len(sizes)), sizes)
        kept = np.bincount(owner[keep], minlength=len(sizes))
        parts = np.split(bounds[keep].astype(np.int32), np.cumsum(kept)[:-1])
        found.update(zip(uncut, parts))
        tokencache.save(key, dict(zip(uncut, parts)))
    done: dict[str, Array] = {t: b for t, b in found.items() if b is not None}  # all, by now
    with _cache_lock:
        for text in missing:
            _cache[(id(nlp), text)] = done[text]
            _cached_tokens += len(done[text])
        while _cached_tokens > CACHE_TOKENS and _cache:
            _cached_tokens -= len(_cache.popitem(last=False)[1])
    return [done[t] for t in texts]


def _tokenizer_key(nlp: Language) -> str:
    """What decides the tokens: the pipeline and the spaCy that runs it."""
    from spacy import about

    meta = nlp.meta
    return f"{meta.get('lang')}/{meta.get('name')}/{meta.get('version')}/spacy-{about.__version__}"


def merge_overlapping(key: Array, start: Array, end: Array) -> tuple[Array, Array, Array]:
    """Union of overlapping intervals with the same key (touching ones stay apart).

    Returns (key, start, end) of the merged intervals, sorted.
    """
    if not len(start):
        return key, start, end
    order = np.lexsort((end, start, key))
    key, start, end = key[order], start[order], end[order]
    # an interval opens a new group when its key changes or it starts at or
    # after the farthest end so far within its key
    new = np.ones(len(start), dtype=bool)
    same = key[1:] == key[:-1]
    reach = group_cummax(end, key)
    new[1:] = ~same | (start[1:] >= reach[:-1])
    first = np.flatnonzero(new)
    return key[first], start[first], np.maximum.reduceat(end, first)


def group_cummax(values: Array, key: Array) -> Array:
    """Running maximum of ``values`` restarted where sorted ``key`` changes."""
    if not len(values):
        return values
    shift = values.max() + 1
    group = np.cumsum(np.r_[0, (key[1:] != key[:-1]).astype(np.int64)])
    running: Array = np.maximum.accumulate(values + group * shift) - group * shift
    return running


def overlap_pairs(a_start: Array, a_end: Array, b_start: Array, b_end: Array
                  ) -> tuple[Array, Array]:
    """Index pairs (i, j) with a[i] and b[j] intersecting; b sorted and disjoint."""
    lo = np.searchsorted(b_end, a_start, side="right")
    hi = np.searchsorted(b_start, a_end, side="left")
    count = np.maximum(hi - lo, 0)
    i = np.repeat(np.arange(len(a_start)), count)
    j = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) \
        + np.repeat(lo, count)
    return i, j


def unique(values: Array) -> Array:
    """Sorted distinct values (a sort: faster here than numpy's hashing unique)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def common(a: Array, b: Array) -> Array:
    """Values in both sorted, distinct arrays."""
    if not len(a) or not len(b):
        return a[:0]
    at = np.minimum(np.searchsorted(b, a), len(b) - 1)
    both: Array = a[b[at] == a]
    return both
