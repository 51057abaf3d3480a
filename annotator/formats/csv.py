"""CSV (RFC 4180, UTF-8, header row).

In: one article per row; a ``text`` column is required, ``id``, ``title``,
``outlet``, ``author``, ``date``, ``url`` and ``language`` are optional, other columns go to
the document's metadata. No spans.

Out: one row per span: ``doc_id, doc_title, annotator, label, start, end,
text, note, attributes`` (JSON), ``origin, created_at, updated_at, sentence, provenance`` (JSON), then the
document's ``doc_outlet, doc_author, doc_date, doc_url, doc_language``.
``start``/``end`` are ``[start, end)`` in Unicode code points of the stored
text. Cells a spreadsheet would run as a formula are prefixed with ``'``
unless neutralizing is off (see :func:`neutralize`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..domain import IncomingDocument
from ..errors import FormatError
from ..rows import check_span
from ..text import Sentences
from . import ExportReport, Format, ReadOptions, WriteOptions, read_source, register
from .output import open_output
from .txt import title_of

if TYPE_CHECKING:
    from ..project import Project


COLUMNS = ("doc_id", "doc_title", "annotator", "label", "start", "end", "text", "note",
           "attributes", "origin", "created_at", "updated_at", "sentence", "provenance",
           "doc_outlet", "doc_author", "doc_date", "doc_url", "doc_language")
DOCUMENT_COLUMNS = {"id": "external_id", "title": "title", "outlet": "outlet",
                    "author": "author", "date": "published", "url": "url",
                    "language": "language"}
# A cell a spreadsheet would run as a formula: tab or CR first, or a formula
# sign (ASCII or full-width U+FF1D, U+FF0B, U+FF0D, U+FF20) after any white space.
_FORMULA = re.compile(r"[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def neutralize(cell: str) -> str:
    """A cell made safe to open in a spreadsheet (OWASP CSV injection): a
    formula cell gets a leading ``'``."""
    return "'" + cell if _FORMULA.match(cell) else cell


class Writer:
    """``csv.writer`` whose text cells are neutralized (numbers are left as
    they are): every CSV the app writes goes through it."""

    def __init__(self, out: TextIO, *, keep_formulas: bool = False):
        self._writer = csv.writer(out)
        self._keep = keep_formulas

    def writerow(self, row: Iterable[Any]) -> None:
        formula = _FORMULA.match  # neutralize(), inlined: this runs for every cell
        self._writer.writerow(row if self._keep else
                              ["'" + c if c.__class__ is str and formula(c) else c for c in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    docs: list[IncomingDocument] = []
    for path in paths:
        text = read_source(path, options)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise FormatError("the file is empty", file=str(path))
            names = [h.strip().lower() for h in header]
            if {"doc_id", "label", "start", "end"} <= set(names):
                raise FormatError("this is a span export (one row per span), not articles; "
                                  "to move spans between projects use JSONL",
                                  file=str(path), line=1)
            if "text" not in names:
                raise FormatError('no "text" column in the header', file=str(path), line=1)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                if len(row) != len(names):
                    raise FormatError(f"{len(row)} cells, the header has {len(names)}",
                                      file=str(path), line=line)
                record = dict(zip(names, row))
                body = record.pop("text")
                if not body:
                    raise FormatError("empty text", file=str(path), line=line)
                fields: dict[str, Any] = {DOCUMENT_COLUMNS[k]: (record.pop(k) or None)
                          for k in list(record) if k in DOCUMENT_COLUMNS}
                fields["title"] = fields.get("title") or title_of(body)
                docs.append(IncomingDocument(text=body, source=str(path), line=line,
                                             meta={k: v for k, v in record.items() if v},
                                             **fields))
        except csv.Error as exc:
            raise FormatError(f"malformed CSV: {exc}", file=str(path), line=reader.line_num) from None
    return docs


def _time(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") + "Z" if value else ""


_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?")


def _stored_time(raw: str) -> str:
    """A stored time (text) as the export writes it: ``_time`` of it, by slicing when
    it has SQLAlchemy's form."""
    if _STORED_TIME.fullmatch(raw):
        return f"{raw[:10]}T{raw[11:19]}Z"
    return _time(datetime.fromisoformat(raw))


def _json_cell(raw: str | None) -> str:
    value = json.loads(raw) if raw and raw != "{}" else None
    return json.dumps(value, ensure_ascii=False) if value else ""


def _checked(row: Any) -> tuple[Any, ...]:
    """A span row checked, its JSON made cells (inside the project's read, which
    names the file when a value is damaged)."""
    (span_id, document_id, name, label, start, end, note, attributes, origin, provenance,
     created, updated) = row
    check_span(span_id, (document_id, name, label, start, end, note, origin, created, updated))
    return (name, label, start, end, note, _json_cell(attributes), origin, created, updated,
            _json_cell(provenance))


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    """One row per span, straight from the stored rows (no :class:`SpanData`):
    cells repeated across spans (annotator, label, origin, times) are made once."""
    report = ExportReport()
    total = project.document_count()
    keep = not options.neutralize_formulas
    formula = _FORMULA.match

    def safe(cell: str) -> str:
        return "'" + cell if not keep and formula(cell) else cell

    made: dict[Any, str] = {}  # repeated cells, neutralized or converted once

    def once(kind: str, raw: Any, convert: Any) -> str:
        key = (kind, raw)
        found = made.get(key)
        if found is None:
            if len(made) > 100_000:
                made.clear()
            found = made[key] = safe(convert(raw))
        return found

    with open_output(target, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for n, (doc, rows) in enumerate(project.iter_spans(options.where, build=_checked)):
            if n % 200 == 0:
                options.progress(n, total)
            if not rows:
                continue
            report.documents += 1
            text = doc.text
            sentences = Sentences(text)
            key, title = safe(doc.key), safe(doc.title)
            document_cells = tuple(safe(getattr(doc, column) or "") for column in
                                   ("outlet", "author", "published", "url", "language"))
            for name, label, start, end, note, attributes, origin, created, updated, provenance in rows:
                writer.writerow((
                    key, title, once("name", name, str), once("label", label, str), start, end,
                    safe(text[start:end]), safe(note) if note else "", safe(attributes),
                    once("origin", origin, str), once("time", created, _stored_time),
                    once("time", updated, _stored_time), safe(sentences.around(start, end)),
                    safe(provenance), *document_cells))
            report.spans += len(rows)
    return report


FORMAT = register(Format("csv", "CSV", ("*.csv",), __doc__ or "", read=read, write=write,
                         write_options=("keep_formulas", "gold")))
