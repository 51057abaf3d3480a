"""Suggestions from the keyboard (issue 16, item 3): Tab, Enter, Tab, Enter
visits every suggestion in turn; while one is focused the status bar says
that Backspace rejects it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui_support import ANNOTATOR, add_documents, make_window, settings_dir  # noqa: F401

pytestmark = pytest.mark.usefixtures("settings_dir")
TEXT = "The regime slammed the plan, a cowardly and reckless plan, said nobody."


def test_tab_enter_tab_enter_skips_no_suggestion(qtbot, project, make_window) -> None:
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    suggestions = window.suggestions
    qtbot.waitUntil(lambda: not suggestions.pending and len(suggestions.items) >= 3, timeout=15_000)
    words = [TEXT[s.start:s.end] for s in suggestions.items]
    assert words[:3] == ["regime", "slammed", "reckless"]
    accepted = []
    for _ in range(3):
        qtbot.keyClick(window.article, Qt.Key.Key_Tab)
        focused = suggestions.focused
        assert focused is not None
        assert "Backspace rejects this suggestion" in window.statusBar().currentMessage()
        accepted.append(TEXT[focused.start:focused.end])
        qtbot.keyClick(window.article, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not suggestions.pending, timeout=15_000)
    assert accepted == ["regime", "slammed", "reckless"]
    assert [TEXT[s.start:s.end] for s in project.spans(doc_id, [ANNOTATOR])] == accepted
