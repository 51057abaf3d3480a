"""The app's file dialogs never open the project file: opening and closing it in
this process would drop SQLite's locks on it (issue 9)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileSystemModel

from ui import file_dialogs
from ui.file_dialogs import Mode, file_dialog
from ui_support import Opens, companions

ROOT = Path(__file__).resolve().parent.parent
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_browsing_the_project_folder_never_opens_the_project(qtbot, project, project_path):
    project.documents()  # the connection is open, the -wal and -shm exist
    files = companions(project_path)
    (project_path.parent / "notes.txt").write_text("a text file beside it\n")
    opens = Opens(files)
    try:
        dialog = file_dialog(None, "Open project", project_path.parent, "All files (*)", Mode.OPEN)
        qtbot.addWidget(dialog)
        model = dialog.findChild(QFileSystemModel)
        with qtbot.waitSignal(model.directoryLoaded, timeout=5000):
            dialog.show()
        dialog.selectFile(str(project_path))  # the user clicks the project, looks, then cancels
        for _ in range(5):  # the view paints its icons and types; Qt's gatherer thread fills them
            dialog.grab()
            qtbot.wait(100)
        index = model.index(str(project_path))
        assert index.siblingAtColumn(2).data() == "Annotator project"
        assert index.data(Qt.ItemDataRole.DecorationRole) is not None
        assert model.index(str(project_path.parent / "notes.txt")).siblingAtColumn(2).data() == "TXT file"
        assert all(model.index(str(p)).isValid() for p in files)  # all were listed
        dialog.reject()
        qtbot.wait(100)
        assert opens.opened() == []
    finally:
        opens.close()


def test_a_save_dialog_starts_in_the_folder_with_the_name_given(qtbot, tmp_path):
    dialog = file_dialog(None, "Export spans", tmp_path / "spans.csv", "CSV (*.csv)", Mode.SAVE)
    qtbot.addWidget(dialog)
    assert Path(dialog.directory().absolutePath()) == tmp_path
    assert [Path(p) for p in dialog.selectedFiles()] == [tmp_path / "spans.csv"]
    assert dialog.testOption(dialog.Option.DontUseNativeDialog)
    assert not dialog.testOption(dialog.Option.DontConfirmOverwrite)


def test_only_file_dialogs_builds_file_dialogs():
    """Every QFileDialog comes from ui/file_dialogs.py, so none of them sniffs files."""
    here = Path(file_dialogs.__file__).resolve()
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path.resolve() == here:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.id if isinstance(node, ast.Name) else node.attr \
                if isinstance(node, ast.Attribute) else None
            imported = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
            if name == "QFileDialog" or "QFileDialog" in imported:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
