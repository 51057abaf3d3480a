"""The one registry of interchange formats, used by the CLI and the GUI.

A format has a name, file patterns, a docstring that states its offset unit,
and a reader and/or a writer:

* ``read(paths, options) -> list[IncomingDocument]`` parses files (nothing is
  written; errors are :class:`FormatError` naming file and line);
* ``write(project, target, options) -> ExportReport`` writes a file or folder.

``read_options`` and ``write_options`` name the options (``.options.OPTIONS``)
each takes, so the GUI offers what the CLI does; ``.bom`` says where a leading
byte-order mark is a character and where a mark.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from ..domain import ImportReport, IncomingDocument, Progress, SpanFilter, no_progress
from ..wording import agree, plural
from ..errors import FormatError
from ..schemes import Scheme, label_key_problem
from ..text import read_text

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class ReadOptions:
    progress: Progress = no_progress
    label: str | None = None  # for formats whose spans carry no label
    notes: list[str] = field(default_factory=list)  # readers append what the user should know
    spans_key: str = "sc"  # spaCy DocBin: the span group to read
    offset_unit: str | None = None  # "codepoint" or "utf16" where a tool's setting decides (doccano)
    reanchor: bool = False  # Label Studio: move a region to its quoted text near it, reported
    # Formats whose files hold spans but no text (W3C) anchor on the project's documents.
    project: Project | None = None
    encoding: str | None = None  # of every file read (default: UTF-8, else detected)
    decoded: dict[str, list[str]] = field(default_factory=dict)  # encoding -> files not UTF-8


@dataclass(frozen=True)
class WriteOptions:
    where: SpanFilter = SpanFilter()
    neutralize_formulas: bool = True
    progress: Progress = no_progress
    gold: bool = False  # only the gold (adjudicated) annotators' spans
    spans_key: str = "sc"  # spaCy DocBin: the span group to write
    offset_unit: str | None = None  # as in ReadOptions
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{plural(self.spans, 'span')} from {plural(self.documents, 'document')}"


Reader = Callable[[Sequence[Path], ReadOptions], list[IncomingDocument]]
Writer = Callable[["Project", "Path | None", WriteOptions], ExportReport]


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    patterns: tuple[str, ...]
    doc: str
    read: Reader | None = None
    write: Writer | None = None
    writes_folder: bool = False
    # keys of .options.OPTIONS the reader / writer takes (the GUI offers them)
    read_options: tuple[str, ...] = ()
    write_options: tuple[str, ...] = ("gold",)


REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    REGISTRY[fmt.name] = fmt
    return fmt


def get(name: str) -> Format:
    _load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        raise FormatError(f"unknown format {name!r} (known: {', '.join(sorted(REGISTRY))})") from None


def readers() -> list[Format]:
    _load_all()
    return [f for f in REGISTRY.values() if f.read]


def writers() -> list[Format]:
    _load_all()
    return [f for f in REGISTRY.values() if f.write]


def detect(path: Path) -> Format:
    """The reader for a file or folder, from its name."""
    _load_all()
    if path.is_dir():
        return REGISTRY["txt"]
    name = Path(path.name.lower())
    matches = [(len(p), fmt) for fmt in readers() for p in fmt.patterns if name.match(p)]
    if matches:  # the most specific pattern wins: *.doccano.jsonl over *.jsonl
        return max(matches, key=lambda m: m[0])[1]
    raise FormatError("cannot tell the format from the file name; choose the format explicitly",
                      file=str(path))


def read_source(path: Path, options: ReadOptions, *, keep_bom: bool = False) -> str:
    """A file's text, decoded; a non-UTF-8 encoding is recorded for the user.

    A leading byte-order mark is dropped, or kept as U+FEFF with ``keep_bom``
    (formats whose offsets count it: see :mod:`.bom`)."""
    text, encoding = read_text(path, options.encoding, keep_bom=keep_bom)
    if encoding:
        options.decoded.setdefault(encoding, []).append(str(path))
    return text


EXAMPLES = 5  # files named in a note


def _encoding_notes(options: ReadOptions) -> None:
    """What :func:`read_source` recorded, one note per encoding."""
    how = "as chosen" if options.encoding else "not UTF-8"
    for encoding, files in options.decoded.items():
        shown = ", ".join(files[:EXAMPLES]) + (f" and {len(files) - EXAMPLES} more"
                                               if len(files) > EXAMPLES else "")
        options.notes.append(f"decoded as {encoding} ({how}): {shown}")
    options.decoded.clear()


_LONG_NUMBER = re.compile(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1))
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def parse_json(text: str, path: Path, line: int | None = None) -> Any:
    """The JSON value of a file (or of its line ``line``); malformed JSON, too
    deep nesting or too long numbers are a FormatError naming file and line."""
    def error(message: str, offset: int) -> FormatError:
        at = line if line is not None else text.count("\n", 0, offset) + 1
        return FormatError(f"not valid JSON: {message}", file=str(path), line=at)

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{exc.msg} (column {exc.colno})", exc.pos) from None
    except RecursionError:
        raise error("nested too deeply", _deepest(text)) from None
    except ValueError:  # Python's limit on the digits of an integer
        found = _LONG_NUMBER.search(text)
        raise error(f"a number with more than {sys.get_int_max_str_digits()} digits",
                    found.start() if found else 0) from None


def is_offset(value: object) -> TypeGuard[int]:
    """A JSON integer, not a boolean: what an offset field must hold."""
    return isinstance(value, int) and not isinstance(value, bool)


def _deepest(text: str) -> int:
    """Where ``text``'s brackets (outside strings) first nest deepest."""
    depth = deepest = at = 0
    for m in _JSON_TOKEN.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, m.start()
        elif token in "]}":
            depth -= 1
    return at


