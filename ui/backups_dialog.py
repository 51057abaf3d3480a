"""File > Restore from backup…, and the automatic backup when a project opens.

The list is read off the UI thread; a restore closes the window's project,
writes the backup into it in the worker (:mod:`annotator.backups`), then opens
it again, so the window shows the restored state. The automatic backup runs
in a daemon thread a few seconds after the project opens: it is off the
start-up path and never holds up quitting.
"""

from __future__ import annotations

import gc
import threading
import time
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QMessageBox, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from annotator.errors import AnnotatorError, ProjectError
from annotator.wording import plural

from .dialogs import show_error
from .tasks import run_query, run_with_progress

if TYPE_CHECKING:  # annotator.backups loads SQLAlchemy: not before the window shows
    from annotator.backups import BackupInfo, RestoreReport
    from annotator.project import Project

    from .window import MainWindow

AUTO_BACKUP_DELAY_MS = 5_000


class BackupsDialog(QDialog):
    """The project's backups, newest first; Restore returns the chosen one."""

    def __init__(self, parent: QWidget | None, project: Path):
        from annotator import backups

        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.project = project
        self.found: list[BackupInfo] = []
        self.note = QLabel(f"Backups of {project.name} in {backups.backup_folder(project)}; "
                           "reading…")
        self.note.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Taken", "Size", "Documents", "Spans"])
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.itemDoubleClicked.connect(lambda *_: self.restore_button.click())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton("Restore…",
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self._confirm)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(620, 360)
        run_query(self, lambda: backups.list_backups(project), self._fill,
                  lambda exc: show_error(self, "The backups could not be listed", exc))

    def _fill(self, found: list[BackupInfo]) -> None:
        from annotator import backups

        self.found = found
        self.note.setText(f"Backups of {self.project.name} in {backups.backup_folder(self.project)}"
                          if found else f"{self.project.name} has no backups yet.")
        for info in found:
            taken = info.taken_at.replace(tzinfo=timezone.utc).astimezone()
            counts = ([str(info.documents), str(info.spans)] if info.problem is None
                      else ["unreadable", info.problem])
            item = QTreeWidgetItem([f"{taken:%Y-%m-%d %H:%M:%S}", _size(info.size), *counts])
            for column in (1, 2, 3):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            if info.problem is not None:
                item.setDisabled(True)
            self.table.addTopLevelItem(item)
        for column in range(4):
            self.table.resizeColumnToContents(column)

    def chosen(self) -> BackupInfo | None:
        rows = [self.table.indexOfTopLevelItem(item) for item in self.table.selectedItems()]
        return self.found[rows[0]] if rows else None

    def _selected(self) -> None:
        info = self.chosen()
        self.restore_button.setEnabled(info is not None and info.problem is None)

    def _confirm(self) -> None:
        info = self.chosen()
        if info is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Restore from backup",
                          f"Replace the project with the backup of {self.table.selectedItems()[0].text(0)} "
                          f"({plural(info.documents, 'document')}, {plural(info.spans, 'span')})?",
                          QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("The current state is backed up first, so this can be undone "
                               "by restoring that backup.")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        if box.clickedButton() is restore:
            self.accept()


def restore_dialog(window: MainWindow) -> None:
    """File > Restore from backup…: choose, confirm, restore, show the result."""
    path = window.project.path
    if path is None:
        show_error(window, "No backups", "Only a project file has backups.")
        return
    dialog = BackupsDialog(window, path)
    if not dialog.exec() or (info := dialog.chosen()) is None:
        return
    from annotator import backups
    from annotator.project import Project  # noqa: F811 (the TYPE_CHECKING import, now for real)

    closing = window.project
    closing.close()  # a restore refuses a project this process holds open

    def reopen() -> bool:
        try:
            project = Project.open(path)
        except (AnnotatorError, OSError) as exc:
            show_error(window, "The project could not be opened again", exc)
            return False
        window.set_project(project)
        window.start()
        return True

    def done(report: RestoreReport) -> None:
        if reopen():
            window.statusBar().showMessage(f"Restored the backup; {report.summary()}", 10_000)

    def failed(exc: BaseException) -> None:
        reopen()
        show_error(window, "The backup could not be restored", exc)

    def work(_progress: object) -> RestoreReport:
        _release(closing)
        return backups.restore_backup(path, info.name)

    run_with_progress(window, "Restoring the backup…", work, done, failed)


def _release(project: Project, timeout_s: float = 5.0) -> None:
    """Close ``project`` until this process holds no connection on its file.

    The window may still read it after the first close (a suggestion job, a
    repaint: the engine reconnects), and a read that was running when it
    closed gives its connection back to the old pool, closed only once
    collected. The restore refuses while any is left.
    """
    from annotator import files

    resolved = project.path.resolve() if project.path else None
    stop = time.monotonic() + timeout_s
    while True:
        project.close()
        gc.collect()
        if resolved not in files.live_projects() or time.monotonic() > stop:
            return
        time.sleep(0.05)


class _Reporter(QObject):
    failed = Signal(str)


def schedule_auto_backup(window: MainWindow) -> None:
    """Back up the window's project soon, in a daemon thread, if one is due."""
    path = window.project.path
    if path is None:
        return
    reporter = _Reporter(window)
    reporter.failed.connect(lambda message: window.statusBar().showMessage(
        f"Automatic backup failed: {message}", 10_000))

    def work() -> None:
        from annotator import backups

        try:
            backups.backup_if_due(path)
        except ProjectError as exc:
            try:
                reporter.failed.emit(str(exc))
            except RuntimeError:  # the window is gone
                pass

    QTimer.singleShot(AUTO_BACKUP_DELAY_MS, window,
                      lambda: threading.Thread(target=work, name="auto-backup", daemon=True).start())


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"

