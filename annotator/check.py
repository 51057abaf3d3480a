"""``annotator check``: is a project file healthy, and what can be repaired.

The check reads the file read-only through SQLite itself (it may be damaged,
hostile or of a schema the normal open refuses) and changes nothing. It runs
SQLite's integrity and foreign-key checks, compares the schema with the one the
migrations make, and looks for orphans (rows whose document or annotator is
gone), spans outside their text, texts that are not text, and texts whose
SHA-256 differs from the stored one.

A repair first takes a backup (:mod:`annotator.backups`), then, in one
transaction, drops triggers and views that are not ours (they hold no data)
and deletes the orphans. It refuses a damaged file or any other schema
difference, and nothing that would change a text or an offset is "fixed":
such findings are reported for a person to judge (restore a backup).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import backups, store
from .errors import ProjectError
from .text import text_sha256

EXAMPLES = 5
QUERY_DEADLINE_S = 120.0
TABLES = ("document", "annotator", "span", "document_label", "document_status",
          "rejected_suggestion", "project_info", "alembic_version")
# (child table, the column naming its parent, the parent table)
_ORPHANS = [(child, column, parent)
            for child in ("span", "document_label", "document_status", "rejected_suggestion")
            for column, parent in (("document_id", "document"), ("annotator_id", "annotator"))]


@dataclass(frozen=True)
class Finding:
    """One kind of problem: how many records, a few of them named."""

    check: str
    title: str
    count: int
    examples: tuple[str, ...] = ()
    fixable: bool = False

    def line(self) -> str:
        more = f", … ({self.count - len(self.examples)} more)" if self.count > len(self.examples) else ""
        shown = f": {', '.join(self.examples)}{more}" if self.examples else ""
        return f"{self.title}: {self.count}{shown}"


@dataclass(frozen=True)
class CheckReport:
    file: str
    checks: tuple[str, ...]  # the checks that ran
    findings: tuple[Finding, ...]

    @property
    def healthy(self) -> bool:
        return not self.findings

    @property
    def fixable(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.fixable)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "healthy": self.healthy, "checks": list(self.checks),
                "findings": [asdict(f) for f in self.findings]}


@dataclass(frozen=True)
class RepairReport:
    after: CheckReport  # the check after the repair
    backup: Path | None = None  # None when there was nothing to repair
    deleted: dict[str, int] = field(default_factory=dict)  # finding title -> rows deleted

    def to_dict(self) -> dict[str, Any]:
        return {"backup": str(self.backup) if self.backup else None, "deleted": self.deleted,
                "after": self.after.to_dict()}


def check_project(path: Path) -> CheckReport:
    """Every check on the project file ``path``; nothing is written."""
    try:
        with backups.reading(Path(path)) as conn:
            return _Checker(conn, str(path)).run()
    except backups.DAMAGED as exc:  # raised on opening: not an SQLite database, or damaged
        return CheckReport(str(path), ("integrity",),
                           (Finding("file", f"not a project file ({exc})", 1),))


def repair_project(path: Path) -> RepairReport:
    """Back up, then drop foreign triggers and views and delete the orphans in
    one transaction; re-check."""
    path = Path(path)
    before = check_project(path)
    refusing = [f for f in before.findings
                if f.check in ("file", "integrity", "project") or f.check == "schema" and not f.fixable]
    if refusing:
        raise ProjectError(f"{path}: not repaired ({refusing[0].title}); nothing was changed. "
                           "Restore a backup instead (`annotator backup --list`)")
    if not before.fixable:
        return RepairReport(before)
    saved = backups.take_backup(path)
    deleted: dict[str, int] = {}
    try:
        conn = store.connect(str(path))
    except backups.DAMAGED as exc:
        raise ProjectError(f"{path}: cannot open for repair: {exc}") from None
    try:
        conn.isolation_level = None  # our own BEGIN and COMMIT
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("BEGIN IMMEDIATE")
        # First, so that none of them runs on the deletes below.
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        for kind, name in _foreign_code(conn, revision):
            conn.execute(f"DROP {kind.upper()} {_quoted(name)}")
            key = f"{kind}s that are not ours"
            deleted[key] = deleted.get(key, 0) + 1
        for child, column, parent in _ORPHANS:
            cursor = conn.execute(f"DELETE FROM {child} WHERE {_orphan_condition(column, parent)}")
            if cursor.rowcount:
                deleted[_orphan_title(child, parent)] = cursor.rowcount
        conn.execute("COMMIT")
    except backups.DAMAGED as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise ProjectError(f"{path}: repair failed ({exc}); nothing was changed") from None
    finally:
        conn.close()
    return RepairReport(check_project(path), saved, deleted)


def _foreign_code(conn: sqlite3.Connection, revision: str) -> list[tuple[str, str]]:
    """Triggers and views this app does not make (and whose names are not ours):
    they hold no data, so a repair may drop them."""
    from . import dbschema

    ours = dbschema.expected(revision)
    names = {name for _kind, name, _table in ours}
    return sorted((kind, name) for kind, name, table in dbschema.actual(conn)
                  if kind in ("trigger", "view") and (kind, name, table) not in ours
                  and name not in names)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _orphan_condition(column: str, parent: str) -> str:
    return f"{column} IS NULL OR NOT EXISTS (SELECT 1 FROM {parent} WHERE {parent}.id = {column})"


def _orphan_title(child: str, parent: str) -> str:
    return f"{child.replace('_', ' ')} rows whose {parent} is missing"


@dataclass
class _Tally:
    """A count, and the first few records named."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, example: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(example)


