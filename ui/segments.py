"""Overlapping spans flattened into disjoint segments for drawing.

A character format is set once per run of text, so spans that overlap or nest
are cut at every boundary; each segment knows all spans covering it,
outermost first. One span's change only touches the segments inside its own
range, so an edit re-flattens that range alone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Segment(Generic[T]):
    start: int
    end: int
    items: tuple[T, ...]  # outermost first


def flatten(ranges: Iterable[tuple[int, int, T]],
            outer_first: Callable[[T], object]) -> list[Segment[T]]:
    """Disjoint segments, in order, of the non-empty ``(start, end, item)`` ranges;
    ``outer_first`` is the sort key that puts the outermost item first."""
    items: list[T] = []
    events: list[tuple[int, int, int]] = []
    for start, end, item in ranges:
        if start < end:
            events.append((start, 1, len(items)))
            events.append((end, 0, len(items)))  # closings sort before openings
            items.append(item)
    events.sort()
    active: dict[int, T] = {}
    segments: list[Segment[T]] = []
    previous = 0
    for position, opening, n in events:
        if active and position > previous:
            covering = tuple(active.values())
            if len(covering) > 1:
                covering = tuple(sorted(covering, key=outer_first))
            segments.append(Segment(previous, position, covering))
        if opening:
            active[n] = items[n]
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

    def replace(self, start: int, end: int, inside: list[Segment[T]]) -> None:
        """Swap the segments within ``[start, end)`` for ``inside`` (already
        clipped to it); segments straddling the edges keep their outer parts."""
        first = bisect_right(self._ends, start)
        last = bisect_left([s.start for s in self.segments[first:]], end) + first
        kept_left: list[Segment[T]] = []
        kept_right: list[Segment[T]] = []
        for segment in self.segments[first:last]:
            if segment.start < start:
                kept_left.append(Segment(segment.start, start, segment.items))
            if segment.end > end:
                kept_right.append(Segment(end, segment.end, segment.items))
        self.segments[first:last] = kept_left + inside + kept_right
        self._ends = [s.end for s in self.segments]
