"""The one place that opens a project database.

A project is one SQLite file, or a PostgreSQL database shared by a team
(``postgresql+psycopg://USER@HOST/DB``: see :mod:`annotator.team`; libpq
finds the password in ``~/.pgpass`` or ``PGPASSWORD``, and its parameters,
such as ``sslmode``, pass through the URL's query). Every SQLite
connection gets ``foreign_keys=ON``, a ``busy_timeout``, ``trusted_schema=OFF``
and, for files, WAL with ``synchronous=FULL``: a transaction acknowledged to the
user survives a kill of the process or a power cut. Opening examines the file
first through SQLite without writing (never a Python ``open``: see
:mod:`annotator.files`, with which every connection registers its file): that
it is ours, of a revision we know, with exactly our schema. An older project is
backed up (never over an older backup), then upgraded with Alembic by one
process at a time; a newer, damaged, foreign or altered file is refused and
left untouched, byte for byte.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError

from . import files
from .errors import PasswordRequired, ProjectError, ProjectReadOnlyError
from .find import fold
from .models import Base

APP_ID = "media-bias-annotator"
# The Alembic head revision this code writes; tests check it matches migrations/.
SCHEMA_REVISION = "0006"
BUSY_TIMEOUT_MS = 10_000
# A user's write waits this long for another job's write lock (then fails),
# asking for it every WAIT_POLL_MS.
WRITE_WAIT_S = 600.0
WAIT_POLL_MS = 250
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def project_url(path: str | Path, *, readonly: bool = False) -> str:
    """SQLAlchemy URL of a project file."""
    if readonly:
        return readonly_url(Path(path))
    return f"sqlite:///{Path(path).expanduser().resolve().as_posix()}"


def readonly_url(path: Path, *, immutable: bool = False) -> str:
    """URL of a project file opened ``mode=ro``, and ``immutable=1`` on read-only
    media where SQLite cannot make the WAL index."""
    resolved = quote(path.expanduser().resolve().as_posix())
    return f"sqlite:///file:{resolved}?mode=ro{'&immutable=1' if immutable else ''}&uri=true"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for other databases and memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    database = parsed.database
    if database.startswith("file:"):
        database = unquote(database[len("file:"):])
    return Path(database)


def is_server(url: str) -> bool:
    """Whether ``url`` names a database server (not an SQLite file or memory)."""
    try:
        return make_url(url).get_backend_name() != "sqlite"
    except ArgumentError:
        return False


def display_url(url: str) -> str:
    """``url`` without its password: for messages, logs and settings."""
    try:
        parsed = make_url(url)
        return URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port,
                          parsed.database, parsed.query).render_as_string(hide_password=False)
    except ArgumentError:
        return "(not a database URL)"


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    """An engine with our connection settings (no checks, no schema work)."""
    try:
        is_sqlite = make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        raise ProjectError(f"{display_url(url)}: not a database URL") from None
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000,
                                  "factory": _Connection}
    else:
        # A long-open window outlives server restarts; read-only is the server's to enforce.
        kwargs["pool_pre_ping"] = True
        if readonly:
            kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on"}
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ImportError) as exc:  # unknown dialect or a driver not installed
        raise ProjectError(f"{display_url(url)}: cannot use this database: {exc}") from None
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
        # Writers take the lock up front so they wait instead of failing when
        # they upgrade from a read.
        options = conn.get_execution_options()
        if options.get("immediate", False) and not readonly:
            try:
                begin_immediate(conn.connection.dbapi_connection, options.get("on_lock_wait"))
            except sqlite3.OperationalError as exc:
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from None
        else:
            conn.exec_driver_sql("BEGIN")


def begin_immediate(dbapi_conn: sqlite3.Connection,
                    on_wait: Callable[[float], None] | None = None) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``WRITE_WAIT_S`` for another writer.

    The lock is asked for in short tries so ``on_wait(seconds_waited)`` is
    called about every ``WAIT_POLL_MS`` while another job holds it.
    """
    started = time.monotonic()
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={WAIT_POLL_MS}")
    try:
        while True:
            try:
                cur.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                waited = time.monotonic() - started
                if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or waited > WRITE_WAIT_S:
                    raise
                if on_wait is not None:
                    on_wait(waited)
    finally:
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.close()


