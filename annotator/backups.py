"""Rolling backups of a project file, and restoring one.

A backup is a consistent copy made with SQLite's backup API (never a file
copy: reading the live file outside SQLite would drop SQLite's locks), kept in
``NAME.backups/`` beside the project ``NAME`` as ``STEM-YYYYmmddTHHMMSSZ.annotator``.
A copy is written under a temporary name and linked into place, so a backup
name never holds half a copy and an existing backup is never overwritten.
Backups older than the project setting ``backup_days`` (default 14) are
pruned, and at most :data:`MAX_BACKUPS` are kept; the newest always stays.

A restore writes the backup INTO the project with the backup API: a real
SQLite write transaction that takes the locks other processes respect. The
current state is backed up first, and a project this process still has open
is refused (its connections must be closed first).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import stat
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import files, store
from .errors import ProjectError

DEFAULT_KEEP_DAYS = 14
KEEP_DAYS_SETTING = "backup_days"
MAX_BACKUPS = 60
# The GUI takes a backup on opening a project when the newest is older than this.
AUTO_INTERVAL = timedelta(days=1)
LOCK_WAIT_S = 30.0
STAMP = "%Y%m%dT%H%M%SZ"
_TEMP_PREFIX = ".partial-"
# What reading a damaged file raises: SQLite's errors, and an error message
# quoting a corrupt schema that does not even decode.
DAMAGED = (sqlite3.Error, UnicodeDecodeError)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file; the counts are None when the copy cannot be read."""

    path: Path
    taken_at: datetime  # UTC, naive like every stored time
    size: int
    documents: int | None
    spans: int | None
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RestoreReport:
    restored: Path  # the backup now in the project
    saved: Path  # the backup of the state before the restore

    def summary(self) -> str:
        return f"restored {self.restored.name}; the state before is kept as {self.saved.name}"


def backup_folder(project: Path) -> Path:
    """``NAME.backups`` beside the project file ``NAME``."""
    return project.with_name(project.name + ".backups")


@contextmanager
def reading(path: Path, *, deadline_s: float | None = None) -> Iterator[sqlite3.Connection]:
    """A connection that writes nothing (:func:`annotator.store.probe`) on a file
    that may be damaged or hostile; after ``deadline_s`` a runaway query (a
    recursive view) is interrupted instead of spinning forever."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such file") from None
    except OSError as exc:
        raise ProjectError(f"{path}: cannot open: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the open
        raise ProjectError(f"{path}: not a project file (a folder, pipe, device or socket)")
    with store.probe(path) as (conn, _immutable):
        if deadline_s is not None:
            interrupt_after(conn, deadline_s)
        yield conn


def interrupt_after(conn: sqlite3.Connection, seconds: float) -> None:
    """Interrupt the connection's statements once ``seconds`` have passed from now."""
    stop = time.monotonic() + seconds
    conn.set_progress_handler(lambda: int(time.monotonic() > stop), 10_000)


def take_backup(project: Path, *, now: datetime | None = None, prune: bool = True) -> Path:
    """Copy the project consistently into its backup folder; the new backup's path."""
    project = Path(project)
    now = now or datetime.now(UTC)
    folder = backup_folder(project)
    partial = folder / f"{_TEMP_PREFIX}{uuid.uuid4().hex}{project.suffix}"
    try:
        with reading(project) as source:
            keep_days = _setting(source, KEEP_DAYS_SETTING, DEFAULT_KEEP_DAYS)
            folder.mkdir(mode=0o700, exist_ok=True)
            store.copy_database(source, partial)
        target = _link_fresh(partial, folder, f"{project.stem}-{now.strftime(STAMP)}", project.suffix)
    except (OSError, *DAMAGED) as exc:
        partial.unlink(missing_ok=True)
        raise ProjectError(f"{project}: cannot take a backup: {exc}") from None
    if prune:
        prune_backups(project, keep_days=keep_days, now=now)
    return target


def backup_if_due(project: Path, *, interval: timedelta = AUTO_INTERVAL,
                  now: datetime | None = None) -> Path | None:
    """Take a backup unless the newest one is younger than ``interval``."""
    now = now or datetime.now(UTC)
    newest = max((taken for taken, _n, _path in _backup_files(project)), default=None)
    if newest is not None and now.replace(tzinfo=None) - newest < interval:
        return None
    return take_backup(project, now=now)


def list_backups(project: Path) -> list[BackupInfo]:
    """The project's backups, newest first, with counts read read-only via SQLite."""
    found = []
    for taken, _n, path in sorted(_backup_files(project), reverse=True):
        documents = spans = problem = None
        try:
            size = path.stat().st_size
        except OSError:
            continue  # pruned meanwhile
        try:
            with reading(path, deadline_s=5) as conn:
                documents = conn.execute("SELECT count(*) FROM document").fetchone()[0]
                spans = conn.execute(
                    "SELECT count(*) FROM span WHERE deleted_at IS NULL").fetchone()[0]
        except (*DAMAGED, ProjectError) as exc:
            problem = str(exc)
        found.append(BackupInfo(path, taken, size, documents, spans, problem))
    return found


