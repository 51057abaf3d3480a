"""Rolling backups: consistent copies beside the project, never overwritten,
pruned after N days, and a restore that is a real SQLite write."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from annotator import backups
from annotator.cli import main
from annotator.errors import ProjectError
from annotator.project import Project
from tests.ui_support import add_documents

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def span_count(path: Path) -> int:
    with Project.open(path) as project:
        return project.stats()["spans"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def doc(project: Project) -> int:
    (doc_id,) = add_documents(project, "The regime said so.")
    project.add_span(doc_id, "alice", "loaded-term", 4, 10)
    return doc_id


def test_a_backup_of_an_open_project_is_consistent_and_the_project_stays_healthy(
        project: Project, project_path: Path, doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    assert taken == (project_path.with_name("test.annotator.backups")
                     / f"test-{NOW:%Y%m%dT%H%M%S}Z.annotator")
    assert not stat.S_IMODE(taken.parent.stat().st_mode) & stat.S_IWOTH
    project.add_span(doc, "alice", "loaded-term", 0, 3)  # the open project goes on working
    assert [(b.documents, b.spans, b.problem) for b in backups.list_backups(project_path)] == [
        (1, 1, None)]
    project.close()
    assert span_count(project_path) == 2
    conn = sqlite3.connect(project_path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert sorted(p.name for p in taken.parent.iterdir()) == [taken.name]  # no -wal, no partial


def test_a_backup_never_overwrites_one(project: Project, project_path: Path, doc: int) -> None:
    first = backups.take_backup(project_path, now=NOW)
    before = digest(first)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    second = backups.take_backup(project_path, now=NOW)
    assert second.name == f"test-{NOW:%Y%m%dT%H%M%S}Z-2.annotator"
    assert digest(first) == before
    assert [b.spans for b in backups.list_backups(project_path)] == [2, 1]  # newest first


def test_backups_on_a_file_system_without_hard_links(project: Project, project_path: Path,
                                                     monkeypatch) -> None:
    def no_links(*_args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    first = backups.take_backup(project_path, now=NOW)
    before = digest(first)
    second = backups.take_backup(project_path, now=NOW)
    assert first != second and digest(first) == before
    assert sorted(p.name for p in first.parent.iterdir()) == sorted([first.name, second.name])


def test_old_backups_are_pruned_after_the_project_setting(project: Project,
                                                          project_path: Path) -> None:
    project.set_setting("backup_days", 3)
    for days in (10, 5, 2, 1):
        backups.take_backup(project_path, now=NOW - timedelta(days=days), prune=False)
    stranger = backups.backup_folder(project_path) / "notes.txt"
    stranger.write_text("mine", encoding="utf-8")
    backups.take_backup(project_path, now=NOW)
    ages = [(NOW.replace(tzinfo=None) - b.taken_at).days for b in backups.list_backups(project_path)]
    assert ages == [0, 1, 2]
    assert stranger.read_text(encoding="utf-8") == "mine"


def test_cli_keep_days_sets_the_setting_and_prunes(project: Project, project_path: Path,
                                                    capsys) -> None:
    for days in (9, 1):
        backups.take_backup(project_path, now=NOW - timedelta(days=days), prune=False)
    project.close()
    assert main(["backup", "--project", str(project_path), "--keep-days", "5"]) == 0
    assert "kept 5 days; 1 pruned" in capsys.readouterr().out
    with Project.open(project_path) as again:
        assert again.setting("backup_days") == 5
    assert len(backups.list_backups(project_path)) == 1
    assert main(["backup", "--project", str(project_path), "--keep-days", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err


def test_the_count_is_capped_and_the_newest_always_stays(project: Project,
                                                         project_path: Path) -> None:
    for hours in range(5):
        backups.take_backup(project_path, now=NOW - timedelta(days=30, hours=hours), prune=False)
    assert len(backups.prune_backups(project_path, keep_count=3, now=NOW)) == 4
    (kept,) = backups.list_backups(project_path)
    assert kept.taken_at == (NOW - timedelta(days=30)).replace(tzinfo=None)


def test_a_partial_copy_is_never_listed_and_is_cleaned_later(project: Project,
                                                             project_path: Path) -> None:
    backups.take_backup(project_path, now=NOW)
    partial = backups.backup_folder(project_path) / ".partial-abc.annotator"
    partial.write_bytes(b"half")
    assert len(backups.list_backups(project_path)) == 1
    os.utime(partial, (0, 0))
    backups.prune_backups(project_path)
    assert not partial.exists()


def test_backup_if_due_takes_at_most_one_a_day(project: Project, project_path: Path) -> None:
    assert backups.backup_if_due(project_path, now=NOW) is not None
    assert backups.backup_if_due(project_path, now=NOW + timedelta(hours=23)) is None
    assert backups.backup_if_due(project_path, now=NOW + timedelta(hours=25)) is not None


def test_an_unreadable_backup_is_listed_with_its_problem(project: Project, project_path: Path,
                                                         doc: int) -> None:
    backups.take_backup(project_path, now=NOW - timedelta(days=1))
    bad = backups.backup_folder(project_path) / f"test-{NOW:%Y%m%dT%H%M%S}Z.annotator"
    bad.write_bytes(b"garbage" * 1000)
    newest, good = backups.list_backups(project_path)
    assert newest.path == bad and newest.documents is None and newest.problem
    assert good.documents == 1


def test_restore_brings_back_the_backup_and_keeps_the_state_before(
        project: Project, project_path: Path, doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    project.close()
    report = backups.restore_backup(project_path, taken.name)
    assert report.restored == taken
    assert span_count(project_path) == 1
    saved = {b.path: b.spans for b in backups.list_backups(project_path)}
    assert saved[report.saved] == 2  # the state before the restore is a backup too
    assert saved[taken] == 1


def test_restore_prunes_after_the_project_setting(project: Project, project_path: Path) -> None:
    project.set_setting("backup_days", 3)
    old = backups.take_backup(project_path, now=NOW - timedelta(days=10), prune=False)
    fresh = backups.take_backup(project_path, now=NOW, prune=False)
    project.close()
    backups.restore_backup(project_path, fresh.name)
    assert not old.exists() and fresh.exists()


def test_restore_is_refused_while_this_process_has_the_project_open(
        project: Project, project_path: Path, doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    with pytest.raises(ProjectError, match="close it before restoring"):
        backups.restore_backup(project_path, taken.name)
    assert len(backups.list_backups(project_path)) == 1  # not even a backup was taken
    assert project.stats()["spans"] == 2


def test_restore_while_another_process_has_the_project_open(project: Project, project_path: Path,
                                                            doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    project.close()
    script = textwrap.dedent(f"""
        import sys
        from annotator.project import Project
        with Project.open({str(project_path)!r}) as p:
            print(p.stats()["spans"], flush=True)
            sys.stdin.readline()
            print(p.stats()["spans"], flush=True)
            sys.stdin.readline()
            (doc,) = p.document_ids()
            p.add_span(doc, "bob", "loaded-term", 11, 15)
            print(p.stats()["spans"], flush=True)
    """)
    other = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert other.stdout.readline().strip() == "2"
        backups.restore_backup(project_path, taken.name)
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "1"  # it sees the restored state
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "2"  # and writes on it
    finally:
        other.communicate(timeout=60)
    assert span_count(project_path) == 2
    conn = sqlite3.connect(project_path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_restore_gives_up_on_a_project_another_program_keeps_locked(
        project: Project, project_path: Path, doc: int, monkeypatch) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    project.close()
    monkeypatch.setattr(backups, "LOCK_WAIT_S", 0.5)
    other = sqlite3.connect(project_path, isolation_level=None, timeout=0)  # as another program
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ProjectError, match="locked by another program.*unchanged"):
            backups.restore_backup(project_path, taken.name)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert span_count(project_path) == 2


def test_restore_waits_for_another_program_to_finish_writing(
        project: Project, project_path: Path, doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    project.add_span(doc, "alice", "loaded-term", 0, 3)
    project.close()
    other = sqlite3.connect(project_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.6, lambda: (other.execute("ROLLBACK"), other.close())).start()
    backups.restore_backup(project_path, taken.name)
    assert span_count(project_path) == 1


@pytest.mark.parametrize("name", ["nope.annotator", "../test.annotator", "/etc/passwd"])
def test_restore_of_something_that_is_not_a_backup(project: Project, project_path: Path,
                                                   name: str) -> None:
    backups.take_backup(project_path, now=NOW)
    project.close()
    before = digest(project_path)
    with pytest.raises(ProjectError):
        backups.restore_backup(project_path, name)
    assert digest(project_path) == before


def test_a_damaged_backup_is_not_restored(project: Project, project_path: Path) -> None:
    bad = backups.backup_folder(project_path)
    bad.mkdir()
    other = bad / "test-20260505T000000Z.annotator"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    project.close()
    before = digest(project_path)
    with pytest.raises(ProjectError, match="not a project of this app"):
        backups.restore_backup(project_path, other.name)
    assert digest(project_path) == before


def test_a_backup_whose_indexes_disagree_with_its_tables_is_not_restored(
        project: Project, project_path: Path, doc: int) -> None:
    taken = backups.take_backup(project_path, now=NOW)
    conn = sqlite3.connect(taken, isolation_level=None)  # passes quick_check, not integrity_check
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_span_label ON span (note)'"
                 " WHERE name = 'ix_span_label'")
    conn.close()
    project.close()
    before = digest(project_path)
    with pytest.raises(ProjectError, match="it is damaged"):
        backups.restore_backup(project_path, taken.name)
    assert digest(project_path) == before


def test_cli_backup_list_and_restore(project: Project, project_path: Path, doc: int,
                                     capsys) -> None:
    project.close()
    assert main(["backup", "--project", str(project_path), "--list"]) == 0
    assert "no backups yet" in capsys.readouterr().out
    assert main(["backup", "--project", str(project_path)]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert main(["backup", "--project", str(project_path), "--list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["documents"], listed["spans"]) == (1, 1)
    with Project.open(project_path) as again:
        again.add_span(doc, "alice", "loaded-term", 0, 3)
    assert main(["backup", "--project", str(project_path), "--restore", listed["name"]]) == 0
    assert "restored" in capsys.readouterr().out
    assert span_count(project_path) == 1
    assert main(["backup", "--project", str(project_path), "--restore", "nope"]) == 1
    assert "no backup named 'nope'" in capsys.readouterr().err
