"""Dialogs: errors as a user meets them, the annotator name, new project, import, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QInputDialog, QKeySequenceEdit, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QWidget)

from annotator import formats
from annotator.errors import (AnnotatorError, Cancelled, EditError, FormatError, ProjectError,
                              ProjectReadOnlyError, SchemeError)
from annotator.formats.options import OPTIONS
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


def ask_first_annotator(default: str) -> tuple[str, bool]:
    """The name to annotate under on first start, and whether it is ``default``
    because the question was cancelled (then a message says so)."""
    name = ask_annotator(None, default, first=True)
    if name:
        return name, False
    QMessageBox.information(None, "Annotator", f"You annotate as “{default}” (your user name on "
                            "this computer). Edit > Switch annotator… changes it.")
    return default, True


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


class OptionRows:
    """Form rows for the options formats take (from the registry), each shown
    only when the chosen format takes it."""

    def __init__(self, form: QFormLayout, keys: list[str]):
        self.form = form
        self.widgets: dict[str, QWidget] = {}
        for key in dict.fromkeys(keys):
            option = OPTIONS[key]
            widget: QWidget
            if option.choices:
                widget = QComboBox()
                widget.addItem("The format's default", "")
                for choice in option.choices:
                    widget.addItem(choice, choice)
            elif option.default is False:
                widget = QCheckBox()
            else:
                widget = QLineEdit(str(option.default))
            widget.setToolTip(option.help)
            self.widgets[key] = widget
            form.addRow(option.title, widget)

    def show_only(self, keys: set[str]) -> None:
        for key, widget in self.widgets.items():
            self.form.setRowVisible(widget, key in keys)

    def values(self, keys: set[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key in keys & set(self.widgets):
            widget = self.widgets[key]
            if isinstance(widget, QComboBox):
                found[key] = widget.currentData()
            elif isinstance(widget, QCheckBox):
                found[key] = widget.isChecked()
            elif isinstance(widget, QLineEdit):
                found[key] = widget.text().strip()
        return found


def _buttons(dialog: QDialog, accept: Any) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ImportDialog(QDialog):
    """Files and folders, the format (detected or chosen from every reader) and its options."""

    def __init__(self, parent: QWidget | None, folder: str):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.folder = folder
        self.files = QListWidget()
        add_files, add_folder, remove = (QPushButton("Add files…"), QPushButton("Add folder…"),
                                         QPushButton("Remove"))
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        remove.clicked.connect(self._remove)
        row = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            row.addWidget(button)
        self.format = QComboBox()
        self.format.addItem("Detect from the file names", "auto")
        for fmt in formats.readers():
            self.format.addItem(fmt.title, fmt.name)
        self.format.currentIndexChanged.connect(self._update)
        form = QFormLayout(self)
        form.addRow("Files", self.files)
        form.addRow("", row)
        form.addRow("Format", self.format)
        self.options = OptionRows(form, [k for f in formats.readers() for k in f.read_options])
        form.addRow(_buttons(self, self._check))
        self.files.model().rowsInserted.connect(self._update)
        self.files.model().rowsRemoved.connect(self._update)
        self._update()
        self.resize(600, 480)

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            self.files.addItem(str(path))

    def _add_files(self) -> None:
        self.add_paths(file_dialogs.open_files(self, "Import files", self.folder, import_filter()))

    def _add_folder(self) -> None:
        path = file_dialogs.folder(self, "Import a folder", self.folder)
        if path:
            self.add_paths([path])

    def _remove(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def paths(self) -> list[Path]:
        return [Path(self.files.item(n).text()) for n in range(self.files.count())]

    def _formats(self) -> list[formats.Format]:
        """The chosen reader, or those the files' names point to."""
        name = self.format.currentData()
        if name != "auto":
            return [formats.get(name)]
        found = []
        for path in self.paths():
            try:
                found.append(formats.detect(path))
            except FormatError:
                continue  # named when importing
        return found

    def _keys(self) -> set[str]:
        return {k for fmt in self._formats() for k in fmt.read_options}

    def _update(self, *_args: Any) -> None:
        self.options.show_only(self._keys())

    def _check(self) -> None:
        if not self.files.count():
            show_error(self, "Nothing to import", "Add at least one file or folder.")
            return
        self.accept()

    def chosen(self) -> tuple[list[Path], str, dict[str, Any]]:
        """Paths, format name (or "auto") and the options' values."""
        return self.paths(), self.format.currentData(), self.options.values(self._keys())


def import_filter() -> str:
    """File-dialog filter of every importable kind of file, from the registry."""
    patterns = [p for fmt in formats.readers() for p in fmt.patterns]
    kinds = [f"{fmt.title} ({' '.join(fmt.patterns)})" for fmt in formats.readers()]
    return ";;".join([f"Importable files ({' '.join(dict.fromkeys(patterns))})", *kinds,
                      "All files (*)"])


class ExportDialog(QDialog):
    """Format (every writer), file or folder, its options and the CLI's filters."""

    def __init__(self, parent: QWidget | None, scheme: Scheme, annotators: list[str], folder: str):
        super().__init__(parent)
        self.setWindowTitle("Export spans")
        self.format = QComboBox()
        for fmt in formats.writers():
            self.format.addItem(fmt.title, fmt.name)
        self.path = QLineEdit(str(Path(folder) / "spans.csv"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.annotators = self._checklist(annotators)
        self.labels = self._checklist([label.key for label in scheme.labels],
                                      {label.key: label.name for label in scheme.labels})
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("File", row)
        self.options = OptionRows(form, [k for f in formats.writers() for k in f.write_options])
        form.addRow("Annotators", self.annotators)
        form.addRow("Labels", self.labels)
        form.addRow(_buttons(self, self._check))
        self.format.currentIndexChanged.connect(self._format_changed)
        self.format.setCurrentIndex(self.format.findData("csv"))
        self._format_changed()
        self.resize(560, 520)

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

    def _fmt(self) -> formats.Format:
        return formats.get(self.format.currentData())

    def _format_changed(self, *_args: Any) -> None:
        fmt = self._fmt()
        self.options.show_only(set(fmt.write_options))
        path = Path(self.path.text())
        stem = path.name.split(".")[0] or "spans"
        suffix = "" if fmt.writes_folder else fmt.patterns[0].removeprefix("*")
        self.path.setText(str(path.with_name(stem + suffix)))

    def _browse(self) -> None:
        if self._fmt().writes_folder:
            path = file_dialogs.folder(self, "Export into a new or empty folder",
                                       Path(self.path.text()).parent)
        else:
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

    def values(self) -> dict[str, Any]:
        """The chosen format's options (keys of ``annotator.formats.options.OPTIONS``)."""
        return self.options.values(set(self._fmt().write_options))
