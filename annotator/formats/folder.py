"""Writing export folders atomically, for formats that write one file per document."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import files
from ..errors import FormatError

_SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,150}$")


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
    """UTF-8, line breaks exactly as in ``text`` (CRLF kept).

    Readers drop a leading byte-order mark, so a text that itself starts with
    U+FEFF gets one more in front: reading the file gives the text back.
    The path goes through the output guard first.
    """
    files.check_output(path)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + text if text.startswith("\ufeff") else text)


def file_stem(key: str, row_id: int, taken: set[str]) -> str:
    """A file name for a document: its id when that is a safe, unused name."""
    stem = key if _SAFE_STEM.match(key) else f"doc{row_id}"
    if stem.lower() in taken:
        stem = f"{stem}-{row_id}"
    taken.add(stem.lower())
    return stem
