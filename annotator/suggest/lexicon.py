"""Lexicon suggester: terms and phrases from plain-text lexicon files.

Lexicon file format (UTF-8 text, one entry a line)::

    # a comment: lines starting with '#' and blank lines are skipped
    regime
    thugs<TAB>labeling
    so-called<TAB>scare-quotes<TAB>distancing word

* the first field is a term or a multi-word phrase;
* the optional second field (after a TAB) is the label key it is proposed
  with; empty or missing means ``loaded-term``;
* the optional third field is a note shown to the analyst as the reason.

Matching ignores case and treats curly and straight quotes, dashes and
hyphens alike; "so-called" also matches "so called". The default spaCy
pipeline has no lemmatizer, so inflected forms must be listed as entries of
their own (``infest``, ``infests``, ``infested``, ``infesting``); with a
pipeline that has one, lemmas match too (:attr:`LexiconSuggester.lemmas`).
Entries whose label the project's scheme lacks are skipped (counted in
``notes``); a malformed line is a :class:`FormatError` naming file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import FormatError
from ..resources import ASSETS_DIR
from ..schemes import LABEL_KEY, Scheme
from .base import (
    PhraseLine,
    Suggester,
    Suggestion,
    Target,
    Unavailable,
    find,
    has_lemmatizer,
    phrase_matcher,
    read_phrase_file,
    variants,
)

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_LABEL = "loaded-term"
LEXICON_DIR = ASSETS_DIR / "lexicons"
STARTER_LEXICON = LEXICON_DIR / "loaded-terms.txt"
SCORE = 0.7


@dataclass(frozen=True)
class Entry:
    term: str
    label: str
    note: str
    file: str
    line: int


def read_lexicon(path: Path) -> list[Entry]:
    """The entries of a lexicon file; :class:`FormatError` on a bad line."""
    return [_entry(line) for line in read_phrase_file(path, max_fields=3)]


def _entry(line: PhraseLine) -> Entry:
    label = line.fields[0] if line.fields and line.fields[0] else DEFAULT_LABEL
    if not LABEL_KEY.match(label):
        raise FormatError(f"{label!r} is not a label key", file=line.file, line=line.line)
    note = line.fields[1] if len(line.fields) > 1 else ""
    return Entry(line.phrase, label, note, line.file, line.line)


def lexicon_name(path: Path) -> str:
    return f"lexicon:{path.stem}"


class LexiconSuggester(Suggester):
    """Proposes every occurrence of a lexicon's terms with the term's label."""

    def __init__(self, nlp: Language, path: Path, scheme: Scheme,
                 entries: Sequence[Entry] | None = None):
        self.name = lexicon_name(path)
        self.title = f"Lexicon {path.name}"
        self.path = path
        self.lemmas = has_lemmatizer(nlp)
        entries = read_lexicon(path) if entries is None else entries
        kept = [e for e in entries if scheme.has_label(e.label)]
        if not kept:
            labels = ", ".join(sorted({e.label for e in entries})) or "none: the file is empty"
            raise Unavailable(f"{path.name}: no entry has a label of the scheme {scheme.name!r} "
                              f"(labels used: {labels})")
        skipped = sorted({e.label for e in entries} - {e.label for e in kept})
        self.notes = [f"{path.name}: {len(entries) - len(kept)} entries skipped: label "
                      f"{', '.join(skipped)} not in the scheme"] if skipped else []
        self.labels = tuple(sorted({e.label for e in kept}))
        self.entries = {str(i): e for i, e in enumerate(kept)}
        self._matcher = phrase_matcher(
            nlp, {key: variants(e.term) for key, e in self.entries.items()})
        self._strings = nlp.vocab.strings

    def suggest(self, target: Target) -> Iterable[Suggestion]:
        doc = target.doc
        best: dict[tuple[str, int, int], Entry] = {}
        for match_id, start, end in find(self._matcher, doc):
            entry = self.entries[self._strings[match_id]]
            span = doc[start:end]
            best.setdefault((entry.label, span.start_char, span.end_char), entry)
        for (label, start, end), entry in _longest(best):
            where = f"{Path(entry.file).name}:{entry.line}"
            reason = f'lexicon term "{entry.term}" ({where})'
            if entry.note:
                reason += f": {entry.note}"
            yield Suggestion(target.document.id, self.name, label, start, end, SCORE, reason)


def _longest(found: dict[tuple[str, int, int], Entry]) -> list[tuple[tuple[str, int, int], Entry]]:
    """Matches not inside a longer match of the same label."""
    items = sorted(found.items(), key=lambda item: (item[0][1], -item[0][2]))
    kept: list[tuple[tuple[str, int, int], Entry]] = []
    reach: dict[str, int] = {}
    for key, entry in items:
        label, _start, end = key
        if end <= reach.get(label, -1):
            continue
        reach[label] = max(end, reach.get(label, -1))
        kept.append((key, entry))
    return kept
