"""Label Studio JSON export (``*.json``): a list of tasks.

Label Studio takes its offsets from the browser: ``value.start``/``value.end``
count UTF-16 code units (an emoji counts 2). Both directions convert with
:meth:`OffsetMap.utf16`; inside the project spans stay code points.

In: ``labels`` results of each task's ``annotations`` (cancelled ones
skipped). Per-region results with the same region id complete the span: the
``textarea`` and ``choices`` results named like one of the label's
attributes are that attribute (choices ``true`` and ``false`` are yes/no
attributes), other text areas (``note``, comments) join the span's note.
Each region's ``value.text`` must equal the task text at its offsets: a
mismatch (an annotation made on another version of the text) is refused,
naming the task; with ``--reanchor`` the region moves to the occurrence of
its text nearest the offsets (Label Studio's own ``examples/named_entity``
has an end one short of its text), each move reported, and is refused only
when the text is nowhere. ``data.sha256``, when present, must match
``data.text``. A submitted (not cancelled) annotation is its annotator's
complete work on the task: the document is marked done for them, with
spans or without.
The annotator is ``created_username`` (without Label Studio's ``, <id>``
suffix), else ``completed_by``'s e-mail, else ``label-studio-user-<id>``.
Other results (task-level choices, relations...) and predictions are
reported and skipped. The file is JSON: a byte-order mark before it is a
mark; a U+FEFF inside ``data.text`` is a character, counted like any other.

Out: one task per document (``data``: ``text``, ``title``, ``external_id``,
``sha256``), one annotation per annotator. A labeling config that shows it::

    <View>
      <Labels name="label" toName="text"><Label value="loaded-term"/>...</Labels>
      <Text name="text" value="$text"/>
      <TextArea name="note" toName="text" perRegion="true"/>
      <Choices name="polarity" toName="text" perRegion="true">...</Choices>
    </View>
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import IncomingDocument, IncomingSpan
from ..errors import FormatError
from ..offsets import OffsetMap
from ..schemes import Scheme
from ..text import text_sha256
from . import (ExportReport, Format, ReadOptions, WriteOptions, is_offset, parse_json, read_source,
               register)
from .output import open_output
from .w3c import anchor

if TYPE_CHECKING:
    from ..project import Project


_USER_ID_SUFFIX = re.compile(r",\s*\d+$")
NOTE = "note"  # from_name of the per-region TextArea holding a span's note
BOOLEANS = {"true": True, "false": False}


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    docs: list[IncomingDocument] = []
    skipped: dict[str, int] = {}
    moved: list[str] | None = [] if options.reanchor else None
    scheme = options.project.scheme if options.project else None
    for path in paths:
        text = read_source(path, options)
        tasks = parse_json(text, path)
        tasks = [tasks] if isinstance(tasks, dict) else tasks
        if not isinstance(tasks, list):
            raise FormatError("expected a list of Label Studio tasks", file=str(path))
        for n, task in enumerate(tasks, start=1):
            docs.append(_task(task, n, str(path), skipped, scheme, moved))
            if n % 500 == 0:
                options.progress(n, len(tasks))
    if moved:
        options.notes.append(f"{len(moved)} Label Studio regions were re-anchored on their "
                             f"text: {'; '.join(moved[:5])}" + (" ..." if len(moved) > 5 else ""))
    if skipped:
        options.notes.append("skipped Label Studio results that are not text spans: "
                             + ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items())))
    return docs


def _task(task: Any, n: int, source: str, skipped: dict[str, int],
          scheme: Scheme | None, moved: list[str] | None) -> IncomingDocument:
    """One task's document and spans; ``moved`` (with --reanchor) hears of
    each region moved to its text."""
    if not isinstance(task, dict):
        raise FormatError(f"task {n}: expected a JSON object", file=source)
    name = f"task {task.get('id', n)}"

    def fail(message: str) -> FormatError:
        return FormatError(f"{name}: {message}", file=source)

    data = task.get("data")
    if not isinstance(data, dict):
        raise fail('no "data" object')
    text = data.get("text")
    if text is None:
        strings = [v for v in data.values() if isinstance(v, str)]
        text = strings[0] if len(strings) == 1 else None
    if not isinstance(text, str) or not text:
        raise fail('no text in "data" (expected data.text)')
    sha = data.get("sha256")
    if sha is not None and sha != text_sha256(text):
        raise fail("data.text differs from the text its spans were made on (SHA-256 mismatch)")
    external = data.get("external_id")
    doc = IncomingDocument(text=text, source=source, line=n,
                           external_id=str(external) if external is not None else f"task-{task.get('id', n)}",
                           title=str(data.get("title") or ""))
    predictions = task.get("predictions")
    if isinstance(predictions, list) and predictions:
        skipped["predictions"] = skipped.get("predictions", 0) + len(predictions)
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise fail('"annotations" must be a list')
    units: OffsetMap | None = None
    for annotation in annotations:
        if not isinstance(annotation, dict):
            raise fail("each annotation must be a JSON object")
        if annotation.get("was_cancelled") is True:
            continue
        annotator = _annotator(annotation)
        doc.statuses[annotator or ""] = "done"  # "": the importing annotator
        results = annotation.get("result", [])
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise fail('"result" must be a list of objects')
        labelled = {_region(r) for r in results if r.get("type") == "labels"}
        extras = _per_region(results)
        for result in results:
            kind, region = result.get("type"), _region(result)
            if kind in ("textarea", "choices") and region in labelled and region is not None:
                continue  # part of a span, read with it
            if kind != "labels":
                skipped[str(kind)] = skipped.get(str(kind), 0) + 1
                continue
            value = result.get("value")
            if not isinstance(value, dict):
                raise fail(f"region {region}: no value")
            start, end, labels = value.get("start"), value.get("end"), value.get("labels")
            if not (is_offset(start) and is_offset(end)):
                raise fail(f"region {region}: start and end must be integers")
            if not isinstance(labels, list) or not labels or \
                    not all(isinstance(label, str) and label for label in labels):
                raise fail(f"region {region}: labels must be a list of names")
            units = units or OffsetMap.utf16(text)
            if not 0 <= start < end <= units.to_view(len(text)):
                raise fail(f"region {region}: [{start}, {end}) is outside the text "
                           f"({units.to_view(len(text))} UTF-16 units)")
            first, last = units.span_to_codepoints(start, end)
            quoted = value.get("text")
            if quoted is not None and quoted != text[first:last]:
                found = anchor(text, first, last, str(quoted)) \
                    if moved is not None and quoted else None
                if not isinstance(found, tuple):
                    raise fail(f"region {region} says {str(quoted)[:60]!r} but the task text "
                               f"has {text[first:last][:60]!r} there: the annotation was made "
                               "on another text (stale); refused"
                               + (f": {found}" if found else " (--reanchor looks for it nearby)"))
                assert moved is not None
                moved.append(f"{name} region {region}: [{start}, {end}) -> "
                             f"[{units.to_view(found[0])}, {units.to_view(found[1])})")
                first, last = found
            for label in labels:
                note, attributes = _complete(label, extras.get(region) if region else None,
                                             scheme, skipped)
                doc.spans.append(IncomingSpan(first, last, label, annotator=annotator,
                                              note=note, attributes=attributes, line=n))
    return doc


def _per_region(results: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, Any]]]:
    """The per-region (kind, from_name, value) results of each region id."""
    found: dict[str, list[tuple[str, str, Any]]] = {}
    for result in results:
        kind, value, name = result.get("type"), result.get("value"), result.get("from_name")
        region = _region(result)
        if kind == "textarea" and isinstance(value, dict) and isinstance(name, str) and region:
            text = value.get("text")
            text = "\n".join(map(str, text)) if isinstance(text, list) else str(text or "")
            found.setdefault(region, []).append((kind, name, text))
        elif kind == "choices" and isinstance(value, dict) and isinstance(name, str) and region \
                and isinstance(value.get("choices"), list) and len(value["choices"]) == 1:
            choice = str(value["choices"][0])
            found.setdefault(region, []).append((kind, name, BOOLEANS.get(choice, choice)))
    return found


def _complete(label: str, extras: list[tuple[str, str, Any]] | None, scheme: Scheme | None,
              skipped: dict[str, int]) -> tuple[str, dict[str, Any]]:
    """A span's note and attributes: results named like one of the label's
    attributes are that attribute, other text areas join the note."""
    notes: list[str] = []
    attributes: dict[str, Any] = {}
    definition = scheme.label(label) if scheme else None
    for kind, name, value in extras or ():
        if name != NOTE and (scheme is None or (definition and definition.attribute(name))):
            attributes[name] = value
        elif kind == "textarea":
            notes.append(value)
        else:
            skipped[f"choices ({name})"] = skipped.get(f"choices ({name})", 0) + 1
    return "\n".join(notes), attributes


def _region(result: dict[str, Any]) -> str | None:
    region = result.get("id")
    return str(region) if isinstance(region, (str, int)) else None


def _annotator(annotation: dict[str, Any]) -> str | None:
    username = annotation.get("created_username")
    if isinstance(username, str) and _USER_ID_SUFFIX.sub("", username).strip():
        return _USER_ID_SUFFIX.sub("", username).strip()
    user = annotation.get("completed_by")
    if isinstance(user, dict):
        user = user.get("email") or user.get("id")
    if isinstance(user, str) and user.strip():
        return user.strip()
    if isinstance(user, int) and not isinstance(user, bool):
        return f"label-studio-user-{user}"
    return None


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    report = ExportReport()
    total = project.document_count()
    scheme = project.scheme
    with open_output(target, newline="\n") as out:
        out.write("[")
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            units = OffsetMap.utf16(doc.text)
            by_annotator: dict[str, list[dict[str, Any]]] = {}
            for span in spans:
                start, end = units.span_to_view(span.start, span.end)
                region = f"s{span.id}"
                results = by_annotator.setdefault(span.annotator, [])
                results.append({"id": region, "type": "labels", "from_name": "label",
                                "to_name": "text", "origin": "manual",
                                "value": {"start": start, "end": end,
                                          "text": doc.text[span.start:span.end],
                                          "labels": [span.label]}})
                extras = {NOTE: span.note} if span.note else {}
                extras.update(span.attributes)
                label = scheme.label(span.label)
                for name, value in extras.items():
                    attribute = label.attribute(name) if label and name != NOTE else None
                    if attribute is None or attribute.type == "text":
                        kind, content = "textarea", {"text": [value]}
                    else:
                        kind = "choices"
                        content = {"choices": [str(value).lower() if isinstance(value, bool)
                                               else value]}
                    results.append({"id": region, "type": kind, "from_name": name,
                                    "to_name": "text", "origin": "manual",
                                    "value": {"start": start, "end": end, **content}})
            task = {"id": n + 1,
                    "data": {"text": doc.text, "title": doc.title, "external_id": doc.key,
                             "sha256": doc.sha256},
                    "annotations": [{"id": i, "created_username": name, "result": results}
                                    for i, (name, results) in enumerate(by_annotator.items(), 1)]}
            out.write(("\n" if n == 0 else ",\n") + json.dumps(task, ensure_ascii=False))
            report.documents += 1
            report.spans += len(spans)
            if n % 500 == 0:
                options.progress(n, total)
        out.write("\n]\n")
    return report


FORMAT = register(Format("labelstudio", "Label Studio JSON", ("*.json",), __doc__ or "",
                         read=read, write=write, read_options=("reanchor", "add_labels")))
