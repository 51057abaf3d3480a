"""Colours: the Fusion palette following the system scheme, and label tints
mixed with the text background so the article stays readable in both."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def mix(color: str | QColor, base: QColor, amount: float) -> QColor:
    """``amount`` of ``color`` over ``base`` (0: base, 1: color)."""
    c = QColor(color)
    return QColor.fromRgbF(
        base.redF() + (c.redF() - base.redF()) * amount,
        base.greenF() + (c.greenF() - base.greenF()) * amount,
        base.blueF() + (c.blueF() - base.blueF()) * amount,
    )


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(228, 228, 228)
    role = QPalette.ColorRole
    for r, c in ((role.Window, window), (role.WindowText, text), (role.Base, base),
                 (role.AlternateBase, QColor(38, 38, 41)), (role.ToolTipBase, window),
                 (role.ToolTipText, text), (role.Text, text), (role.Button, window),
                 (role.ButtonText, text), (role.BrightText, QColor(255, 90, 90)),
                 (role.Highlight, QColor(42, 130, 218)), (role.HighlightedText, Qt.GlobalColor.white),
                 (role.Link, QColor(100, 170, 255)), (role.PlaceholderText, QColor(140, 140, 140))):
        p.setColor(r, c)
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(120, 120, 120))
    return p


def apply_system_palette(app: QGuiApplication) -> None:
    """Dark palette when the system says dark, Fusion's own light one otherwise."""
    dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    app.setPalette(dark_palette() if dark else app.style().standardPalette())  # type: ignore[attr-defined]
