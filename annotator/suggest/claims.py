"""Claim-cue suggester: sentences that assert without attribution or evidence.

Rule-based, over the sentencizer's sentences (also split at line breaks, so a
headline is a sentence of its own). Three cue lists, data files in
``assets/cues/`` (format and scoring in ``assets/cues/README.md``):

* ``assertive.txt`` — assertive verbs and absolutes; a sentence needs one;
* ``attribution.txt`` — reporting verbs, source and evidence phrases; a
  quotation mark counts as attribution too;
* ``hedges.txt`` — hedges, which lower the score.

Each line is a phrase, optionally a TAB and a weight in (0, 1]. The
proposed span is the sentence without edge white space and final
punctuation, as the scheme's guideline for ``unsupported-claim`` asks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FormatError
from ..resources import ASSETS_DIR
from ..schemes import Scheme
from .base import (
    PhraseLine,
    Suggester,
    Suggestion,
    Target,
    Unavailable,
    find,
    phrase_matcher,
    read_phrase_file,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

LABEL = "unsupported-claim"
CUES_DIR = ASSETS_DIR / "cues"
KINDS = ("assertive", "attribution", "hedges")
THRESHOLD = 0.3
MIN_WORDS = 4


@dataclass(frozen=True)
class Cue:
    kind: str
    phrase: str
    weight: float


def read_cues(path: Path, kind: str) -> list[Cue]:
    """The cues of one file; :class:`FormatError` on a bad line."""
    return [_cue(line, kind) for line in read_phrase_file(path, max_fields=2)]


def _cue(line: PhraseLine, kind: str) -> Cue:
    weight = 1.0
    if line.fields and line.fields[0]:
        try:
            weight = float(line.fields[0])
        except ValueError:
            raise FormatError(f"weight {line.fields[0]!r} is not a number",
                              file=line.file, line=line.line) from None
        if not 0 < weight <= 1:
            raise FormatError(f"weight {weight} is not between 0 and 1",
                              file=line.file, line=line.line)
    return Cue(kind, line.phrase, weight)


def _combined(weights: Iterable[float]) -> float:
    rest = 1.0
    for weight in weights:
        rest *= 1 - weight
    return 1 - rest


class ClaimSuggester(Suggester):
    name = "claim-cues"
    title = "Claim cues"
    labels = (LABEL,)

    def __init__(self, nlp: Language, scheme: Scheme, folder: Path = CUES_DIR):
        if not scheme.has_label(LABEL):
            raise Unavailable(f"the scheme {scheme.name!r} has no {LABEL!r} label")
        self.cues = {str(i): cue for i, cue in enumerate(
            cue for kind in KINDS for cue in read_cues(folder / f"{kind}.txt", kind))}
        self._matcher = phrase_matcher(nlp, {key: [cue.phrase] for key, cue in self.cues.items()})
        self._strings = nlp.vocab.strings

    def suggest(self, target: Target) -> Iterable[Suggestion]:
        doc = target.doc
        segments = _segments(doc)
        starts = [start for start, _end in segments]
        found: dict[int, list[tuple[int, int, Cue]]] = {}
        for match_id, start, end in find(self._matcher, doc):
            index = bisect_right(starts, start) - 1
            found.setdefault(index, []).append((start, end, self.cues[self._strings[match_id]]))
        for index, matches in sorted(found.items()):
            start, end = segments[index]
            suggestion = self._judge(target, doc, start, end, _outermost(matches))
            if suggestion is not None:
                yield suggestion

    def _judge(self, target: Target, doc: Doc, start: int, end: int,
               cues: list[Cue]) -> Suggestion | None:
        sentence = doc[start:end]
        if any(token.is_quote for token in sentence):
            return None
        by_kind = {kind: [c for c in cues if c.kind == kind] for kind in KINDS}
        if not by_kind["assertive"]:
            return None
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            if doc[end - 1].text == "?":
                return None  # a question asserts nothing
            end -= 1
        if sum(1 for token in doc[start:end] if token.is_alpha) < MIN_WORDS:
            return None
        score = (_combined(c.weight for c in by_kind["assertive"])
                 * (1 - _combined(c.weight for c in by_kind["attribution"]))
                 * (1 - _combined(c.weight for c in by_kind["hedges"])))
        if score < THRESHOLD:
            return None
        reason = "asserts (" + ", ".join(_phrases(by_kind["assertive"])) + ")"
        reason += " with no source or quotation"
        if by_kind["attribution"]:
            reason += "; weak attribution: " + ", ".join(_phrases(by_kind["attribution"]))
        if by_kind["hedges"]:
            reason += "; hedged: " + ", ".join(_phrases(by_kind["hedges"]))
        span = doc[start:end]
        return Suggestion(target.document.id, self.name, LABEL, span.start_char, span.end_char,
                          round(score, 3), reason)


def _outermost(matches: list[tuple[int, int, Cue]]) -> list[Cue]:
    """Cues not inside a longer cue of the same kind ("everyone" in "everyone knows")."""
    return [cue for start, end, cue in matches
            if not any(c.kind == cue.kind and s <= start and end <= e and (s, e) != (start, end)
                       for s, e, c in matches)]


def _phrases(cues: list[Cue]) -> list[str]:
    return sorted({f'"{cue.phrase}"' for cue in cues})


def _segments(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of sentences, split at line breaks, without edge white space."""
    segments: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if token.is_space and ("\n" in token.text or "\r" in token.text):
                segments.append((start, token.i))
                start = token.i + 1
        segments.append((start, sent.end))
    trimmed = []
    for start, end in segments:
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed
