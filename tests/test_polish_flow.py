"""Flow (issue 16, item 7): an import opens the first document it brought;
the shortcut help shows one key each, in the platform's words."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from ui_support import add_documents, dialogs, make_window, settings_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("settings_dir")


def test_an_import_opens_the_first_document_it_brought(qtbot, project, make_window, dialogs,
                                                       tmp_path) -> None:
    add_documents(project, "An article read before.")
    window = make_window(project)
    assert window.document.title == "Doc 0"
    source = tmp_path / "new.jsonl"
    source.write_text("".join(json.dumps({"id": f"n{i}", "title": f"New {i}", "text": f"Text {i}."})
                              + "\n" for i in range(2)), encoding="utf-8")
    window.import_paths([source])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert window.document.title == "New 0"
    assert window.article.toPlainText() == "Text 0."


def test_shortcut_help_shows_one_key_each_in_the_platforms_words(qtbot, project, make_window,
                                                                 dialogs) -> None:
    add_documents(project, "Officials slammed the plan.")
    window = make_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_F1)
    (title, text, _details), = dialogs
    assert title == "Keyboard shortcuts"
    keys = dict((name, key) for name, key in re.findall(r"<tr><td>(.*?)</td><td><b>(.*?)</b>", text))
    native = QKeySequence.SequenceFormat.NativeText
    delete = next(a for a in window.actions() if a.text() == "&Delete span")
    assert len(delete.shortcuts()) == 2 and keys["Delete span"] == delete.shortcuts()[0].toString(native)
    assert keys["Previous suggestion"] == QKeySequence("Shift+Tab").toString(native)
    assert keys["Redo"] == QKeySequence("Ctrl+Shift+Z").toString(native)
    assert not any("Backtab" in key or ", " in key for key in keys.values())
