"""What the labels say about the coverage: density, share, terms, frames.

:func:`load` reads a project once into a :class:`Dataset` (documents, their
words, every live span as arrays); the figures are then cheap to recompute for
any grouping, label, layer and filter. A layer is one annotator's spans (the
gold layer where it exists); a layer covers the documents it *worked on*: a
span there or a status other than "to do". Every figure states its
denominators; groups of fewer than :data:`SMALL_N` documents are marked.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from ..domain import Progress, no_progress
from ..errors import AnnotatorError
from ..wording import agree, plural
from .terms import log_odds, span_terms, words

if TYPE_CHECKING:
    from ..project import Project

Array = np.ndarray
GROUPINGS = ("outlet", "author", "month", "story", "annotator")
SMALL_N = 5
RESAMPLES = 1000
SEED = 14
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")
_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, eq=False)
class Dataset:
    """A project's documents, words and spans as plain arrays."""

    document_ids: Array
    keys: tuple[str, ...]
    titles: tuple[str, ...]
    fields: dict[str, tuple[str | None, ...]]  # outlet, author, month, story per document
    dates: tuple[str | None, ...]  # YYYY-MM-DD of publication, for date filters
    words: Array  # words per document (see terms.WORD_DEFINITION)
    annotators: tuple[str, ...]
    kinds: tuple[str, ...]  # "human" or "gold"
    worked: Array  # documents x annotators: the layer worked on the document
    labels: tuple[str, ...]  # the scheme's span labels
    span_doc: Array  # per span: document index
    span_rater: Array  # annotator index
    span_label: Array  # label index
    span_term: Array  # index into terms
    terms: tuple[str, ...]
    document_labels: tuple[tuple[int, int, str, Any], ...]  # (document, annotator, key, value)
    choices: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # document label values

    def rater(self, layer: str) -> int:
        if layer not in self.annotators:
            raise AnnotatorError(f"no layer {layer!r} in the project (layers: "
                                 f"{', '.join(self.annotators) or 'none yet'})")
        return self.annotators.index(layer)

    def mask(self, since: str | None = None, until: str | None = None,
             outlets: Sequence[str] = ()) -> Array:
        """Documents published in [since, until] (YYYY-MM-DD) from ``outlets``."""
        keep = np.ones(len(self.keys), dtype=bool)
        if since or until:
            dated = np.array([d is not None and (not since or d >= since)
                              and (not until or d <= until) for d in self.dates], dtype=bool)
            keep &= dated.reshape(-1)
        if outlets:
            wanted = set(outlets)
            keep &= np.array([o in wanted for o in self.fields["outlet"]], dtype=bool).reshape(-1)
        return keep


@dataclass(frozen=True)
class Estimate:
    """A figure and its bootstrap 95% interval (None where undefined)."""

    value: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Row:
    """One group's figures for one label."""

    group: str
    documents: int
    words: int
    spans: int
    with_span: int  # documents with at least one span of the label
    density: Estimate | None  # spans per 1,000 words; None when the group has no words
    share: Estimate  # share of documents with at least one span
    small: bool  # fewer than SMALL_N documents

    def as_dict(self) -> dict[str, Any]:
        def est(e: Estimate | None) -> dict[str, Any] | None:
            return None if e is None else {"value": e.value, "low": e.low, "high": e.high}
        return {"group": self.group, "documents": self.documents, "words": self.words,
                "spans": self.spans, "documents_with_span": self.with_span,
                "density_per_1000_words": est(self.density), "share_of_documents": est(self.share),
                "small_n": self.small}


@dataclass(frozen=True)
class Table:
    """One label over one grouping; ``message`` says why there are no rows."""

    by: str
    label: str
    layer: str
    rows: tuple[Row, ...]
    resamples: int
    seed: int | None
    notes: tuple[str, ...] = ()
    message: str = ""

    @property
    def documents(self) -> int:
        return sum(r.documents for r in self.rows)

    @property
    def words(self) -> int:
        return sum(r.words for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.by, "label": self.label, "layer": self.layer,
                "documents": self.documents, "words": self.words,
                "bootstrap": {"resamples": self.resamples, "seed": self.seed,
                              "interval": "95% percentile, documents resampled within each group"},
                "small_n_below": SMALL_N, "notes": list(self.notes), "message": self.message,
                "rows": [r.as_dict() for r in self.rows]}


