"""Word (.docx) articles through python-docx: the body's paragraphs, one
blank line between them; headers, footers and comments are not the article.
Title from the document properties or the first Title/Heading paragraph,
author and date from the properties."""

from __future__ import annotations

import io
from pathlib import Path

from ..domain import IncomingDocument, RawData
from ..errors import FormatError
from .titles import better_title, title_from_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document(data: bytes, source: str, url: str | None = None) -> IncomingDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise FormatError(f"not a Word .docx file ({type(exc).__name__})", file=source) from None
    except Exception as exc:  # zipfile.BadZipFile, lxml errors: a damaged package
        raise FormatError(f"damaged or not a Word .docx file ({exc})", file=source) from None
    paragraphs = [(p.text.strip(), p.style.name if p.style is not None else "")
                  for p in word.paragraphs]
    paragraphs = [(text, style) for text, style in paragraphs if text]
    if not paragraphs:
        raise FormatError("the Word file holds no text", file=source)
    text = "\n\n".join(t for t, _ in paragraphs)
    props = word.core_properties
    heading = next((t for t, style in paragraphs if style == "Title"
                    or style.startswith("Heading")), "")
    title = better_title((props.title or "").strip() or heading, text) or title_from_text(text)
    when = props.created
    return IncomingDocument(
        text=text, source=source, external_id=Path(source).stem if url is None else None,
        title=title or Path(source).stem, author=(props.author or "").strip() or None,
        published=when.date().isoformat() if when else None,
        language=(props.language or "").strip() or None, url=url,
        raw=RawData(data, CONTENT_TYPE, url))
