"""The labeling panel: label buttons with their guideline, the selected span's
note and attributes, the document's span list, and document-level labels."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSignalBlocker,
                            Qt, Signal)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFormLayout, QFrame,
                               QGridLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QScrollArea, QSizePolicy, QTableView, QTabWidget, QVBoxLayout,
                               QWidget)

from annotator.domain import SpanData
from annotator.schemes import Attribute, Label, Scheme

from .document_details import DetailsEditor
from .plain import tip

AnyIndex = QModelIndex | QPersistentModelIndex
UNSET = "—"


@lru_cache(maxsize=256)
def swatch(color: str, size: int = 14, ratio: float = 2.0) -> QIcon:
    """A rounded colour square, drawn at the screen's pixel ratio."""
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor(color).darker(140))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


def excerpt(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class AttributeEditor:
    """One editor widget for a scheme attribute; ``value()`` None means unset."""

    def __init__(self, attribute: Attribute, on_change: Any):
        self.attribute = attribute
        if attribute.type == "choice":
            box = QComboBox()
            box.addItem(UNSET, None)
            for choice in attribute.choices:
                box.addItem(choice.replace("-", " "), choice)
            box.activated.connect(lambda _i: on_change())
            self.widget: QWidget = box
        elif attribute.type == "bool":
            check = QCheckBox()
            check.clicked.connect(lambda _c: on_change())
            self.widget = check
        else:
            line = QLineEdit()
            line.editingFinished.connect(lambda: line.isModified() and on_change())
            self.widget = line
        self.widget.setToolTip(tip(attribute.description))

    def set(self, value: Any) -> None:
        w = self.widget
        with QSignalBlocker(w):
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QLineEdit):
                w.setText(value or "")
                w.setModified(False)

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        assert isinstance(w, QLineEdit)
        w.setModified(False)
        return w.text().strip() or None


class LabelButtons(QWidget):
    """A button per label: colour swatch, name and shortcut."""

    labelClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}

    def set_labels(self, labels: tuple[Label, ...], shortcuts: dict[str, str]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.buttons.clear()
        for n, label in enumerate(labels):
            key = shortcuts.get(label.key)
            button = QPushButton(swatch(label.color), f"{label.name}")
            button.setStyleSheet("text-align: left; padding: 4px 6px;")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"<b>{escape(label.name)}</b>" + (f" (key {escape(key.upper())})" if key else "")
                              + tip(label.description))
            if key:
                button.setText(f"{key.upper()}   {label.name}")
            button.clicked.connect(lambda _c=False, k=label.key: self.labelClicked.emit(k))
            self.buttons[label.key] = button
            self.grid.addWidget(button, n // 2, n % 2)


class SpanEditor(QWidget):
    """Note and attributes of the selected span (read-only for colleagues')."""

    changed = Signal(int, dict)  # span id, changes for Project.update_span

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.span: SpanData | None = None
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.quote = QLabel()
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLineEdit(placeholderText="Note for this span")
        self.note.editingFinished.connect(self.commit_note)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, AttributeEditor] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.quote)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.show_span(None, None, "", False)

    def show_span(self, span: SpanData | None, label: Label | None, text: str, own: bool) -> None:
        self.span = span
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        if span is None:
            self.heading.setText("<b>No span selected</b>")
            self.quote.setText("Select text in the article and press a label's key, "
                               "or click a highlighted span to edit it.")
            self.note.hide()
            return
        color = label.color if label else "#999999"
        name = label.name if label else span.label
        who = "yours" if own else f"{span.annotator}'s, read-only"
        self.heading.setText(f"<span style='color:{color}; font-size:16px'>&#9632;</span> "
                             f"<b>{escape(name)}</b> <span style='color:gray'>({escape(who)})</span>")
        self.quote.setText(f"“{excerpt(text, 240)}”")
        self.note.show()
        self.note.setText(span.note)
        self.note.setModified(False)
        self.note.setReadOnly(not own)
        for attribute in label.attributes if label else ():
            editor = AttributeEditor(attribute, lambda a=attribute: self._attribute_done(a))
            editor.set(span.attributes.get(attribute.key))
            editor.widget.setEnabled(own)
            self.editors[attribute.key] = editor
            self.form.addRow(attribute.name, editor.widget)

    def commit_note(self) -> None:
        if self.span is not None and self.note.isModified() and not self.note.isReadOnly():
            self.note.setModified(False)
            self.changed.emit(self.span.id, {"note": self.note.text().strip()})

    def _attribute_done(self, attribute: Attribute) -> None:
        if self.span is None:
            return
        values = dict(self.span.attributes)
        value = self.editors[attribute.key].value()
        if value is None or value is False and attribute.type == "bool":
            values.pop(attribute.key, None)
        else:
            values[attribute.key] = value
        self.changed.emit(self.span.id, {"attributes": values})


