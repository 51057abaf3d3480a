"""The Document tab's details: title, outlet, author, date, URL and language,
each editable (one undoable edit per field changed); the text itself is not."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from annotator.domain import DocumentData

FIELDS = (("title", "Title"), ("outlet", "Outlet"), ("author", "Author"),
          ("published", "Date"), ("url", "URL"), ("language", "Language"))
HINTS = {"published": "YYYY-MM-DD", "language": "e.g. en, pt-BR", "url": "https://…"}


class DetailsEditor(QWidget):
    """A line per field; ``edited`` carries the field changed and its new text."""

    edited = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.lines: dict[str, QLineEdit] = {}
        for key, name in FIELDS:
            line = QLineEdit(placeholderText=HINTS.get(key, ""))
            line.setAccessibleName(name)
            line.editingFinished.connect(lambda k=key: self._finished(k))
            self.lines[key] = line
            form.addRow(name, line)
        self.story = QLabel()
        self.story.setWordWrap(True)
        form.addRow("Story", self.story)

    def show_document(self, doc: DocumentData | None) -> None:
        for key, line in self.lines.items():
            with QSignalBlocker(line):
                line.setText((getattr(doc, key) or "") if doc is not None else "")
                line.setModified(False)
                line.setCursorPosition(0)
        story = doc.meta.get("story") if doc is not None else None
        self.story.setText(str(story) if story else "—")

    def _finished(self, key: str) -> None:
        line = self.lines[key]
        if line.isModified():
            line.setModified(False)
            self.edited.emit(key, line.text().strip())
