"""brat standoff: ``NAME.txt`` beside ``NAME.ann`` per document.

Offsets in ``.ann`` files are ``[start, end)`` in Unicode code points over the
``.txt`` file exactly as stored (a CRLF line break counts as two characters,
as Python counts a file read without newline translation); we write them that
way. A leading byte-order mark is a character too (brat reads files with
Python's ``utf-8`` codec, which keeps it): it stays in the stored text and
is written back (see :mod:`.bom`). On import, an ``.ann`` whose covered texts
only match when a CRLF counts as one character (a tool that read the ``.txt``
in text mode) is converted with :meth:`OffsetMap.lf`, one that only matches
counting from after the mark is shifted, both reported; one that matches
neither is refused.

In: ``.ann`` files or folders of them, each with its ``.txt``. Text-bound
lines ``T1<TAB>Label START END<TAB>text`` become spans; the covered text must
match the ``.txt`` (white space compared loosely), else the file is refused.
A discontinuous span ``START END;START END`` becomes one span per fragment
(reported). ``#1<TAB>AnnotatorNotes T1<TAB>note`` is the span's note;
``A1<TAB>Name T1 [Value]`` (and the older ``M``) an attribute (true when no
value; attribute names are kept as written, ``Mention`` or ``SUBCAT``, and
``--add-labels`` adds those the scheme lacks). Relations ``R``, events ``E``,
normalizations ``N`` and equivalences ``*`` are skipped and counted in the
report, as are the notes and attributes attached to them.

Out (a folder): ``.txt`` and ``.ann`` per document, and ``annotation.conf``
declaring the scheme's labels as entities and its choice and yes/no
attributes. brat has no annotators: the chosen annotators' spans are merged,
identical ones once. Free-text attributes have no brat form and are reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import IncomingDocument, IncomingSpan
from ..errors import FormatError, Where
from ..offsets import OffsetMap
from ..wording import agree, plural
from . import ExportReport, Format, ReadOptions, WriteOptions, read_source, register
from .bom import BOM, CountedBom
from .folder import FileNames, open_folder, write_text
from .layers import MergedLayers
from .txt import title_of

if TYPE_CHECKING:
    from ..project import Project
    from ..schemes import Scheme


_FRAGMENT = re.compile(r"^(\d{1,18}) (\d{1,18})$")  # longer numbers are no offsets
_ONE_LINE = str.maketrans("\r\n\t", "   ")
_SKIPPED = {"R": "relations", "E": "events", "N": "normalizations", "*": "equivalences"}


def _ann_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ann") if p.is_file())
            if not found:
                raise FormatError("the folder holds no .ann files", file=str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path.with_suffix(".ann") if path.suffix.lower() == ".txt" else path)
        else:
            raise FormatError("no such file or folder", file=str(path))
    return files


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    files = _ann_files(paths)
    docs: list[IncomingDocument] = []
    skipped: dict[str, int] = {}
    split: list[str] = []
    converted: list[str] = []
    after_bom: list[str] = []
    bom = CountedBom(".txt files")
    for n, ann in enumerate(files):
        txt = ann.with_suffix(".txt")
        if not txt.is_file():
            raise FormatError(f"no {txt.name} beside it", file=str(ann))
        text = bom.read(txt, options)
        doc = IncomingDocument(text=text, source=str(ann), external_id=txt.stem,
                               title=title_of(text.removeprefix(BOM)) or txt.stem)
        doc.spans = _read_ann(ann, text, skipped, split, converted, after_bom, options)
        docs.append(doc)
        options.progress(n + 1, len(files))
    bom.note(options)
    if after_bom:
        options.notes.append(
            f"{len(after_bom)} .ann files count offsets from after the .txt's byte-order mark; "
            f"they were shifted by one to the file as stored: {', '.join(after_bom[:5])}"
            + (" ..." if len(after_bom) > 5 else ""))
    if converted:
        options.notes.append(
            f"{len(converted)} .ann files count a CRLF line break as one character (brat "
            "reading the .txt in text mode); their offsets were converted to the file as "
            f"stored: {', '.join(converted[:5])}" + (" ..." if len(converted) > 5 else ""))
    if split:
        options.notes.append(f"{len(split)} discontinuous brat spans were imported as one span "
                             f"per fragment: {', '.join(split[:5])}" + (" ..." if len(split) > 5 else ""))
    if skipped:
        options.notes.append("skipped brat annotations that are not spans: "
                             + ", ".join(f"{kind} ({count})" for kind, count in sorted(skipped.items())))
    return docs


def _read_ann(path: Path, text: str, skipped: dict[str, int], split: list[str],
              converted: list[str], after_bom: list[str],
              options: ReadOptions) -> list[IncomingSpan]:
    content = read_source(path, options)
    bound: dict[str, _TextBound] = {}
    notes: dict[str, list[str]] = {}
    attributes: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(content.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where: Where = {"file": str(path), "line": number}
        kind = line[0]
        if kind == "T":
            found = _text_bound(line, number, where)
            if found.ident in bound:
                raise FormatError(f"{found.ident} is defined twice", **where)
            bound[found.ident] = found
            if len(found.fragments) > 1:
                split.append(f"{path.name}:{number} ({found.ident}, "
                             f"{len(found.fragments)} fragments)")
        elif kind == "#":
            fields = line.split("\t")
            head = fields[1].split() if len(fields) > 1 else []
            if len(fields) < 2 or len(head) != 2:
                raise FormatError("expected #ID<TAB>AnnotatorNotes TARGET<TAB>note", **where)
            if head[0] == "AnnotatorNotes":
                notes.setdefault(head[1], []).append(fields[2] if len(fields) > 2 else "")
            else:
                skipped[f"{head[0]} comments"] = skipped.get(f"{head[0]} comments", 0) + 1
        elif kind in "AM":
            fields = line.split("\t")
            parts = fields[1].split() if len(fields) > 1 else []
            if len(parts) not in (2, 3):
                raise FormatError("expected A<ID><TAB>Name TARGET [Value]", **where)
            value: Any = parts[2] if len(parts) == 3 else True
            attributes.setdefault(parts[1], {})[parts[0]] = value
        elif kind in _SKIPPED:
            skipped[_SKIPPED[kind]] = skipped.get(_SKIPPED[kind], 0) + 1
        else:
            raise FormatError(f"not a brat annotation line: {line[:40]!r}", **where)
    for target in dict.fromkeys([*notes, *attributes]):
        if target in bound:
            continue
        if not target.startswith(("R", "E", "N")):
            raise FormatError(f"a note or attribute refers to {target}, which is not defined",
                              file=str(path))
        for kind, by_target in (("notes", notes), ("attributes", attributes)):
            if by_target.get(target):
                what = f"{kind} of {_SKIPPED[target[0]]}"
                skipped[what] = skipped.get(what, 0) + len(by_target[target])
    placed = _placed(path, list(bound.values()), text, converted, after_bom)
    spans: list[IncomingSpan] = []
    for found, fragments in zip(bound.values(), placed):
        note = "\n".join(notes.get(found.ident, []))
        attrs = attributes.get(found.ident, {})
        spans.extend(IncomingSpan(start, end, found.label, note=note, attributes=attrs,
                                  line=found.line) for start, end in fragments)
    return spans


def _placed(path: Path, bound: list[_TextBound], text: str, converted: list[str],
            after_bom: list[str]) -> list[list[tuple[int, int]]]:
    """Fragments placed as stored, else counted the ways other tools count
    (CRLF as one character, offsets after the BOM), noting which was used."""
    ways: list[tuple[OffsetMap | None, int]] = [(None, 0)]
    if "\r\n" in text:
        ways.append((OffsetMap.lf(text), 0))
    if text.startswith(BOM):
        ways += [(view, 1) for view, _ in ways]
    problems: list[FormatError] = []
    for view, shift in ways:
        try:
            placed = _place(bound, text, str(path), view, shift)
        except FormatError as problem:
            problems.append(problem)
            continue
        if view:
            converted.append(path.name)
        if shift:
            after_bom.append(path.name)
        return placed
    raise problems[0]  # as stored


@dataclass(frozen=True)
class _TextBound:
    ident: str
    label: str
    fragments: list[tuple[int, int]]
    quoted: str | None
    line: int


def _text_bound(line: str, number: int, where: Where) -> _TextBound:
    fields = line.split("\t")
    if len(fields) < 2 or " " not in fields[1]:
        raise FormatError("expected T<ID><TAB>Label START END<TAB>text", **where)
    label, _, offsets = fields[1].partition(" ")
    fragments = []
    for fragment in offsets.split(";"):
        m = _FRAGMENT.match(fragment.strip())
        if not m:
            raise FormatError(f"offsets {offsets!r} are not START END[;START END...]", **where)
        fragments.append((int(m.group(1)), int(m.group(2))))
    quoted = "\t".join(fields[2:]) if len(fields) > 2 else None
    return _TextBound(fields[0], label, fragments, quoted, number)


def _place(bound: list[_TextBound], text: str, source: str,
           view: OffsetMap | None = None, shift: int = 0) -> list[list[tuple[int, int]]]:
    """Code-point fragments of every text-bound annotation (offsets counted in
    ``view`` when given, ``shift`` characters after its start), checked
    against their covered text."""
    length = (len(view.view_text) if view else len(text)) - shift
    placed = []
    for found in bound:
        where: Where = {"file": source, "line": found.line}
        fragments = []
        for start, end in found.fragments:
            if not 0 <= start < end <= length:
                raise FormatError(f"span [{start}, {end}) is empty or outside the .txt "
                                  f"({length} characters)", **where)
            start, end = start + shift, end + shift
            fragments.append(view.span_to_codepoints(start, end) if view else (start, end))
        if found.quoted is not None:
            covered = " ".join(text[s:e] for s, e in fragments)
            if covered.split() != found.quoted.split():
                raise FormatError(f"the .ann says {found.quoted[:60]!r} but the .txt has "
                                  f"{covered[:60]!r} there (edited text, or offsets counted "
                                  "another way)", **where)
        placed.append(fragments)
    return placed


def write(project: Project, target: Path | None, options: WriteOptions) -> ExportReport:
    report = ExportReport()
    layers = MergedLayers("brat", details=True)
    total = project.document_count()
    names = FileNames(reserved=("annotation", "visual", "tools", "kb_shortcuts"))
    free_text = flattened = 0
    with open_folder(target) as folder:
        (folder / "annotation.conf").write_text(annotation_conf(project.scheme), encoding="utf-8")
        for n, (doc, spans) in enumerate(project.iter_spans(options.where)):
            stem = names.stem(doc.key, doc.id, doc.key, f"doc{doc.id}")
            write_text(folder / f"{stem}.txt", doc.text)
            lines: list[str] = []
            t = a = h = 0
            for span in layers.unique(spans):
                t += 1
                covered = doc.text[span.start:span.end].translate(_ONE_LINE)
                lines.append(f"T{t}\t{span.label} {span.start} {span.end}\t{covered}")
                for key, value in span.attributes.items():
                    if value is True:
                        a += 1
                        lines.append(f"A{a}\t{key} T{t}")
                    elif isinstance(value, str) and value and not any(c.isspace() for c in value):
                        a += 1
                        lines.append(f"A{a}\t{key} T{t} {value}")
                    elif value is not False:
                        free_text += 1
                if span.note:
                    h += 1
                    note = " ".join(span.note.split())
                    flattened += note != span.note
                    lines.append(f"#{h}\tAnnotatorNotes T{t}\t{note}")
            write_text(folder / f"{stem}.ann", "".join(line + "\n" for line in lines))
            report.documents += 1
            report.spans += t
            if n % 200 == 0:
                options.progress(n, total)
        names.report(folder, report, ".txt and .ann")
    report.notes.extend(layers.notes())
    if free_text:
        report.notes.append(f"{free_text} attribute values with spaces (free text) have no brat "
                            "form and were not written")
    if flattened:
        report.notes.append(f"{plural(flattened, 'note')} with line breaks or tabs "
                            f"{agree(flattened, 'was', 'were')} written on one line")
    return report


def annotation_conf(scheme: Scheme) -> str:
    """brat's ``annotation.conf`` for a scheme: labels as entities, attributes."""
    attributes: dict[str, tuple[list[str], list[str]]] = {}
    for label in scheme.labels:
        for attribute in label.attributes:
            if attribute.type == "text":
                continue
            owners, values = attributes.setdefault(attribute.key, ([], []))
            owners.append(label.key)
            values.extend(c for c in attribute.choices if c not in values)
    lines = [f"# brat configuration for the {scheme.name} scheme", "[entities]"]
    lines += [label.key for label in scheme.labels]
    lines += ["", "[relations]", "", "[events]", "", "[attributes]"]
    for key, (owners, values) in attributes.items():
        lines.append(f"{key}\tArg:{'|'.join(owners)}" + (f", Value:{'|'.join(values)}" if values else ""))
    return "\n".join(lines) + "\n"


FORMAT = register(Format("brat", "brat standoff (.txt + .ann)", ("*.ann",), __doc__ or "",
                         read=read, write=write, writes_folder=True,
                         read_options=("add_labels",)))
