"""Make a new server project a team project (called by ``store.create_database``
in the transaction that creates it: all or nothing)."""

from __future__ import annotations

from typing import Any

from psycopg import sql

from . import notify, rls, roles


def install(conn: Any) -> None:
    """Group roles, grants, row-level security, change notifications and the
    search indexes, on a SQLAlchemy connection inside a transaction."""
    cursor = raw_cursor(conn)
    groups = roles.create_groups(cursor)
    rls.install(cursor, groups)
    notify.install(cursor)
    _search_indexes(cursor)


def raw_cursor(conn: Any) -> Any:
    """A psycopg cursor in the transaction of a SQLAlchemy connection."""
    return conn.connection.dbapi_connection.cursor()


def _search_indexes(cursor: Any) -> None:
    """Trigram indexes for the document search (``lower(col) LIKE '%...%'``),
    where the server has pg_trgm (a trusted extension since PostgreSQL 13)."""
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    if cursor.fetchone() is None:
        return
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in ("title", "text"):
        cursor.execute(sql.SQL("CREATE INDEX {} ON document USING gin (lower({}) gin_trgm_ops)")
                       .format(sql.Identifier(f"ix_document_{column}_search"),
                               sql.Identifier(column)))