class SpanTableModel(QAbstractTableModel):
    """The spans of the open document; sorts itself in Python (no proxy)."""

    HEADERS = ("Where", "Label", "Text", "By")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.scheme: Scheme | None = None
        self.text = ""
        self.spans: list[SpanData] = []
        self._sort = (0, Qt.SortOrder.AscendingOrder)

    def set_spans(self, scheme: Scheme, text: str, spans: list[SpanData]) -> None:
        self.beginResetModel()
        self.scheme, self.text, self.spans = scheme, text, list(spans)
        self._sorted()
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.spans)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _label(self, span: SpanData) -> Label | None:
        return self.scheme.label(span.label) if self.scheme else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        span = self.spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return span.start
            if column == 1:
                label = self._label(span)
                return label.name if label else span.label
            if column == 2:
                return excerpt(self.text[span.start:span.end], 60)
            return span.annotator
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            label = self._label(span)
            return swatch(label.color if label else "#999999", 10)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip(self.text[span.start:span.end] + (f"\n\nNote: {span.note}" if span.note else ""))
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sorted()
        self.layoutChanged.emit()

    def _sorted(self) -> None:
        column, order = self._sort
        keys = (lambda s: (s.start, s.end),
                lambda s: ((lb.name if (lb := self._label(s)) else s.label), s.start),
                lambda s: (self.text[s.start:s.end].casefold(), s.start),
                lambda s: (s.annotator, s.start))
        self.spans.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)

    def row_of(self, span_id: int) -> int | None:
        return next((n for n, s in enumerate(self.spans) if s.id == span_id), None)


class DocumentEditor(QWidget):
    """The document's details, its document-level labels and the current
    annotator's Done toggle."""

    labelChanged = Signal(str, object)
    doneToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.details = DetailsEditor()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.editors: dict[str, AttributeEditor] = {}
        self.done = QCheckBox("Done with this document")
        self.done.setToolTip("Mark the document finished for you (Ctrl+Return)")
        self.done.clicked.connect(self.doneToggled.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.details)
        layout.addSpacing(8)
        layout.addLayout(self.form)
        layout.addSpacing(8)
        layout.addWidget(self.done)
        layout.addStretch(1)

    def set_scheme(self, scheme: Scheme) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors.clear()
        for attribute in scheme.document_labels:
            editor = AttributeEditor(attribute, lambda a=attribute: self._edited(a))
            self.editors[attribute.key] = editor
            self.form.addRow(attribute.name, editor.widget)

    def show_values(self, values: dict[str, Any], done: bool, enabled: bool = True) -> None:
        for key, editor in self.editors.items():
            editor.set(values.get(key))
            editor.widget.setEnabled(enabled)
        with QSignalBlocker(self.done):
            self.done.setChecked(done)
        self.done.setEnabled(enabled)

    def _edited(self, attribute: Attribute) -> None:
        value = self.editors[attribute.key].value()
        if attribute.type == "bool" and value is False:
            value = None
        self.labelChanged.emit(attribute.key, value)


class LabelPanel(QWidget):
    """The right-hand side of the window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.buttons = LabelButtons()
        self.guideline_title = QLabel()
        self.guideline = QLabel()
        self.guideline.setTextFormat(Qt.TextFormat.PlainText)
        self.guideline.setWordWrap(True)
        self.guideline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guideline.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        guide_scroll = QScrollArea()
        guide_scroll.setWidgetResizable(True)
        guide_scroll.setFrameShape(QFrame.Shape.NoFrame)
        guide_scroll.setWidget(self.guideline)
        guide_scroll.setMinimumHeight(70)
        guide_scroll.setMaximumHeight(150)
        self.span_editor = SpanEditor()
        self.span_model = SpanTableModel(self)
        self.span_table = QTableView()
        self.span_table.setModel(self.span_model)
        self.span_table.setSortingEnabled(True)
        self.span_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.span_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.span_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.span_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.span_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.span_table.verticalHeader().hide()
        self.span_table.setShowGrid(False)
        self.span_table.setWordWrap(False)
        rows = self.span_table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.span_table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 56), (1, 130), (3, 70)):
            header.resizeSection(column, width)
        self.document_editor = DocumentEditor()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.span_editor, "Selected span")
        self.tabs.addTab(self.span_table, "Spans")
        self.tabs.addTab(self._scrolled(self.document_editor), "Document")
        heading = QLabel("<b>Labels</b> <span style='color:gray'>select text, then press a key</span>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(heading)
        layout.addWidget(self.buttons)
        layout.addSpacing(4)
        layout.addWidget(self.guideline_title)
        layout.addWidget(guide_scroll)
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _scrolled(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(widget)
        return area

    def set_scheme(self, scheme: Scheme, shortcuts: dict[str, str]) -> None:
        self.buttons.set_labels(scheme.labels, shortcuts)
        self.document_editor.set_scheme(scheme)
        self.show_guideline(scheme.labels[0] if scheme.labels else None)

    def show_guideline(self, label: Label | None) -> None:
        if label is None:
            self.guideline_title.clear()
            self.guideline.clear()
            return
        self.guideline_title.setText(f"<span style='color:{label.color}'>&#9632;</span> "
                                     f"<b>Guideline: {escape(label.name)}</b>")
        self.guideline.setText(label.description or "No guideline in the scheme.")

    def set_span_count(self, count: int) -> None:
        self.tabs.setTabText(1, f"Spans ({count})")
