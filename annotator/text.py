"""Text helpers that need no NLP pipeline: decoding files, sentence context."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class EncodingGuess:
    """How the bytes of a file are best read: ``encoding`` (None when they do
    not look like text) and the other plausible ``candidates``, best first."""

    encoding: str | None
    candidates: list[str] = field(default_factory=list)


UTF8 = "utf-8"
# Western European news is by far the most common legacy text: when
# charset-normalizer finds these as good as its best guess (it often ranks
# cp1250 first on French or Portuguese), they win if every word reads as
# one Western language's spelling.
WESTERN = ("cp1252", "latin_1")
_CLOSE_CHAOS, _CLOSE_COHERENCE = 0.01, 0.025
_SPELLINGS = tuple(set(letters) for letters in (
    "àâæçéèêëîïôœùûüÿ",  # French
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "äöüß",  # German
    "áàéèëïóöü",  # Dutch
    "æøåéóü",  # Danish, Norwegian
    "åäöéü",  # Swedish
    "äöåšž",  # Finnish
    "àçèéíïòóúü",  # Catalan
    "áðéíóúýþæö",  # Icelandic
))
_WORD = re.compile(r"\w+")


def _western(text: str) -> bool:
    """True if every word's non-ASCII letters are those of one Western language."""
    for word in _WORD.findall(text):
        letters = {c.lower() for c in word if ord(c) > 127 and c.isalnum()}
        if len(word) <= 2:  # m², nº, 1ª
            letters = {c for c in letters if c.isalpha() and c not in "ªº"}
        if letters and not any(letters <= spelling for spelling in _SPELLINGS):
            return False
    return True


def known_encoding(name: str) -> str:
    """Python's name of the text encoding ``name`` (``Windows-1252`` ->
    ``cp1252``); a FormatError naming it when there is no such encoding."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise FormatError(f"unknown text encoding {name!r} (for example utf-8, cp1252, latin-1)")
    return info.name


def _same(a: str, b: str) -> bool:
    return codecs.lookup(a).name == codecs.lookup(b).name


def detect_encoding(data: bytes) -> EncodingGuess:
    """The encoding of a file's bytes: UTF-8 (with or without BOM) when they
    are that, else charset-normalizer's guess, Windows-1252 or Latin-1 first
    when they are about as likely (see ``WESTERN``)."""
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode(UTF8)
        return EncodingGuess(UTF8)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    results = [m for m in from_bytes(data) if "\x00" not in str(m)]
    if not results:
        return EncodingGuess(None)
    chosen = _western_choice(data, results) or results[0].encoding
    return EncodingGuess(chosen, [m.encoding for m in results if not _same(m.encoding, chosen)])


def _western_choice(data: bytes, results: list[Any]) -> str | None:
    """A ``WESTERN`` encoding that reads the bytes as well as charset-normalizer's best."""
    best = results[0]
    text = str(best)
    for name in WESTERN:  # the very same text: name the common encoding
        if data.decode(name, errors="replace") == text:
            return name
    for name in WESTERN:
        for match in results:
            if _same(match.encoding, name) and match.chaos <= best.chaos + _CLOSE_CHAOS \
                    and match.coherence >= best.coherence - _CLOSE_COHERENCE \
                    and _western(str(match)):
                return name
    return None


def decode(data: bytes, source: str, encoding: str | None = None, *,
           keep_bom: bool = False) -> tuple[str, str | None]:
    """Text of a file's bytes and, when it was not UTF-8, the encoding used.

    UTF-8 with or without BOM is taken as is (the BOM dropped as a mark, or
    with ``keep_bom`` kept as the text's first character, U+FEFF, for formats
    whose offsets count it); anything else is detected (see
    :func:`detect_encoding`) and reported, or refused when it looks binary.
    ``encoding`` (a codec name the user chose) is used instead of detecting.
    """
    if encoding is None or _same(encoding, UTF8):
        if data.startswith(b"\xef\xbb\xbf") and not keep_bom:
            data = data[3:]
        try:
            return data.decode(UTF8), None
        except UnicodeDecodeError as exc:
            if encoding is not None:
                raise _undecodable(data, source, exc, UTF8) from None
            utf8_error = exc
        encoding = detect_encoding(data).encoding
        if encoding is None:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise FormatError("not UTF-8 and not a text encoding that can be recognised "
                              f"(invalid byte at offset {utf8_error.start})", file=source, line=line)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise _undecodable(data, source, exc, encoding) from None


def _undecodable(data: bytes, source: str, exc: UnicodeDecodeError, encoding: str) -> FormatError:
    line = data[: exc.start].count(b"\n") + 1
    return FormatError(f"not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                       file=source, line=line)


def read_text(path: Path, encoding: str | None = None, *,
              keep_bom: bool = False) -> tuple[str, str | None]:
    """A user's file's text (read through the guard) and, when it was not
    UTF-8, the encoding used (``encoding`` if given, else detected);
    ``keep_bom`` as for :func:`decode`."""
    return decode(files.read_bytes(path), str(path), encoding, keep_bom=keep_bom)


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


# -- snapping a selection to what a label's guideline wants --------------------------
_QUOTES = "\"«»‹›“”„‟‘’‚‛「」『』"
_END_PUNCTUATION = ".,;:!?…‼⁇⁈⁉。、，；：！？"
_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen


def trim_for_label(text: str, start: int, end: int, *, trim_punctuation: bool,
                   keep_quotes: bool) -> tuple[int, int]:
    """``[start, end)`` without the edge quotation marks (unless ``keep_quotes``)
    and, with ``trim_punctuation``, without the punctuation that ends it; never
    trimmed to nothing. A straight apostrophe goes only when it opens and closes
    the span (``'thugs'``), so "students'" keeps its own. With ``keep_quotes``
    a term right inside quotation marks grows to take them in."""
    if keep_quotes:
        while 0 < start and end < len(text) and text[start - 1] in _QUOTES and text[end] in _QUOTES:
            start, end = start - 1, end + 1
    while True:
        a, b = start, end
        if not keep_quotes:
            while a < b and text[a] in _QUOTES:
                a += 1
            while b > a and text[b - 1] in _QUOTES:
                b -= 1
            if b - a >= 2 and text[a] == text[b - 1] == "'":
                a, b = a + 1, b - 1
        if trim_punctuation:
            while b > a and text[b - 1] in _END_PUNCTUATION:
                b -= 1
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a >= b or (a, b) == (start, end):
            return start, end
        start, end = a, b


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) > 0


def whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` grown over hyphens that join it to more of the word
    ("so" in "so-called" becomes "so-called"), as a reader's double-click means."""
    while start >= 2 and text[start - 1] in _HYPHENS and _in_word(text[start - 2]):
        start -= 1
        while start > 0 and _in_word(text[start - 1]):
            start -= 1
    while end + 1 < len(text) and text[end] in _HYPHENS and _in_word(text[end + 1]):
        end += 1
        while end < len(text) and _in_word(text[end]):
            end += 1
    return start, end
