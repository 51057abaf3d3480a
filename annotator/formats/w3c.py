"""W3C Web Annotation Data Model, JSON-LD (``*.jsonld``).

Out: one ``AnnotationCollection`` (with an ``id``, as the model's MUSTs 5.1
and 5.2 want of it and of its page) whose first page holds one ``Annotation``
per span: ``creator`` (the annotator), ``created``/``modified``, a
``TextualBody`` with purpose ``tagging`` holding the label key, a second one
with purpose ``commenting`` holding the note (on import, a ``TextualBody``
without a purpose is a note too), and a ``target`` naming the
document (``urn:media-bias-annotator:document:<id>``), carrying its text's
SHA-256 (``mba:sha256``) and two selectors: a ``TextPositionSelector`` whose
``start``/``end`` are ``[start, end)`` in Unicode code points of the stored
text (the spec leaves the unit open: w3c/web-annotation#206), and a
``TextQuoteSelector`` (``exact``, 32-character ``prefix`` and ``suffix``).
Span attributes travel as ``mba:attributes``.

In: a single annotation, a list, a page or a collection with its first page
embedded. The annotations attach to documents already in the project, found
by our document IRI or by the document's URL. A SHA-256 that differs from the
project's text refuses the import, naming the document. When the position and
the quote disagree, the quote wins: the span is re-anchored on the occurrence
of ``exact`` (matching prefix and suffix when possible) nearest the position,
and reported; a quote found nowhere, or two equally near, is refused. A
selector's ``refinedBy`` is resolved inside what it selects: a
``TextPositionSelector`` counts from the start of the outer selection (a
position within a quote), a ``TextQuoteSelector`` is looked for inside it.
An outer selector plain text cannot resolve (a ``FragmentSelector``) stands
for the whole text when refined by a quote, and is refused otherwise. An
annotation with no tagging body (a comment, a body by IRI) takes the label
given with ``--label``. The file's text is JSON: a BOM before it is a mark.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from ..domain import DocumentData, IncomingDocument, IncomingSpan, SpanData
from ..errors import FormatError
from . import (ExportReport, Format, ReadOptions, WriteOptions, is_offset, parse_json, read_source,
               register)
from .output import open_output

if TYPE_CHECKING:
    from ..project import Project


CONTEXT = ["http://www.w3.org/ns/anno.jsonld", {"mba": "urn:media-bias-annotator:terms#"}]
DOCUMENT_IRI = "urn:media-bias-annotator:document:"
CONTEXT_CHARS = 32
_NAMESPACE = uuid.UUID("5f0c7a53-9a55-4c59-9d55-2f1a8e7f3b21")


def document_iri(key: str) -> str:
    return DOCUMENT_IRI + quote(key, safe="")


def _time(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def annotation(doc: DocumentData, span: SpanData) -> dict[str, Any]:
    text = doc.text
    identity = f"{doc.sha256}:{span.annotator}:{span.label}:{span.start}:{span.end}"
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging",
                                   "value": span.label}]
    if span.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    record: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, identity)}",
        "type": "Annotation",
        "creator": {"type": "Person", "name": span.annotator},
        "created": _time(span.created_at),
        "modified": _time(span.updated_at),
        "body": body,
        "target": {
            "source": document_iri(doc.key),
            "mba:sha256": doc.sha256,
            "selector": [
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
                {"type": "TextQuoteSelector", "exact": text[span.start:span.end],
                 "prefix": text[max(0, span.start - CONTEXT_CHARS):span.start],
                 "suffix": text[span.end:span.end + CONTEXT_CHARS]},
            ],
        },
    }
    if span.attributes:
        record["mba:attributes"] = span.attributes
    return {k: v for k, v in record.items() if v is not None}


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    report = ExportReport()
    total = project.document_count()
    head = {"@context": CONTEXT, "type": "AnnotationCollection",
            "label": f"Spans exported from {Path(project.location).name}"}
    # The collection's and page's ids name what they hold (the same spans, the
    # same ids): derived from the annotations' ids, written after the items.
    digest = hashlib.sha256()
    with open_output(target, newline="\n") as out:
        out.write(json.dumps(head, ensure_ascii=False)[:-1]
                  + ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": [')
        first = True
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            for span in spans:
                record = annotation(doc, span)
                digest.update(record["id"].encode("ascii") + b"\n")
                out.write(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                first = False
            if spans:
                report.documents += 1
                report.spans += len(spans)
            if n % 500 == 0:
                options.progress(n, total)
        collection = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'collection:' + digest.hexdigest())}"
        page = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'page:' + digest.hexdigest())}"
        out.write(f'\n], "id": "{page}", "partOf": "{collection}"}}, "id": "{collection}"}}\n')
    return report


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    if options.project is None:
        raise FormatError("W3C annotations carry no text: they attach to documents already "
                          "in a project")
    found = [(str(path), n, item) for path in paths
             for n, item in enumerate(_annotations(path, options), start=1)]
    resolver = _Documents(options.project, [_source(item) for _, _, item in found])
    docs: dict[int, IncomingDocument] = {}
    moved: list[str] = []
    for source, n, item in found:
        _read_annotation(item, n, source, resolver, docs, moved, options.label)
    if moved:
        options.notes.append(f"{len(moved)} annotations were re-anchored by their quote "
                             f"(position and quote disagreed): {'; '.join(moved[:5])}"
                             + (" ..." if len(moved) > 5 else ""))
    return list(docs.values())


def _annotations(path: Path, options: ReadOptions) -> list[Any]:
    text = read_source(path, options)
    data = parse_json(text, path)
    if isinstance(data, dict) and isinstance(data.get("first"), dict):
        data = data["first"]
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if isinstance(data, dict) and data.get("type") == "AnnotationCollection":
        raise FormatError("the collection's pages are not embedded in the file", file=str(path))
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise FormatError("expected annotations (JSON objects)", file=str(path))
    return items


def _target(item: dict[str, Any]) -> Any:
    targets = item.get("target")
    return targets[0] if isinstance(targets, list) and targets else targets


def _source(item: dict[str, Any]) -> str | None:
    target = _target(item)
    iri = target.get("source") if isinstance(target, dict) else None
    iri = iri.get("id") if isinstance(iri, dict) else iri
    return iri if isinstance(iri, str) else None


class _Documents:
    """Project documents by the IRI an annotation targets, looked up in batches."""

    def __init__(self, project: Project, sources: list[str | None]):
        self.by_key: dict[str, DocumentData] = {}
        self.by_url: dict[str, DocumentData] = {}
        keys = sorted({unquote(s[len(DOCUMENT_IRI):]) for s in sources
                       if s and s.startswith(DOCUMENT_IRI)})
        for key in keys:  # an unknown one is the annotation's error, named there
            found = project.find_document(key)
            if found is not None:
                self.by_key[key] = found
        if any(s and not s.startswith(DOCUMENT_IRI) for s in sources):
            self.by_url = {d.url: d for d in project.documents() if d.url}

    def find(self, source: str) -> DocumentData | None:
        if source.startswith(DOCUMENT_IRI):
            return self.by_key.get(unquote(source[len(DOCUMENT_IRI):]))
        return self.by_url.get(source)


def _read_annotation(item: dict[str, Any], n: int, source: str, resolver: _Documents,
                     docs: dict[int, IncomingDocument], moved: list[str],
                     label: str | None) -> None:
    name = f"annotation {n}" + (f" ({item['id']})" if isinstance(item.get("id"), str) else "")

    def fail(message: str) -> FormatError:
        return FormatError(f"{name}: {message}", file=source)

    target = _target(item)
    if not isinstance(target, dict):
        raise fail("no target with selectors")
    iri = _source(item)
    if iri is None:
        raise fail("the target names no source document")
    doc = resolver.find(iri)
    if doc is None:
        raise fail(f"no document {iri!r} in the project (import its text first)")
    declared = target.get("mba:sha256")
    if declared is not None and declared != doc.sha256:
        raise fail(f"document {doc.key!r} in the project differs from the text these "
                   "annotations were made on (SHA-256 mismatch); refused")
    selectors = target.get("selector", [])
    selectors = selectors if isinstance(selectors, list) else [selectors]
    position = next((s for s in selectors if isinstance(s, dict)
                     and s.get("type") == "TextPositionSelector"), None)
    quote_selector = next((s for s in selectors if isinstance(s, dict)
                           and s.get("type") == "TextQuoteSelector"), None)
    start: int | None = None
    end: int | None = None
    anchored: tuple[int, int] | str
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not (is_offset(start) and is_offset(end)):
            raise fail("TextPositionSelector start and end must be integers")
    refined = next((s for s in selectors if isinstance(s, dict) and "refinedBy" in s), None)
    if position is None and quote_selector is None:
        if refined is None or not isinstance(refined.get("refinedBy"), dict) \
                or refined["refinedBy"].get("type") != "TextQuoteSelector":
            raise fail("no TextPositionSelector or TextQuoteSelector (a selector plain text "
                       "cannot resolve is only read when refined by a TextQuoteSelector)")
        anchored = (0, len(doc.text))  # refined below
    else:
        exact = quote_selector.get("exact") if quote_selector else None
        if quote_selector is not None and (not isinstance(exact, str) or not exact):
            raise fail("TextQuoteSelector needs a non-empty exact")
        prefix = quote_selector.get("prefix") or "" if quote_selector else ""
        suffix = quote_selector.get("suffix") or "" if quote_selector else ""
        anchored = anchor(doc.text, start, end, exact, str(prefix), str(suffix))
        if isinstance(anchored, str):
            raise fail(f"{anchored} in document {doc.key!r}")
        if start is not None and anchored != (start, end):
            moved.append(f"{name}: [{start}, {end}) -> [{anchored[0]}, {anchored[1]})")
    if refined is not None:
        anchored = refine(doc.text, anchored, refined.get("refinedBy"))
        if isinstance(anchored, str):
            raise fail(f"refinedBy: {anchored} in document {doc.key!r}")
    bodies = item.get("body", [])
    bodies = bodies if isinstance(bodies, list) else [bodies]
    labels: list[Any] = [b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"]
    notes = [b.get("value") for b in bodies if isinstance(b, dict)
             and (b.get("purpose") == "commenting"
                  or ("purpose" not in b and b.get("type") == "TextualBody"))]
    if not labels and label:
        labels = [label]
    if not labels or not all(isinstance(v, str) and v for v in labels):
        raise fail("no tagging TextualBody with the label (give one with --label)")
    attributes = item.get("mba:attributes", {})
    if not isinstance(attributes, dict):
        raise fail("mba:attributes must be an object")
    incoming = docs.get(doc.id)
    if incoming is None:
        incoming = docs[doc.id] = IncomingDocument(text=doc.text, source=source,
                                                   external_id=doc.external_id, title=doc.title)
    for tag in labels:
        incoming.spans.append(IncomingSpan(
            anchored[0], anchored[1], tag, annotator=_creator(item.get("creator")),
            note="\n".join(v for v in notes if isinstance(v, str)), attributes=attributes,
            line=n, source=source))


def _creator(creator: Any) -> str | None:
    if isinstance(creator, list) and creator:
        creator = creator[0]
    if isinstance(creator, dict):
        creator = creator.get("name") or creator.get("nickname") or creator.get("id")
    return creator.strip() or None if isinstance(creator, str) else None


def refine(text: str, outer: tuple[int, int], selector: Any) -> tuple[int, int] | str:
    """The range ``selector`` (a ``refinedBy``, possibly refined again) picks
    inside ``outer``, or the problem."""
    lo, hi = outer
    if not isinstance(selector, dict):
        return "expected a selector object"
    kind = selector.get("type")
    if kind == "TextPositionSelector":
        start, end = selector.get("start"), selector.get("end")
        if not (is_offset(start) and is_offset(end)) or not 0 <= start < end <= hi - lo:
            return (f"position [{start}, {end}) does not fit the {hi - lo} characters it "
                    "refines")
        found: tuple[int, int] | str = (lo + start, lo + end)
    elif kind == "TextQuoteSelector":
        exact = selector.get("exact")
        if not isinstance(exact, str) or not exact:
            return "TextQuoteSelector needs a non-empty exact"
        inner = anchor(text[lo:hi], None, None, exact, str(selector.get("prefix") or ""),
                       str(selector.get("suffix") or ""))
        found = inner if isinstance(inner, str) else (lo + inner[0], lo + inner[1])
    else:
        return f"a {kind} cannot be resolved in plain text"
    if isinstance(found, str) or "refinedBy" not in selector:
        return found
    return refine(text, found, selector["refinedBy"])


def anchor(text: str, start: int | None, end: int | None, exact: str | None,
           prefix: str = "", suffix: str = "") -> tuple[int, int] | str:
    """Where a span is: its position when the quote agrees, else the quote's
    occurrence (preferring those with matching prefix and suffix) nearest the
    position. Returns the problem as a string when there is no single answer."""
    if start is not None and end is not None and 0 <= start < end <= len(text) \
            and (exact is None or text[start:end] == exact):
        return start, end
    if exact is None:
        return f"position [{start}, {end}) is outside the text ({len(text)} characters)"
    found = []
    at = text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    if not found:
        return f"the quote {exact[:60]!r} is nowhere in the text"
    fitting = [o for o in found if text.endswith(prefix, 0, o)
               and text.startswith(suffix, o + len(exact))]
    candidates = fitting or found
    if start is None:
        if len(candidates) > 1:
            return f"the quote {exact[:60]!r} occurs {len(candidates)} times and has no position"
        best = candidates[0]
    else:
        candidates.sort(key=lambda o: abs(o - start))
        if len(candidates) > 1 and abs(candidates[0] - start) == abs(candidates[1] - start):
            return f"the quote {exact[:60]!r} occurs equally near {start} twice"
        best = candidates[0]
    return best, best + len(exact)


FORMAT = register(Format("w3c", "W3C Web Annotation (JSON-LD)", ("*.jsonld",), __doc__ or "",
                         read=read, write=write, read_options=("label", "add_labels")))
