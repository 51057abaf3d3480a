"""File > Restore from backup… and the automatic backup, as a user meets them."""

from __future__ import annotations

import re

import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator import backups
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.ui_support import ANNOTATOR, add_documents
from ui import backups_dialog
from ui.backups_dialog import BackupsDialog

HOUR_AGO = datetime.now(timezone.utc) - timedelta(hours=1)


@pytest.fixture
def backed_up(project: Project, project_path: Path) -> Path:
    """A backup with one document and one span, then a second document added."""
    (doc,) = add_documents(project, "The regime said so.")
    project.add_span(doc, ANNOTATOR, "loaded-term", 4, 10)
    taken = backups.take_backup(project_path, now=HOUR_AGO)
    add_documents(project, "A second article.")
    return taken


def confirm_restore(monkeypatch) -> list[tuple[str, str]]:
    """The confirmation box answers Restore; other boxes are recorded: (title, details)."""
    shown: list[tuple[str, str]] = []

    def answer(box: QMessageBox) -> int:
        for button in box.buttons():
            if button.text() == "Restore":
                button.click()
                return 0
        shown.append((box.windowTitle(), box.informativeText()))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown


def test_the_dialog_lists_backups_with_their_counts(qtbot, project: Project, project_path: Path,
                                                    backed_up: Path, monkeypatch) -> None:
    backups.take_backup(project_path)
    dialog = BackupsDialog(None, project_path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 2)
    rows = [[dialog.table.topLevelItem(n).text(c) for c in (2, 3)] for n in range(2)]
    assert rows == [["2", "1"], ["1", "1"]]  # newest first: documents, spans
    assert dialog.table.topLevelItem(1).text(0) == f"{HOUR_AGO.astimezone():%Y-%m-%d %H:%M:%S}"
    assert re.fullmatch(r"\d+ kB|\d+\.\d MB", dialog.table.topLevelItem(0).text(1))
    assert not dialog.restore_button.isEnabled()
    dialog.table.topLevelItem(1).setSelected(True)
    assert dialog.restore_button.isEnabled()
    confirm_restore(monkeypatch)
    dialog.restore_button.click()
    assert dialog.result() == BackupsDialog.DialogCode.Accepted
    assert dialog.chosen().path == backed_up


def test_an_unreadable_backup_cannot_be_chosen(qtbot, project: Project, project_path: Path,
                                               backed_up: Path) -> None:
    (backups.backup_folder(project_path) / "test-29990101T000000Z.annotator").write_bytes(b"x" * 999)
    dialog = BackupsDialog(None, project_path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() == 2)
    assert dialog.table.topLevelItem(0).text(2) == "unreadable"
    dialog.table.topLevelItem(0).setSelected(True)
    assert not dialog.restore_button.isEnabled()


def choose_oldest(monkeypatch, qtbot) -> list[tuple[str, str]]:
    """The backups dialog, as a user uses it: wait for the list, pick the oldest, Restore."""
    def run(dialog: BackupsDialog) -> int:
        qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() > 0)
        dialog.table.topLevelItem(dialog.table.topLevelItemCount() - 1).setSelected(True)
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(BackupsDialog, "exec", run)
    return confirm_restore(monkeypatch)


def test_restore_from_the_file_menu_shows_the_restored_state(
        qtbot, make_window, project: Project, project_path: Path, backed_up: Path,
        monkeypatch) -> None:
    window = make_window(project)
    assert window.doc_model.rowCount() == 2
    shown = choose_oldest(monkeypatch, qtbot)
    action = next(a for a in window.actions() if a.text() == "Restore from &backup…")
    action.trigger()
    qtbot.waitUntil(lambda: window.project is not project and window.doc_model.rowCount() == 1
                    or bool(shown))
    assert not shown, shown[0][1][:300]
    assert window.project.stats()["spans"] == 1
    assert window.document is not None and window.document.text == "The regime said so."
    assert "Restored the backup" in window.statusBar().currentMessage()
    saved = backups.list_backups(project_path)
    assert [b.documents for b in saved[:1]] == [2]  # the state before is kept
    window.project.add_span(window.document.id, ANNOTATOR, "loaded-term", 0, 3)  # usable