@dataclass(frozen=True)
class TermRow:
    term: str
    count: int
    documents: int
    z: dict[str, float]  # group -> log-odds z-score of the term there against the rest


@dataclass(frozen=True)
class Terms:
    label: str
    layer: str
    by: str
    groups: tuple[str, ...]
    group_totals: dict[str, int]  # terms (spans with words) per group
    rows: tuple[TermRow, ...]
    spans: int
    notes: tuple[str, ...] = ()
    message: str = ""

    def distinctive(self, group: str, limit: int = 10) -> list[TermRow]:
        """The terms most typical of ``group`` (highest z first, z > 0 only)."""
        found = [r for r in self.rows if r.z.get(group, 0.0) > 0]
        return sorted(found, key=lambda r: -r.z[group])[:limit]

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "layer": self.layer, "by": self.by, "spans": self.spans,
                "groups": list(self.groups), "group_totals": self.group_totals,
                "method": "log-odds with an informative Dirichlet prior (Monroe et al. 2008), "
                          "each group against all others, prior = counts over all groups",
                "notes": list(self.notes), "message": self.message,
                "terms": [{"term": r.term, "count": r.count, "documents": r.documents,
                           "z": r.z} for r in self.rows]}


@dataclass(frozen=True)
class Distribution:
    """A document label's values per group (frames, slant)."""

    key: str
    layer: str
    by: str
    values: tuple[Any, ...]
    counts: dict[str, dict[Any, int]]  # group -> value -> documents
    labelled: dict[str, int]  # group -> documents with the label set
    documents: dict[str, int]  # group -> documents of the layer
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "layer": self.layer, "by": self.by,
                "values": [str(v) for v in self.values],
                "groups": [{"group": g, "documents": self.documents[g],
                            "labelled": self.labelled[g],
                            "counts": {str(v): c.get(v, 0) for v in self.values}}
                           for g, c in self.counts.items()], "message": self.message}


# -- loading ---------------------------------------------------------------------------
def load(project: Project, progress: Progress = no_progress) -> Dataset:
    """Read every document, span, status and document label once; count the
    words and find each span's term.

    About 2 s for 10,000 articles: run it off the GUI thread. ``progress``
    may raise ``Cancelled``.
    """
    from ..models import Annotator, Document, DocumentLabel, DocumentStatus, Span
    from ..portable import raw_rows

    scheme = project.scheme
    with project.reading() as s:
        people = s.execute(select(Annotator.id, Annotator.name, Annotator.kind)
                           .order_by(Annotator.name)).all()
        docs = s.execute(select(Document.id, Document.external_id, Document.title,
                                Document.text, Document.outlet, Document.author,
                                Document.published, Document.meta["story"].as_string())
                         .order_by(Document.id)).all()
        # portable.raw_rows's Select[Any] is too narrow for a 5-column query (being typed: issue 11)
        spans = raw_rows(s, select(Span.document_id, Span.annotator_id,  # type: ignore[arg-type]
                                   Span.label, Span.start, Span.end).where(Span.deleted_at.is_(None)))
        statuses = s.execute(select(DocumentStatus.document_id, DocumentStatus.annotator_id)
                             .where(DocumentStatus.status != "todo")).all()
        labels = s.execute(select(DocumentLabel.document_id, DocumentLabel.annotator_id,
                                  DocumentLabel.key, DocumentLabel.value)).all()
    progress(0, len(docs))
    ids = np.array([d[0] for d in docs], dtype=np.int64)
    rater_of = {p.id: i for i, p in enumerate(people)}
    label_keys = tuple(lab.key for lab in scheme.labels)
    label_of = {k: i for i, k in enumerate(label_keys)}
    table = np.array([(d, rater_of[a], label_of.get(lab, -1), b, e) for d, a, lab, b, e in spans],
                     dtype=np.int64).reshape(-1, 5)
    table = table[table[:, 2] >= 0]
    doc_index = np.searchsorted(ids, table[:, 0]) if len(ids) else table[:, 0]
    texts = [d[3] for d in docs]
    counts = words(texts, progress=progress)
    term, terms = span_terms(texts, doc_index, table[:, 3], table[:, 4])
    worked = np.zeros((len(docs), len(people)), dtype=bool)
    worked[doc_index, table[:, 1]] = True
    if statuses:
        pairs = np.array([(d, rater_of[a]) for d, a in statuses], dtype=np.int64)
        worked[np.searchsorted(ids, pairs[:, 0]), pairs[:, 1]] = True
    choices = {lab.key: (tuple(lab.choices) if lab.type == "choice" else (True, False))
               for lab in scheme.document_labels if lab.type in ("choice", "bool")}
    position = {int(d): i for i, d in enumerate(ids.tolist())}
    progress(len(docs), len(docs))
    return Dataset(
        document_ids=ids,
        keys=tuple(str(d[0]) if d[1] is None else d[1] for d in docs),
        titles=tuple(d[2] for d in docs),
        fields={"outlet": tuple(_clean(d[4]) for d in docs),
                "author": tuple(_clean(d[5]) for d in docs),
                "month": tuple(_month(d[6]) for d in docs),
                "story": tuple(_clean(d[7]) for d in docs)},
        dates=tuple(_date(d[6]) for d in docs),
        words=counts, annotators=tuple(p.name for p in people),
        kinds=tuple(p.kind for p in people), worked=worked, labels=label_keys,
        span_doc=doc_index, span_rater=table[:, 1], span_label=table[:, 2], span_term=term,
        terms=terms,
        document_labels=tuple((position[d], rater_of[a], k, v) for d, a, k, v in labels
                              if k in choices),
        choices=choices)


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _month(published: str | None) -> str | None:
    found = _MONTH.match(published or "")
    return f"{found.group(1)}-{found.group(2)}" if found else None


