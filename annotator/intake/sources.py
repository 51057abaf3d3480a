"""The intake readers of the format registry: saved pages, PDF, Word, feeds, URLs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import files
from ..domain import IncomingDocument
from ..errors import FormatError
from ..formats import Format, ReadOptions, register
from . import docx, feeds, html, pdf
from .fetch import fetch


def _each(paths: Sequence[Path], options: ReadOptions, make) -> list[IncomingDocument]:  # type: ignore[no-untyped-def]
    docs = []
    for n, path in enumerate(paths):
        docs.append(make(files.read_bytes(path), str(path)))
        options.progress(n + 1, len(paths))
    return docs


def read_html(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    return _each(paths, options, html.document)


def read_pdf(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    return _each(paths, options, pdf.document)


def read_docx(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    return _each(paths, options, docx.document)


def read_feed(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    docs = []
    for path in paths:
        docs.extend(_feed(files.read_bytes(path), str(path), None, options))
    return docs


def read_url(url: str, options: ReadOptions, *, feed: bool = True) -> list[IncomingDocument]:
    """The article, PDF, Word file or (with ``feed``) feed at ``url``."""
    got = fetch(url, progress=options.progress)
    kind = got.content_type
    if kind in feeds.FEED_TYPES or (kind in ("text/html", "text/plain") and feeds.is_feed(got.data)):
        if not feed:
            raise FormatError("links to a feed, not an article", file=url)
        return _feed(got.data, url, got.url, options)
    if kind == pdf.CONTENT_TYPE:
        return [pdf.document(got.data, url, url=got.url)]
    if kind == docx.CONTENT_TYPE:
        return [docx.document(got.data, url, url=got.url)]
    if kind in ("text/html", "application/xhtml+xml"):
        return [html.document(got.data, url, url=got.url, charset=got.charset,
                              content_type=kind)]
    raise FormatError(f"the server sent {kind}, not a web page, feed, PDF or Word file", file=url)


def _feed(data: bytes, source: str, base: str | None,
          options: ReadOptions) -> list[IncomingDocument]:
    listed = feeds.items(data, source, base)
    urls: set[str] = set()
    shas: set[str] = set()
    if options.project is not None:
        from sqlalchemy import select

        from ..models import Document

        with options.project.reading() as s:
            for url, sha in s.execute(select(Document.url, Document.sha256)):
                if url:
                    urls.add(url)
                shas.add(sha)
    docs, notes = feeds.read(listed, source, read_url_document,
                             known_urls=urls, known_shas=shas, progress=options.progress)
    options.notes.extend(notes)
    return docs


def read_url_document(url: str) -> IncomingDocument:
    """One article at ``url`` (a feed's item): a page, a PDF or a Word file."""
    (doc,) = read_url(url, ReadOptions(), feed=False)
    return doc


def _format(name: str, title: str, patterns: tuple[str, ...], reader, doc: str | None) -> None:  # type: ignore[no-untyped-def]
    register(Format(name, title, patterns, doc or "", read=reader))


_format("html", "Web page (saved)", ("*.html", "*.htm", "*.xhtml"), read_html, html.__doc__)
_format("pdf", "PDF article", ("*.pdf",), read_pdf, pdf.__doc__)
_format("docx", "Word article", ("*.docx",), read_docx, docx.__doc__)
_format("feed", "RSS or Atom feed", ("*.rss", "*.atom", "*.xml"), read_feed, feeds.__doc__)