def _casefold(value: str | None) -> str | None:
    return fold(value) if isinstance(value, str) else value


def open_database(url: str, *, readonly: bool = False, name: str | None = None) -> Engine:
    """Open an existing project; upgrade it (after a backup) if it is older.

    A file is first examined through a separate SQLite connection that writes
    nothing (no journal mode, ``query_only``): that it is ours, its revision,
    its schema. Only then is it opened read-write and switched to WAL. Errors
    name ``name`` (default: the file).
    """
    path = sqlite_path(url)
    where = name or (str(path) if path else display_url(url))
    if path is None:
        return _open_url(url, readonly, where)
    _check_file(path, where)
    revision, immutable = _examine_file(path, where)
    if readonly:
        if revision != SCHEMA_REVISION:
            raise ProjectError(
                f"{where}: project is at the older schema revision {revision} (this app "
                f"writes {SCHEMA_REVISION}); it cannot be upgraded while opened read-only: "
                "open it once for writing (a backup is kept)")
        return _connected(make_engine(readonly_url(path, immutable=immutable), readonly=True), where)
    if not _writable(path):
        raise _read_only(where)
    if revision != SCHEMA_REVISION:
        with files.upgrade_lock(path):  # one process upgrades; the others wait, then open
            revision, _ = _examine_file(path, where)
            if revision != SCHEMA_REVISION:
                _backup(path, _fresh_backup_name(path, revision), where)
                engine = _connected(make_engine(url), where)
                try:
                    _upgrade(engine, revision, where)
                except BaseException:
                    engine.dispose()
                    raise
                return engine
    return _connected(make_engine(url), where)


def _open_url(url: str, readonly: bool, where: str) -> Engine:
    """A database that is not a file: examined on its own connection."""
    engine = make_engine(url, readonly=readonly)
    try:
        with engine.connect() as conn:
            revision = _examine_server(conn, where) if is_server(url) else _examine(conn, where)
        if revision != SCHEMA_REVISION:
            if readonly:
                raise ProjectError(f"{where}: project is at the older schema revision "
                                   f"{revision}; open it once for writing to upgrade it")
            _upgrade(engine, revision, where)
    except ProjectError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise connect_error(exc, where) from None
    except DatabaseError as exc:
        engine.dispose()
        raise ProjectError(f"{where}: damaged or not a project database ({exc.orig})") from None
    return engine


def connect_error(exc: OperationalError, where: str) -> ProjectError:
    """The typed error of a server that refused a connection (a password is
    asked for with :class:`PasswordRequired`)."""
    detail = " ".join(str(exc.orig).split())
    if "no password supplied" in detail or "password authentication failed" in detail:
        return PasswordRequired(f"{where}: the server asks for a password ({detail})")
    return ProjectError(f"{where}: cannot connect: {detail}")


def _examine_server(conn: Any, where: str) -> str:
    """Check app and revision of a project on a server, and at the head
    revision that every table and column of the models is there; its revision."""
    from sqlalchemy import inspect

    from .models import ProjectInfo

    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    if not {"project_info", "alembic_version"} <= tables:
        raise ProjectError(f"{where}: the database holds no project of this app "
                           "(make one with: annotator init --db URL)")
    app = conn.execute(ProjectInfo.__table__.select().where(ProjectInfo.key == "app")).first()
    if app is None or app.value != APP_ID:
        raise ProjectError(f"{where}: not a project of this app")
    versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(versions) != 1 or not versions[0]:
        raise ProjectError(f"{where}: project has no schema revision; it is damaged")
    revision = versions[0]
    _check_known(revision, where)
    if revision == SCHEMA_REVISION:
        missing = [f"{table.name}.{column.name}" for table in Base.metadata.sorted_tables
                   for column in table.columns
                   if table.name not in tables
                   or column.name not in {c["name"] for c in inspector.get_columns(table.name)}]
        if missing:
            raise ProjectError(f"{where}: refused: the project lacks {', '.join(missing[:3])}"
                               + (f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""))
    return revision


def _connected(engine: Engine, where: str) -> Engine:
    """``engine`` after a first connection proved the settings apply."""
    try:
        with engine.connect():
            pass
    except DatabaseError as exc:
        engine.dispose()
        detail = str(exc.orig)
        if "readonly" in detail or "read-only" in detail or "unable to open" in detail:
            raise _read_only(where) from None
        raise ProjectError(f"{where}: damaged or not a project database ({detail})") from None
    return engine