def _date(published: str | None) -> str | None:
    found = _DATE.match(published or "")
    return found.group(1) if found else None


def default_layer(data: Dataset) -> tuple[str | None, str]:
    """The gold layer where it exists, else the annotator with the most spans; and why."""
    worked = data.worked.sum(axis=0) if data.worked.size else np.zeros(len(data.annotators))
    gold = [a for a, k, w in zip(data.annotators, data.kinds, worked) if k == "gold" and w]
    if gold:
        return gold[0], "the gold (adjudicated) layer"
    if not worked.any():
        return None, "not enough data: nobody has annotated a document yet"
    spans = np.bincount(data.span_rater, minlength=len(data.annotators))
    best = max(range(len(data.annotators)), key=lambda i: (spans[i], worked[i], -i))
    return data.annotators[best], "no gold layer yet: the annotator with the most spans"


# -- grouped figures -----------------------------------------------------------------------
def _groups(data: Dataset, by: str, layer: str, mask: Array | None
            ) -> tuple[list[tuple[str, Array, int]], list[str], str]:
    """(group, document indices, annotator index) per group; notes; or a message."""
    if by not in GROUPINGS:
        raise AnnotatorError(f"cannot group by {by!r}; use one of {', '.join(GROUPINGS)}")
    keep = np.ones(len(data.keys), dtype=bool) if mask is None else mask
    if by == "annotator":
        groups = [(name, np.flatnonzero(data.worked[:, i] & keep), i)
                  for i, name in enumerate(data.annotators)]
        groups = [g for g in groups if len(g[1])]
        return groups, [], "" if groups else "not enough data: nobody has annotated a document yet"
    rater = data.rater(layer)
    docs = np.flatnonzero(data.worked[:, rater] & keep)
    if not len(docs):
        return [], [], f"not enough data: the layer {layer} has worked on no document" + \
            (" in this selection" if mask is not None else "")
    values = data.fields[by]
    by_key: dict[str, list[int]] = {}
    missing = 0
    for d in docs.tolist():
        key = values[d]
        if key is None:
            missing += 1
        else:
            by_key.setdefault(key, []).append(d)
    what = {"outlet": "an outlet", "author": "an author", "month": "a publication date",
            "story": "a story"}[by]
    if not by_key:
        return [], [], (f"no document of the layer {layer} has {what}; grouping by {by} "
                        "is skipped")
    notes = [f"{missing} of {len(docs)} documents have no {by} and are left out"] if missing else []
    unworked = int(keep.sum()) - len(docs)
    if unworked:
        notes.insert(0, f"{unworked} of {int(keep.sum())} documents are left out: the layer "
                        f"{layer} has not worked on them (no span, status to do); mark them done "
                        "to count them as read and found clean")
    return [(k, np.array(by_key[k], dtype=np.int64), rater) for k in sorted(by_key)], notes, ""


