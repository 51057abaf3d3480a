"""Finding text as a reader means it: "café" matches "cafe\u0301" and "CAFÉ".

Both sides are folded (NFC, case-folded, NFC again); a match in the folded
text maps back to a code-point range of the stored text, widened to whole
characters with their combining marks, so a highlight never splits one.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SPACE = re.compile(r"\s")
BLOCK = 4096  # characters folded at a time (a block that folds in place maps one to one)


def fold(text: str) -> str:
    """``text`` as compared when finding: NFC, case-folded, NFC."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def _clusters(chunk: str) -> list[str]:
    """``chunk`` cut before each character that starts a new composition
    (a starter that does not compose with what went before, as Hangul jamo do)."""
    pieces: list[str] = []
    for char in chunk:
        if pieces and (unicodedata.combining(char)
                       or len(unicodedata.normalize("NFC", pieces[-1][-1] + char)) == 1):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _folds_in_place(chunk: str) -> bool:
    """Whether folding changes ``chunk`` one character for one (composed already,
    and case-folded to one composed character each), so positions map one to one."""
    folded = chunk.casefold()
    return len(folded) == len(chunk) and unicodedata.is_normalized("NFC", chunk) \
        and unicodedata.is_normalized("NFC", folded)


class Finder:
    """Matches of a search in one stored text, as code-point ranges.

    The text is folded in blocks; a block that folds one character for one
    (most text: composed already, no "ß") keeps its positions. In the others,
    ASCII runs and the runs that fold in place do (a run with the ASCII letter
    before it, the base of a combining mark); the rest is folded a composed
    character at a time.
    """

    def __init__(self, text: str):
        self.text = text
        self._folded: list[str] = []
        self._starts: list[int] = []  # where each piece begins in the folded text
        self._origin: list[int] = []  # ... and in the text
        self._size = 0
        begin = 0
        while begin < len(text):  # blocks cut before white space, which composes with nothing
            gap = _SPACE.search(text, begin + BLOCK)
            end = gap.start() if gap else len(text)
            block = text[begin:end]
            if block.isascii() or _folds_in_place(block):
                self._add(block, begin)
            else:
                self._add_slowly(block, begin)
            begin = end
        self._starts.append(self._size)
        self._origin.append(len(text))
        self.folded = "".join(self._folded)

    def _add_slowly(self, block: str, offset: int) -> None:
        """A block that folding changes: its runs that fold in place whole, the
        rest a composed character at a time."""
        done = 0
        for run in _NON_ASCII.finditer(block):
            begin = max(done, run.start() - 1)
            if begin > done:
                self._add(block[done:begin], offset + done)
            chunk = block[begin:run.end()]
            if _folds_in_place(chunk):
                self._add(chunk, offset + begin)
            else:
                at = begin
                for piece in _clusters(chunk):
                    self._add(piece, offset + at)
                    at += len(piece)
            done = run.end()
        if done < len(block):
            self._add(block[done:], offset + done)

    def _add(self, piece: str, at: int) -> None:
        folded = piece.lower() if piece.isascii() else fold(piece)
        self._folded.append(folded)
        self._starts.append(self._size)
        self._origin.append(at)
        self._size += len(folded)

    def _linear(self, i: int) -> bool:
        return self._starts[i + 1] - self._starts[i] == self._origin[i + 1] - self._origin[i]

    def _to_text(self, start: int, end: int) -> tuple[int, int]:
        """A folded range as the code points it comes from, widened to whole pieces
        where folding changed a piece's length."""
        i = bisect_right(self._starts, start) - 1
        j = bisect_right(self._starts, end - 1) - 1
        first = self._origin[i] + (start - self._starts[i] if self._linear(i) else 0)
        last = self._origin[j] + (end - self._starts[j]) if self._linear(j) else self._origin[j + 1]
        return first, last

    def matches(self, needle: str) -> list[tuple[int, int]]:
        """Every non-overlapping match of ``needle``, in order (none for an empty one)."""
        wanted = fold(needle)
        if not wanted:
            return []
        found, at = [], self.folded.find(wanted)
        while at >= 0:
            found.append(self._to_text(at, at + len(wanted)))
            at = self.folded.find(wanted, at + len(wanted))
        return found

    def after(self, needle: str, position: int, backward: bool = False) -> tuple[int, int] | None:
        """The first match starting after code point ``position`` (before it
        when ``backward``), wrapping around; None when there is none."""
        found = self.matches(needle)
        if not found:
            return None
        if backward:
            return next((m for m in reversed(found) if m[0] < position), found[-1])
        return next((m for m in found if m[0] > position), found[0])
