"""Live changes: every write to a document's rows notifies the channel
``annotator_changes`` with ``{"table": ..., "document_id": ...}``, once per
document and table per statement (statement triggers over transition
tables, so a 500,000-span import sends one notice per document, not per span).

:class:`PgChangeFeed` listens on its own connection and never blocks: the
front end polls it (or watches :meth:`PgChangeFeed.fileno`) and reloads what a
notice names. A notice says only which document changed, never what: blind
annotators learn nothing a reload would not refuse them.

Hook for the window's live view (issue 11's ``changed`` channel):
:func:`feed_for` gives the feed of an open project (None for a file); each
``(table, document_id)`` it polls is a colleague's committed edit to turn into
the operations' ``Changes`` of that document.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from psycopg import sql

if TYPE_CHECKING:
    from ..project import Project

CHANNEL = "annotator_changes"
# table -> its column naming the document
TABLES = {"document": "id", "span": "document_id", "document_status": "document_id",
          "document_label": "document_id", "rejected_suggestion": "document_id",
          "assignment": "document_id"}

_FUNCTION = """
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed bigint;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    FOR changed IN SELECT DISTINCT {column} FROM new_rows LOOP
      PERFORM pg_notify({channel}, json_build_object('table', TG_TABLE_NAME,
                                                     'document_id', changed)::text);
    END LOOP;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    FOR changed IN SELECT DISTINCT {column} FROM old_rows LOOP
      PERFORM pg_notify({channel}, json_build_object('table', TG_TABLE_NAME,
                                                     'document_id', changed)::text);
    END LOOP;
  END IF;
  RETURN NULL;
END $$
"""


def install(cursor: Any) -> None:
    """The notifying triggers on every table whose rows belong to a document."""
    for column in sorted(set(TABLES.values())):
        cursor.execute(sql.SQL(_FUNCTION).format(
            function=sql.Identifier(f"annotator_notify_{column}"),
            column=sql.Identifier(column), channel=sql.Literal(CHANNEL)))
    for table, column in TABLES.items():
        function = sql.Identifier(f"annotator_notify_{column}")
        for op, tables in (("INSERT", "NEW TABLE AS new_rows"),
                           ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
                           ("DELETE", "OLD TABLE AS old_rows")):
            cursor.execute(sql.SQL(
                "CREATE TRIGGER {} AFTER {} ON {} REFERENCING {} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(
                sql.Identifier(f"{table}_notify_{op.lower()}"), sql.SQL(op),
                sql.Identifier(table), sql.SQL(tables), function))


def conninfo(url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (its query parameters,
    such as ``sslmode``, kept; a password only if the URL has one)."""
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    params = {"host": parsed.host, "port": parsed.port, "dbname": parsed.database,
              "user": parsed.username, "password": parsed.password}
    params.update({k: v if isinstance(v, str) else v[-1] for k, v in parsed.query.items()})
    return make_conninfo("", **{k: v for k, v in params.items() if v is not None})


class PgChangeFeed:
    """Notices of other connections' committed changes, polled without blocking."""

    def __init__(self, url: str):
        import psycopg

        self._conn = psycopg.connect(conninfo(url), autocommit=True)
        self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))

    def poll(self) -> list[tuple[str, int]]:
        """``(table, document_id)`` of every notice that arrived, in order
        (empty at once when none did)."""
        changes = []
        for notice in self._conn.notifies(timeout=0):
            payload = json.loads(notice.payload)
            changes.append((str(payload["table"]), int(payload["document_id"])))
        return changes

    def fileno(self) -> int:
        """The socket to watch (e.g. with a QSocketNotifier) instead of a timer."""
        return self._conn.fileno()

    def close(self) -> None:
        self._conn.close()


def feed_for(project: Project) -> PgChangeFeed | None:
    """The change feed of a project on a server, as its user; None for a file."""
    if project.engine.dialect.name != "postgresql":
        return None
    return PgChangeFeed(project.engine.url.render_as_string(hide_password=False))
