"""PDF articles through pypdf: the text layer, lines re-joined into
paragraphs, words hyphenated at a line end joined, and page furniture (running
headers and footers, page numbers) dropped. A PDF without a text layer (a
scan) or with a password is refused, saying so. Title, author and date from
the document information, else the first heading-like line."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..domain import IncomingDocument, RawData
from ..errors import FormatError
from .titles import better_title, title_from_text

CONTENT_TYPE = "application/pdf"
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-\u2013\u2014(\[]?\s*\d{1,4}\s*[-\u2013\u2014)\]]?"
                          r"(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
_HYPHENATED = re.compile(r"(\w)[-\u00ad]$")
_ENDS_SENTENCE = tuple(".!?:\"'\u201d\u2019)")
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
FURNITURE_LINES = 2  # lines at the top and bottom of a page that may be furniture


def document(data: bytes, source: str, url: str | None = None) -> IncomingDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FormatError("the PDF is password-protected; remove the password and import "
                              "it again", file=source)
        pages = [page.extract_text() or "" for page in reader.pages]
        info: Mapping[str, Any] = reader.metadata or {}
    except FormatError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise FormatError(f"damaged or not a PDF ({exc})", file=source) from None
    except Exception as exc:  # pypdf's DependencyError for AES without a crypto library, ...
        if "crypt" in str(exc).lower() or "password" in str(exc).lower():
            raise FormatError("the PDF is encrypted and cannot be read; remove the password "
                              "and import it again", file=source) from None
        raise FormatError(f"damaged PDF ({type(exc).__name__}: {exc})", file=source) from None
    text = article_text(pages)
    if not text.strip():
        raise FormatError("the PDF has no text layer (a scanned PDF?); run OCR on it first",
                          file=source)
    title = better_title(_info(info, "/Title") or "", text) or title_from_text(text)
    date = _PDF_DATE.match(_info(info, "/CreationDate") or "")
    published = "-".join(part for part in date.groups() if part) if date else None
    return IncomingDocument(
        text=text, source=source, external_id=Path(source).stem if url is None else None,
        title=title or Path(source).stem, author=_info(info, "/Author"), published=published,
        url=url, raw=RawData(data, CONTENT_TYPE, url))


def _info(info: Mapping[str, Any], key: str) -> str | None:
    value = info.get(key)
    return str(value).strip() or None if value is not None else None


def article_text(pages: list[str]) -> str:
    """The pages' lines without furniture, joined into paragraphs."""
    split = [[line.strip() for line in page.splitlines() if line.strip()] for page in pages]
    furniture = _furniture(split)
    lines = [line for page in split for i, line in enumerate(page)
             if not _PAGE_NUMBER.match(line) and not (
                 _edge(i, len(page)) and _shape(line) in furniture)]
    return _paragraphs(lines)


def _shape(line: str) -> str:
    """A line with its digits blanked: "Daily Planet, page 3" is the same header as "page 4"."""
    return re.sub(r"\d+", "#", line.casefold())


def _edge(i: int, length: int) -> bool:
    return i < FURNITURE_LINES or i >= length - FURNITURE_LINES


def _furniture(pages: list[list[str]]) -> set[str]:
    """Shapes of lines at a page's top or bottom on at least half of the pages (two or more)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_shape(line) for i, line in enumerate(page) if _edge(i, len(page))})
    return {shape for shape, n in seen.items() if n >= max(2, (len(pages) + 1) // 2)}


def _paragraphs(lines: list[str]) -> str:
    """Wrapped lines joined: a line that ends a sentence well short of the longest
    line ends its paragraph; a hyphen at a line end before a lower-case letter goes."""
    if not lines:
        return ""
    width = max(len(line) for line in lines)
    out: list[str] = []
    current = ""
    for n, line in enumerate(lines):
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if current and _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        short = len(line) < 0.8 * width
        heading = short and not line.endswith(_ENDS_SENTENCE) and following[:1].isupper()
        if not following or (short and line.endswith(_ENDS_SENTENCE)) or heading:
            out.append(current)
            current = ""
    return "\n\n".join(out)
