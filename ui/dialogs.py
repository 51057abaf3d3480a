"""Dialogs: errors as a user meets them, the annotator name, new project, export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QInputDialog, QKeySequenceEdit, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton, QWidget)

from annotator.errors import (AnnotatorError, Cancelled, EditError, FormatError, ProjectError,
                              ProjectReadOnlyError, SchemeError)
from annotator.schemes import Scheme, bundled_schemes

from . import file_dialogs

ADVICE = {
    FormatError: "Nothing was imported. Fix the file at the place named above "
                 "(or choose another file) and import it again.",
    ProjectError: "Nothing was changed. If the file comes from a newer version of the app, "
                  "update the app; if the disk is full, free some space and try again.",
    SchemeError: "Fix the scheme file at the key named above, or choose a bundled scheme.",
    EditError: "The project is unchanged.",
}


def advice_for(exc: BaseException) -> str:
    for kind, text in ADVICE.items():
        if isinstance(exc, kind):
            return text
    if isinstance(exc, OSError):
        return "Check that the file or folder exists, is writable and the disk is not full."
    return "Nothing was changed. Please report this problem with the message above."


def show_error(parent: QWidget | None, what: str, exc: BaseException | str) -> None:
    """A dialog saying what happened and what to do (never a traceback)."""
    if isinstance(exc, Cancelled):
        return
    message = str(exc) if isinstance(exc, (AnnotatorError, str)) \
        else f"{type(exc).__name__}: {exc}"
    box = QMessageBox(QMessageBox.Icon.Warning, what, what, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote files and names (ui/plain.py)
    box.setInformativeText(f"{message}\n\n{advice_for(exc) if not isinstance(exc, str) else ''}".strip())
    box.exec()


def offer_read_only(parent: QWidget | None, exc: ProjectReadOnlyError) -> bool:
    """Say that a project cannot be written here; True if the user opens it read-only."""
    box = QMessageBox(QMessageBox.Icon.Warning, "The project is read-only",
                      "The project cannot be opened for editing", QMessageBox.StandardButton.Cancel,
                      parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setInformativeText(f"{exc}\n\nOpened read-only, it can be read, searched and exported, "
                           "but not changed.")
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(read_only)
    box.exec()
    return box.clickedButton() is read_only


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    """A message that may quote user text (file names, notes): shown as plain text."""
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def ask_annotator(parent: QWidget | None, current: str, first: bool) -> str | None:
    prompt = ("Your name is stored with every span you make, so colleagues' work stays apart.\n"
              "Annotator name:" if first else "Switch to annotator:")
    name, ok = QInputDialog.getText(parent, "Annotator", prompt, QLineEdit.EchoMode.Normal, current)
    name = name.strip()
    return name if ok and name else None


class NewProjectDialog(QDialog):
    """Choose where the project goes and its label scheme."""

    def __init__(self, parent: QWidget | None, folder: str):
        super().__init__(parent)
        self.setWindowTitle("New project")
        self.path = QLineEdit(str(Path(folder) / "project.annotator"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.scheme = QComboBox()
        for name in bundled_schemes():
            self.scheme.addItem(name, name)
        self.scheme.addItem("From a file…", "")
        self.scheme.activated.connect(self._scheme_file)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Project file", row)
        form.addRow("Label scheme", self.scheme)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        path = file_dialogs.save_file(self, "New project", self.path.text(),
                                      "Annotator projects (*.annotator)")
        if path:
            self.path.setText(str(path if path.suffix == ".annotator" else path.with_name(path.name + ".annotator")))

    def _scheme_file(self, _index: int) -> None:
        if self.scheme.currentData() != "":
            return
        path = file_dialogs.open_file(self, "Label scheme", "", "Schemes (*.toml)")
        if path:
            self.scheme.insertItem(self.scheme.count() - 1, path.name, str(path))
            self.scheme.setCurrentIndex(self.scheme.count() - 2)
        else:
            self.scheme.setCurrentIndex(0)

    def chosen(self) -> tuple[Path, str]:
        return Path(self.path.text()), self.scheme.currentData() or "media-bias"


class ShortcutDialog(QDialog):
    """A key per label (stored with the project; empty means none)."""

    def __init__(self, parent: QWidget | None, scheme: Scheme, current: dict[str, str],
                 taken: set[str]):
        super().__init__(parent)
        self.setWindowTitle("Label shortcuts")
        self.taken = taken
        self.edits: dict[str, QKeySequenceEdit] = {}
        form = QFormLayout(self)
        for label in scheme.labels:
            edit = QKeySequenceEdit(QKeySequence(current.get(label.key, "")))
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            self.edits[label.key] = edit
            form.addRow(label.name, edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> dict[str, str]:
        return {key: text for key, edit in self.edits.items()
                if (text := edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText))}

    def _check(self) -> None:
        keys = list(self.chosen().values())
        clash = next((k for k in keys if keys.count(k) > 1 or k in self.taken), None)
        if clash:
            show_error(self, "Shortcut already in use",
                       f"{clash} is used twice or by another command; choose another key.")
            return
        self.accept()


class ExportDialog(QDialog):
    """Format, file and the CLI's filters (annotators, labels)."""

    def __init__(self, parent: QWidget | None, scheme: Scheme, annotators: list[str], folder: str):
        super().__init__(parent)
        self.setWindowTitle("Export spans")
        self.format = QComboBox()
        self.format.addItem("CSV (spreadsheet)", "csv")
        self.format.addItem("JSON Lines", "jsonl")
        self.path = QLineEdit(str(Path(folder) / "spans.csv"))
        self.format.currentIndexChanged.connect(self._suffix)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.annotators = self._checklist(annotators)
        self.labels = self._checklist([label.key for label in scheme.labels],
                                      {label.key: label.name for label in scheme.labels})
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", row)
        form.addRow("Annotators", self.annotators)
        form.addRow("Labels", self.labels)
        form.addRow(buttons)
        self.resize(560, 460)

    @staticmethod
    def _checklist(keys: list[str], names: dict[str, str] | None = None) -> QListWidget:
        widget = QListWidget()
        for key in keys:
            item = QListWidgetItem((names or {}).get(key, key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            widget.addItem(item)
        return widget

    def _suffix(self) -> None:
        path = Path(self.path.text())
        self.path.setText(str(path.with_suffix("." + self.format.currentData())))

    def _browse(self) -> None:
        path = file_dialogs.save_file(self, "Export spans", self.path.text())
        if path:
            self.path.setText(str(path))

    @staticmethod
    def _checked(widget: QListWidget) -> tuple[str, ...]:
        items = [widget.item(n) for n in range(widget.count())]
        chosen = tuple(i.data(Qt.ItemDataRole.UserRole) for i in items
                       if i.checkState() == Qt.CheckState.Checked)
        return () if len(chosen) == len(items) else chosen  # all: no filter

    def _check(self) -> None:
        for widget, what in ((self.annotators, "annotator"), (self.labels, "label")):
            if widget.count() and not any(widget.item(n).checkState() == Qt.CheckState.Checked
                                          for n in range(widget.count())):
                show_error(self, "Nothing to export", f"Tick at least one {what}.")
                return
        self.accept()

    def chosen(self) -> tuple[str, Path, tuple[str, ...], tuple[str, ...]]:
        return (self.format.currentData(), Path(self.path.text()),
                self._checked(self.annotators), self._checked(self.labels))
