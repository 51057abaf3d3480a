"""Coding measures on token-level decisions.

A unit is a (token, label) decision: did the annotator mark this token with
this label (a span covering any of its characters)? Tokens come from the
project's spaCy tokenizer, white-space tokens left out. Every annotator
decides every unit, so the data are complete (no missing values).

* Cohen's kappa for each pair, ``(p_o - p_e) / (1 - p_e)``;
* Fleiss' kappa over all annotators;
* Krippendorff's alpha (nominal), computed by the ``krippendorff`` package.

All three depend only on how many annotators marked each unit, so units are
counted, never materialized: unmarked units are one number. "Annotated only"
keeps the tokens at least one annotator marked (with any label).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import krippendorff
import numpy as np

from .corpus import Array, Corpus, unique
from .figures import COHEN, FLEISS, KRIPPENDORFF, TOKENS, Figure

UNIT = "token-label decision"
Hist = Sequence[int] | Array  # [k]: units marked by k of the annotators


def marked_units(corpus: Corpus, tok_start: Array, tok_end: Array) -> tuple[Array, Array, Array]:
    """Units someone marked: sorted ids ``token * labels + label``, how many
    annotators marked each, and a bit mask of which."""
    n_labels, n_raters = max(len(corpus.labels), 1), len(corpus.annotators)
    offsets = corpus.offsets
    b = offsets[corpus.doc] + corpus.start
    e = offsets[corpus.doc] + corpus.end
    lo = np.searchsorted(tok_end, b, side="right")
    count = np.maximum(np.searchsorted(tok_start, e, side="left") - lo, 0)
    token = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) \
        + np.repeat(lo, count)
    unit = token * n_labels + np.repeat(corpus.label, count)
    key = unique(unit * n_raters + np.repeat(corpus.rater, count))
    unit, rater = key // n_raters, key % n_raters
    first = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]]) if len(unit) else unit
    who = np.bitwise_or.reduceat(np.left_shift(1, rater), first) if len(unit) else unit
    return unit[first], np.diff(np.r_[first, len(unit)]), who


def coding_figures(corpus: Corpus, tok_doc: Array, tok_start: Array, tok_end: Array,
                   annotated_only: bool, per_document: bool
                   ) -> tuple[list[Figure], list[list[Figure]]]:
    n_labels, n_raters, n_docs = len(corpus.labels), len(corpus.annotators), len(corpus.texts)
    per_token = max(n_labels, 1)
    unit_ids, marks, who = marked_units(corpus, tok_start, tok_end)
    if annotated_only:
        kept_tokens = unique(unit_ids // per_token)
    else:
        kept_tokens = np.arange(len(tok_start))
    n_tokens = len(kept_tokens)
    label_of = unit_ids % per_token
    # hist[c, k]: units of label c marked by k annotators
    hist = np.bincount(label_of * (n_raters + 1) + marks,
                       minlength=n_labels * (n_raters + 1)).reshape(n_labels, n_raters + 1)
    hist[:, 0] = n_tokens - hist[:, 1:].sum(axis=1)
    names = corpus.annotators
    # "All labels" weighs the labels someone used (a label nobody used would
    # add a token's worth of agreed "no" decisions for every token)
    used = hist[:, 1:].sum(axis=1) > 0
    if not used.any():
        used[:] = True  # nobody marked anything: every label's "no", and the figure says so
    n_used = int(used.sum())
    overall = hist[used].sum(axis=0)
    figures: list[Figure] = []
    for c, label in enumerate(corpus.labels):
        figures.append(fleiss(hist[c], names, label))
        figures.append(krippendorff_alpha(hist[c], names, label))
    figures.append(fleiss(overall, names, None))
    figures.append(krippendorff_alpha(overall, names, None))
    marked_by = [(who >> r) & 1 == 1 for r in range(n_raters)]
    for i, j in combinations(range(n_raters), 2):
        n_i = np.bincount(label_of[marked_by[i]], minlength=n_labels)
        n_j = np.bincount(label_of[marked_by[j]], minlength=n_labels)
        n_b = np.bincount(label_of[marked_by[i] & marked_by[j]], minlength=n_labels)
        pair = (names[i], names[j])
        for c, label in enumerate(corpus.labels):
            figures.append(cohen(n_tokens, int(n_i[c]), int(n_j[c]), int(n_b[c]), pair, label))
        figures.append(cohen(n_tokens * n_used, int(n_i.sum()), int(n_j.sum()),
                             int(n_b.sum()), pair, None))
    documents: list[list[Figure]] = [[] for _ in range(n_docs)]
    if per_document:
        doc_of = tok_doc[unit_ids // per_token]
        per_doc = np.bincount(doc_of * (n_raters + 1) + marks,
                              minlength=n_docs * (n_raters + 1)).reshape(n_docs, n_raters + 1)
        tokens_per_doc = np.bincount(tok_doc[kept_tokens], minlength=n_docs)
        per_doc[:, 0] = tokens_per_doc * n_used - per_doc[:, 1:].sum(axis=1)
        values = fleiss_values(per_doc).tolist()
        for d, row in enumerate(per_doc.tolist()):
            documents[d].append(fleiss(row, names, None, values[d]))
    return figures, documents


def _counts(hist: Hist) -> dict[str, float]:
    return {"units": int(sum(hist)), "annotators": len(hist) - 1,
            "units_marked_by_any": int(sum(hist[1:])),
            "units_marked_by_all": int(hist[-1]) if len(hist) > 2 else 0}


def _uniform(hist: Hist) -> str:
    """Why chance-corrected agreement is undefined for these units, or ''."""
    n_units, raters = int(sum(hist)), len(hist) - 1
    if raters < 2:
        return "agreement needs at least two annotators"
    if n_units == 0:
        return "no units: no tokens in the documents compared"
    if hist[0] == n_units:
        return "no annotator marked any unit: every decision is 'no', so chance agreement is 1"
    if hist[-1] == n_units:
        return "every annotator marked every unit: chance agreement is 1"
    return ""


def fleiss_values(hist: Hist) -> Array:
    """Fleiss' kappa of each row ``hist[u, k]``: units marked by k annotators (nan if undefined)."""
    hist = np.atleast_2d(hist).astype(np.float64)
    n, r = hist.sum(axis=1), hist.shape[1] - 1
    k = np.arange(r + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_bar = (hist * (k * (k - 1) + (r - k) * (r - k - 1))).sum(axis=1) / (n * r * (r - 1))
        p_yes = (hist * k).sum(axis=1) / (n * r)
        p_e = p_yes ** 2 + (1 - p_yes) ** 2
        kappa: Array = (p_bar - p_e) / (1 - p_e)
    return kappa


def fleiss(hist: Hist, names: tuple[str, ...], label: str | None,
           value: float | None = None) -> Figure:
    """Fleiss' kappa from ``hist[k]``: units marked by k of the annotators."""
    why = _uniform(hist)
    if why:
        return Figure(FLEISS, TOKENS, UNIT, None, _counts(hist), label, names, why)
    value = float(fleiss_values(hist)[0]) if value is None else float(value)
    return Figure(FLEISS, TOKENS, UNIT, value, _counts(hist), label, names)


def krippendorff_alpha(hist: Array, names: tuple[str, ...], label: str | None) -> Figure:
    """Nominal alpha by the ``krippendorff`` package.

    Its coincidence matrix is a sum over units, and a unit on which all agree
    adds its pairable values to the diagonal whatever their number; so the
    units everybody left unmarked (or all marked) go in as one row each, and
    the mixed ones one row per unit: the same alpha, far fewer rows.
    """
    why = _uniform(hist)
    if why:
        return Figure(KRIPPENDORFF, TOKENS, UNIT, None, _counts(hist), label, names, why)
    r = len(hist) - 1
    k = np.arange(1, r)
    mixed = np.repeat(np.stack([r - k, k], axis=1), hist[1:r], axis=0)
    rows = np.vstack([[[r * hist[0], 0], [0, r * hist[r]]], mixed]).astype(np.float64)
    rows = rows[rows.sum(axis=1) > 0]
    value = float(krippendorff.alpha(value_counts=rows, level_of_measurement="nominal"))
    return Figure(KRIPPENDORFF, TOKENS, UNIT, value, _counts(hist), label, names)


def cohen(n: int, n_i: int, n_j: int, both: int, pair: tuple[str, str],
          label: str | None) -> Figure:
    """Cohen's kappa of two annotators on ``n`` yes/no units."""
    neither = n - n_i - n_j + both
    counts = {"units": n, "both": both, "only_first": n_i - both, "only_second": n_j - both,
              "neither": neither}
    if n == 0:
        why = "no units: no tokens in the documents compared"
    elif n_i == n_j and n_i in (0, n):
        why = ("neither annotator marked any unit" if n_i == 0
               else "both annotators marked every unit") + ": chance agreement is 1"
    else:
        why = ""
    if why:
        return Figure(COHEN, TOKENS, UNIT, None, counts, label, pair, why)
    p_o = (both + neither) / n
    p_e = (n_i / n) * (n_j / n) + (1 - n_i / n) * (1 - n_j / n)
    return Figure(COHEN, TOKENS, UNIT, (p_o - p_e) / (1 - p_e), counts, label, pair)
