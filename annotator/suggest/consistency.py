"""Consistency suggester: what the analyst tagged once is proposed everywhere.

The project lexicon is every distinct (label, text) pair of live spans (the
annotator's own when one is named, else everyone's), each span's text cut
from its document's (code points, like our offsets). Each
other occurrence of such a text, matched like a lexicon term (case, quote and
dash style ignored), is proposed with the same label. For evaluation
(``Target.held_out``) the document's own spans are left out, so the figures
measure how well decisions carry over to documents not yet seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..models import Annotator, Document, Span
from .base import Suggester, Suggestion, Target, find, phrase_matcher, variants

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher

    from ..project import Project

MAX_CHARS = 200  # longer spans (whole claims) rarely recur verbatim


class ConsistencySuggester(Suggester):
    name = "consistency"
    title = "Consistency with tagged spans"

    def __init__(self, nlp: Language, project: Project):
        self.nlp = nlp
        self.project = project
        self.labels = tuple(label.key for label in project.scheme.labels)
        # (the terms it was built from, the matcher, match key -> (label, text, count))
        self._built: tuple[frozenset[tuple[tuple[str, str], int]], PhraseMatcher,
                           dict[str, tuple[str, str, int]]] | None = None

    def terms(self, annotator: str | None, exclude_document: int | None = None) -> dict[tuple[str, str], int]:
        """(label, text) of tagged spans -> how many times it was tagged.

        Each document's text is read once and the spans cut from it here: SQL's
        ``substr`` per span would read the whole text for every span (minutes
        for 5,000 spans on a 5 MB article).
        """
        query = (select(Span.document_id, Span.label, Span.start, Span.end)
                 .where(Span.deleted_at.is_(None), Span.end - Span.start <= MAX_CHARS)
                 .order_by(Span.document_id))
        if annotator is not None:
            query = query.join(Annotator).where(Annotator.name == annotator)
        if exclude_document is not None:
            query = query.where(Span.document_id != exclude_document)
        with self.project.reading() as s:
            found: dict[tuple[str, str], int] = {}
            for document_id, rows in groupby(s.execute(query).all(), key=itemgetter(0)):
                text = s.scalar(select(Document.text).where(Document.id == document_id)) or ""
                for _id, label, start, end in rows:
                    key = (label, " ".join(text[start:end].split()))
                    if key[1]:
                        found[key] = found.get(key, 0) + 1
            return found

    def suggest(self, target: Target) -> Iterable[Suggestion]:
        terms = self.terms(target.annotator,
                           target.document.id if target.held_out else None)
        if not terms:
            return
        matcher, entries = self._matcher(terms)
        strings = self.nlp.vocab.strings
        doc = target.doc
        for match_id, start, end in find(matcher, doc):
            label, text, count = entries[strings[match_id]]
            span = doc[start:end]
            times = "once" if count == 1 else f"{count} times"
            yield Suggestion(target.document.id, self.name, label, span.start_char, span.end_char,
                             round(min(0.95, 0.7 + 0.05 * count), 2),
                             f'"{text}" was tagged {label} {times} in this project')

    def _matcher(self, terms: dict[tuple[str, str], int]
                 ) -> tuple[PhraseMatcher, dict[str, tuple[str, str, int]]]:
        key = frozenset(terms.items())
        if self._built is None or self._built[0] != key:
            entries = {f"consistency:{i}": (label, text, count)
                       for i, ((label, text), count) in enumerate(sorted(terms.items()))}
            matcher = phrase_matcher(self.nlp, {k: variants(text)
                                                for k, (_label, text, _n) in entries.items()})
            self._built = (key, matcher, entries)
        return self._built[1], self._built[2]
