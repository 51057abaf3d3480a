"""The one registry of interchange formats, used by the CLI and the GUI.

A format has a name, file patterns, a docstring that states its offset unit,
and a reader and/or a writer:

* ``read(paths, options) -> list[IncomingDocument]`` parses files (nothing is
  written; errors are :class:`FormatError` naming file and line);
* ``write(project, target, options) -> ExportReport`` writes a file or folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..domain import IncomingDocument, Progress, SpanFilter, no_progress
from ..errors import FormatError

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class ReadOptions:
    progress: Progress = no_progress
    label: str | None = None  # for formats whose spans carry no label
    notes: list[str] = field(default_factory=list)  # readers append what the user should know


@dataclass(frozen=True)
class WriteOptions:
    where: SpanFilter = SpanFilter()
    neutralize_formulas: bool = True
    progress: Progress = no_progress
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.spans} spans from {self.documents} documents"


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
    name = path.name.lower()
    for fmt in readers():
        if any(Path(name).match(p) for p in fmt.patterns):
            return fmt
    raise FormatError("cannot tell the format from the file name; name it with --format",
                      file=str(path))


def _load_all() -> None:
    from . import csv, jsonl, txt  # noqa: F401  (each registers itself)


def read_files(paths: Sequence[Path], format_name: str = "auto",
               options: ReadOptions | None = None) -> list[IncomingDocument]:
    """Read every file first (all or nothing); the format is detected per file."""
    options = options or ReadOptions()
    if not paths:
        raise FormatError("no files to import")
    docs: list[IncomingDocument] = []
    if format_name != "auto":
        fmt = get(format_name)
        if fmt.read is None:
            raise FormatError(f"the {fmt.name} format cannot be imported")
        return fmt.read(list(paths), options)
    for path in paths:
        if not path.exists():
            raise FormatError("no such file or folder", file=str(path))
        fmt = detect(path)
        assert fmt.read is not None
        docs.extend(fmt.read([path], options))
    return docs


def import_files(project: Project, paths: Sequence[Path], *, format_name: str = "auto",
                 annotator: str, options: ReadOptions | None = None) -> Any:
    """Read then import files in one transaction; returns the ImportReport."""
    options = options or ReadOptions()
    docs = read_files(paths, format_name, options)
    report = project.import_documents(docs, annotator=annotator, progress=options.progress)
    report.notes[:0] = options.notes
    return report


def export(project: Project, format_name: str, target: Path | None,
           options: WriteOptions | None = None) -> ExportReport:
    fmt = get(format_name)
    if fmt.write is None:
        raise FormatError(f"the {fmt.name} format cannot be exported")
    return fmt.write(project, target, options or WriteOptions())
