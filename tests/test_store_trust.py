"""Issue 9: a refused file keeps every byte, a hostile project file is refused
with a clear message, older projects upgrade one process at a time, and a
user's edit waits for another job instead of failing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from annotator import store
from annotator.domain import IncomingDocument
from annotator.errors import FormatError, ProjectError, ProjectReadOnlyError
from annotator.merge import merge
from annotator.project import Project
from annotator.schemes import resolve_scheme


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def _made(path: Path, text: str = "The regime lied again.") -> Path:
    with Project.create(path, resolve_scheme("media-bias")) as p:
        p.import_documents([IncomingDocument(text, "x", external_id="d1")], annotator="ana")
        p.add_span(1, "ana", "loaded-term", 4, 10)
    return path


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ})


# -- refused means untouched -------------------------------------------------------
def _foreign(path: Path) -> None:
    _sql(path, "CREATE TABLE notes (x)", "INSERT INTO notes VALUES ('hello')")


def _newer(path: Path) -> None:
    _made(path)
    _sql(path, "UPDATE alembic_version SET version_num = '9999'")


def _triggered(path: Path) -> None:
    _made(path)
    _sql(path, "CREATE TRIGGER eat AFTER INSERT ON span BEGIN DELETE FROM span; END")


@pytest.mark.parametrize("make, message", [
    (_foreign, "not a project of this app"),
    (_newer, "newer version"),
    (_triggered, "trigger eat on span is not ours"),
])
def test_a_refused_file_keeps_every_byte_and_gets_no_companions(
        tmp_path: Path, make, message: str) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    path = folder / "x.annotator"
    make(path)
    before = _snapshot(folder)
    for readonly in (False, True):
        with pytest.raises(ProjectError, match=message):
            Project.open(path, readonly=readonly)
    assert _snapshot(folder) == before  # header bytes 18/19 (journal mode) included


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.annotator"
    os.mkfifo(fifo)
    run = _cli("stats", "--project", str(fifo), timeout=60)
    assert run.returncode == 1
    assert run.stderr.strip() == (f"annotator: error: {fifo}: not a project file "
                                  "(a pipe, device or socket)")


# -- hostile schemas -------------------------------------------------------------
@pytest.mark.parametrize("statements, message", [
    (["CREATE TRIGGER eat AFTER INSERT ON span BEGIN DELETE FROM span; END"],
     "trigger eat on span is not ours"),
    (["CREATE TABLE spy (x)"], "table spy is not ours"),
    (["CREATE VIEW peek AS SELECT * FROM span"], "view peek is not ours"),
    (["DROP INDEX ix_document_external_id"], "index ix_document_external_id is missing"),
    (["ALTER TABLE span ADD COLUMN extra TEXT"], "table span has columns that are not ours: extra"),
])
def test_a_schema_that_is_not_ours_is_refused(tmp_path: Path, statements: list[str],
                                              message: str) -> None:
    path = _made(tmp_path / "hostile.annotator")
    _sql(path, *statements)
    with pytest.raises(ProjectError, match=message) as caught:
        Project.open(path)
    assert str(caught.value).startswith(f"{path}: refused")


def _recursive_view(path: Path) -> Path:
    _made(path)
    _sql(path, "DROP TABLE document_status",
         "CREATE VIEW document_status (document_id, annotator_id, status, updated_at) AS "
         "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
         "SELECT 1, 1, 'done', 0 FROM r")
    return path


def test_a_recursive_view_is_refused_by_stats_and_merge_without_spinning(tmp_path: Path) -> None:
    hostile = _recursive_view(tmp_path / "loop.annotator")
    mine = _made(tmp_path / "mine.annotator", "Another text entirely.")
    for args in (("stats", "--project", str(hostile)),
                 ("merge", "--project", str(mine), str(hostile))):
        run = _cli(*args, timeout=90)  # before the fix: spins until killed
        assert run.returncode == 1, run.stderr
        assert f"{hostile}: refused" in run.stderr and "document_status is a view" in run.stderr
        assert "annotator-merge-" not in run.stderr


# -- damaged values ---------------------------------------------------------------
@pytest.mark.parametrize("statement, message", [
    ("UPDATE document SET text = CAST('x' AS BLOB)", "document 1: text is a blob, not text"),
    ("UPDATE document SET title = CAST('t' AS BLOB)", "document 1: title is a blob, not text"),
    ("UPDATE span SET label = CAST('x' AS BLOB)", "span 1: label is a blob, not text"),
    ("UPDATE span SET note = CAST('n' AS BLOB)", "span 1: note is a blob, not text"),
])
def test_a_blob_or_wrong_type_is_a_clear_error_naming_the_file(
        tmp_path: Path, statement: str, message: str) -> None:
    path = _made(tmp_path / "bad.annotator")
    _sql(path, statement)
    with Project.open(path) as p:
        with pytest.raises(ProjectError) as caught:
            list(p.iter_spans())
        assert str(caught.value) == f"{path}: {message}; the project is damaged"
        with pytest.raises(ProjectError, match=message):
            p.spans(1) if statement.startswith("UPDATE span") else p.document(1)
    mine = _made(tmp_path / "mine.annotator", "Another text entirely.")
    with Project.open(mine) as p, pytest.raises(FormatError) as caught:
        merge(p, [path])
    assert str(caught.value) == f"{path}: {message}; the project is damaged"


def test_a_null_text_is_a_clear_error(tmp_path: Path) -> None:
    path = _made(tmp_path / "null.annotator")
    # SQLite enforces NOT NULL, so a hostile file drops it: rebuild the table without.
    conn = sqlite3.connect(path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'document'").fetchone()[0]
    conn.executescript(
        "PRAGMA foreign_keys=OFF; PRAGMA writable_schema=ON; "
        "UPDATE sqlite_master SET sql = " + "'" + sql.replace("'", "''").replace(
            "text TEXT NOT NULL", "text TEXT") + "' WHERE name = 'document'; "
        "PRAGMA writable_schema=OFF;")
    conn.close()
    _sql(path, "UPDATE document SET text = NULL")
    with Project.open(path) as p, pytest.raises(ProjectError) as caught:
        p.document(1)
    assert str(caught.value) == f"{path}: document 1: text is empty (NULL), not text; " \
                                "the project is damaged"


def test_merge_of_a_newer_file_names_it_and_never_says_upgrade(tmp_path: Path) -> None:
    newer = tmp_path / "colleague.annotator"
    _newer(newer)
    mine = _made(tmp_path / "mine.annotator", "Another text entirely.")
    with Project.open(mine) as p, pytest.raises(ProjectError) as caught:
        merge(p, [newer])
    message = str(caught.value)
    assert message.startswith(f"{newer}: written by a newer version")
    assert "upgrade" not in message and "annotator-merge-" not in message


# -- revisions, backups, serialized upgrades -------------------------------------------
HEAD = store.SCHEMA_REVISION  # the revision projects are made at
AHEAD = "9000"  # one release ahead of it, in the tests that upgrade


def _release_ahead(tmp_path: Path) -> Path:
    """A copy of our migrations plus a 9000, as if this app were one release ahead
    (a data migration: the schema at head stays that of the models)."""
    migrations = tmp_path / "migrations"
    shutil.copytree(store.MIGRATIONS_DIR, migrations)
    (migrations / "versions" / "9000_note_upgrade.py").write_text(textwrap.dedent(f'''
        import time
        from alembic import op
        revision = "{AHEAD}"
        down_revision = "{HEAD}"
        branch_labels = depends_on = None
        def upgrade():
            time.sleep(0.5)  # a migration that takes a while: the others must wait
            op.execute("INSERT INTO project_info (key, value) VALUES ('upgraded', '1')")
        def downgrade():
            pass
    '''), encoding="utf-8")
    return migrations


def test_an_unknown_older_revision_is_not_called_newer(tmp_path: Path) -> None:
    path = _made(tmp_path / "old.annotator")
    _sql(path, "UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(ProjectError) as caught:
        Project.open(path)
    assert "unknown older schema revision (0000)" in str(caught.value)
    assert "newer" not in str(caught.value)


def test_a_stale_backup_is_never_overwritten(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _made(tmp_path / "p.annotator")
    stale = path.with_name(f"{path.name}.rev{HEAD}.bak")
    stale.write_bytes(b"an older backup the user keeps")
    monkeypatch.setattr(store, "MIGRATIONS_DIR", _release_ahead(tmp_path))
    monkeypatch.setattr(store, "SCHEMA_REVISION", AHEAD)
    with Project.open(path) as p:
        assert p.annotators() == ["ana"]
    assert stale.read_bytes() == b"an older backup the user keeps"
    fresh = path.with_name(f"{path.name}.rev{HEAD}-2.bak")
    conn = sqlite3.connect(fresh)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
    assert conn.execute("SELECT count(*) FROM span").fetchone() == (1,)
    conn.close()


def test_four_processes_opening_an_older_project_all_succeed(tmp_path: Path) -> None:
    path = _made(tmp_path / "p.annotator")
    migrations = _release_ahead(tmp_path)
    script = textwrap.dedent(f"""
        import sys, time
        from annotator import store
        from annotator.errors import ProjectError
        from annotator.project import Project
        store.MIGRATIONS_DIR = __import__("pathlib").Path({str(migrations)!r})
        store.SCHEMA_REVISION = {AHEAD!r}
        while time.time() < {time.time() + 4}:  # start together
            time.sleep(0.005)
        try:
            with Project.open({str(path)!r}) as p:
                p.add_span(1, "proc" + sys.argv[1], "loaded-term", 11, 15)
            print("ok")
        except ProjectError as exc:
            print(exc)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in range(4)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [out.strip() for out, _err in outputs] == ["ok"] * 4, outputs
    assert sorted(p.name for p in tmp_path.glob("p.annotator.rev*")) == [f"p.annotator.rev{HEAD}.bak"]
    assert not path.with_name(path.name + ".upgrade.lock").exists()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(AHEAD,)]
    assert conn.execute("SELECT count(*) FROM span").fetchone() == (5,)
    conn.close()


