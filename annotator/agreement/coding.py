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

from itertools import combinations

import krippendorff
import numpy as np

from .corpus import Array, Corpus
from .figures import COHEN, FLEISS, KRIPPENDORFF, TOKENS, Figure

UNIT = "token-label decision"


def marked_units(corpus: Corpus, tok_start: Array, tok_end: Array) -> list[Array]:
    """Per annotator, the sorted unit ids ``token * labels + label`` they marked."""
    n_labels = max(len(corpus.labels), 1)
    offsets = corpus.offsets
    result = []
    for rater in range(len(corpus.annotators)):
        mine = corpus.rater == rater
        if not mine.any():
            result.append(np.zeros(0, np.int64))
            continue
        b = offsets[corpus.doc[mine]] + corpus.start[mine]
        e = offsets[corpus.doc[mine]] + corpus.end[mine]
        lo = np.searchsorted(tok_end, b, side="right")
        count = np.maximum(np.searchsorted(tok_start, e, side="left") - lo, 0)
        token = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count) \
            + np.repeat(lo, count)
        result.append(np.unique(token * n_labels + np.repeat(corpus.label[mine], count)))
    return result


def coding_figures(corpus: Corpus, tok_doc: Array, tok_start: Array, tok_end: Array,
                   annotated_only: bool, per_document: bool
                   ) -> tuple[list[Figure], list[list[Figure]]]:
    n_labels, n_raters, n_docs = len(corpus.labels), len(corpus.annotators), len(corpus.texts)
    units = marked_units(corpus, tok_start, tok_end)
    every = np.concatenate(units) if units else np.zeros(0, np.int64)
    unit_ids, marks = np.unique(every, return_counts=True)
    if annotated_only:
        kept_tokens = np.unique(unit_ids // max(n_labels, 1))
    else:
        kept_tokens = np.arange(len(tok_start))
    tokens_per_doc = np.bincount(tok_doc[kept_tokens], minlength=n_docs)
    n_tokens = len(kept_tokens)
    label_of = unit_ids % max(n_labels, 1)
    # hist[c, k]: units of label c marked by k annotators
    hist = np.zeros((n_labels, n_raters + 1), np.int64)
    np.add.at(hist, (label_of, marks), 1)
    hist[:, 0] = n_tokens - hist[:, 1:].sum(axis=1)
    names = corpus.annotators
    figures: list[Figure] = []
    for c, label in enumerate(corpus.labels):
        figures.append(fleiss(hist[c], names, label))
        figures.append(krippendorff_alpha(hist[c], names, label))
    figures.append(fleiss(hist.sum(axis=0), names, None))
    figures.append(krippendorff_alpha(hist.sum(axis=0), names, None))
    for i, j in combinations(range(n_raters), 2):
        both = np.intersect1d(units[i], units[j], assume_unique=True)
        n_i = np.bincount(units[i] % max(n_labels, 1), minlength=n_labels)
        n_j = np.bincount(units[j] % max(n_labels, 1), minlength=n_labels)
        n_b = np.bincount(both % max(n_labels, 1), minlength=n_labels)
        pair = (names[i], names[j])
        for c, label in enumerate(corpus.labels):
            figures.append(cohen(n_tokens, int(n_i[c]), int(n_j[c]), int(n_b[c]), pair, label))
        figures.append(cohen(n_tokens * n_labels, int(n_i.sum()), int(n_j.sum()),
                             int(n_b.sum()), pair, None))
    documents: list[list[Figure]] = [[] for _ in range(n_docs)]
    if per_document:
        doc_of = tok_doc[unit_ids // max(n_labels, 1)]
        per_doc = np.zeros((n_docs, n_raters + 1), np.int64)
        np.add.at(per_doc, (doc_of, marks), 1)
        per_doc[:, 0] = tokens_per_doc * n_labels - per_doc[:, 1:].sum(axis=1)
        for d in range(n_docs):
            documents[d].append(fleiss(per_doc[d], names, None))
    return figures, documents


def _counts(hist: Array) -> dict[str, float]:
    return {"units": int(hist.sum()), "annotators": len(hist) - 1,
            "units_marked_by_any": int(hist[1:].sum()),
            "units_marked_by_all": int(hist[-1]) if len(hist) > 2 else 0}


def _uniform(hist: Array) -> str:
    """Why chance-corrected agreement is undefined for these units, or ''."""
    n_units, raters = int(hist.sum()), len(hist) - 1
    if raters < 2:
        return "agreement needs at least two annotators"
    if n_units == 0:
        return "no units: no tokens in the documents compared"
    if hist[0] == n_units:
        return "no annotator marked any unit: every decision is 'no', so chance agreement is 1"
    if hist[-1] == n_units:
        return "every annotator marked every unit: chance agreement is 1"
    return ""


def fleiss(hist: Array, names: tuple[str, ...], label: str | None) -> Figure:
    """Fleiss' kappa from ``hist[k]``: units marked by k of the annotators."""
    why = _uniform(hist)
    if why:
        return Figure(FLEISS, TOKENS, UNIT, None, _counts(hist), label, names, why)
    n, r = hist.sum(), len(hist) - 1
    k = np.arange(r + 1)
    agree = (k * (k - 1) + (r - k) * (r - k - 1)) / (r * (r - 1))
    p_bar = float((hist * agree).sum() / n)
    p_yes = float((hist * k).sum() / (n * r))
    p_e = p_yes ** 2 + (1 - p_yes) ** 2
    return Figure(FLEISS, TOKENS, UNIT, (p_bar - p_e) / (1 - p_e), _counts(hist), label, names)


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
