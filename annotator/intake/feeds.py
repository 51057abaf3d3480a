"""RSS and Atom feeds: each item's linked article is fetched and extracted.

Parsed with the standard library's ElementTree: it never fetches external
entities, and the expat it runs on (2.4.1 and later) limits entity expansion,
so a hostile feed cannot blow up memory; no extra dependency. Items are
skipped when their URL (without fragment) or their text's SHA-256 was seen
already, in the feed or in the project; an item whose article cannot be
fetched or extracted is skipped and reported, the others are imported.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin

from ..domain import IncomingDocument, Progress, no_progress
from ..errors import Cancelled, FormatError
from ..text import text_sha256

_ATOM = "{http://www.w3.org/2005/Atom}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_RSS1 = "{http://purl.org/rss/1.0/}"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml")


@dataclass(frozen=True)
class Item:
    url: str
    title: str = ""
    published: str | None = None
    author: str | None = None


def is_feed(data: bytes) -> bool:
    """Whether bytes start like an RSS, RDF or Atom document."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2:].lstrip()
    while head.startswith(b"<!--"):
        head = head[head.find(b"-->") + 3:].lstrip()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))


def items(data: bytes, source: str, base: str | None = None) -> list[Item]:
    """The linked items of a feed, in feed order; a FormatError naming ``source``."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise FormatError(f"not a valid RSS or Atom feed: {exc}", file=source,
                          line=exc.position[0]) from None
    found: list[Item] = []
    if root.tag == f"{_ATOM}feed":
        for entry in root.iter(f"{_ATOM}entry"):
            links = entry.findall(f"{_ATOM}link")
            href = next((link.get("href") for link in links
                         if link.get("rel", "alternate") == "alternate" and link.get("href")), None)
            author = entry.find(f"{_ATOM}author/{_ATOM}name")
            found.append(Item(_absolute(href, base), _text(entry.find(f"{_ATOM}title")),
                              _text(entry.find(f"{_ATOM}published"))
                              or _text(entry.find(f"{_ATOM}updated")) or None,
                              _text(author) or None))
    elif root.tag in ("rss", "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"):
        for item in (*root.iter("item"), *root.iter(f"{_RSS1}item")):
            link = _text(item.find("link")) or _text(item.find(f"{_RSS1}link"))
            guid = item.find("guid")
            if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
                link = _text(guid)
            title = _text(item.find("title")) or _text(item.find(f"{_RSS1}title"))
            found.append(Item(_absolute(link, base), title, _rfc822(_text(item.find("pubDate")))
                              or _text(item.find(f"{_DC}date")) or None,
                              _text(item.find(f"{_DC}creator")) or _text(item.find("author"))
                              or None))
    else:
        raise FormatError("not an RSS or Atom feed (the root element is "
                          f"<{root.tag.rsplit('}', 1)[-1]}>)", file=source)
    items_ = [item for item in found if item.url]
    if not items_:
        raise FormatError("the feed has no items that link to an article", file=source)
    return items_


def _text(element: ET.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _absolute(url: str | None, base: str | None) -> str:
    if not url:
        return ""
    return urldefrag(urljoin(base, url) if base else url).url


def _rfc822(value: str) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return value


def read(feed: list[Item], source: str, load: Callable[[str], IncomingDocument], *,
         known_urls: set[str] = frozenset(), known_shas: set[str] = frozenset(),  # type: ignore[assignment]
         progress: Progress = no_progress) -> tuple[list[IncomingDocument], list[str]]:
    """Each item's article (``load(url)``) and notes on what was skipped.

    ``progress`` is called before each item and may raise Cancelled. A feed
    none of whose articles could be read is a FormatError naming it."""
    docs: list[IncomingDocument] = []
    urls, shas = set(known_urls), set(known_shas)
    duplicates = 0
    failed: list[str] = []
    for n, item in enumerate(feed):
        progress(n, len(feed))
        if item.url in urls:
            duplicates += 1
            continue
        urls.add(item.url)
        try:
            doc = load(item.url)
        except Cancelled:
            raise
        except FormatError as exc:
            failed.append(str(exc))
            continue
        sha = text_sha256(doc.text)
        if sha in shas or (doc.url and doc.url in urls and doc.url != item.url):
            duplicates += 1
            continue
        shas.add(sha)
        if doc.url:
            urls.add(doc.url)
        docs.append(replace(doc, title=doc.title or item.title,
                            published=doc.published or item.published,
                            author=doc.author or item.author, url=doc.url or item.url,
                            meta={**doc.meta, "feed": source}))
    progress(len(feed), len(feed))
    if not docs and failed:
        raise FormatError(f"none of the feed's {len(feed)} articles could be imported; first: "
                          f"{failed[0]}", file=source)
    notes = []
    if duplicates:
        notes.append(f"{source}: {duplicates} feed items skipped as duplicates (same URL or text)")
    if failed:
        shown = "; ".join(failed[:5]) + (f"; and {len(failed) - 5} more" if len(failed) > 5 else "")
        notes.append(f"{source}: {len(failed)} feed items could not be imported: {shown}")
    return docs, notes
