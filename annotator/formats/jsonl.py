"""JSON Lines, one document per line, spaCy/Prodigy style:
``{"id", "title", "text", "meta", "spans": [{"start", "end", "label",
"annotator", "note", "attributes", "origin", "provenance"}], "document_labels",
"rejected"}``.

Offsets are Unicode code points of ``text``, ``[start, end)``. ``meta`` carries
outlet, author, date, url, language and the text's ``sha256``; on import a ``sha256``
that does not match the text is refused. Spans without an annotator go to the
one named on import. ``rejected`` (only when there are any) maps a gold layer
to the spans its adjudicator turned down, by identity (``annotator``, ``label``,
``start``, ``end``, with ``adjudicator``, ``at``, ``span_id``). Export then
import then export gives the same file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import IncomingDocument, IncomingSpan, SpanData
from ..errors import FormatError, Where
from ..rejected import layers
from ..rejected import problem as rejections_problem
from . import ExportReport, Format, ReadOptions, WriteOptions, json_lines, register
from .output import open_output
from .txt import title_of

if TYPE_CHECKING:
    from ..project import Project


META_COLUMNS = {"outlet": "outlet", "author": "author", "date": "published", "url": "url",
                "language": "language"}


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    return [parse_record(obj, str(path), number)
            for path in paths for number, obj in json_lines(path, options)]


def parse_record(obj: dict[str, Any], source: str, number: int) -> IncomingDocument:
    where: Where = {"file": source, "line": number}
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        raise FormatError('"text" must be a non-empty string', **where)
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        raise FormatError('"meta" must be an object', **where)
    meta = dict(meta)
    columns: dict[str, Any] = {}
    for key, column in META_COLUMNS.items():
        value = meta.pop(key, None)
        if isinstance(value, (dict, list, bool)):
            raise FormatError(f'"meta.{key}" must be a string', **where)
        if value is not None:
            columns[column] = str(value)
    sha = meta.pop("sha256", None)
    doc_id = obj.get("id")
    if isinstance(doc_id, (dict, list, bool, float)):
        raise FormatError('"id" must be a string or an integer', **where)
    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise FormatError('"title" must be a string', **where)
    doc = IncomingDocument(
        text=text, source=source, line=number,
        external_id=None if doc_id is None else str(doc_id),
        title=title if title is not None else title_of(text),
        meta=meta, sha256=sha, **columns,
    )
    raw_spans = obj.get("spans", [])
    if not isinstance(raw_spans, list):
        raise FormatError('"spans" must be a list', **where)
    doc.spans = [_span(raw, i, where) for i, raw in enumerate(raw_spans)]
    labels = obj.get("document_labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, dict) for v in labels.values()):
        raise FormatError('"document_labels" must map annotators to objects', **where)
    doc.document_labels = labels
    doc.rejected = obj.get("rejected", {})
    if problem := rejections_problem(doc.rejected, len(text)):
        raise FormatError(f'"rejected": {problem}', **where)
    return doc


def _span(raw: Any, index: int, where: Where) -> IncomingSpan:
    if not isinstance(raw, dict):
        raise FormatError(f"spans[{index}] must be an object", **where)
    for key in ("start", "end"):
        if not isinstance(raw.get(key), int) or isinstance(raw.get(key), bool):
            raise FormatError(f'spans[{index}]: "{key}" must be an integer', **where)
    label = raw.get("label")
    if not isinstance(label, str) or not label:
        raise FormatError(f'spans[{index}]: "label" must be a non-empty string', **where)
    annotator = raw.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise FormatError(f'spans[{index}]: "annotator" must be a non-empty string', **where)
    for key, kind in (("note", str), ("attributes", dict), ("origin", str), ("provenance", dict)):
        if key in raw and not isinstance(raw[key], kind):
            raise FormatError(f'spans[{index}]: "{key}" has the wrong type', **where)
    return IncomingSpan(start=raw["start"], end=raw["end"], label=label, annotator=annotator,
                        note=raw.get("note", ""), attributes=raw.get("attributes", {}),
                        origin=raw.get("origin", "imported"),
                        provenance=raw.get("provenance", {}), line=where["line"])


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    report = ExportReport()
    total = project.document_count()
    document_labels = project.document_labels_by_document(options.where.annotators)
    with project.reading() as s:
        rejections = {gold: by_sha for gold, by_sha in layers(s).items()
                      if not options.where.annotators or gold in options.where.annotators}
    with open_output(target, newline="\n") as out:
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            meta = dict(doc.meta)
            for key, column in META_COLUMNS.items():
                value = getattr(doc, column)
                if value is not None:
                    meta[key] = value
            meta["sha256"] = doc.sha256
            record: dict[str, Any] = {"id": doc.key, "title": doc.title, "text": doc.text,
                                      "meta": meta, "spans": [_span_record(s) for s in spans]}
            labels = document_labels.get(doc.id)
            if labels:
                record["document_labels"] = labels
            rejected = {gold: by_sha[doc.sha256] for gold, by_sha in sorted(rejections.items())
                        if by_sha.get(doc.sha256)}
            if rejected:
                record["rejected"] = rejected
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(spans)
            if n % 500 == 0:
                options.progress(n, total)
    return report


def _span_record(span: SpanData) -> dict[str, Any]:
    record: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label,
                              "annotator": span.annotator, "note": span.note}
    if span.attributes:
        record["attributes"] = span.attributes
    record["origin"] = span.origin
    if span.provenance:
        record["provenance"] = span.provenance
    return record


FORMAT = register(Format("jsonl", "JSON Lines (spaCy/Prodigy style)", ("*.jsonl", "*.ndjson"),
                         __doc__ or "", read=read, write=write,
                         read_options=("add_labels",)))
