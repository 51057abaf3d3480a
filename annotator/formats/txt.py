"""Plain-text articles: a ``.txt`` file is one document, a folder is all the
``.txt`` files in it (sorted). When the first line is followed by an empty
line it is the title (the SemEval corpus layout); the stored text is the whole
file, title included, exactly as decoded (CRLF kept). No spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..domain import IncomingDocument
from ..errors import FormatError
from . import Format, ReadOptions, read_source, register


def title_of(text: str) -> str:
    """The first line when an empty line follows it, unless it is a date or a
    dateline: then the next heading-like line (see :mod:`annotator.intake.titles`)."""
    from ..intake.titles import better_title

    lines = [line.rstrip("\r") for line in text.split("\n", 2)]
    if len(lines) >= 2 and lines[0].strip() and not lines[1].strip():
        return better_title(lines[0], text)
    return ""


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".txt" and p.is_file())
            if not found:
                raise FormatError("the folder holds no .txt files", file=str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise FormatError("no such file or folder", file=str(path))
    return files


def read(paths: Sequence[Path], options: ReadOptions) -> list[IncomingDocument]:
    files = _files(paths)
    docs = []
    for n, path in enumerate(files):
        text = read_source(path, options)
        if not text.strip():
            raise FormatError("the file is empty", file=str(path))
        docs.append(IncomingDocument(text=text, source=str(path), external_id=path.stem,
                                     title=title_of(text) or path.stem))
        options.progress(n + 1, len(files))
    return docs


FORMAT = register(Format("txt", "Plain text articles", ("*.txt",), __doc__ or "", read=read))