def grouped(data: Dataset, by: str, labels: Sequence[str], layer: str, *,
            mask: Array | None = None, seed: int | None = SEED,
            resamples: int = RESAMPLES) -> list[Table]:
    """Density per 1,000 words and share of documents with a span, per group and label.

    Intervals: the 2.5th and 97.5th percentiles of ``resamples`` bootstrap
    replicates, documents drawn with replacement within each group (numpy's
    ``default_rng(seed).integers``, groups in order); the density of a replicate
    is its spans over its words (a ratio of sums, like the figure itself).
    Draws are ``integers(0, n, size=(resamples, n), dtype=np.int32)``.
    """
    unknown = [lab for lab in labels if lab not in data.labels]
    if unknown:
        raise AnnotatorError(f"no label {', '.join(map(repr, unknown))} in the project's scheme "
                             f"(labels: {', '.join(data.labels)})")
    groups, notes, message = _groups(data, by, layer, mask)
    layer_name = "each annotator's own" if by == "annotator" else layer
    if message:
        return [Table(by, lab, layer_name, (), resamples, seed, tuple(notes), message)
                for lab in labels]
    wanted = np.array([data.labels.index(lab) for lab in labels], dtype=np.int64)
    k = len(wanted)
    rng = np.random.default_rng(seed)
    rows: list[list[Row]] = [[] for _ in labels]
    per_rater: dict[int, Array] = {}  # documents x labels: spans of one layer
    for name, docs, rater in groups:
        if rater not in per_rater:
            per_rater[rater] = _counts(data, rater)
        counts = per_rater[rater][docs][:, wanted]
        doc_words = data.words[docs].astype(np.int64)
        total_words = int(doc_words.sum())
        n = len(docs)
        columns = np.column_stack([doc_words, counts, counts > 0]).astype(np.float32)
        low = high = np.full(2 * k, np.nan)
        if resamples:
            sums = (_resample(rng, n, resamples) @ columns).astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                draws = np.hstack([1000.0 * sums[:, 1:1 + k] / sums[:, :1], sums[:, 1 + k:] / n])
            if np.isfinite(draws).all():
                low, high = np.percentile(draws, [2.5, 97.5], axis=0)
            else:  # replicates of documents without words: a column may stay NaN
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    low, high = np.nanpercentile(draws, [2.5, 97.5], axis=0)
        for j in range(k):
            spans = int(counts[:, j].sum())
            with_span = int((counts[:, j] > 0).sum())
            density = None if not total_words else \
                _estimate(1000.0 * spans / total_words, low[j], high[j])
            share = _estimate(with_span / n, low[k + j], high[k + j])
            rows[j].append(Row(name, n, total_words, spans, with_span, density, share, n < SMALL_N))
    if by == "month":
        notes.append("months are those of the documents' publication dates")
    return [Table(by, lab, layer_name, tuple(r), resamples, seed, tuple(notes))
            for lab, r in zip(labels, rows)]


def _counts(data: Dataset, rater: int) -> Array:
    """documents x labels: how many spans of each label the layer has there."""
    mine = data.span_rater == rater
    cells = data.span_doc[mine] * len(data.labels) + data.span_label[mine]
    return np.bincount(cells, minlength=len(data.keys) * len(data.labels)) \
        .reshape(len(data.keys), len(data.labels))


def _resample(rng: np.random.Generator, n: int, resamples: int) -> Array:
    """resamples x n: how often each document is drawn in each replicate (float32:
    counts are small integers; the weights of 10,000 documents x 1,000 replicates
    take 40 MB)."""
    wide = resamples * n >= 2**31
    draws = rng.integers(0, n, size=(resamples, n), dtype=np.int64 if wide else np.int32)
    draws += (np.arange(resamples, dtype=draws.dtype) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=resamples * n).reshape(resamples, n) \
        .astype(np.float32)


def _estimate(value: float, low: float, high: float) -> Estimate:
    """A figure and its interval (None where no replicate was defined)."""
    if np.isnan(low) or np.isnan(high):
        return Estimate(float(value), None, None)
    return Estimate(float(value), float(low), float(high))


def documents_behind(data: Dataset, by: str, group: str, label: str, layer: str,
                     mask: Array | None = None) -> list[tuple[int, str, str, int]]:
    """The documents of one bar: (document id, key, title, spans of the label), most spans first."""
    groups, _notes, _message = _groups(data, by, layer, mask)
    for name, docs, rater in groups:
        if name != group:
            continue
        hit = (data.span_rater == rater) & (data.span_label == data.labels.index(label))
        counts = np.bincount(data.span_doc[hit], minlength=len(data.keys))
        found = [(int(data.document_ids[d]), data.keys[d], data.titles[d], int(counts[d]))
                 for d in docs.tolist()]
        return sorted(found, key=lambda row: (-row[3], row[0]))
    return []


