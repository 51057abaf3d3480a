"""spaCy, loaded lazily: the embedded default is ``spacy.blank("en")`` plus the
rule-based sentencizer (nothing downloads); a user may name an installed
pipeline instead. Importing spaCy costs seconds, so nothing here runs at import.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, cast

from .errors import AnnotatorError
from .text import trim_for_label

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokenizer import Tokenizer
    from spacy.tokens import Doc

    from .schemes import Label

DEFAULT_PIPELINE = "blank:en"
_lock = threading.Lock()
_loaded: dict[str, Language] = {}


def pipeline(name: str | None = None) -> Language:
    """The named pipeline (``blank:LANG`` or an installed package), loaded once."""
    name = name or DEFAULT_PIPELINE
    with _lock:
        if name not in _loaded:
            _loaded[name] = _load(name)
        return _loaded[name]


def _load(name: str) -> Language:
    import spacy

    if name.startswith("blank:"):
        nlp = spacy.blank(name.split(":", 1)[1])
    else:
        try:
            nlp = spacy.load(name)
        except OSError as exc:
            raise AnnotatorError(f"cannot load spaCy pipeline {name!r}: {exc}") from None
    if not nlp.has_pipe("sentencizer") and not nlp.has_pipe("parser") \
            and not nlp.has_pipe("senter"):
        nlp.add_pipe("sentencizer")
    return nlp


def tokenizer_of(nlp: Language) -> Tokenizer:
    """``nlp.tokenizer``, typed: spaCy declares any callable, the pipelines here have a Tokenizer."""
    return cast("Tokenizer", nlp.tokenizer)


def snap(text: str, start: int, end: int, nlp: Language | None = None,
         label: Label | None = None) -> tuple[int, int] | None:
    """Grow a selection to whole tokens and trim white space around it; for a
    ``label``, then trim (or take in) edge quotes and end punctuation as its
    scheme says (:func:`annotator.text.trim_for_label`).

    Returns None for a selection that is empty or only white space. Only the
    words around the selection are tokenized (spaCy splits on white space
    first), so this costs the same on a 1 MB article as on a tweet.
    """
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    doc = (nlp or pipeline()).make_doc(text[left:right])
    span = doc.char_span(start - left, end - left, alignment_mode="expand")
    if span is not None and len(span):
        start, end = left + span.start_char, left + span.end_char
    if label is None:
        return start, end
    return trim_for_label(text, start, end, trim_punctuation=label.trim_punctuation,
                          keep_quotes=label.keep_quotes)


PIECE = 50_000  # characters parsed per call (see :func:`parse`)
_TAIL = 4_000
_GAPS = re.compile(r"\s+")
_SENTENCE_END = ".!?…\"”’')"


def parse(nlp: Language, text: str) -> Doc:
    """``nlp(text)``, made in pieces of about :data:`PIECE` characters when the text is long.

    spaCy holds the GIL for a whole call (about 1.5 s for a 1 MB article, 0.1 s
    for 60,000 characters), which would freeze the window while a worker thread
    parses; between pieces the window runs. Pieces are cut at white space,
    preferably a paragraph break after a sentence, so words keep their offsets
    and sentences their bounds. Merging the pieces costs more CPU in all (0.7
    instead of 0.3 s for 1 MB once spaCy's caches are warm) but never in one go.
    """
    if len(text) <= PIECE:
        return nlp(text)
    from spacy.tokens import Doc

    return Doc.from_docs(list(nlp.pipe(_pieces(text))), ensure_whitespace=False)


def _pieces(text: str) -> list[str]:
    pieces, start = [], 0
    while len(text) - start > PIECE:
        cut = _cut(text, start + 1, start + PIECE)
        if cut is None:
            break  # no white space to cut at: the rest in one piece
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _cut(text: str, low: int, high: int) -> int | None:
    """Where to end a piece inside ``text[low:high]``: at a white-space run,
    the last paragraph break after a sentence if any, else the last paragraph
    break, else the last run."""
    if high - low > _TAIL:  # a paragraph break is seldom far from the end: look there first
        found = _best_gap(text, high - _TAIL, high)
        if found is not None and found[0] == 3:
            return found[1]
    found = _best_gap(text, low, high)
    return found[1] if found else None


def _best_gap(text: str, low: int, high: int) -> tuple[int, int] | None:
    """(rank, cut) of the best white-space run wholly inside ``text[low:high]``.
    A run's leading space stays with the word before it (spaCy keeps it as
    that word's trailing white space)."""
    best: tuple[int, int] | None = None
    for gap in _GAPS.finditer(text, low, high):
        if text[gap.start() - 1].isspace() or (gap.end() < len(text) and text[gap.end()].isspace()):
            continue  # part of a run that goes on outside the window
        rank = 2 * (gap.group().count("\n") > 1) + (text[gap.start() - 1] in _SENTENCE_END)
        if best is None or rank >= best[0]:
            best = (rank, gap.start() + (text[gap.start()] == " "))
    return best
