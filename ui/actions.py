"""The one way to make a menu command (every window and menu uses it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget


def add_action(owner: QWidget, menu: QMenu, text: str, slot: Callable[[], Any],
               shortcuts: Sequence[QKeySequence | str] | QKeySequence.StandardKey | None = None,
               tip: str = "", *, shortcut_widget: QWidget | None = None) -> QAction:
    """A command in ``menu``, its shortcuts live on ``owner`` (so they work while
    the menu bar is hidden), or only while ``shortcut_widget`` has the focus."""
    action = QAction(text, owner)
    if isinstance(shortcuts, QKeySequence.StandardKey):
        action.setShortcuts(shortcuts)
    elif shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    if shortcut_widget is not None:
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut_widget.addAction(action)
    else:
        owner.addAction(action)
    return action
