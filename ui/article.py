"""The article view: read-only text with spans drawn in their label colours.

This is the one place where Qt positions and code points meet: the widget
shows :attr:`OffsetMap.view_text` and every position it hands out or takes in
goes through that map.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QHelpEvent, QPainter, QPalette, QPen,
                           QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument)
from PySide6.QtWidgets import QApplication, QFrame, QPlainTextEdit, QToolTip, QWidget

from annotator.domain import DocumentData, SpanData
from annotator.find import Finder
from annotator.offsets import OffsetMap
from annotator.schemes import Scheme
from annotator.text import Sentences, whole_word

from .colors import is_dark, mix
from .segments import SegmentIndex, flatten

COLUMN_EM = 42  # readable line length, in multiples of the font height


@dataclass(frozen=True)
class Shown:
    """A span as drawn: its view positions and whether it is the reader's own."""

    span: SpanData
    own: bool
    start: int
    end: int


def _outer_first(shown: Shown) -> tuple[int, int]:
    return shown.start - shown.end, shown.start


class SpanHighlighter(QSyntaxHighlighter):
    """Sets span formats per text block, looking segments up by bisection."""

    def __init__(self, document: QTextDocument, view: ArticleView):
        self.index: SegmentIndex[Shown] = SegmentIndex([])
        self._view = view
        self._formats: dict[tuple[tuple[str, bool], ...], QTextCharFormat] = {}
        super().__init__(document)

    def reset_formats(self) -> None:
        self._formats.clear()

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        if not self.index.segments:  # runs for every block of the text: leave early
            return
        start = self.currentBlock().position()
        end = start + len(text)
        for segment in self.index.overlapping(start, end):
            a = max(segment.start, start)
            self.setFormat(a - start, min(segment.end, end) - a, self._format(segment.items))

    def _format(self, items: tuple[Shown, ...]) -> QTextCharFormat:
        key = tuple((i.span.label, i.own) for i in items)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._view.format_for(items)
        return fmt


