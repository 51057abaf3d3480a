"""Writing export files atomically: a cancelled or failed export leaves nothing."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO, overload

from .. import files
from ..errors import FormatError

# Read once, at import: os.umask can only be read by setting it, which is not
# safe once worker threads create files.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


@overload
def open_output(target: Path | None, *, newline: str = "",
                binary: Literal[False] = False) -> AbstractContextManager[TextIO]: ...
@overload
def open_output(target: Path | None, *, binary: Literal[True]) -> AbstractContextManager[BinaryIO]: ...


@contextmanager
def open_output(target: Path | None, *, newline: str = "", binary: bool = False) -> Iterator[Any]:
    """A text stream (or with ``binary`` a byte stream) to ``target`` (None or
    ``-``: standard output).

    A file is written beside its destination and renamed into place only when
    the writer finishes, so an error or a cancel never leaves half a file.
    The one output path of the app: it refuses to write over an open project,
    its journal, lock and backup files, and hard links to them
    (:func:`annotator.files.check_output`).
    """
    if target is None or str(target) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        sys.stdout.flush()
        return
    target = Path(target)
    files.check_output(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                   dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise FormatError(f"cannot write: {exc.strerror}", file=str(target)) from None
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # as open() would make it, not mkstemp's 0600
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline=newline)) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FormatError(f"cannot write: {exc.strerror}", file=str(target)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
