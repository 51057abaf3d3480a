"""spaCy, loaded lazily: the embedded default is ``spacy.blank("en")`` plus the
rule-based sentencizer (nothing downloads); a user may name an installed
pipeline instead. Importing spaCy costs seconds, so nothing here runs at import.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .errors import AnnotatorError

if TYPE_CHECKING:
    from spacy.language import Language

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


def snap(text: str, start: int, end: int, nlp: Language | None = None) -> tuple[int, int] | None:
    """Grow a selection to whole tokens and trim white space around it.

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
    if span is None or not len(span):
        return start, end
    return left + span.start_char, left + span.end_char
