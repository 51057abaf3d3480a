"""Guarded file access: the one module of the core that opens user files
outside SQLite.

Closing any file descriptor on an SQLite database drops every POSIX lock the
process holds on it; another process then believes it is the last user,
deletes the WAL, and the project is corrupt. So nothing in the process may
open a project file that is live here. The store registers each project file
while SQLite has it open; reads go through :func:`check_input` or
:func:`read_bytes`, writes through :func:`check_output`, and both refuse a live
project, its ``-wal``, ``-shm`` and ``-journal``, its upgrade lock, its backups
(``NAME.revN*.bak`` and the ``NAME.backups/`` folder) and any hard link to
them. Checks use ``os.stat`` only, never ``open``. Outputs are refused for
these names even when no project is live, if they belong to a registered one.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import FormatError

COMPANIONS = ("-wal", "-shm", "-journal", ".upgrade.lock")
# Never block on a FIFO swapped in after the check, never take a terminal.
_READ_FLAGS = (getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))
BACKUPS_SUFFIX = ".backups"

_lock = threading.Lock()
_live: Counter[Path] = Counter()  # resolved project path -> open SQLite connections
# Releases are queued, not locked: a connection may be closed by the garbage
# collector while this thread holds _lock. Every reader applies them first.
_released: deque[Path] = deque()


def _resolved(path: str | os.PathLike[str]) -> Path:
    return Path(os.path.abspath(Path(path).expanduser())).resolve()


def register(path: str | os.PathLike[str]) -> Path:
    """Note that SQLite holds ``path`` open in this process (counted); the key
    to give :func:`unregister`."""
    key = _resolved(path)
    with _lock:
        _live[key] += 1
    return key


def unregister(key: Path) -> None:
    """Undo one :func:`register` (safe from a finalizer: takes no lock)."""
    _released.append(key)


def live_projects() -> list[Path]:
    """The project files SQLite holds open in this process."""
    with _lock:
        while _released:
            key = _released.popleft()
            _live[key] -= 1
            if _live[key] <= 0:
                del _live[key]
        return sorted(_live)


def protected_names(project: Path) -> list[Path]:
    """The project file and the companions that must never be opened beside it."""
    return [project, *(project.with_name(project.name + suffix) for suffix in COMPANIONS)]


def _belongs_to(candidate: Path, project: Path) -> bool:
    """Whether ``candidate`` (resolved) is ``project`` or one of its companions by name."""
    if candidate in protected_names(project):
        return True
    backups = project.with_name(project.name + BACKUPS_SUFFIX)
    if candidate == backups or backups in candidate.parents:
        return True
    name = candidate.name
    return (candidate.parent == project.parent and name.startswith(project.name + ".rev")
            and name.endswith(".bak"))


def _identities(project: Path, *, backups_too: bool) -> set[tuple[int, int]]:
    """(st_dev, st_ino) of a project's files that exist now (and of its backups)."""
    paths = protected_names(project)
    if backups_too:
        folder = project.with_name(project.name + BACKUPS_SUFFIX)
        paths += project.parent.glob(f"{_glob_escape(project.name)}.rev*.bak")
        if folder.is_dir():
            paths += folder.rglob("*")
    found = set()
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue
        found.add((info.st_dev, info.st_ino))
    return found


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _refusal(path: Path, info: os.stat_result | None) -> str | None:
    """Why ``path`` must not be opened, or None."""
    candidate = _resolved(path)
    projects = live_projects()
    for project in projects:
        if _belongs_to(candidate, project):
            return (f"is the open project {project} or one of its journal, lock or backup "
                    "files; choose another file")
    if info is not None and stat.S_ISREG(info.st_mode):
        # Listing backups only for a file with several links keeps a folder import
        # beside a live project from listing the folder once per file.
        for project in projects:
            if (info.st_dev, info.st_ino) in _identities(project, backups_too=info.st_nlink > 1):
                return (f"is a link to the open project {project} or to one of its journal, "
                        "lock or backup files; choose another file")
    return None


def check_input(path: str | os.PathLike[str]) -> os.stat_result:
    """Refuse (FormatError naming the file) what must not be read: a live project
    or its companions, a hard link to them, a missing file, a folder, a FIFO,
    device or socket. Returns the file's stat."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FormatError("no such file", file=str(path)) from None
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise FormatError("is a folder, not a file", file=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise FormatError("is not a regular file (a pipe, device or socket); nothing read",
                          file=str(path))
    if reason := _refusal(path, info):
        raise FormatError(reason, file=str(path))
    return info


def read_bytes(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a user's file (at most ``limit``), after :func:`check_input`."""
    path = Path(path)
    info = check_input(path)
    try:
        fd = os.open(path, os.O_RDONLY | _READ_FLAGS)
        with os.fdopen(fd, "rb") as fh:
            now = os.fstat(fh.fileno())
            if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):  # swapped since the check
                raise FormatError("changed while being opened; try again", file=str(path))
            return fh.read() if limit is None else fh.read(limit)
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", file=str(path)) from None


def check_output(path: str | os.PathLike[str]) -> None:
    """Refuse (FormatError naming the file) to write over a live project, its
    companions and backups, or a hard link to any of them."""
    path = Path(path)
    try:
        info: os.stat_result | None = os.stat(path)
    except OSError:
        info = None
    if reason := _refusal(path, info):
        raise FormatError(reason, file=str(path))


@contextmanager
def upgrade_lock(project: Path) -> Iterator[None]:
    """Hold the exclusive ``NAME.upgrade.lock`` beside ``project`` (waits for it).

    A separate file (flock, not POSIX locks on the project): the holder removes
    it when done, so a waiter that wakes on a removed file takes the new one.
    """
    lock_path = project.with_name(project.name + ".upgrade.lock")
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock_exclusive(fd)
            held, now = os.fstat(fd), _stat_or_none(lock_path)
            if now is not None and (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # removed by the previous holder: take the new one
    try:
        yield
    finally:
        try:
            lock_path.unlink(missing_ok=True)
        except OSError:  # Windows cannot remove a file others have open: leave it
            pass
        os.close(fd)


def _lock_exclusive(fd: int) -> None:
    if sys.platform == "win32":  # not os.name: mypy type-checks this branch for Windows only
        import msvcrt

        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # gives up after 10 s: ask again
                return
            except OSError:
                continue
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None