def prune_backups(project: Path, *, keep_days: int | None = None,
                  keep_count: int = MAX_BACKUPS, now: datetime | None = None) -> list[Path]:
    """Delete backups older than ``keep_days`` (default: the project's setting)
    and beyond ``keep_count`` (the newest always stays); the deleted paths."""
    if keep_days is None:
        try:
            with reading(project) as conn:
                keep_days = _setting(conn, KEEP_DAYS_SETTING, DEFAULT_KEEP_DAYS)
        except (*DAMAGED, ProjectError):
            keep_days = DEFAULT_KEEP_DAYS
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    newest_first = sorted(_backup_files(project), reverse=True)
    doomed = [path for n, (taken, _n, path) in enumerate(newest_first)
              if n > 0 and (n >= keep_count or now - taken > timedelta(days=keep_days))]
    for path in doomed:
        path.unlink(missing_ok=True)
    _remove_partials(backup_folder(project), older_than=now - timedelta(hours=1))
    return doomed


def restore_backup(project: Path, name: str) -> RestoreReport:
    """Write the backup ``name`` (a file in the backup folder) into the project.

    Refused while this process holds the project open; the current state is
    backed up first, and the restore is one SQLite write transaction.
    """
    project = Path(project)
    if project.resolve() in files.live_projects():
        raise ProjectError(f"{project}: is open in this program; close it before restoring")
    folder = backup_folder(project)
    chosen = folder / Path(name).name
    if Path(name).name != name and Path(name).resolve().parent != folder.resolve():
        raise ProjectError(f"{name}: not a backup of {project}")
    if not any(path == chosen for _taken, _n, path in _backup_files(project)):
        raise ProjectError(f"{project}: no backup named {name!r} (see `annotator backup --list`)")
    try:
        with reading(chosen) as source:
            _check_restorable(source, chosen)
            saved = take_backup(project, prune=False)
            target = store.connect(str(project))
            try:
                _copy_into(source, target)
            finally:
                target.close()
    except DAMAGED as exc:
        raise ProjectError(f"{project}: cannot restore {chosen.name} ({exc}); "
                           "the project is unchanged") from None
    prune_backups(project)
    return RestoreReport(chosen, saved)


def _check_restorable(source: sqlite3.Connection, path: Path) -> None:
    # The full check: quick_check passes a backup whose indexes disagree with its tables.
    result = source.execute("PRAGMA integrity_check(1)").fetchone()[0]
    if result != "ok":
        raise ProjectError(f"{path}: cannot be restored: it is damaged ({result})")
    try:
        app = source.execute("SELECT value FROM project_info WHERE key = 'app'").fetchone()
    except DAMAGED:
        app = None
    if app is None or app[0] != json.dumps(store.APP_ID):
        raise ProjectError(f"{path}: cannot be restored: not a project of this app")


def _copy_into(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The backup API's one-step copy, waiting at most :data:`LOCK_WAIT_S` for
    another program's write lock."""
    stop = time.monotonic() + LOCK_WAIT_S
    target.execute("PRAGMA busy_timeout=250")  # short tries; the deadline is ours

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > stop:
            raise sqlite3.OperationalError("the project is locked by another program")

    source.backup(target, progress=progress)


def _link_fresh(partial: Path, folder: Path, base: str, suffix: str) -> Path:
    """Give the finished copy a name no file has yet (a hard link never replaces;
    on a file system without hard links, such as FAT, a rename after a check)."""
    for n in range(1, 1000):
        target = folder / (f"{base}{suffix}" if n == 1 else f"{base}-{n}{suffix}")
        try:
            os.link(partial, target)
        except FileExistsError:
            continue
        except OSError:
            if os.path.lexists(target):
                continue
            partial.rename(target)
            return target
        partial.unlink()
        return target
    raise OSError(f"{folder}: too many backups named {base}")


def _backup_files(project: Path) -> list[tuple[datetime, int, Path]]:
    """(time taken, sequence number within that second, path) of each backup."""
    pattern = re.compile(rf"{re.escape(project.stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?"
                         rf"{re.escape(project.suffix)}")
    folder = backup_folder(project)
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in entries:
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            found.append((datetime.strptime(match[1], STAMP), int(match[2] or 1), path))
    return found


def _remove_partials(folder: Path, *, older_than: datetime) -> None:
    """Remove copies a crash left under a temporary name."""
    if not folder.is_dir():
        return
    cutoff = older_than.replace(tzinfo=UTC).timestamp()
    for path in folder.glob(f"{_TEMP_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _setting(conn: sqlite3.Connection, key: str, default: int) -> int:
    try:
        row = conn.execute("SELECT value FROM project_info WHERE key = ?",
                           (f"setting:{key}",)).fetchone()
        # JSON as text, or (NUMERIC column affinity) a bare number.
        value = (json.loads(row[0]) if isinstance(row[0], str) else row[0]) if row else default
    except (*DAMAGED, ValueError, TypeError):
        return default
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
