"""SQL that means the same on SQLite and PostgreSQL.

Hot reads skip SQLAlchemy's row processing (:func:`raw_rows`); stored JSON
and times are read as text (:func:`as_text`); search folds case in every
script (:func:`contains`).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Text, func, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import GenericFunction

from .find import fold


class as_text(GenericFunction[str]):  # noqa: N801 (a SQL function's name)
    """A column read as its stored text: SQLite keeps JSON and times as text
    already (no CAST, which would hide a blob from the damage checks); on
    PostgreSQL ``CAST(x AS TEXT)``, else psycopg would decode JSON and times."""

    type = Text()
    inherit_cache = True


@compiles(as_text)
def _as_text_default(element: as_text, compiler: Any, **kw: Any) -> str:
    return "CAST(%s AS TEXT)" % compiler.process(element.clauses, **kw)


@compiles(as_text, "sqlite")
def _as_text_sqlite(element: as_text, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def raw_rows(s: Session, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a Core query as the driver returns them (plain tuples): for
    reads of hundreds of thousands of rows of numbers and text. Parameters go
    to the driver as bound (no bind processors run: plain numbers and text only)."""
    conn = s.connection()
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if conn.dialect.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()


def contains(column: Any, search: str, dialect: str) -> ColumnElement[bool]:
    """``column`` contains ``search``, ignoring case in every script.

    SQLite: the ``casefold()`` the store registers on each connection
    (:func:`annotator.find.fold`: NFC, case-folded, so "café" finds "cafe\u0301").
    PostgreSQL: ``lower()`` of the NFC needle (Unicode-aware in a UTF-8 database) in a LIKE the
    trigram indexes of :mod:`annotator.team.setup` serve.
    """
    if dialect == "sqlite":
        return func.instr(func.casefold(column), fold(search)) > 0
    search = unicodedata.normalize("NFC", search)
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return func.lower(type_coerce(column, Text)).like(func.lower(pattern), escape="\\")
