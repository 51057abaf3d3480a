"""Text helpers that need no NLP pipeline: decoding files, sentence context."""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from pathlib import Path

from . import files
from .errors import FormatError

# Sentence ends: the sentencizer's terminal punctuation (with closing quotes
# and brackets) followed by white space, or a line break. The pattern starts
# with one character class so the regex engine can skip ahead fast; a match
# that is not followed by white space ("3.5") is no boundary.
_TERMINALS = "!.?\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f"
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)\\]}"
_SENTENCE_END = re.compile(f"[{_TERMINALS}\r\n][{_TERMINALS}{_CLOSERS}]*\\s*")


def text_sha256(text: str) -> str:
    """The SHA-256 of a text's UTF-8 bytes: how a document is recognised."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(data: bytes, source: str) -> tuple[str, str | None]:
    """Text of a file's bytes and, when it was not UTF-8, the encoding guessed.

    UTF-8 with or without BOM is taken as is; anything else is detected with
    charset-normalizer and reported, or refused when it looks binary.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or "\x00" in str(best):
        line = data[: utf8_error.start].count(b"\n") + 1
        raise FormatError("not UTF-8 and not a text encoding that can be recognised "
                          f"(invalid byte at offset {utf8_error.start})", file=source, line=line)
    return str(best), best.encoding


def read_text(path: Path) -> tuple[str, str | None]:
    """Text of a user's file (read through the guard) and the encoding guessed."""
    return decode(files.read_bytes(path), str(path))


class Sentences:
    """Sentence boundaries of one text, for the context column of exports."""

    def __init__(self, text: str):
        self.text = text
        self._starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)
                              if m.group()[-1].isspace() or m.end() == len(text)]

    def around(self, start: int, end: int) -> str:
        """The sentence(s) containing ``[start, end)``, stripped."""
        first = self._starts[bisect_right(self._starts, start) - 1]
        i = bisect_right(self._starts, max(start, end - 1))
        last = self._starts[i] if i < len(self._starts) else len(self.text)
        return self.text[first:last].strip()

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """Code-point range of the sentence(s) containing ``[start, end)``,
        white space trimmed (what a triple-click selects)."""
        first = self._starts[bisect_right(self._starts, start) - 1]
        i = bisect_right(self._starts, max(start, end - 1))
        last = self._starts[i] if i < len(self._starts) else len(self.text)
        while first < last and self.text[first].isspace():
            first += 1
        while last > first and self.text[last - 1].isspace():
            last -= 1
        return first, last
