"""Spans of several annotators written to a format that has no annotators."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from ..domain import SpanData
from ..wording import plural


class MergedLayers:
    """Yields each span once per document and says what it merged.

    Spans are the same when what the format writes of them is: label and
    extent, and with ``details`` (a format that carries notes and attributes)
    the note and attributes too. Without ``details``, the notes and attributes
    left unwritten are counted and reported.
    """

    def __init__(self, format_title: str, *, details: bool = False):
        self.format_title = format_title
        self.details = details
        self.annotators: set[str] = set()
        self.repeated = 0
        self.noted = self.attributed = 0  # written without their note / attributes

    def unique(self, spans: Iterable[SpanData]) -> Iterator[SpanData]:
        seen: set[tuple[object, ...]] = set()
        for span in spans:
            identity: tuple[object, ...] = (span.label, span.start, span.end)
            if self.details:
                identity += (span.note, json.dumps(span.attributes, sort_keys=True, default=str))
            if identity in seen:
                self.repeated += 1
                continue
            seen.add(identity)
            self.annotators.add(span.annotator)
            if not self.details:
                self.noted += bool(span.note)
                self.attributed += bool(span.attributes)
            yield span

    def notes(self) -> list[str]:
        notes = []
        if len(self.annotators) > 1:
            notes.append(f"{self.format_title} files have no annotators: the spans of "
                         f"{len(self.annotators)} annotators are merged (choose one with "
                         "--annotator, or --gold)")
        if self.repeated:
            notes.append(f"{plural(self.repeated, 'span')} repeated another annotator's identical span "
                         "and were written once")
        if self.noted or self.attributed:
            notes.append(f"{self.format_title} files have no notes or attributes: "
                         f"{plural(self.noted, 'note')} and the attributes of "
                         f"{plural(self.attributed, 'span')} were not written")
        return notes