def json_lines(path: Path, options: ReadOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of a JSON Lines file: (line number, object)."""
    lines = read_source(path, options).split("\n")  # not splitlines(): JSON leaves U+2028 unescaped
    for number, line in enumerate(lines, start=1):
        if line.strip():
            obj = parse_json(line, path, number)
            if not isinstance(obj, dict):
                raise FormatError("each line must be a JSON object", file=str(path), line=number)
            yield number, obj
        if number % 1000 == 0:
            options.progress(number, len(lines))


def _load_all() -> None:
    from . import brat, csv, docbin, doccano, jsonl, labelstudio, semeval, txt, w3c  # noqa: F401
    from ..intake import sources  # noqa: F401  (html, pdf, docx, feed)


def read_files(paths: Sequence[Path | str], format_name: str = "auto",
               options: ReadOptions | None = None) -> list[IncomingDocument]:
    """Read every file first (all or nothing); the format is detected per file.

    A ``str`` holding ``scheme://`` is a URL: fetched (http and https only)."""
    options = options or ReadOptions()
    if not paths:
        raise FormatError("no files to import")
    docs: list[IncomingDocument] = []
    if format_name != "auto":
        fmt = get(format_name)
        if fmt.read is None:
            raise FormatError(f"the {fmt.name} format cannot be imported")
        docs = fmt.read([Path(p) for p in paths], options)
    else:
        for path in paths:
            if isinstance(path, str):
                from ..intake.fetch import is_url
                from ..intake.sources import read_url

                if is_url(path):
                    docs.extend(read_url(path, options))
                    continue
                path = Path(path)
            if not path.exists():
                raise FormatError("no such file or folder", file=str(path))
            fmt = detect(path)
            assert fmt.read is not None
            docs.extend(fmt.read([path], options))
    _encoding_notes(options)
    return docs


def import_files(project: Project, paths: Sequence[Path | str], *, format_name: str = "auto",
                 annotator: str, options: ReadOptions | None = None,
                 add_labels: bool = False) -> ImportReport:
    """Read then import files in one transaction; returns the ImportReport.

    Labels the scheme lacks are refused, all listed with where each was first
    seen; with ``add_labels`` they are added to the project's scheme in the
    same transaction as the spans, and so are attributes (and choice values)
    the labels lack.
    """
    options = replace(options or ReadOptions(), project=project)
    docs = read_files(paths, format_name, options)
    scheme = project.scheme
    unknown = unknown_labels(docs, scheme)
    if unknown and not add_labels:
        listed = ", ".join(f"{label!r} ({_at(*where)})" for label, where in unknown.items())
        raise FormatError(f"{plural(len(unknown), 'label')} {agree(len(unknown), 'is', 'are')} "
                          f"not in the scheme {scheme.name!r}: "
                          f"{listed}; add them with --add-labels")
    for label, (source, line) in unknown.items():
        if problem := label_key_problem(label):
            raise FormatError(f"cannot add label {label!r}: {problem}", file=source, line=line)
    if unknown:
        scheme = scheme.with_labels(list(unknown))
        options.notes.append(f"added {plural(len(unknown), 'label')} to the scheme: {', '.join(unknown)}")
    if add_labels:  # and the attributes the labels lack (else the import names the first)
        scheme, added = scheme.with_attributes((s.label, k, v) for doc in docs
                                               for s in doc.spans for k, v in s.attributes.items())
        if added:
            options.notes.append(f"added to the scheme: {'; '.join(added)}")
    report = project.import_documents(docs, annotator=annotator, progress=options.progress,
                                      scheme=scheme)
    report.notes[:0] = options.notes
    return report


def unknown_labels(docs: Sequence[IncomingDocument],
                   scheme: Scheme) -> dict[str, tuple[str, int | None]]:
    """Labels the scheme lacks, in order of appearance, with file and line of the first."""
    found: dict[str, tuple[str, int | None]] = {}
    for doc in docs:
        for span in doc.spans:
            if span.label not in found and not scheme.has_label(span.label):
                found[span.label] = (span.source or doc.source, span.line or doc.line)
    return found


def _at(source: str, line: int | None) -> str:
    return f"{source}:{line}" if line is not None else source


def gold_annotators(project: Project) -> list[str]:
    """Names of the project's gold (adjudicated) annotators."""
    from sqlalchemy import select

    from ..models import Annotator

    with project.reading() as s:
        return list(s.scalars(select(Annotator.name).where(Annotator.kind == "gold")
                              .order_by(Annotator.name)))


def _refuse_project_file(project: Project, target: Path | None) -> None:
    """Writing an export over the open project file (or its journal) would destroy it."""
    path = project.path
    if target is None or str(target) == "-" or path is None:
        return
    target, path = Path(target).resolve(), path.resolve()
    journals = {path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")}
    if target == path or target in journals:
        raise FormatError("that is the project file itself; choose another file name",
                          file=str(target))


def export(project: Project, format_name: str, target: Path | None,
           options: WriteOptions | None = None) -> ExportReport:
    fmt = get(format_name)
    if fmt.write is None:
        raise FormatError(f"the {fmt.name} format cannot be exported")
    options = options or WriteOptions()
    _refuse_project_file(project, target)
    if options.gold:
        gold = gold_annotators(project)
        if not gold:
            raise FormatError("the project has no gold annotator yet (adjudicate first)")
        chosen = [g for g in gold if not options.where.annotators or g in options.where.annotators]
        if not chosen:
            raise FormatError(f"none of the chosen annotators is a gold annotator ({', '.join(gold)})")
        options = replace(options, where=replace(options.where, annotators=tuple(chosen)))
    return fmt.write(project, target, options)
