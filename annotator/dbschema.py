"""The schema a project file must have, derived from the migrations.

The expected ``sqlite_master`` of a revision (type, name, table and, for
tables, the columns) is built once per revision on an in-memory database: for
an older revision by running Alembic up to it, for the head from the models as
:func:`annotator.store.create_schema` makes a new project (no Alembic to load
on every open; a test checks both give the same). A new migration needs no
edit here. A project
whose schema differs (a trigger, view, table or index we do not make, or one
missing) is refused before any query touches its tables: a colleague's file is
untrusted input.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

Entry = tuple[str, str, str]  # (type, name, tbl_name)
Schema = dict[Entry, tuple[str, ...]]  # columns of a table, () for others


def query(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on an ``sqlite3`` or a SQLAlchemy connection."""
    run = getattr(conn, "exec_driver_sql", None) or conn.execute
    return [tuple(row) for row in run(sql).fetchall()]


def actual(conn: Any) -> Schema:
    """The schema of a database: sqlite_master without SQLite's own objects.

    Reads only ``sqlite_master`` and ``PRAGMA table_xinfo`` of tables, so no
    view or trigger runs.
    """
    schema: Schema = {}
    for kind, name, table in query(conn, "SELECT type, name, tbl_name FROM sqlite_master"):
        if str(name).startswith("sqlite_"):
            continue  # autoindexes, sqlite_sequence, sqlite_stat*: SQLite's, not the file's
        columns: tuple[str, ...] = ()
        if kind == "table":
            quoted = '"' + str(name).replace('"', '""') + '"'
            columns = tuple(sorted(str(row[1]) for row in query(
                conn, f"PRAGMA table_xinfo({quoted})")))
        schema[(str(kind), str(name), str(table))] = columns
    return schema


def expected(revision: str) -> Schema:
    """The schema a project at ``revision`` has (cached)."""
    from . import store

    if revision == store.SCHEMA_REVISION:
        return dict(_built(None, revision))
    return dict(_built(store.MIGRATIONS_DIR, revision))


@lru_cache(maxsize=8)
def _built(migrations: Path | None, revision: str) -> tuple[tuple[Entry, tuple[str, ...]], ...]:
    """The schema the migrations build up to ``revision`` (None: the models, at head)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from . import store

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.begin() as conn:
            if migrations is None:
                store.create_schema(conn)
            else:
                from alembic.config import Config

                from alembic import command

                config = Config()
                config.set_main_option("script_location", str(migrations))
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
        with engine.connect() as conn:
            return tuple(sorted(actual(conn).items()))
    finally:
        engine.dispose()


def schema_drift(conn: Any, revision: str) -> list[str]:
    """How the schema of ``conn`` differs from that of ``revision`` (empty: none).

    Each item is one short sentence, e.g. ``"trigger eat_spans on span is not ours"``.
    """
    have, want = actual(conn), expected(revision)
    problems = []
    for (kind, name, table), columns in sorted(have.items()):
        entry = (kind, name, table)
        if entry not in want:
            clash = next((k for k, n, _t in want if n == name), None)
            if clash is not None:
                problems.append(f"{name} is a {kind}, expected a {clash}")
            else:
                on = f" on {table}" if table != name else ""
                problems.append(f"{kind} {name}{on} is not ours")
        elif columns != want[entry]:
            extra = sorted(set(columns) - set(want[entry]))
            missing = sorted(set(want[entry]) - set(columns))
            if extra:
                problems.append(f"table {name} has columns that are not ours: {', '.join(extra)}")
            if missing:
                problems.append(f"table {name} lacks columns: {', '.join(missing)}")
    names = {n for _k, n, _t in have}
    for kind, name, _table in sorted(want):
        if name not in names:
            problems.append(f"{kind} {name} is missing")
    return problems