class ArticleView(QPlainTextEdit):
    """Read-only article; emits the span clicked, outlines the current one."""

    spanClicked = Signal(object)  # SpanData | None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setCenterOnScroll(False)
        font = QFont()
        font.setFamilies(["Source Serif 4", "Georgia", "Charter", "DejaVu Serif", "serif"])
        font.setPointSizeF(12.5)
        self.setFont(font)
        self.document().setDocumentMargin(18)
        self.scheme: Scheme | None = None
        self.offsets = OffsetMap.qt("")
        self.shown: list[Shown] = []
        self.current: SpanData | None = None
        self.highlighter = SpanHighlighter(self.document(), self)
        self._sentences: Sentences | None = None
        self._finder: Finder | None = None
        self._double_click = (0.0, QPoint())
        self.decorations: list[Callable[[], None]] = []  # painters run over the text

    # -- content -----------------------------------------------------------
    def show_document(self, document: DocumentData, scheme: Scheme,
                      own: list[SpanData], others: list[SpanData]) -> None:
        self.scheme = scheme
        self.offsets = OffsetMap.qt(document.text)
        self._sentences = self._finder = None
        self.current = None
        self.highlighter.reset_formats()
        self._set_index(own, others)
        self.setPlainText(self.offsets.view_text)  # highlights as it lays out

    def clear_document(self) -> None:
        self.offsets = OffsetMap.qt("")
        self._sentences = self._finder = None
        self.current = None
        self._set_index([], [])
        self.setPlainText("")

    def update_spans(self, own: list[SpanData], others: list[SpanData],
                     changed: list[SpanData] | None = None) -> None:
        """Show a new set of spans (after undo, redo, a change of view);
        redraw only the blocks of ``changed`` when the caller knows them."""
        self._set_index(own, others)
        if changed is None:
            self.highlighter.rehighlight()
        else:
            for span in changed:
                self._rehighlight_range(*self.offsets.span_to_view(span.start, span.end))
        self.viewport().update()

    def change_span(self, old: SpanData | None, new: SpanData | None) -> None:
        """One of the reader's spans was added, changed or deleted: redraw its range only."""
        ranges = []
        if old is not None:
            self.shown = [s for s in self.shown if s.span.id != old.id]
            ranges.append(self.offsets.span_to_view(old.start, old.end))
        if new is not None:
            shown = Shown(new, True, *self.offsets.span_to_view(new.start, new.end))
            self.shown.append(shown)
            ranges.append((shown.start, shown.end))
        for start, end in ranges:
            inside = [(max(s.start, start), min(s.end, end), s) for s in self.shown
                      if s.start < end and s.end > start]
            self.highlighter.index.replace(start, end, flatten(inside, _outer_first))
        for start, end in ranges:
            self._rehighlight_range(start, end)
        self.viewport().update()

    def restyle(self) -> None:
        """Recompute formats (palette or scheme colours changed)."""
        self.highlighter.reset_formats()
        self.highlighter.rehighlight()

    def _set_index(self, own: list[SpanData], others: list[SpanData]) -> None:
        to_view = self.offsets.span_to_view
        self.shown = [Shown(s, True, *to_view(s.start, s.end)) for s in own] \
            + [Shown(s, False, *to_view(s.start, s.end)) for s in others]
        self.highlighter.index = SegmentIndex(flatten(((s.start, s.end, s) for s in self.shown),
                                                      _outer_first))

    def _rehighlight_range(self, start: int, end: int) -> None:
        doc = self.document()
        block = doc.findBlock(start)
        last = doc.findBlock(max(start, end - 1)).blockNumber()
        while block.isValid() and block.blockNumber() <= last:
            self.highlighter.rehighlightBlock(block)
            block = block.next()

    # -- positions (the one conversion point) -------------------------------
    def selection_codepoints(self) -> tuple[int, int] | None:
        """The selected text as a code-point range of the stored text, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.offsets.span_to_codepoints(cursor.selectionStart(), cursor.selectionEnd())

    def select_codepoints(self, start: int, end: int) -> None:
        a, b = self.offsets.span_to_view(start, end)
        cursor = self.textCursor()
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def top_offset(self) -> int:
        """Code-point offset of the first character in view (to restore scrolling)."""
        return self.offsets.to_codepoint(self.cursorForPosition(self.viewport().rect().topLeft()).position())

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so the line holding code-point ``offset`` is the first in view."""
        cursor = self.textCursor()
        cursor.setPosition(self.offsets.to_view(min(offset, len(self.offsets.text))))
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.ensureCursorVisible()

    def spans_at(self, position: int) -> tuple[Shown, ...]:
        return self.highlighter.index.at(position)

    def span_at(self, position: int) -> SpanData | None:
        """The innermost span at a view position, the reader's own first."""
        items = self.spans_at(position)
        own = [i for i in items if i.own]
        chosen = (own or list(items))[-1:] if items else []
        return chosen[0].span if chosen else None

    # -- current span --------------------------------------------------------
    def set_current(self, span: SpanData | None, *, reveal: bool = False) -> None:
        self.current = span
        if span is not None and reveal:
            a, b = self.offsets.span_to_view(span.start, span.end)
            cursor = self.textCursor()
            cursor.setPosition(b)
            cursor.setPosition(a)
            self.setTextCursor(cursor)
            self.centerCursor()
        self.viewport().update()

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    # -- look ------------------------------------------------------------------
    def format_for(self, items: tuple[Shown, ...]) -> QTextCharFormat:
        """Own spans tinted (deeper nesting darker, underlined in the outer
        label's colour); colleagues' spans faint with a dotted underline."""
        assert self.scheme is not None
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        dark = is_dark(palette)
        own = [i for i in items if i.own]
        others = [i for i in items if not i.own]
        fmt = QTextCharFormat()

        def color(item: Shown) -> QColor:
            label = self.scheme.label(item.span.label) if self.scheme else None
            return QColor(label.color if label else "#999999")

        def line(item: Shown) -> QColor:
            c = color(item)
            return c.lighter(130) if dark else c.darker(135)

        if own:
            strength = min(0.30 + 0.16 * (len(own) - 1), 0.70) + (0.08 if dark else 0)
            fmt.setBackground(mix(color(own[-1]), base, strength))
            if len(own) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(line(own[-2]))
        if others:
            if not own:
                fmt.setBackground(mix(color(others[-1]), base, 0.14))
            if len(own) < 2:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(line(others[-1]))
        return fmt

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Keep a readable column: wide windows get side margins."""
        column = int(self.fontMetrics().averageCharWidth() * COLUMN_EM * 2.2)
        side = max(0, (event.size().width() - column) // 2)
        self.setViewportMargins(side, 0, side, 0)
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        for decorate in self.decorations:
            decorate()
        if self.current is None or self.scheme is None:
            return
        label = self.scheme.label(self.current.label)
        pen = QPen(QColor(label.color if label else "#666666").darker(150 if not is_dark(self.palette()) else 70))
        pen.setWidthF(1.6)
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        for rect in self._span_rects(*self.offsets.span_to_view(self.current.start, self.current.end)):
            painter.drawRoundedRect(rect.adjusted(-1.5, 0.5, 1.5, -0.5), 3, 3)
        painter.end()

    def _span_rects(self, start: int, end: int) -> list[QRectF]:
        rects: list[QRectF] = []
        doc = self.document()
        offset = self.contentOffset()
        height = self.viewport().height()
        block = doc.findBlock(start)
        while block.isValid() and block.position() < end:
            top = self.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            layout = block.layout()
            base = block.position()
            for n in range(layout.lineCount()):
                line = layout.lineAt(n)
                a = max(start - base, line.textStart())
                b = min(end - base, line.textStart() + line.textLength())
                if a >= b:
                    continue
                x1 = line.cursorToX(a)[0]
                x2 = line.cursorToX(b)[0]
                pos = layout.position()
                rects.append(QRectF(QPointF(pos.x() + x1, top + pos.y() + line.y()),
                                    QPointF(pos.x() + x2, top + pos.y() + line.y() + line.height())))
            block = block.next()
        return rects

    # -- events ------------------------------------------------------------------
    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        """Qt selects the word; a hyphenated one ("so-called") is taken whole."""
        super().mouseDoubleClickEvent(event)
        self._double_click = (time.monotonic(), event.position().toPoint())
        selected = self.selection_codepoints()
        if selected is not None:
            grown = whole_word(self.offsets.text, *selected)
            if grown != selected:
                self.select_codepoints(*grown)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        """A third click soon after a double-click selects the sentence."""
        at, point = self._double_click
        interval = QApplication.styleHints().mouseDoubleClickInterval() / 1000
        if event.button() == Qt.MouseButton.LeftButton and time.monotonic() - at < interval \
                and (event.position().toPoint() - point).manhattanLength() < 6:
            self._double_click = (0.0, point)
            self.select_sentence(self.cursorForPosition(point).position())
            return
        super().mousePressEvent(event)

    def select_sentence(self, position: int) -> None:
        """Select the sentence at a view position, within its paragraph."""
        if self._sentences is None:
            self._sentences = Sentences(self.offsets.text)
        block = self.document().findBlock(position)
        here = self.offsets.to_codepoint(position)
        start, end = self._sentences.bounds(here, here + 1)
        first = self.offsets.to_codepoint(block.position())
        last = self.offsets.to_codepoint(block.position() + block.length() - 1)
        self.select_codepoints(max(start, first), min(end, last))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            position = self.cursorForPosition(event.position().toPoint()).position()
            self.spanClicked.emit(self.span_at(position))

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            cursor = self.cursorForPosition(event.pos())
            items = self.spans_at(cursor.position()) or self.spans_at(cursor.position() - 1)
            if items:
                QToolTip.showText(event.globalPos(), self.tooltip(items), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip(self, items: tuple[Shown, ...]) -> str:
        from html import escape

        rows = []
        for item in reversed(items):  # innermost first
            label = self.scheme.label(item.span.label) if self.scheme else None
            name = label.name if label else item.span.label
            color = label.color if label else "#999999"
            who = "" if item.own else " (read-only)"
            row = (f"<span style='color:{color}'>&#9632;</span> <b>{escape(name)}</b>"
                   f" &mdash; {escape(item.span.annotator)}{who}")
            if item.span.note:
                row += f"<br><i>{escape(item.span.note)}</i>"
            rows.append(row)
        return "<br>".join(rows)

    # -- find ------------------------------------------------------------------------
    def find_text(self, text: str, backward: bool = False) -> bool:
        """Select the next match of ``text`` (wrapping around), as :class:`Finder` matches."""
        if self._finder is None:
            self._finder = Finder(self.offsets.text)
        cursor = self.textCursor()
        here = self.offsets.to_codepoint(cursor.selectionStart())
        if not cursor.hasSelection() and not backward:
            here -= 1  # a match right at the cursor is the next one
        found = self._finder.after(text, here, backward)
        if found is None:
            return False
        self.select_codepoints(*found)
        return True
