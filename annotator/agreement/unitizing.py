"""Krippendorff's unitizing alpha (alpha_U) on characters, per label and overall.

Krippendorff (1995), as in DKPro Statistics: on the continuum of each
category, every rater's units and the gaps between them are segments.

* observed: for each pair of raters, overlapping units add ``(b1-b2)^2 +
  (e1-e2)^2`` and a unit lying in the other rater's gap adds ``l^2``;
  ``D_o = 2 / (R (R-1) L^2) * sum``;
* expected: ``D_e = 2/L * sum_units[(N-1)(2l^3-3l^2+l)/3 + l^2 sum_{gaps g>=l}
  (g-l+1)] / (R L (R L - 1) - sum_units l(l-1))``;
* ``alpha = 1 - D_o / D_e``; overall, mean ``D_o`` over the labels used
  divided by mean ``D_e``.

A rater's overlapping units of one label are resolved first: the earliest,
then longest, is kept (as INCEpTION does). Several documents form one
continuum of their summed length; a gap ends at a document's edge, since no
unit can cross it.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .corpus import Array, Corpus, group_cummax, overlap_pairs, unique
from .figures import CHARACTERS, UNITIZING, Figure

UNIT = "character"


def resolve(group: Array, start: Array, end: Array) -> Array:
    """Indices of the units kept, sorted by (group, start): per group, the
    earliest then longest of overlapping units wins."""
    order = np.lexsort((start - end, start, group))
    g, b, e = group[order], start[order], end[order]
    if len(order) < 2:
        return order
    same = g[1:] == g[:-1]
    reach = group_cummax(e, g)
    clash = same & (b[1:] < reach[:-1])
    if not clash.any():
        return order
    keep = np.ones(len(order), dtype=bool)
    for grp in np.unique(g[1:][clash]):
        first, last = np.searchsorted(g, grp), np.searchsorted(g, grp, side="right")
        kept_end = -1
        for k in range(first, last):
            if b[k] >= kept_end:
                kept_end = e[k]
            else:
                keep[k] = False
    return order[keep]


def unitizing_figures(corpus: Corpus, per_document: bool
                      ) -> tuple[list[Figure], list[list[Figure]]]:
    names = corpus.annotators
    r, n_labels, n_docs = len(names), len(corpus.labels), len(corpus.texts)
    lengths = corpus.lengths
    total = int(lengths.sum())
    if r < 2 or total == 0:
        why = "agreement needs at least two annotators" if r < 2 else "no text to compare"
        counts: dict[str, float] = {"characters": total, "annotators": r}
        return ([Figure(UNITIZING, CHARACTERS, UNIT, None, counts, label, names, why)
                 for label in (*corpus.labels, None)],
                [[Figure(UNITIZING, CHARACTERS, UNIT, None, counts, None, names, why)]
                 for _ in range(n_docs)])
    offsets = corpus.offsets
    result = compute(offsets, lengths, corpus.doc, corpus.rater, corpus.label,
                     offsets[corpus.doc] + corpus.start, offsets[corpus.doc] + corpus.end,
                     r, n_labels)
    figures = []
    for c, label in enumerate(corpus.labels):
        counts = {"characters": total, "annotators": r, "units": int(result.units[c]),
                  "units_set_aside": int(result.set_aside[c]),
                  "observed_disagreement": float(result.observed[c]),
                  "expected_disagreement": float(result.expected[c])}
        value, why = _alpha(result.observed[c], result.expected[c], int(result.units[c]))
        figures.append(Figure(UNITIZING, CHARACTERS, UNIT, value, counts, label, names, why))
    used = result.units > 0
    counts = {"characters": total, "annotators": r, "units": int(result.units.sum()),
              "units_set_aside": int(result.set_aside.sum()), "labels_used": int(used.sum()),
              "observed_disagreement": float(result.observed[used].mean()) if used.any() else 0.0,
              "expected_disagreement": float(result.expected[used].mean()) if used.any() else 0.0}
    value, why = _alpha(result.observed[used].sum(), result.expected[used].sum(),
                        int(result.units.sum()))
    figures.append(Figure(UNITIZING, CHARACTERS, UNIT, value, counts, None, names, why))
    documents: list[list[Figure]] = [[] for _ in range(n_docs)]
    if per_document:
        for d in range(n_docs):
            units = int(result.doc_units[d])
            counts = {"characters": int(lengths[d]), "annotators": r, "units": units}
            value, why = _alpha(result.doc_observed[d], result.doc_expected[d], units)
            documents[d].append(Figure(UNITIZING, CHARACTERS, UNIT, value, counts, None,
                                       names, why))
    return figures, documents


def _alpha(observed: float, expected: float, units: int) -> tuple[float | None, str]:
    if units == 0:
        return None, "no annotator marked a span: nothing to compare"
    if expected <= 0:
        return None, "no expected disagreement (units fill the whole text)"
    return float(1 - observed / expected), ""


class Result:
    """Observed and expected disagreement per label, and per document (summed over labels)."""

    def __init__(self, n_labels: int, n_docs: int):
        self.units = np.zeros(n_labels, np.int64)
        self.set_aside = np.zeros(n_labels, np.int64)
        self.observed = np.zeros(n_labels)
        self.expected = np.zeros(n_labels)
        self.doc_units = np.zeros(n_docs, np.int64)
        self.doc_observed = np.zeros(n_docs)
        self.doc_expected = np.zeros(n_docs)


def compute(offsets: Array, lengths: Array, doc: Array, rater: Array, label: Array,
            start: Array, end: Array, n_raters: int, n_labels: int) -> Result:
    """D_o and D_e of units ``[start, end)`` on the continuum (global positions)."""
    n_docs = len(lengths)
    result = Result(n_labels, n_docs)
    group = rater * n_labels + label
    kept = resolve(group, start, end)
    result.set_aside = np.bincount(label, minlength=n_labels) \
        - np.bincount(label[kept], minlength=n_labels)
    doc, rater, label, start, end, group = (a[kept] for a in (doc, rater, label, start, end,
                                                                 group))
    bounds = np.searchsorted(group, np.arange(n_raters * n_labels + 1))
    total = float(lengths.sum())
    pairs = n_raters * (n_raters - 1) / 2
    lf = lengths.astype(np.float64)
    doc_num = np.zeros(n_docs)
    for c in range(n_labels):
        parts = [slice(bounds[q * n_labels + c], bounds[q * n_labels + c + 1])
                 for q in range(n_raters)]
        # observed
        num = np.zeros(n_docs)
        for p, q in combinations(range(n_raters), 2):
            a, b = parts[p], parts[q]
            i, j = overlap_pairs(start[a], end[a], start[b], end[b])
            sq = (start[a][i] - start[b][j]).astype(np.float64) ** 2 \
                + (end[a][i] - end[b][j]).astype(np.float64) ** 2
            num += np.bincount(doc[a][i], weights=sq, minlength=n_docs)
            for side, hit in ((a, i), (b, j)):
                alone = np.bincount(hit, minlength=side.stop - side.start) == 0
                size = (end[side][alone] - start[side][alone]).astype(np.float64)
                num += np.bincount(doc[side][alone], weights=size ** 2, minlength=n_docs)
        result.observed[c] = num.sum() / (pairs * total ** 2)
        doc_num += num / (pairs * np.maximum(lf, 1) ** 2)
        # expected
        mine = np.concatenate([np.arange(s.start, s.stop) for s in parts])
        u_doc, u_len = doc[mine], (end[mine] - start[mine]).astype(np.float64)
        result.units[c] = len(mine)
        if not len(mine):
            continue
        g_doc, g_len, g_weight = _gaps(parts, doc, start, end, offsets, lengths, n_raters)
        base = (2 * u_len ** 3 - 3 * u_len ** 2 + u_len) / 3
        fits = _fits(g_len, g_weight, u_len, g_doc=None, u_doc=None)
        numerator = (len(mine) - 1) * base.sum() + (u_len ** 2 * fits).sum()
        denominator = n_raters * total * (n_raters * total - 1) - (u_len * (u_len - 1)).sum()
        result.expected[c] = 2 / total * numerator / denominator if denominator > 0 else 0.0
        # expected, per document
        n_d = np.bincount(u_doc, minlength=n_docs)
        fits_d = _fits(g_len, g_weight, u_len, g_doc=g_doc, u_doc=u_doc)
        num_d = (n_d[u_doc] - 1) * base + u_len ** 2 * fits_d
        numer_d = np.bincount(u_doc, weights=num_d, minlength=n_docs)
        den_d = n_raters * lf * (n_raters * lf - 1) \
            - np.bincount(u_doc, weights=u_len * (u_len - 1), minlength=n_docs)
        with np.errstate(divide="ignore", invalid="ignore"):
            e_d = np.where((n_d > 0) & (den_d > 0), 2 / np.maximum(lf, 1) * numer_d / den_d, 0.0)
        result.doc_expected += e_d
        result.doc_units += n_d
    result.doc_observed = doc_num
    return result


def _gaps(parts: list[slice], doc: Array, start: Array, end: Array, offsets: Array,
          lengths: Array, n_raters: int) -> tuple[Array, Array, Array]:
    """Gaps of every rater for one label: (document, length, how many)."""
    docs, sizes, weights = [], [], []
    raters_with_units = np.zeros(len(lengths), np.int64)
    for part in parts:
        d, b, e = doc[part], start[part], end[part]
        if not len(d):
            continue
        new_doc = np.r_[True, d[1:] != d[:-1]]
        last_in_doc = np.r_[d[1:] != d[:-1], True]
        inner = ~new_doc
        docs += [d[new_doc], d[inner], d[last_in_doc]]
        sizes += [b[new_doc] - offsets[d[new_doc]], b[1:][inner[1:]] - e[:-1][inner[1:]],
                  offsets[d[last_in_doc]] + lengths[d[last_in_doc]] - e[last_in_doc]]
        weights += [np.ones(int(new_doc.sum()), np.int64), np.ones(int(inner.sum()), np.int64),
                    np.ones(int(last_in_doc.sum()), np.int64)]
        raters_with_units[unique(d)] += 1
    empty = n_raters - raters_with_units
    whole = np.flatnonzero(empty)
    docs.append(whole)
    sizes.append(lengths[whole])
    weights.append(empty[whole])
    g_doc, g_len, g_weight = (np.concatenate(x) for x in (docs, sizes, weights))
    nonzero = g_len > 0
    return g_doc[nonzero], g_len[nonzero], g_weight[nonzero]


def _fits(g_len: Array, g_weight: Array, u_len: Array, *, g_doc: Array | None,
          u_doc: Array | None) -> Array:
    """Per unit of length l: sum over gaps g >= l (of its document, if given) of g - l + 1."""
    span = float(max(g_len.max(initial=0), u_len.max(initial=0)) + 1)
    g_key = g_len.astype(np.float64) + (0 if g_doc is None else g_doc * span)
    order = np.argsort(g_key, kind="stable")
    g_key, g_val, g_w = g_key[order], g_len[order].astype(np.float64), g_weight[order]
    cum_w = np.r_[0.0, np.cumsum(g_w, dtype=np.float64)]
    cum_wg = np.r_[0.0, np.cumsum(g_w * g_val)]
    lo = np.searchsorted(g_key, u_len + (0 if u_doc is None else u_doc * span), side="left")
    hi = np.full(len(u_len), len(g_key)) if u_doc is None else \
        np.searchsorted(g_key, (u_doc + 1) * span, side="left")
    count = cum_w[hi] - cum_w[lo]
    weighted: Array = (cum_wg[hi] - cum_wg[lo]) - (u_len - 1) * count
    return weighted
