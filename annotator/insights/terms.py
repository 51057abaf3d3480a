"""Words and terms: one tokenizer for every count, and distinctive terms.

A *word* is a token of the project's spaCy tokenizer (:func:`annotator.nlp.pipeline`,
blank English by default) that is neither white space nor punctuation; every
per-1,000-words figure counts those. A span's *term* is the spaCy NORM of the
words it overlaps, joined by a space ("Slammed" and "slammed" are one term).

Distinctiveness is the log-odds ratio with an informative Dirichlet prior of
Monroe, Colaresi and Quinn (2008), "Fightin' Words", eq. 16-22: for group
*i* against the rest *j*,

    delta_w = log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w))
              - log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
    var(delta_w) ~ 1 / (y_wi + a_w) + 1 / (y_wj + a_w)
    z_w = delta_w / sqrt(var(delta_w))

with the prior ``a_w`` the term's count over all groups (``a_0`` their sum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..domain import Progress, no_progress

if TYPE_CHECKING:
    from spacy.language import Language

Array = np.ndarray
WORD_DEFINITION = ("words: tokens of spaCy's English tokenizer that are neither white space "
                   "nor punctuation")


@dataclass(frozen=True, eq=False)
class _Pieces:
    """Words of many pieces of text laid end to end (piece ``i`` starts at ``start[i]``)."""

    start: Array
    word_start: Array  # [word_start, word_end) on the same line, sorted
    word_end: Array
    norm: Array  # NORM hash of each word
    strings: Any  # spaCy's StringStore, to name the hashes

    def owner(self) -> Array:
        return np.searchsorted(self.start, self.word_start, side="right") - 1


def _tokens(pieces: Sequence[str], nlp: Language | None) -> _Pieces:
    """Tokenize many pieces of text in few tokenizer calls.

    spaCy splits text at white space before anything else and tokenizes each
    white-space-free chunk on its own, so pieces joined by a space tokenize
    exactly as they would one by one.
    """
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, NORM

    from ..nlp import pipeline, tokenizer_of

    tokenizer = tokenizer_of(nlp or pipeline())
    lengths = np.fromiter((len(p) + 1 for p in pieces), dtype=np.int64, count=len(pieces))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    tables = []
    for first in range(0, len(pieces), BATCH):
        text = " ".join(pieces[first:first + BATCH])
        table = tokenizer(text).to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, NORM]).reshape(-1, 5)
        table = table[(table[:, 2] == 0) & (table[:, 3] == 0)]
        tables.append((table[:, 0].astype(np.int64) + starts[first], table[:, 1].astype(np.int64),
                       table[:, 4]))
    if not tables:
        empty = np.zeros(0, np.int64)
        return _Pieces(starts, empty, empty, np.zeros(0, np.uint64), tokenizer.vocab.strings)
    word_start = np.concatenate([t[0] for t in tables])
    return _Pieces(starts, word_start, word_start + np.concatenate([t[1] for t in tables]),
                   np.concatenate([t[2] for t in tables]), tokenizer.vocab.strings)


BATCH = 20_000  # pieces per tokenizer call


def words(texts: Sequence[str], nlp: Language | None = None,
          progress: Progress = no_progress) -> Array:
    """Words per text. Each distinct white-space-free chunk is tokenized once
    (news articles repeat most of theirs), then the texts' chunks are summed."""
    progress(0, len(texts))
    split = [text.split() for text in texts]
    distinct: set[str] = set()
    for parts in split:
        distinct.update(parts)
    chunks = list(distinct)
    per_chunk = np.bincount(_tokens(chunks, nlp).owner(), minlength=len(chunks))
    found = dict(zip(chunks, per_chunk.tolist())).__getitem__
    progress(len(texts) // 2, len(texts))
    return np.fromiter((sum(map(found, parts)) for parts in split), dtype=np.int64,
                       count=len(texts))


def span_terms(texts: Sequence[str], doc: Array, start: Array, end: Array,
               nlp: Language | None = None) -> tuple[Array, tuple[str, ...]]:
    """Each span's term (the NORMs of the words it overlaps, joined by a space)
    as an index into the returned terms; index 0 is "" (a span without words,
    such as one over punctuation only).

    Each span is widened to whole white-space-free chunks (so no word is cut)
    and only those pieces are tokenized, each distinct one once.
    """
    keys = []
    for d, s, e in zip(doc.tolist(), start.tolist(), end.tolist()):
        text = texts[d]
        left = max(text.rfind(" ", 0, s), text.rfind("\n", 0, s)) + 1
        right = text.find(" ", e)
        right = len(text) if right < 0 else right
        newline = text.find("\n", e, right)
        right = right if newline < 0 else newline
        keys.append((text[left:right], s - left, e - left))
    distinct = sorted({k[0] for k in keys})
    found = _tokens(distinct, nlp)
    at = dict(zip(distinct, found.start.tolist()))
    base = np.fromiter((at[k[0]] for k in keys), dtype=np.int64, count=len(keys))
    rel = np.array([(k[1], k[2]) for k in keys], dtype=np.int64).reshape(-1, 2)
    first = np.searchsorted(found.word_end, base + rel[:, 0], side="right")
    stop = np.searchsorted(found.word_start, base + rel[:, 1], side="left")
    hashes = found.norm.tolist()
    ids: dict[tuple[int, ...], int] = {(): 0}
    out = np.fromiter((ids.setdefault(tuple(hashes[a:b]), len(ids))
                       for a, b in zip(first.tolist(), stop.tolist())),
                      dtype=np.int64, count=len(keys))
    strings = found.strings
    return out, tuple(" ".join(strings[h] for h in key) for key in ids)


def log_odds(counts: Array, prior: Array | None = None) -> Array:
    """z-scores of each group's log-odds ratio against all other groups.

    ``counts``: groups x terms. ``prior`` (per term) defaults to the counts
    summed over groups. Returns groups x terms; a term with no prior mass
    gets 0.
    """
    counts = np.asarray(counts, dtype=float)
    alpha = counts.sum(axis=0) if prior is None else np.asarray(prior, dtype=float)
    alpha0 = alpha.sum()
    n = counts.sum(axis=1, keepdims=True)
    rest = counts.sum(axis=0) - counts
    n_rest = n.sum() - n
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log((counts + alpha) / (n + alpha0 - counts - alpha))
                 - np.log((rest + alpha) / (n_rest + alpha0 - rest - alpha)))
        variance = 1.0 / (counts + alpha) + 1.0 / (rest + alpha)
        z = delta / np.sqrt(variance)
    return np.where(np.isfinite(z), z, 0.0)
