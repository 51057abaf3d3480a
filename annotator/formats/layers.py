"""Spans of several annotators written to a format that has no annotators."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..domain import SpanData


class MergedLayers:
    """Yields each (label, start, end) once per document and says what it merged."""

    def __init__(self, format_title: str):
        self.format_title = format_title
        self.annotators: set[str] = set()
        self.repeated = 0

    def unique(self, spans: Iterable[SpanData]) -> Iterator[SpanData]:
        seen: set[tuple[str, int, int]] = set()
        for span in spans:
            identity = (span.label, span.start, span.end)
            if identity in seen:
                self.repeated += 1
                continue
            seen.add(identity)
            self.annotators.add(span.annotator)
            yield span

    def notes(self) -> list[str]:
        notes = []
        if len(self.annotators) > 1:
            notes.append(f"{self.format_title} files have no annotators: the spans of "
                         f"{len(self.annotators)} annotators are merged (choose one with "
                         "--annotator, or --gold)")
        if self.repeated:
            notes.append(f"{self.repeated} spans repeated another annotator's identical span "
                         "and were written once")
        return notes