class _Checker:
    """The checks, in order; a check that cannot run becomes a finding."""

    def __init__(self, conn: sqlite3.Connection, file: str):
        self.conn, self.file = conn, file
        self.checks: list[str] = []
        self.findings: list[Finding] = []
        self.lengths: dict[int, int] = {}  # document id -> code points of its text
        self.revision: str | None = None

    def run(self) -> CheckReport:
        steps: list[tuple[str, Callable[[], bool]]] = [
            ("integrity", self.integrity), ("project", self.project), ("schema", self.schema),
            ("foreign_keys", self.foreign_keys), ("orphans", self.orphans),
            ("texts", self.texts), ("offsets", self.offsets)]
        for name, step in steps:
            backups.interrupt_after(self.conn, QUERY_DEADLINE_S)
            self.checks.append(name)
            try:
                go_on = step()
            except backups.DAMAGED as exc:
                self.add(name, f"{name.replace('_', ' ')} check could not run ({exc})", 1)
                go_on = name not in ("integrity", "project")
            if not go_on:
                break
        return CheckReport(self.file, tuple(self.checks), tuple(self.findings))

    def add(self, check: str, title: str, count: int, examples: list[str] | None = None,
            fixable: bool = False) -> None:
        if count:
            self.findings.append(Finding(check, title, count, tuple((examples or [])[:EXAMPLES]),
                                         fixable))

    def add_tally(self, check: str, title: str, tally: _Tally, fixable: bool = False) -> None:
        self.add(check, title, tally.count, tally.examples, fixable)

    def integrity(self) -> bool:
        rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check(100)")]
        if rows != ["ok"]:
            self.add("integrity", "integrity problems (PRAGMA integrity_check)", len(rows), rows)
        return True

    def project(self) -> bool:
        found = {r[0]: r[1] for r in self.conn.execute(
            "SELECT name, type FROM sqlite_master WHERE name IN (%s)" % ",".join("?" * len(TABLES)),
            TABLES)}
        if found.get("project_info") != "table" or found.get("alembic_version") != "table":
            self.add("file", "not a project of this app (an SQLite file of another kind)", 1)
            return False
        app = self.conn.execute("SELECT value FROM project_info WHERE key = 'app'").fetchone()
        if app is None or app[0] != json.dumps(store.APP_ID):
            self.add("file", "not a project of this app", 1)
            return False
        row = self.conn.execute("SELECT version_num FROM alembic_version").fetchone()
        self.revision = str(row[0]) if row and row[0] else None
        if self.revision is None:
            self.add("file", "the project has no schema revision", 1)
            return False
        try:
            store._check_known(self.revision, self.file)
        except ProjectError as exc:  # newer, or an older one we cannot read
            self.add("file", str(exc).removeprefix(f"{self.file}: "), 1)
            return False
        missing = [t for t in TABLES if found.get(t) != "table"]
        if missing:
            self.add("schema", "tables missing or not tables", len(missing), missing)
            return False  # the data checks would query what is not a table (a view may never end)
        return True

    def schema(self) -> bool:
        from .dbschema import schema_drift

        assert self.revision is not None  # the project step stops the check without one
        drift = schema_drift(self.conn, self.revision)
        # Only triggers and views of someone else's: a repair drops them.
        droppable = len(_foreign_code(self.conn, self.revision)) == len(drift)
        self.add("schema", f"schema differences from revision {self.revision}", len(drift), drift,
                 fixable=droppable)
        return True

    def foreign_keys(self) -> bool:
        tally, repaired = _Tally(), {(child, parent) for child, _column, parent in _ORPHANS}
        fixable = True
        for table, rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check"):
            tally.note(f"{table} {rowid} → {parent}")
            fixable = fixable and (table, parent) in repaired
        self.add_tally("foreign_keys", "rows referring to missing rows (PRAGMA foreign_key_check)",
                       tally, fixable)
        return True

    def orphans(self) -> bool:
        for child, column, parent in _ORPHANS:
            where = _orphan_condition(column, parent)
            (count,) = self.conn.execute(f"SELECT count(*) FROM {child} WHERE {where}").fetchone()
            rows = self.conn.execute(f"SELECT rowid, {column} FROM {child} WHERE {where} "
                                     f"ORDER BY rowid LIMIT {EXAMPLES}")
            self.add("orphans", _orphan_title(child, parent), count,
                     [f"{child.replace('_', ' ')} {rowid} ({parent} {ref})" for rowid, ref in rows],
                     fixable=True)
        return True

    def texts(self) -> bool:
        not_text, mismatched = _Tally(), _Tally()
        # Bytes, decoded here: a stored text that is not UTF-8 must not stop the check.
        for doc_id, kind, raw, stored in self.conn.execute(
                "SELECT id, typeof(text), CAST(text AS BLOB), CAST(sha256 AS BLOB) FROM document "
                "ORDER BY id"):
            if kind != "text":
                not_text.note(f"document {doc_id} ({kind})")
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                not_text.note(f"document {doc_id} (not valid UTF-8)")
                continue
            self.lengths[doc_id] = len(text)
            if stored is None or text_sha256(text) != stored.decode("utf-8", "replace"):
                mismatched.note(f"document {doc_id}")
        self.add_tally("texts", "documents whose text is not text (blob, NULL or bad UTF-8)",
                       not_text)
        self.add_tally("texts", "documents whose text differs from its stored SHA-256",
                       mismatched)
        return True

    def offsets(self) -> bool:
        outside = _Tally()
        for span_id, doc_id, start, end in self.conn.execute(
                "SELECT id, document_id, start, \"end\" FROM span ORDER BY id"):
            length = self.lengths.get(doc_id)
            if length is None:
                continue  # an orphan, or a text already reported
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
                outside.note(f"span {span_id} [{start!r}, {end!r}) in document {doc_id} "
                             f"of {length} characters")
        self.add_tally("offsets", "spans outside their text", outside)
        return True
