"""What every suggester shares: the :class:`Suggestion` value, the
:class:`Suggester` interface and the phrase files lexicons and cues are read from.

A suggestion is never stored: it lives in memory until an analyst accepts it
(then it becomes a span with origin ``suggested``) or rejects it (then it is
remembered in ``rejected_suggestion`` and not proposed again).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain import DocumentData
from ..errors import AnnotatorError, FormatError
from ..nlp import tokenizer_of
from ..text import read_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

_COMPACT = "annotator.suggest.compact"  # Doc.user_data key of the white-space-free copy
# Hyphens and dashes a writer may put inside a compound.
_HYPHENS = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014]")


@dataclass(frozen=True)
class Suggestion:
    """A span a suggester proposes; offsets are code points of the document text."""

    document_id: int
    suggester: str
    label: str
    start: int
    end: int
    score: float
    reason: str

    @property
    def key(self) -> tuple[str, int, int]:
        """What a rejection remembers: the same label on the same characters."""
        return self.label, self.start, self.end


@dataclass(frozen=True)
class Target:
    """One document being looked at: its data and its spaCy ``Doc``.

    ``held_out`` is set by evaluation: suggesters that learn from the
    project's spans must then ignore this document's own spans.
    """

    document: DocumentData
    doc: Doc
    annotator: str | None = None
    held_out: bool = False


class Suggester(ABC):
    """Proposes spans of some labels. Subclasses set ``name``, ``title`` and ``labels``."""

    name: str
    title: str
    labels: tuple[str, ...]

    @abstractmethod
    def suggest(self, target: Target) -> Iterable[Suggestion]:
        """Suggestions for one document (unfiltered: the engine drops rejected ones)."""

    def evaluable(self, document_id: int) -> bool:
        """Whether figures on this document say anything (False for training data)."""
        return True


@dataclass(frozen=True)
class PhraseLine:
    """One entry of a phrase file: the phrase and its tab-separated fields."""

    phrase: str
    fields: tuple[str, ...]
    file: str
    line: int


def read_phrase_file(path: Path, max_fields: int) -> list[PhraseLine]:
    """Entries of a plain-text phrase file (lexicons, cue lists).

    UTF-8; one entry a line: the phrase, then up to ``max_fields - 1`` more
    fields separated by TAB characters. Blank lines and lines starting with
    ``#`` are skipped. A phrase may not be empty; runs of spaces in it count
    as one.
    """
    text, _encoding = read_text(path)
    return parse_phrases(text, str(path), max_fields)


def parse_phrases(text: str, source: str, max_fields: int) -> list[PhraseLine]:
    entries: list[PhraseLine] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) > max_fields:
            raise FormatError(f"{len(parts)} tab-separated fields; at most {max_fields} "
                              "are allowed", file=source, line=number)
        phrase = " ".join(parts[0].split())
        if not phrase:
            raise FormatError("empty phrase before a tab", file=source, line=number)
        entries.append(PhraseLine(phrase, tuple(p.strip() for p in parts[1:]), source, number))
    return entries


def variants(phrase: str) -> list[str]:
    """Spellings of a phrase that differ only in hyphenation.

    Case, curly versus straight quotes and the dashes the tokenizer splits at
    are already equal under spaCy's NORM attribute; "so-called" also matches
    "so called", "socalled" and the Unicode hyphens the tokenizer keeps inside
    a word (U+2010, U+2011).
    """
    found = [phrase]
    if _HYPHENS.search(phrase):
        for joiner in (" ", "", "\u2010", "\u2011"):
            spelled = " ".join(_HYPHENS.sub(joiner, phrase).split())
            if spelled and spelled not in found:
                found.append(spelled)
    return found


def has_lemmatizer(nlp: Language) -> bool:
    """Whether the pipeline sets lemmas (the blank default does not)."""
    return nlp.has_pipe("lemmatizer")


def phrase_matcher(nlp: Language, phrases: dict[str, list[str]]) -> PhraseMatcher:
    """A case- and punctuation-insensitive matcher of ``{key: [phrase, ...]}``.

    Matches on NORM (lower case, curly quotes and dashes made plain) and, when
    the pipeline has a lemmatizer, also on LEMMA so inflected forms match.
    Match ids are the keys (``nlp.vocab.strings[match_id]``).
    """
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for key, texts in phrases.items():
        matcher.add(key, list(tokenizer_of(nlp).pipe(texts)))
    if has_lemmatizer(nlp):
        lemmas = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for key, texts in phrases.items():
            lemmas.add(key, list(nlp.pipe(texts)))
        return _Both(matcher, lemmas)  # type: ignore[return-value]
    return matcher


class _Both:
    """Two phrase matchers answering as one (NORM and LEMMA)."""

    def __init__(self, *matchers: PhraseMatcher):
        self.matchers = matchers

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return sorted({m for matcher in self.matchers for m in matcher(doc)})


def find(matcher: PhraseMatcher, doc: Doc) -> list[tuple[int, int, int]]:
    """``(match_id, start, end)`` token ranges of ``doc``, with white-space
    tokens skipped, so a phrase matches across runs of spaces and line breaks."""
    keep, compact = _compact(doc)
    if compact is None:
        return sorted(set(matcher(doc)))
    return sorted({(match_id, keep[start], keep[end - 1] + 1)
                   for match_id, start, end in matcher(compact)})


def _compact(doc: Doc) -> tuple[list[int], Doc | None]:
    """The doc without white-space tokens and their indices (None if it has none),
    made once per doc: every suggester matches on it."""
    found = doc.user_data.get(_COMPACT)
    if found is None:
        from spacy.tokens import Doc

        keep = [token.i for token in doc if not token.is_space]
        compact = None
        if len(keep) < len(doc):
            words = [doc[i].text for i in keep]
            lemmas = [doc[i].lemma_ for i in keep] if doc.has_annotation("LEMMA") else None
            compact = Doc(doc.vocab, words=words, lemmas=lemmas)
        found = doc.user_data[_COMPACT] = (keep, compact)
    return found


class Unavailable(AnnotatorError):
    """A suggester cannot run for this project; the message says why."""
