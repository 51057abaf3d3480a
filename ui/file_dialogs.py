"""Every file dialog of the app, built so that it never reads a file's contents.

Qt's own dialogs sniff each listed file to show its type and icon (the Type
column says "SQLite database" for a project). Opening and closing the open
project file, its -wal or -shm drops SQLite's POSIX locks on it, and a CLI
run beside the window then corrupts the project. These dialogs are Qt's
widget dialogs (never the platform's, which may sniff in this process too)
with an icon provider that goes by the file name alone.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QStyle, QWidget

PROJECT_FILTER = "Annotator projects (*.annotator);;All files (*)"
TYPE_NAMES = {"annotator": "Annotator project"}


class NameOnlyIcons(QAbstractFileIconProvider):
    """Icons and type names from a file's name and kind (a stat), never its bytes."""

    def __init__(self, style: QStyle):
        super().__init__()
        pixmap = QStyle.StandardPixmap
        kinds = QAbstractFileIconProvider.IconType
        # QIcons are built here, in the GUI thread: Qt's info gatherer asks from its own thread.
        self.icons = {kind: style.standardIcon(p) for kind, p in (
            (kinds.Computer, pixmap.SP_ComputerIcon), (kinds.Desktop, pixmap.SP_DesktopIcon),
            (kinds.Trashcan, pixmap.SP_TrashIcon), (kinds.Network, pixmap.SP_DriveNetIcon),
            (kinds.Drive, pixmap.SP_DriveHDIcon), (kinds.Folder, pixmap.SP_DirIcon),
            (kinds.File, pixmap.SP_FileIcon))}

    def icon(self, what: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileInfo):
            kinds = QAbstractFileIconProvider.IconType
            what = kinds.Drive if what.isRoot() else kinds.Folder if what.isDir() else kinds.File
        return self.icons[what]

    def type(self, info: QFileInfo) -> str:
        if info.isRoot():
            return "Drive"
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return TYPE_NAMES.get(suffix.lower(), f"{suffix.upper()} file" if suffix else "File")


class Mode(Enum):
    OPEN = QFileDialog.FileMode.ExistingFile
    OPEN_MANY = QFileDialog.FileMode.ExistingFiles
    SAVE = QFileDialog.FileMode.AnyFile
    FOLDER = QFileDialog.FileMode.Directory


def file_dialog(parent: QWidget | None, title: str, start: str | Path, filters: str,
                mode: Mode) -> QFileDialog:
    """The dialog, not yet shown: ``start`` is a folder, or a file to preselect."""
    dialog = QFileDialog(parent, title, str(start), filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.icons = NameOnlyIcons(dialog.style())  # type: ignore[attr-defined]  (kept alive with it)
    dialog.setIconProvider(dialog.icons)  # type: ignore[attr-defined]
    dialog.setFileMode(mode.value)
    if mode is Mode.SAVE:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    if mode is Mode.FOLDER:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    return dialog


def _run(dialog: QFileDialog) -> list[Path]:
    return [Path(p) for p in dialog.selectedFiles()] if dialog.exec() else []


def open_file(parent: QWidget | None, title: str, start: str | Path, filters: str = "") -> Path | None:
    return next(iter(_run(file_dialog(parent, title, start, filters, Mode.OPEN))), None)


def open_files(parent: QWidget | None, title: str, start: str | Path, filters: str = "") -> list[Path]:
    return _run(file_dialog(parent, title, start, filters, Mode.OPEN_MANY))


def save_file(parent: QWidget | None, title: str, start: str | Path, filters: str = "") -> Path | None:
    """Asks before replacing an existing file (by its name: nothing is read)."""
    return next(iter(_run(file_dialog(parent, title, start, filters, Mode.SAVE))), None)


def folder(parent: QWidget | None, title: str, start: str | Path) -> Path | None:
    return next(iter(_run(file_dialog(parent, title, start, "", Mode.FOLDER))), None)
