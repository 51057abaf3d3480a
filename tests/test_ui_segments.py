"""Span segments: flattening overlapping spans, and redrawing one span's range."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ui.segments import Segment, SegmentIndex, flatten

ranges = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)).map(lambda t: (t[0], t[0] + t[1])),
                  max_size=12)


def outer_first(item: tuple[int, int, int]) -> tuple[int, int, int]:
    start, end, n = item
    return start - end, start, n


def flat(spans: list[tuple[int, int]]) -> list[Segment]:
    return flatten(((s, e, (s, e, n)) for n, (s, e) in enumerate(spans)), outer_first)


def covering(segments: list[Segment], position: int) -> tuple:
    return next((s.items for s in segments if s.start <= position < s.end), ())


@given(ranges)
@settings(max_examples=150)
def test_every_character_knows_exactly_the_spans_over_it(spans):
    segments = flat(spans)
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:]))
    for position in range(60):
        expected = sorted(((s, e, n) for n, (s, e) in enumerate(spans) if s <= position < e),
                          key=outer_first)
        assert list(covering(segments, position)) == expected


@given(ranges, st.tuples(st.integers(0, 40), st.integers(1, 12)), st.booleans())
@settings(max_examples=150)
def test_redrawing_one_span_range_equals_flattening_everything(spans, new, remove):
    spans = list(spans)
    if remove and spans:
        changed = spans.pop()
        before = spans + [changed]
    else:
        changed = (new[0], new[0] + new[1])
        before = list(spans)
        spans = spans + [changed]
    index = SegmentIndex(flat(before))
    items = [(s, e, (s, e, n)) for n, (s, e) in enumerate(spans)]
    a, b = changed
    inside = [(max(s, a), min(e, b), item) for s, e, item in items if s < b and e > a]
    index.replace(a, b, flatten(inside, outer_first))
    for position in range(60):
        got = [(s, e) for s, e, _n in index.at(position)]
        want = [(s, e) for s, e, _n in covering(flat(spans), position)]
        assert got == want
