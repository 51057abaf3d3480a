"""Changes made by others (another window, the CLI, a colleague's program),
as the same :class:`~annotator.changes.Changes` values our own operations return.

A front end polls a :class:`ChangeFeed` (four times a second while its
window is shown) and redraws what a returned ``Changes`` touches. The
protocol is all a feed offers, so another store can bring its own (e.g.
PostgreSQL ``LISTEN``/``NOTIFY``)::

    poll() -> Changes | None   # what others changed since the last poll (None: nothing)
    ours(changes)              # this program made these changes: do not report them
    close()

:class:`SqliteChangeFeed` asks SQLite's ``PRAGMA data_version`` on a
connection of its own: it changes only when another connection commits, and
costs microseconds, so an idle window costs almost nothing. Only then does
the feed compare a fingerprint of the project (counts, largest ids and
newest ``updated_at`` of spans, statuses and document labels; the documents;
the settings) with the last one, and names the documents whose spans,
statuses or labels changed since (rows with a newer ``updated_at``; soft
deletes and undo touch it too). A change it cannot place (a row deleted)
names no document, so views reload what they show. Our own commits also move
``data_version``: documents our operations touched since the last poll are
left out (an outside edit of the very same document in that half second
shows with the next change there).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import delete, select

from .changes import Changes
from .models import ProjectInfo, utcnow
from .project import Project

PRESENCE = "presence:"  # project_info key prefix: one row per open window, its heartbeat
PRESENCE_S = 20  # seconds between heartbeats
PRESENCE_STALE_S = 3 * PRESENCE_S  # a window silent this long has gone (crashed)


class ChangeFeed(Protocol):
    def poll(self) -> Changes | None: ...

    def ours(self, changes: Changes) -> None: ...

    def close(self) -> None: ...


# (table, document column, has updated_at) of the data a view shows per document
_PER_DOCUMENT = (("span", "document_id", True), ("document_status", "document_id", True),
                 ("document_label", "document_id", True),
                 ("rejected_suggestion", "document_id", False),
                 ("adjudication_rejection", "document_id", False))
_KIND = {"span": "spans", "document_status": "statuses", "document_label": "document_labels",
         "rejected_suggestion": "rejections", "adjudication_rejection": "rejections"}


class SqliteChangeFeed:
    """A :class:`ChangeFeed` for a project in an SQLite file."""

    def __init__(self, project: Project):
        self._raw = project.engine.raw_connection()  # its own: data_version is per connection
        self._conn: Any = self._raw.driver_connection
        self._version = self._data_version()
        self._print = self._fingerprint()
        self._own: set[int] = set()
        self._own_all = False

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _fingerprint(self) -> dict[str, tuple[Any, ...]]:
        run = self._conn.execute
        found: dict[str, tuple[Any, ...]] = {
            "document": tuple(run("SELECT count(*), max(id), total(length(title)) FROM document")
                              .fetchone())}
        for table, _column, stamped in _PER_DOCUMENT:
            newest = ", max(updated_at)" if stamped else ""
            found[table] = tuple(run(f"SELECT count(*), max(rowid){newest} FROM {table}")  # noqa: S608
                                 .fetchone())
        settings = run("SELECT key, value FROM project_info WHERE key NOT LIKE ? ORDER BY key",
                       (PRESENCE + "%",)).fetchall()
        found["project_info"] = (hashlib.sha256(repr(settings).encode()).hexdigest(),)
        return found

    def ours(self, changes: Changes) -> None:
        if changes.document_ids:
            self._own |= changes.document_ids
        else:
            self._own_all = True

    def poll(self) -> Changes | None:
        version = self._data_version()
        if version == self._version:
            self._own, self._own_all = set(), False
            return None
        self._version = version
        before, after = self._print, self._fingerprint()
        self._print = after
        own, own_all = self._own, self._own_all
        self._own, self._own_all = set(), False
        kinds: dict[str, bool] = {}
        documents: set[int] = set()
        placeless = False
        if before["document"] != after["document"]:
            kinds["documents"] = kinds["document_fields"] = True
            placeless = True
        if before["project_info"] != after["project_info"]:
            kinds.update(settings=True, scheme=True, suggesters=True)
        for table, column, stamped in _PER_DOCUMENT:
            old, new = before[table], after[table]
            if old == new:
                continue
            kinds[_KIND[table]] = True
            if new[0] < old[0] or not stamped and new[1] == old[1]:
                placeless = True  # rows deleted: which documents cannot be told
                continue
            where, since = ("updated_at > ?", old[2]) if stamped and old[2] is not None \
                else ("rowid > ?", old[1] or 0)
            documents.update(row[0] for row in self._conn.execute(
                f"SELECT DISTINCT {column} FROM {table} WHERE {where}", (since,)))  # noqa: S608
        if own_all:
            return None  # an import or merge of ours: the views reloaded already
        documents -= own
        if not kinds or (not documents and not placeless):
            return None
        return Changes.of(() if placeless else documents, **kinds)

    def close(self) -> None:
        self._raw.close()


class Presence:
    """This window's heartbeat in the project, and who else has it open."""

    def __init__(self, project: Project):
        self.project = project
        self.key = PRESENCE + uuid.uuid4().hex

    def beat(self) -> None:
        """Say this window is here (a small write; call it off the UI thread)."""
        with self.project.writing() as s:
            s.merge(ProjectInfo(key=self.key, value=utcnow().isoformat()))

    def others(self) -> int:
        """How many other windows have the project open (a read)."""
        since = (utcnow() - timedelta(seconds=PRESENCE_STALE_S)).isoformat()
        with self.project.reading() as s:
            rows = s.execute(select(ProjectInfo.key, ProjectInfo.value).where(
                ProjectInfo.key.startswith(PRESENCE, autoescape=True))).all()
        return sum(1 for key, value in rows
                   if key != self.key and isinstance(value, str) and value >= since)

    def leave(self) -> None:
        with self.project.writing() as s:
            s.execute(delete(ProjectInfo).where(ProjectInfo.key == self.key))