def test_a_failed_restore_says_why_and_leaves_the_project_open(
        qtbot, make_window, project: Project, project_path: Path, backed_up: Path,
        monkeypatch) -> None:
    window = make_window(project)
    shown = choose_oldest(monkeypatch, qtbot)

    def broken(*_args):
        raise backups.ProjectError("the disk is full")

    monkeypatch.setattr(backups, "restore_backup", broken)
    backups_dialog.restore_dialog(window)
    qtbot.waitUntil(lambda: window.project is not project)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "The backup could not be restored" and "the disk is full" in shown[0][1]
    assert window.doc_model.rowCount() == 2
    assert window.project.stats()["documents"] == 2


def test_opening_a_project_backs_it_up_in_a_daemon_thread(
        qtbot, make_window, project: Project, project_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(backups_dialog, "AUTO_BACKUP_DELAY_MS", 0)
    started = threading.Event()
    release = threading.Event()
    seen: list[threading.Thread] = []
    real = backups.backup_if_due

    def slow(path: Path) -> Path | None:
        seen.append(threading.current_thread())
        started.set()
        release.wait(10)
        return real(path)

    monkeypatch.setattr(backups, "backup_if_due", slow)
    window = make_window(project)
    qtbot.waitUntil(started.is_set)
    begin = time.monotonic()
    qtbot.wait(50)  # the UI goes on while the backup waits
    assert time.monotonic() - begin < 1
    assert seen[0].daemon and seen[0] is not threading.main_thread()
    release.set()
    qtbot.waitUntil(lambda: len(backups.list_backups(project_path)) == 1)
    window.set_project(Project.open(project_path))  # reopened: not due again for a day
    qtbot.wait(100)
    assert len(backups.list_backups(project_path)) == 1


needs_x = pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                             reason="needs the Xvfb and xdotool binaries")


@contextmanager
def running_app(tmp_path: Path, path: Path, prelude: str = "") -> Iterator[Callable[[], int]]:
    """The app on ``path`` under Xvfb (after ``prelude`` runs in its process);
    yields ``quit``: Ctrl+Q, then the exit status (within 15 s)."""
    from tests.xserver import running_app as app_under_x, xdotool

    with app_under_x(tmp_path, path, "alice", prelude) as (app, env, window):
        def quit_app() -> int:
            xdotool(env, "windowfocus", "--sync", window)
            xdotool(env, "key", "ctrl+q")
            return app.wait(15)

        yield quit_app


def healthy(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def one_document_project(tmp_path: Path) -> Path:
    path = tmp_path / "auto.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as created:
        add_documents(created, "The regime said so.")
    return path


@pytest.mark.slow
@needs_x
def test_the_running_app_backs_up_its_project_and_quits(tmp_path: Path) -> None:
    from tests.xserver import poll

    path = one_document_project(tmp_path)
    with running_app(tmp_path, path) as quit_app:
        assert poll(lambda: backups.list_backups(path), 30), "no automatic backup"
        assert quit_app() == 0
    (taken,) = backups.list_backups(path)
    assert (taken.documents, taken.problem) == (1, None)
    assert healthy(path)


@pytest.mark.slow
@needs_x
def test_a_backup_under_way_does_not_hold_up_quitting(tmp_path: Path) -> None:
    from tests.xserver import poll

    path = one_document_project(tmp_path)
    slow_copy = ("import time\nfrom annotator import store\nreal = store.copy_database\n"
                 "store.copy_database = lambda *a: (time.sleep(120), real(*a))")
    with running_app(tmp_path, path, slow_copy) as quit_app:
        assert poll(backups.backup_folder(path).exists, 30), "no automatic backup started"
        begin = time.monotonic()
        assert quit_app() == 0
        assert time.monotonic() - begin < 10
    assert backups.list_backups(path) == []
    assert healthy(path)
