"""Span precision, recall and F1 of each annotator against the reference.

* exact: a span matches when document, label, start and end are equal (a
  rater's duplicate spans count once);
* overlap: the SemEval-2020 Task 11 partial credit (Da San Martino et al.
  2019): ``P = 1/|S| sum_s sum_t |s & t| / |s|``, ``R = 1/|T| sum_s sum_t
  |s & t| / |t|`` over spans of the same label; each rater's overlapping spans
  of one label are merged first (so no credit exceeds 1);
* position-exact / position-overlap: the same with labels ignored; for
  position-overlap, overlapping spans of one rater merge whatever their label,
  as the official span-identification scorer does.

Totals pool all documents (micro average), as the official scorer does.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..errors import AnnotatorError
from .corpus import Array, Corpus, common, merge_overlapping, overlap_pairs, unique
from .figures import (
    EXACT,
    F1,
    OVERLAP,
    POSITION_EXACT,
    POSITION_OVERLAP,
    PRECISION,
    RECALL,
    Figure,
    ratio,
)

UNIT = "span"


def span_figures(corpus: Corpus, per_document: bool) -> tuple[list[Figure], list[list[Figure]]]:
    """Figures over the corpus, and per document (overlap F1, all labels)."""
    figures: list[Figure] = []
    documents: list[list[Figure]] = [[] for _ in corpus.texts]
    total = max(int(corpus.lengths.sum()), 1)
    offsets = corpus.offsets
    gstart = offsets[corpus.doc] + corpus.start if len(corpus.doc) else corpus.start
    gend = offsets[corpus.doc] + corpus.end if len(corpus.doc) else corpus.end
    n_labels = len(corpus.labels)
    # one integer per span for exact matching: label, start on the continuum, length
    longest = int(corpus.lengths.max(initial=0)) + 1
    per_label = total * longest
    if n_labels * per_label >= 2 ** 62:
        raise AnnotatorError("too much text for exact span matching in one go; "
                             "select fewer documents")
    key = corpus.label * per_label + gstart * longest + (gend - gstart)
    ref = 0
    for other in range(1, len(corpus.annotators)):
        names = (corpus.annotators[ref], corpus.annotators[other])
        mine, theirs = corpus.rater == ref, corpus.rater == other
        # exact, per label and pooled
        t_keys, s_keys = unique(key[mine]), unique(key[theirs])
        matched = common(t_keys, s_keys)
        t_n, s_n, m_n = (np.bincount(k // per_label, minlength=n_labels)
                         for k in (t_keys, s_keys, matched))
        for c, label in enumerate(corpus.labels):
            figures += _exact(EXACT, label, names, int(m_n[c]), int(t_n[c]), int(s_n[c]))
        figures += _exact(EXACT, None, names, int(m_n.sum()), int(t_n.sum()), int(s_n.sum()))
        # exact, labels ignored
        t_keys, s_keys = unique(key[mine] % per_label), unique(key[theirs] % per_label)
        matched = common(t_keys, s_keys)
        figures += _exact(POSITION_EXACT, None, names, len(matched), len(t_keys), len(s_keys))
        # overlap, per label and pooled
        t = _merged(corpus.label[mine], gstart[mine], gend[mine], total)
        s = _merged(corpus.label[theirs], gstart[theirs], gend[theirs], total)
        p_num, r_num, s_of = _credit(s, t)
        group_t, group_s = t[0] // total, s[0] // total
        p_c = np.bincount(group_s[s_of], weights=p_num, minlength=n_labels)
        r_c = np.bincount(group_s[s_of], weights=r_num, minlength=n_labels)
        t_c = np.bincount(group_t, minlength=n_labels)
        s_c = np.bincount(group_s, minlength=n_labels)
        for c, label in enumerate(corpus.labels):
            figures += _overlap(OVERLAP, label, names, p_c[c], r_c[c], int(t_c[c]), int(s_c[c]))
        figures += _overlap(OVERLAP, None, names, p_num.sum(), r_num.sum(), len(t[0]), len(s[0]))
        if per_document:
            doc_t = np.searchsorted(offsets, t[0] % total, side="right") - 1
            doc_s = np.searchsorted(offsets, s[0] % total, side="right") - 1
            n_docs = len(corpus.texts)
            p_d = np.bincount(doc_s[s_of], weights=p_num, minlength=n_docs)
            r_d = np.bincount(doc_s[s_of], weights=r_num, minlength=n_docs)
            t_d = np.bincount(doc_t, minlength=n_docs)
            s_d = np.bincount(doc_s, minlength=n_docs)
            for d, (p, r, t_n, s_n) in enumerate(zip(p_d.tolist(), r_d.tolist(), t_d.tolist(),
                                                     s_d.tolist())):
                documents[d] += _overlap(OVERLAP, None, names, p, r, t_n, s_n, (F1,))
        # overlap, labels ignored
        zero_t, zero_s = np.zeros(int(mine.sum()), np.int64), np.zeros(int(theirs.sum()), np.int64)
        t = _merged(zero_t, gstart[mine], gend[mine], total)
        s = _merged(zero_s, gstart[theirs], gend[theirs], total)
        p_num, r_num, _ = _credit(s, t)
        figures += _overlap(POSITION_OVERLAP, None, names, p_num.sum(), r_num.sum(),
                            len(t[0]), len(s[0]))
    return figures, documents


def _merged(group: Array, start: Array, end: Array, total: int) -> tuple[Array, Array]:
    """Overlapping intervals of one group merged; positions shifted by group."""
    _, start, end = merge_overlapping(group, group * total + start, group * total + end)
    return start, end


def _credit(s: tuple[Array, Array], t: tuple[Array, Array]) -> tuple[Array, Array, Array]:
    """Per intersecting pair: |s & t| / |s|, |s & t| / |t|, and the index into s."""
    i, j = overlap_pairs(s[0], s[1], t[0], t[1])
    inter = np.minimum(s[1][i], t[1][j]) - np.maximum(s[0][i], t[0][j])
    return inter / (s[1][i] - s[0][i]), inter / (t[1][j] - t[0][j]), i


def _exact(method: str, label: str | None, names: tuple[str, str], matches: int,
           t_count: int, s_count: int) -> list[Figure]:
    counts = {"reference_spans": t_count, "other_spans": s_count, "matches": matches}
    return _prf(method, label, names, matches, matches, t_count, s_count, counts)


def _overlap(method: str, label: str | None, names: tuple[str, str], p_num: float,
             r_num: float, t_count: int, s_count: int,
             measures: tuple[str, ...] = (PRECISION, RECALL, F1)) -> list[Figure]:
    counts = {"reference_spans": t_count, "other_spans": s_count,
              "precision_credit": float(p_num), "recall_credit": float(r_num)}
    return _prf(method, label, names, p_num, r_num, t_count, s_count, counts, measures)


def _prf(method: str, label: str | None, names: tuple[str, str], p_num: float, r_num: float,
         t_count: int, s_count: int, counts: Mapping[str, float],
         measures: tuple[str, ...] = (PRECISION, RECALL, F1)) -> list[Figure]:
    which = f" with the label {label}" if label else ""
    p, p_why = ratio(p_num, s_count, f"{names[1]} marked no span{which}")
    r, r_why = ratio(r_num, t_count, f"{names[0]} marked no span{which}")
    if p is None or r is None:
        f, f_why = None, "; ".join(w for w in (p_why, r_why) if w)
    else:
        f, f_why = (0.0, "") if p + r == 0 else (2 * p * r / (p + r), "")
    return [Figure(measure, method, UNIT, value, counts, label, names, why)
            for measure, value, why in ((PRECISION, p, p_why), (RECALL, r, r_why), (F1, f, f_why))
            if measure in measures]
