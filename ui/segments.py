"""Overlapping spans flattened into disjoint segments for drawing.

A character format is set once per run of text, so spans that overlap or nest
are cut at every boundary; each segment knows all spans covering it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Segment(Generic[T]):
    start: int
    end: int
    items: tuple[T, ...]  # outermost (longest) first


def flatten(ranges: Iterable[tuple[int, int, T]]) -> list[Segment[T]]:
    """Disjoint segments, in order, of the non-empty ``(start, end, item)`` ranges."""
    events: list[tuple[int, int, int, int, T]] = []
    for n, (start, end, item) in enumerate(ranges):
        if start < end:
            events.append((start, 1, end, n, item))
            events.append((end, 0, start, n, item))
    events.sort(key=lambda e: (e[0], e[1]))
    active: dict[int, tuple[int, int, T]] = {}
    segments: list[Segment[T]] = []
    previous = 0
    for position, opening, other, n, item in events:
        if active and position > previous:
            covering = sorted(active.values(), key=lambda a: (a[0] - a[1], a[0]))
            segments.append(Segment(previous, position, tuple(a[2] for a in covering)))
        if opening:
            active[n] = (position, other, item)
        else:
            del active[n]
        previous = position
    return segments


class SegmentIndex(Generic[T]):
    """Segments looked up by position range (for one text block at a time)."""

    def __init__(self, segments: list[Segment[T]]):
        self.segments = segments
        self._ends = [s.end for s in segments]

    def overlapping(self, start: int, end: int) -> list[Segment[T]]:
        i = bisect_right(self._ends, start)
        found = []
        while i < len(self.segments) and self.segments[i].start < end:
            found.append(self.segments[i])
            i += 1
        return found

    def at(self, position: int) -> tuple[T, ...]:
        """Items covering the character at ``position``."""
        hit = self.overlapping(position, position + 1)
        return hit[0].items if hit else ()
