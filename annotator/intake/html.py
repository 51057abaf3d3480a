"""Web pages: the main text and metadata of a news page, by trafilatura.

The page's bytes are decoded with the charset its ``<meta>`` (or the HTTP
header) declares, else as :func:`annotator.text.decode` reads any file. The
text is trafilatura's main-text extraction without comments, navigation or
related links; title, site name (the outlet), author, date and canonical URL
come from the page's metadata (``<meta>``, Open Graph, JSON-LD ``NewsArticle``),
the language from ``<html lang>`` or ``og:locale``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain import IncomingDocument, RawData
from ..errors import FormatError
from ..text import decode, known_encoding
from .titles import better_title

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# The publication date only where the page declares one: htmldate's extensive
# search guesses from any date in the text ("Copyright 2024" became 2024-01-01),
# and a wrong date is worse than none in a comparison by time; it is also 5x slower.
DATE_SEARCH = {"extensive_search": False, "original_date": True}
MIN_TEXT = 40  # characters: less is no article (a consent wall, an index page, an app shell)


@dataclass(frozen=True)
class Page:
    """What extraction found in a page."""

    text: str
    title: str = ""
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None


def declared_charset(data: bytes, header: str | None = None) -> str | None:
    """The encoding the HTTP header or the page's first ``<meta>`` declares (Python's name)."""
    found = header or (m.group(1).decode("ascii") if (m := _META_CHARSET.search(data[:4096]))
                       else None)
    if not found:
        return None
    try:
        return known_encoding(found)
    except FormatError:
        return None


def decode_page(data: bytes, source: str, charset: str | None = None) -> str:
    """The text of a page's bytes (see the module docstring)."""
    declared = declared_charset(data, charset)
    if declared is not None:
        try:
            return data.removeprefix(b"\xef\xbb\xbf").decode(declared)
        except UnicodeDecodeError:
            pass  # a wrong declaration: detect instead
    return decode(data, source)[0]


def looks_binary(data: bytes) -> bool:
    """Bytes no web page starts with: NULs or a known binary signature."""
    head = data[:1024]
    return b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8",
                                               b"\xff\xd8\xff", b"\x1f\x8b"))


def extract(markup: str, source: str, url: str | None = None) -> Page:
    """The article in a page, or a FormatError naming ``source``."""
    import trafilatura
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(markup)
    except Exception:  # lxml refuses empty or markup-free documents
        raise FormatError("no web page in this file (empty, or not HTML)", file=source) from None
    found = trafilatura.bare_extraction(tree, url=url, with_metadata=True,
                                        include_comments=False, include_tables=True,
                                        date_extraction_params=DATE_SEARCH)
    raw_text = (getattr(found, "text", None) or "") if found is not None else ""
    # trafilatura puts a paragraph a line; a blank line between them reads as the page did
    text = "\n\n".join(line.strip() for line in raw_text.splitlines() if line.strip())
    if len(text) < MIN_TEXT:
        raise FormatError("no article text could be extracted from this page (is it the "
                          "article itself, not an index, a login or a consent page?)",
                          file=source)
    def field(name: str) -> str | None:
        value = getattr(found, name, None)
        return value.strip() if isinstance(value, str) and value.strip() else None

    return Page(text=text, title=better_title(field("title") or "", text),
                outlet=field("sitename") or field("hostname"), author=field("author"),
                published=field("date"), url=field("url") or url, language=_language(tree))


def _language(tree: object) -> str | None:
    for value in (*tree.xpath("/html/@lang"),  # type: ignore[attr-defined]
                  *tree.xpath("//meta[@property='og:locale']/@content")):  # type: ignore[attr-defined]
        value = str(value).strip()
        if _LANG.match(value):
            return value.replace("_", "-")
    return None


def document(data: bytes, source: str, *, url: str | None = None, charset: str | None = None,
             content_type: str = "text/html") -> IncomingDocument:
    """An IncomingDocument from a page's bytes, the bytes kept as its raw source."""
    if looks_binary(data):
        raise FormatError("this is not a web page (binary data, e.g. a PDF, image or archive)",
                          file=source)
    page = extract(decode_page(data, source, charset), source, url)
    return IncomingDocument(
        text=page.text, source=source, title=page.title, outlet=page.outlet, author=page.author,
        published=page.published, url=page.url, language=page.language,
        raw=RawData(data, content_type, url or page.url))
