"""Issue 9 item 1: nothing in the process opens a live project file outside
SQLite (closing any descriptor on it drops SQLite's locks; another process
then deletes the WAL under us), and no writer overwrites it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator import files
from annotator.domain import IncomingDocument
from annotator.errors import FormatError, SchemeError
from annotator.formats import export, import_files, read_files
from annotator.formats.folder import write_text
from annotator.formats.output import open_output
from annotator.merge import merge
from annotator.project import Project
from annotator.schemes import load_scheme, resolve_scheme
from annotator.suggest.base import read_phrase_file
from annotator.text import read_text

TEXT = "The regime lied again and again."


def _deleted_project_fds(path: Path) -> list[str]:
    """Descriptors of this process on a removed project file or WAL: the symptom."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)) and target.endswith("(deleted)"):
            found.append(target)
    return found


def _in_subprocess(path: Path, label_start: int) -> None:
    script = textwrap.dedent(f"""
        from annotator.project import Project
        with Project.open({str(path)!r}) as p:
            p.add_span(1, "cli", "loaded-term", {label_start}, {label_start + 4})
        with Project.open({str(path)!r}) as p:
            print(len(p.spans(1)))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr


def _fresh_look(path: Path) -> tuple[list[tuple[str, int]], str]:
    script = textwrap.dedent(f"""
        import sqlite3
        c = sqlite3.connect({str(path)!r})
        print(c.execute("PRAGMA integrity_check").fetchone()[0])
        print(sorted(c.execute("SELECT a.name, s.start FROM span s JOIN annotator a "
                               "ON a.id = s.annotator_id").fetchall()))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    integrity, spans = run.stdout.splitlines()
    return eval(spans), integrity  # noqa: S307 - our own repr of a list of tuples


@pytest.fixture
def live(project_path: Path):
    with Project.create(project_path, resolve_scheme("media-bias")) as p:
        p.import_documents([IncomingDocument(TEXT, "x", external_id="d1")], annotator="ana")
        p.add_span(1, "ana", "loaded-term", 4, 10)
        yield p


def test_every_entry_point_beside_a_live_project_leaves_it_healthy(
        live: Project, project_path: Path, tmp_path: Path) -> None:
    wal = project_path.with_name(project_path.name + "-wal")
    assert wal.exists()  # live, in WAL mode, with writes
    link = tmp_path / "link.annotator"
    os.link(project_path, link)
    refused = []
    attempts = {
        "import as txt": lambda: import_files(live, [project_path], format_name="txt",
                                              annotator="ana"),
        "import the WAL": lambda: import_files(live, [wal], format_name="txt", annotator="ana"),
        "import a hard link": lambda: import_files(live, [link], format_name="txt",
                                                   annotator="ana"),
        "read as DocBin": lambda: read_files([project_path], "docbin"),
        "export over it": lambda: export(live, "jsonl", project_path),
        "export over the WAL": lambda: export(live, "csv", wal),
        "export over a hard link": lambda: export(live, "jsonl", link),
        "write a folder file over it": lambda: write_text(project_path, "x"),
        "merge it into itself": lambda: merge(live, [project_path]),
        "merge a hard link": lambda: merge(live, [link]),
        "load it as a scheme": lambda: load_scheme(project_path),
        "load it as a lexicon": lambda: read_phrase_file(project_path, 2),
        "read its text": lambda: read_text(link),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
        except (FormatError, SchemeError) as exc:
            refused.append(name)
            assert "open project" in str(exc) or "project file itself" in str(exc), (name, exc)
    assert refused == list(attempts)
    with Project.open(project_path) as second:  # a second window: SQLite only, safe
        second.add_span(1, "bob", "loaded-term", 11, 14)
    live.add_span(1, "ana", "loaded-term", 15, 18)
    _in_subprocess(project_path, 20)  # opens and closes it: the last-closer test
    live.add_span(1, "ana", "loaded-term", 24, 28)
    assert _deleted_project_fds(project_path) == []
    live.close()
    spans, integrity = _fresh_look(project_path)
    assert integrity == "ok"
    assert spans == [("ana", 4), ("ana", 15), ("ana", 24), ("bob", 11), ("cli", 20)]


def test_the_hazard_is_real_without_the_guard(live: Project, project_path: Path) -> None:
    # What the guard prevents: one open/close of the file by Python drops SQLite's
    # locks, a subprocess closing last deletes the WAL, we go on writing into the
    # deleted one while others write a new one: edits lost, or a malformed file.
    with open(project_path, "rb") as fh:  # noqa: the hazard, on purpose
        fh.read(16)
    _in_subprocess(project_path, 20)
    live.add_span(1, "ana", "loaded-term", 24, 28)
    assert _deleted_project_fds(project_path) != []
    _in_subprocess(project_path, 0)
    live.close()
    spans, integrity = _fresh_look(project_path)
    assert integrity != "ok" or spans != [("ana", 4), ("ana", 24), ("cli", 0), ("cli", 20)]


def test_the_registry_follows_the_connections(project_path: Path) -> None:
    live = project_path.resolve()
    assert live not in files.live_projects()
    with Project.create(project_path, resolve_scheme(None)) as p:
        p.ensure_annotator("ana")
        assert live in files.live_projects()
        with pytest.raises(FormatError, match="open project"):
            files.read_bytes(project_path)
    assert live not in files.live_projects()
    assert files.read_bytes(project_path, limit=16) == b"SQLite format 3\x00"
    with Project.open(project_path, readonly=True):
        assert live in files.live_projects()
    assert live not in files.live_projects()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", ".upgrade.lock",
                                    ".rev0001.bak", ".rev0001-2.bak", ".backups/2026-12-03.bak"])
def test_outputs_over_a_project_companion_or_backup_are_refused(
        live: Project, project_path: Path, suffix: str) -> None:
    target = Path(str(project_path) + suffix)
    with pytest.raises(FormatError, match="open project"):
        with open_output(target) as out:
            out.write("a,b\n")
    assert not target.exists() or suffix in ("", "-wal", "-shm")
    assert [s.start for s in live.spans(1)] == [4]


def test_a_hard_link_to_a_backup_is_refused(live: Project, project_path: Path,
                                            tmp_path: Path) -> None:
    backup = Path(str(project_path) + ".rev0001.bak")
    source = sqlite3.connect(project_path)
    dest = sqlite3.connect(backup)
    source.backup(dest)
    source.close()
    dest.close()
    os.link(backup, tmp_path / "elsewhere.csv")
    with pytest.raises(FormatError, match="link to the open project"):
        files.check_output(tmp_path / "elsewhere.csv")


@pytest.mark.parametrize("make", [os.mkfifo, os.mkdir])
def test_non_regular_inputs_are_refused_without_blocking(tmp_path: Path, make) -> None:
    path = tmp_path / "input.txt"
    make(path)
    with pytest.raises(FormatError) as caught:
        files.read_bytes(path)  # a FIFO would block forever on open()
    assert str(caught.value).startswith(f"{path}: is ")


def test_the_schema_drift_of_a_healthy_and_an_altered_project(live: Project,
                                                              project_path: Path) -> None:
    from annotator import dbschema, store

    with live.engine.connect() as conn:
        assert dbschema.schema_drift(conn, store.SCHEMA_REVISION) == []
    with live.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER eat AFTER INSERT ON span BEGIN SELECT 1; END")
        conn.exec_driver_sql("DROP INDEX ix_document_external_id")
    with live.engine.connect() as conn:
        assert dbschema.schema_drift(conn, store.SCHEMA_REVISION) == [
            "trigger eat on span is not ours", "index ix_document_external_id is missing"]
