"""doccano sequence-labeling JSONL (``*.doccano.jsonl``; name it with
``--format doccano`` otherwise): one document per line,
``{"text": ..., "label": [[start, end, "LABEL"], ...]}`` (older versions write
``"labels"``; relation projects write ``"entities"`` objects with
``start_offset``/``end_offset``).

Offset unit: doccano computes offsets in the browser, so by default they are
UTF-16 code units, as JavaScript counts (an emoji counts 2; doccano issue
#2290), unless the project counts grapheme clusters. We read and write UTF-16
units by default and convert with :meth:`OffsetMap.utf16`; ``--offset-unit
codepoint`` reads and writes Python code points instead (for files made by
scripts). Text that is all in the Basic Multilingual Plane counts the same
either way. doccano stores no span text, so offsets cannot be checked against
it: a ``sha256`` (top level or in ``meta``) is checked when present, and we
write one. A record whose text has characters outside the BMP, with spans,
no ``sha256`` and no ``--offset-unit`` is refused: the two units would put
its spans on different characters, and nothing says which was used. A
byte-order mark before the first line is a mark (dropped); the text is a
JSON string, in which a U+FEFF is a character like any other.

Relations (``"relations"`` of relation-extraction projects) have no place
in the project: they are skipped and counted in the report.

Out: ``{"id", "text", "label", "sha256"}`` per document. doccano has no
annotators: the chosen annotators' spans are merged, identical ones once.
Notes and attributes have no doccano form: spans carrying them are counted
in the report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import IncomingDocument, IncomingSpan
from ..errors import FormatError, Where
from ..offsets import OffsetMap
from . import ExportReport, Format, ReadOptions, WriteOptions, is_offset, json_lines, register
from .layers import MergedLayers
from .output import open_output
from .txt import title_of

if TYPE_CHECKING:
    from ..project import Project


UNITS = ("utf16", "codepoint")


def _unit(chosen: str | None) -> str:
    unit = chosen or "utf16"
    if unit not in UNITS:
        raise FormatError(f"unknown offset unit {unit!r} (known: {', '.join(UNITS)})")
    return unit


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    utf16 = _unit(options.offset_unit) == "utf16"
    docs: list[IncomingDocument] = []
    relations = 0
    for path in paths:
        for number, obj in json_lines(path, options):
            docs.append(_record(obj, str(path), number, utf16, options.offset_unit is not None))
            if isinstance(obj.get("relations"), list):
                relations += len(obj["relations"])
    if relations:
        options.notes.append(f"skipped {relations} doccano relations: the project has no "
                             "relations between spans")
    return docs


def _record(obj: dict[str, Any], source: str, number: int, utf16: bool,
            unit_chosen: bool) -> IncomingDocument:
    where: Where = {"file": source, "line": number}
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise FormatError('"text" must be a non-empty string', **where)
    meta = obj["meta"] if isinstance(obj.get("meta"), dict) else {}
    sha = obj.get("sha256", meta.get("sha256"))
    raw = obj.get("label", obj.get("labels", []))
    if "entities" in obj:
        if not isinstance(obj["entities"], list):
            raise FormatError('"entities" must be a list', **where)
        raw = [[e.get("start_offset"), e.get("end_offset"), e.get("label")] if isinstance(e, dict)
               else e for e in obj["entities"]]
    if not isinstance(raw, list):
        raise FormatError('"label" must be a list of [start, end, label]', **where)
    units = OffsetMap.utf16(text) if utf16 else None
    length = units.to_view(len(text)) if units else len(text)
    spans = []
    for i, item in enumerate(raw):
        if not (isinstance(item, list) and len(item) == 3
                and is_offset(item[0]) and is_offset(item[1])
                and isinstance(item[2], str) and item[2]):
            raise FormatError(f"label[{i}] must be [start, end, label], found {item!r}"[:200], **where)
        start, end, label = item
        if not 0 <= start < end <= length:
            raise FormatError(f"label[{i}]: [{start}, {end}) is empty or outside the text "
                              f"({length} {'UTF-16 units' if units else 'characters'})", **where)
        if units:
            start, end = units.span_to_codepoints(start, end)
        spans.append(IncomingSpan(start, end, label, line=number))
    if spans and sha is None and not unit_chosen and units and not units.is_identity:
        raise FormatError("the text has characters outside the Basic Multilingual Plane "
                          "(emoji...), which UTF-16 and code points count differently, and "
                          "nothing says which the offsets count: choose --offset-unit utf16 "
                          "(doccano's own) or --offset-unit codepoint", **where)
    doc_id = obj.get("id")
    return IncomingDocument(text=text, source=source, line=number,
                            external_id=None if doc_id is None else str(doc_id),
                            title=title_of(text), sha256=sha, spans=spans)


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    utf16 = _unit(options.offset_unit) == "utf16"
    report = ExportReport()
    layers = MergedLayers("doccano")
    total = project.document_count()
    with open_output(target, newline="\n") as out:
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            units = OffsetMap.utf16(doc.text) if utf16 else None
            labels = []
            for span in layers.unique(spans):
                start, end = units.span_to_view(span.start, span.end) if units else (span.start, span.end)
                labels.append([start, end, span.label])
            record = {"id": doc.key, "text": doc.text, "label": labels, "sha256": doc.sha256}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(labels)
            if n % 500 == 0:
                options.progress(n, total)
    report.notes.extend(layers.notes())
    return report


FORMAT = register(Format("doccano", "doccano JSONL", ("*.doccano.jsonl",), __doc__ or "",
                         read=read, write=write, read_options=("offset_unit", "add_labels"),
                         write_options=("offset_unit", "gold")))
