"""The one place that opens a project database.

A project is one SQLite file (any SQLAlchemy URL is accepted for later). Every
connection gets ``foreign_keys=ON``, a ``busy_timeout``, ``trusted_schema=OFF``
and, for files, WAL with ``synchronous=FULL``: a transaction acknowledged to the
user survives a kill of the process or a power cut. Opening checks that the
file is ours and of a schema revision we know; an older project is backed up,
then upgraded with Alembic; a newer, damaged or foreign file is refused and
left untouched.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, SQLAlchemyError

from .errors import ProjectError
from .models import Base

APP_ID = "media-bias-annotator"
# The Alembic head revision this code writes; tests check it matches migrations/.
SCHEMA_REVISION = "0002"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def project_url(path: str | Path, *, readonly: bool = False) -> str:
    """SQLAlchemy URL of a project file."""
    resolved = Path(path).expanduser().resolve()
    if readonly:
        return f"sqlite:///file:{resolved.as_posix()}?mode=ro&uri=true"
    return f"sqlite:///{resolved.as_posix()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for other databases and memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    database = parsed.database
    if database.startswith("file:"):
        database = database[len("file:"):]
    return Path(database)


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """An engine with our connection settings (no checks, no schema work)."""
    try:
        is_sqlite = make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        raise ProjectError(f"{url}: not a database URL") from None
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:  # unknown dialect or a driver not installed
        raise ProjectError(f"{url}: cannot use this database: {exc}") from None
    if is_sqlite:
        _configure_sqlite(engine, readonly=readonly)
    return engine


def _configure_sqlite(engine: Engine, *, readonly: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy's begin event own transactions (pysqlite's implicit
        # BEGIN breaks SAVEPOINT and starts too late).
        dbapi_conn.isolation_level = None
        # Unicode-aware case folding for search (SQLite's lower() is ASCII only).
        dbapi_conn.create_function("casefold", 1, _casefold, deterministic=True)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA trusted_schema=OFF")
        if readonly:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the lock up front so they wait (busy_timeout) instead of
        # failing when they upgrade from a read.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate and not readonly else "BEGIN")


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def open_database(url: str, *, readonly: bool = False) -> Engine:
    """Open an existing project; upgrade it (after a backup) if it is older."""
    path = sqlite_path(url)
    if path is not None:
        _check_file(path)
    engine = make_engine(url, readonly=readonly)
    where = str(path) if path else url
    try:
        revision = _read_revision(engine, where)
        if revision != SCHEMA_REVISION:
            if readonly:
                raise ProjectError(
                    f"{where}: project is at schema revision {revision}, this app writes "
                    f"{SCHEMA_REVISION}; open and upgrade it first"
                )
            _upgrade(engine, path, revision, where)
    except ProjectError:
        engine.dispose()
        raise
    except DatabaseError as exc:
        engine.dispose()
        raise ProjectError(f"{where}: damaged or not a project database ({exc.orig})") from None
    return engine


def create_database(url: str, scheme: dict[str, Any]) -> Engine:
    """Create a new, empty project holding ``scheme``."""
    path = sqlite_path(url)
    if path is not None:
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: already exists; choose another file name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(f"{path}: cannot create the folder: {exc}") from None
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            Base.metadata.create_all(conn)
            conn.exec_driver_sql(
                "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_REVISION})
            from .models import ProjectInfo

            conn.execute(
                ProjectInfo.__table__.insert(),
                [{"key": "app", "value": APP_ID}, {"key": "scheme", "value": scheme}],
            )
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise ProjectError(f"{path or url}: cannot create project: {exc}") from None
    return engine


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path}: no such project file")
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read: {exc.strerror}") from None
    if head != SQLITE_MAGIC:
        raise ProjectError(f"{path}: not a project file (not an SQLite database)")


def _read_revision(engine: Engine, where: str) -> str:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not {"project_info", "alembic_version"} <= tables:
            raise ProjectError(f"{where}: not a project of this app (an SQLite file of another kind)")
        app = conn.execute(text("SELECT value FROM project_info WHERE key = 'app'")).scalar()
        if app != f'"{APP_ID}"':
            raise ProjectError(f"{where}: not a project of this app")
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if not revision:
        raise ProjectError(f"{where}: project has no schema revision; it is damaged")
    return str(revision)


def _upgrade(engine: Engine, path: Path | None, revision: str, where: str) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from alembic import command

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    try:
        scripts.get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown id
        raise ProjectError(
            f"{where}: written by a newer version of this app (schema revision {revision}); "
            "install the newer version to open it"
        ) from None
    if path is not None:
        backup = path.with_name(f"{path.name}.rev{revision}.bak")
        _backup(path, backup)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _backup(path: Path, target: Path) -> None:
    """Copy a live SQLite file consistently (WAL included) with the backup API."""
    try:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
    except sqlite3.Error:
        shutil.copy2(path, target)