def _read_only(where: str) -> ProjectReadOnlyError:
    return ProjectReadOnlyError(
        f"{where}: the file or its folder is read-only, so it cannot be opened for editing; "
        "open it read-only (--read-only, or File > Open read-only), or copy it to a "
        "writable folder")


def _writable(path: Path) -> bool:
    """Whether SQLite can write the file and make its -wal and -shm beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


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
    where = str(path) if path else display_url(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            if path is None and "project_info" in conn.dialect.get_table_names(conn):
                raise ProjectError(f"{where}: already holds a project")
            create_schema(conn)
            from .models import ProjectInfo

            conn.execute(
                ProjectInfo.__table__.insert(),
                [{"key": "app", "value": APP_ID}, {"key": "scheme", "value": scheme}],
            )
            if is_server(url):
                from .team import setup

                setup.install(conn)
    except ProjectError:
        engine.dispose()
        raise
    except OperationalError as exc:
        engine.dispose()
        raise connect_error(exc, where) from None
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ProjectError(f"{where}: cannot create project: {detail}") from None
    return engine


def after_explicit_ids(conn: Any, table: Any) -> None:
    """After rows were inserted with explicit ids: on a server, move the
    table's id sequence past them, so the next id it gives is free (SQLite
    takes the largest id + 1 by itself)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy import func, select

        largest = select(func.max(table.c.id)).scalar_subquery()
        conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"),
                                        func.greatest(largest, 1))))


def create_schema(conn: Any) -> None:
    """The tables of a new project at ``SCHEMA_REVISION`` (from the models, stamped)."""
    Base.metadata.create_all(conn)
    conn.exec_driver_sql(
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
    )
    conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": SCHEMA_REVISION})