# -- terms ------------------------------------------------------------------------------
def top_terms(data: Dataset, label: str, layer: str, *, by: str = "outlet",
              mask: Array | None = None, limit: int = 20) -> Terms:
    """The label's most frequent terms in a layer, with each group's log-odds z-score."""
    if label not in data.labels:
        raise AnnotatorError(f"no label {label!r} in the project's scheme")
    groups, notes, message = _groups(data, by, layer, mask)
    if message:
        return Terms(label, layer, by, (), {}, (), 0, tuple(notes), message)
    label_index = data.labels.index(label)
    picked, group_of, empty = [], [], 0
    for g, (_name, docs, rater) in enumerate(groups):
        inside = np.zeros(len(data.keys), dtype=bool)
        inside[docs] = True
        hit = (data.span_rater == rater) & (data.span_label == label_index) & inside[data.span_doc]
        empty += int((hit & (data.span_term == 0)).sum())
        found = np.flatnonzero(hit & (data.span_term > 0))
        picked.append(found)
        group_of.append(np.full(len(found), g, dtype=np.int64))
    chosen_spans = np.concatenate(picked)
    spans = len(chosen_spans)
    if not spans:
        return Terms(label, layer, by, tuple(g[0] for g in groups), {}, (), 0, tuple(notes),
                     f"not enough data: no {label} span in the layer {layer}")
    terms, term_index = np.unique(data.span_term[chosen_spans], return_inverse=True)
    group_index = np.concatenate(group_of)
    counts = np.zeros((len(groups), len(terms)), dtype=np.int64)
    np.add.at(counts, (group_index, term_index), 1)
    z = log_odds(counts)
    totals = counts.sum(axis=0)
    doc_pairs = np.unique(np.column_stack([term_index, data.span_doc[chosen_spans]]), axis=0)
    in_docs = np.bincount(doc_pairs[:, 0], minlength=len(terms))
    order = sorted(range(len(terms)), key=lambda t: (-totals[t], data.terms[terms[t]]))
    # the top terms overall, plus each group's most distinctive ones
    chosen = list(order[:limit])
    for g in range(len(groups)):
        for t in np.argsort(-z[g], kind="stable")[:5].tolist():
            if z[g, t] > 0 and t not in chosen:
                chosen.append(t)
    names = [g[0] for g in groups]
    rows = tuple(TermRow(data.terms[terms[t]], int(totals[t]), int(in_docs[t]),
                         {names[g]: round(float(z[g, t]), 3) for g in range(len(groups))})
                 for t in chosen)
    if empty:
        notes.append(f"{plural(empty, 'span')} over punctuation only "
                     f"{agree(empty, 'is not a term', 'are not terms')}")
    return Terms(label, layer, by, tuple(names),
                 {names[g]: int(counts[g].sum()) for g in range(len(groups))}, rows, spans,
                 tuple(notes))


# -- document labels ---------------------------------------------------------------------
def distribution(data: Dataset, key: str, layer: str, *, by: str = "outlet",
                 mask: Array | None = None) -> Distribution:
    """How often each value of a choice (or yes/no) document label was given, per group."""
    if key not in data.choices:
        raise AnnotatorError(f"the scheme has no choice document label {key!r} "
                             f"(it has: {', '.join(data.choices) or 'none'})")
    groups, _notes, message = _groups(data, by, layer, mask)
    values = data.choices[key]
    if message:
        return Distribution(key, layer, by, values, {}, {}, {}, message)
    given: dict[tuple[int, int], Any] = {(d, a): v for d, a, k, v in data.document_labels
                                         if k == key}
    counts: dict[str, dict[Any, int]] = {}
    labelled: dict[str, int] = {}
    documents: dict[str, int] = {}
    for name, docs, rater in groups:
        found = Counter(given[(d, rater)] for d in docs.tolist() if (d, rater) in given)
        counts[name] = {v: found.get(v, 0) for v in values}
        labelled[name] = sum(found.values())
        documents[name] = len(docs)
    message = "" if any(labelled.values()) else \
        f"not enough data: no document of the layer {layer} has {key} set"
    return Distribution(key, layer, by, values, counts, labelled, documents, message)
