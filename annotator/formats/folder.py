"""Writing export folders atomically, for formats that write one file per document."""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files
from ..errors import FormatError
from ..wording import plural

if TYPE_CHECKING:
    from . import ExportReport

_SAFE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
MAX_STEM = 80  # characters (ASCII: bytes) before the extension, far below any system's limit
MAPPING_FILE = "file-names.csv"
# Windows device names, which no file may have (with any extension).
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
            *(f"{port}{n}" for port in ("COM", "LPT") for n in range(10))}


@contextmanager
def open_folder(target: Path | None) -> Iterator[Path]:
    """A fresh folder beside ``target``, moved into place when the writer finishes.

    ``target`` must be new or an empty folder, so an export never mixes with
    older files; an error or a cancel leaves nothing behind.
    """
    if target is None or str(target) == "-":
        raise FormatError("this format writes a folder: name it with -o DIR")
    target = Path(target)
    files.check_output(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FormatError("exists and is not an empty folder; choose a new or empty one",
                          file=str(target))
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part",
                                    dir=target.parent if str(target.parent) else "."))
    except OSError as exc:
        raise FormatError(f"cannot write: {exc.strerror}", file=str(target)) from None
    try:
        yield tmp
        tmp.chmod(0o755)
        if target.exists():
            target.rmdir()
        os.rename(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FormatError(f"cannot write: {exc.strerror}", file=str(target)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_text(path: Path, text: str) -> None:
    """UTF-8, line breaks exactly as in ``text`` (CRLF kept), a leading U+FEFF
    too: the formats writing folders count it as a character (see :mod:`.bom`).
    The path goes through the output guard first."""
    files.check_output(path)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(text)


class FileNames:
    """File names for the documents of one export folder.

    A document's plain name (its id) is used when it is safe everywhere:
    ASCII letters, digits, ``_ . -``, at most ``MAX_STEM`` characters with the
    ``prefix``, not a Windows device name (``CON``, ``NUL``, ``COM1``...), and
    not already taken by another name that differs only in case. Otherwise
    the document gets a fallback (``doc<row id>``), then ``-<row id>`` until
    unique: the same project always gives the same names. Documents whose
    file is not the plain one are listed by :meth:`report`.
    """

    def __init__(self, *, prefix: str = "", reserved: Iterable[str] = ()):
        self.prefix = prefix
        self._taken = {name.lower() for name in reserved}
        self.renamed: dict[str, str] = {}  # document id -> its file stem (prefix included)

    def stem(self, key: str, row_id: int, plain: str | None, fallback: str) -> str:
        """The stem (without ``prefix``) for document ``key`` (row ``row_id``):
        ``plain`` (the name it should have; None: it has none) when safe, else
        ``fallback``."""
        stem = plain if plain is not None and self._safe(plain) else fallback
        while stem.lower() in self._taken:
            stem = f"{stem}-{row_id}"
        self._taken.add(stem.lower())
        if stem != plain:
            self.renamed[key] = self.prefix + stem
        return stem

    def _safe(self, stem: str) -> bool:
        name = self.prefix + stem
        return (len(name) <= MAX_STEM and _SAFE_STEM.fullmatch(stem) is not None
                and name.split(".", 1)[0].upper() not in _DEVICES)

    def report(self, folder: Path, report: ExportReport, what: str) -> None:
        """List the renamed documents in ``MAPPING_FILE`` and in a note of
        ``report`` (``what``: what each stem names, e.g. ``.txt and .ann``)."""
        if not self.renamed:
            return
        from .csv import Writer  # every CSV the app writes is neutralized

        table = io.StringIO()
        writer = Writer(table)
        writer.writerow(("document_id", "file_stem"))
        writer.writerows(self.renamed.items())
        write_text(folder / MAPPING_FILE, table.getvalue())
        shown = "; ".join(f"{key!r} -> {stem}" for key, stem in list(self.renamed.items())[:5])
        more = f"; ... ({len(self.renamed)} in all)" if len(self.renamed) > 5 else ""
        report.notes.append(
            f"{plural(len(self.renamed), 'document')} got file names ({what}) other than their "
            "ids, which are unsafe as file names (characters, length, a Windows device name, "
            f"or differing from another only in case); {MAPPING_FILE} lists them: {shown}{more}")