# -- read-only media ----------------------------------------------------------------
def _run_on_read_only_folder(folder: Path, script: str) -> str:
    """Run ``script`` (python) with ``folder`` read-only: chmod for a normal user,
    a read-only bind mount in a user namespace for root (whom chmod cannot stop)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run([sys.executable, "-c", script], capture_output=True,
                                  text=True, timeout=120).stdout
        finally:
            folder.chmod(0o755)
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare to make a read-only folder as root")
    run = subprocess.run(
        ["unshare", "-rm", "sh", "-c",
         f'mount --bind -o ro "{folder}" "{folder}" && exec "{sys.executable}" -c "$0"', script],
        capture_output=True, text=True, timeout=120)
    if "mount" in run.stderr and not run.stdout:
        pytest.skip(f"cannot make a read-only mount here: {run.stderr.strip()}")
    return run.stdout


def test_a_project_on_read_only_media_says_so_and_opens_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    path = _made(folder / "p.annotator")
    assert not path.with_name(path.name + "-wal").exists()  # WAL mode, closed cleanly
    script = textwrap.dedent(f"""
        from annotator.errors import ProjectReadOnlyError
        from annotator.project import Project
        try:
            Project.open({str(path)!r})
        except ProjectReadOnlyError as exc:
            print("refused:", exc)
        with Project.open({str(path)!r}, readonly=True) as p:
            print("spans:", [(s.label, s.start) for s in p.spans(1)])
    """)
    out = _run_on_read_only_folder(folder, script)
    assert f"refused: {path}: the file or its folder is read-only" in out, out
    assert "open it read-only" in out
    assert "spans: [('loaded-term', 4)]" in out


def test_an_unwritable_file_is_a_read_only_error(project_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _made(project_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: mode != os.W_OK and real_access(p, mode))
    with pytest.raises(ProjectReadOnlyError, match="read-only"):
        Project.open(project_path)
    with Project.open(project_path, readonly=True) as p:
        assert p.document_count() == 1


# -- edits that wait ------------------------------------------------------------------
def test_an_edit_waits_for_another_writer_and_says_so(project_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)  # shorter than the other job's write
    _made(project_path)
    holder = sqlite3.connect(project_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(1.5, holder.rollback).start()
    waits: list[float] = []
    with Project.open(project_path) as p:
        p.on_lock_wait = waits.append
        started = time.monotonic()
        p.add_span(1, "bob", "loaded-term", 11, 15)
        assert time.monotonic() - started >= 1.2
        assert [s.annotator for s in p.spans(1)] == ["ana", "bob"]
    holder.close()
    assert len(waits) >= 2 and waits == sorted(waits) and waits[-1] >= 0.5


def test_the_cli_reads_a_project_on_read_only_media_with_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    path = _made(folder / "p.annotator")
    script = textwrap.dedent(f"""
        from annotator.cli import main
        print("stats:", main(["stats", "--project", {str(path)!r}]))
        print("ro-stats:", main(["stats", "--read-only", "--project", {str(path)!r}]))
        print("ro-export:", main(["export", "--read-only", "--project", {str(path)!r},
                                  "--format", "csv"]))
    """)
    out = _run_on_read_only_folder(folder, script)
    assert "stats: 1" in out and "ro-stats: 0" in out and "ro-export: 0" in out, out
    assert "The regime lied again." in out or "regime" in out


def test_the_head_schema_of_the_models_is_the_one_the_migrations_build() -> None:
    from annotator import dbschema

    assert dbschema._built(None, store.SCHEMA_REVISION) == dbschema._built(
        store.MIGRATIONS_DIR, store.SCHEMA_REVISION)