def _check_file(path: Path, where: str) -> None:
    """A regular file, checked with ``os.stat`` only (a FIFO would block a read)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ProjectError(f"{where}: no such project file") from None
    except OSError as exc:
        raise ProjectError(f"{where}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ProjectError(f"{where}: is a folder, not a project file")
    if not stat.S_ISREG(info.st_mode):
        raise ProjectError(f"{where}: not a project file (a pipe, device or socket)")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{where}: cannot read: permission denied")


@contextmanager
def probe(path: Path) -> Iterator[tuple[sqlite3.Connection, bool]]:
    """A connection to a file that writes nothing, in one read transaction, and
    whether it had to be ``immutable`` (read-only media without a WAL index).

    Read-write open (but ``query_only``) when the file is writable and has no
    -wal or -journal yet, so a WAL file leaves no -wal/-shm behind once closed;
    else ``mode=ro``, then ``immutable=1`` if SQLite cannot open it so.
    """
    quoted = quote(path.resolve().as_posix())
    leftovers = any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal"))
    modes = (["ro"] if leftovers or not _writable(path) else ["rw"]) + ["ro&immutable=1"]
    for n, mode in enumerate(modes):
        conn = connect(f"file:{quoted}?mode={mode}", uri=True)
        try:
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA trusted_schema=OFF")
            conn.execute("BEGIN")  # one snapshot: revision and schema agree
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            conn.close()
            if n + 1 < len(modes) and exc.sqlite_errorcode == sqlite3.SQLITE_CANTOPEN:
                continue
            raise
        except BaseException:
            conn.close()
            raise
        try:
            yield conn, mode.endswith("immutable=1")
        finally:
            conn.close()
        return


def _examine_file(path: Path, where: str) -> tuple[str, bool]:
    """The revision of a project file, known to be ours; whether it needs immutable."""
    try:
        with probe(path) as (conn, immutable):
            return _examine(conn, where), immutable
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_NOTADB:
            raise ProjectError(f"{where}: not a project file: not an SQLite database, or "
                               "damaged") from None
        raise ProjectError(f"{where}: damaged or not a project database ({exc})") from None


def _examine(conn: Any, where: str) -> str:
    """Check app, revision and schema of an open database; its revision.

    Queries only tables known to be tables, and compares the whole schema
    before anything else reads it.
    """
    from . import dbschema

    kinds = {name: kind for kind, name in dbschema.query(
        conn, "SELECT type, name FROM sqlite_master")}
    if kinds.get("project_info") != "table" or kinds.get("alembic_version") != "table":
        raise ProjectError(f"{where}: not a project of this app (an SQLite file of another kind)")
    app = dbschema.query(conn, "SELECT value FROM project_info WHERE key = 'app'")
    if app != [(f'"{APP_ID}"',)]:
        raise ProjectError(f"{where}: not a project of this app")
    versions = dbschema.query(conn, "SELECT version_num FROM alembic_version")
    if len(versions) != 1 or not isinstance(versions[0][0], str) or not versions[0][0]:
        raise ProjectError(f"{where}: project has no schema revision; it is damaged")
    revision = versions[0][0]
    _check_known(revision, where)
    if drift := dbschema.schema_drift(conn, revision):
        more = f" (and {len(drift) - 3} more)" if len(drift) > 3 else ""
        raise ProjectError(f"{where}: refused: its schema is not one this app makes ("
                           + "; ".join(drift[:3]) + more + "); it may be damaged or altered")
    return revision


def _scripts() -> Any:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config, ScriptDirectory.from_config(config)


def _check_known(revision: str, where: str) -> None:
    """Refuse a revision our migrations do not have: newer, or an unknown older one."""
    if revision == SCHEMA_REVISION:
        return  # the common case, without loading Alembic (a quarter second)
    _config, scripts = _scripts()
    known = [script.revision for script in scripts.walk_revisions()]
    if revision in known:
        return
    numbered = [r for r in known if r.isdigit()]
    if revision.isdigit() and numbered and int(revision) < min(map(int, numbered)):
        raise ProjectError(f"{where}: project is at an unknown older schema revision "
                           f"({revision}) that this app cannot upgrade")
    if revision.isdigit() and numbered:
        raise ProjectError(
            f"{where}: written by a newer version of this app (schema revision {revision}); "
            "install the newer version to open it")
    raise ProjectError(f"{where}: unknown schema revision {revision!r}; this app cannot open it")


def _upgrade(engine: Engine, revision: str, where: str) -> None:
    from alembic import command

    config, _scripts_dir = _scripts()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ProjectError(f"{where}: upgrading from schema revision {revision} failed "
                           f"({detail}); the file is unchanged") from None


def _fresh_backup_name(path: Path, revision: str) -> Path:
    """``NAME.revN.bak``, or ``NAME.revN-K.bak`` when taken: a backup is never overwritten."""
    candidate = path.with_name(f"{path.name}.rev{revision}.bak")
    k = 1
    while os.path.lexists(candidate):
        k += 1
        candidate = path.with_name(f"{path.name}.rev{revision}-{k}.bak")
    return candidate


def _backup(path: Path, target: Path, where: str) -> None:
    """Copy a live SQLite file consistently (WAL included) with the backup API."""
    try:
        with probe(path) as (source, _immutable):
            copy_database(source, target)
    except (sqlite3.Error, OSError) as exc:
        target.unlink(missing_ok=True)
        raise ProjectError(f"{where}: cannot back it up to {target.name} before upgrading "
                           f"({exc}); nothing was changed") from None


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy an open database to a new file ``target`` with SQLite's backup API."""
    dest = connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()


class _Connection(sqlite3.Connection):
    """Every SQLite connection of the store: its file is registered with
    :mod:`annotator.files` while the connection is open."""

    _guarded: Path | None = None

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        guarded = _database_file(database, kwargs.get("uri", False))
        if guarded is not None:
            self._guarded = files.register(guarded)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def __del__(self) -> None:
        self._release()

    def _release(self) -> None:
        guarded, self._guarded = self._guarded, None
        if guarded is not None:
            files.unregister(guarded)


def connect(database: str, *, uri: bool = False) -> sqlite3.Connection:
    """A raw SQLite connection, registered like the engines' ones."""
    return sqlite3.connect(database, uri=uri, factory=_Connection, isolation_level=None,
                           timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)


def _database_file(database: Any, uri: bool) -> Path | None:
    name = os.fsdecode(database)
    if uri and name.startswith("file:"):
        name, _, options = name[len("file:"):].partition("?")
        if "mode=memory" in options:
            return None
        name = unquote(name)
    if name in ("", ":memory:"):
        return None
    return Path(name)
