"""Suggestions drawn over the article: dashed outlines in the label colour,
no fill (calmer than spans, which are tinted), the focused one bolder; and
their lines in the article's tooltips."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPen
from PySide6.QtWidgets import QToolTip

from .colors import is_dark

if TYPE_CHECKING:
    from annotator.suggest import Suggestion

    from .suggestions import SuggestionController


class SuggestionLayer(QObject):
    """Paints the controller's suggestions on the article and explains them on hover."""

    def __init__(self, controller: SuggestionController):
        super().__init__(controller)
        self.controller = controller
        self.view = controller.window.article
        self.view.decorations.append(self.paint)
        self.view.viewport().installEventFilter(self)

    def changed(self) -> None:
        self.view.viewport().update()

    def reveal(self, suggestion: Suggestion) -> None:
        view = self.view
        a, _b = view.offsets.span_to_view(suggestion.start, suggestion.end)
        cursor = view.textCursor()
        cursor.setPosition(a)
        view.setTextCursor(cursor)
        view.ensureCursorVisible()

    def _visible(self) -> tuple[int, int]:
        view = self.view
        rect = view.viewport().rect()
        return (view.cursorForPosition(rect.topLeft()).position(),
                view.cursorForPosition(rect.bottomRight()).position() + 1)

    def paint(self) -> None:
        controller, view = self.controller, self.view
        if not controller.items or view.scheme is None:
            return
        first, last = self._visible()
        dark = is_dark(view.palette())
        painter = QPainter(view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        try:
            for suggestion in controller.items:
                a, b = view.offsets.span_to_view(suggestion.start, suggestion.end)
                if b <= first or a >= last:
                    continue
                focused = controller.is_focused(suggestion)
                label = view.scheme.label(suggestion.label)
                color = QColor(label.color if label else "#888888")
                # a shade that reads on the page (yellow is faint on white), lighter when unfocused
                color = color.lighter(140) if dark else color.darker(150 if focused else 125)
                if not focused:
                    color.setAlphaF(0.8)
                pen = QPen(color, 2.2 if focused else 1.1, Qt.PenStyle.DashLine)
                pen.setDashPattern([3.0, 2.5] if focused else [4.0, 3.0])
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                for rect in view._span_rects(a, b):
                    painter.drawRoundedRect(rect.adjusted(-1.0, 1.0, 1.0, -1.0), 3, 3)
        finally:
            painter.end()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent) \
                and self.controller.items:
            position = self.view.cursorForPosition(event.pos()).position()
            found = self.controller.at(position)
            if found:
                spans = self.view.spans_at(position)
                html = self.view.tooltip(spans) + "<hr>" if spans else ""
                html += "<br>".join(self._row(s) for s in reversed(found))
                QToolTip.showText(event.globalPos(), html, self.view.viewport())
                return True
        return False

    def _row(self, suggestion: Suggestion) -> str:
        label = self.view.scheme.label(suggestion.label) if self.view.scheme else None
        color = label.color if label else "#999999"
        text = describe(suggestion, self.controller._title(suggestion.suggester),
                        label.name if label else None)
        return f"<span style='color:{color}'>&#9633;</span> {escape(text)}"


def describe(suggestion: Suggestion, suggester: str, label: str | None) -> str:
    """One line for a person: "Suggested Loaded term by Claim cues, score 0.70: reason"."""
    reason = f": {suggestion.reason}" if suggestion.reason else ""
    return (f"Suggested {label or suggestion.label} by {suggester}, "
            f"score {suggestion.score:.2f}{reason}")
