"""Importing a file that is not UTF-8: the detected encoding, a choice of
others and the first lines as each reads them, before anything is stored.

Detecting and decoding are the core's (annotator.text); this shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QPlainTextEdit, QWidget)

from annotator.errors import FormatError
from annotator.text import EncodingGuess, decode, known_encoding

PREVIEW_BYTES = 16_384  # enough for the first lines; decoding it stays far below 100 ms
PREVIEW_LINES = 12
# Offered besides the detected one and charset-normalizer's other candidates.
COMMON = {known_encoding(name): title for name, title in (
    ("cp1252", "Windows-1252 (Western Europe)"), ("latin-1", "Latin-1 (ISO-8859-1)"),
    ("utf-8", "UTF-8"), ("iso8859-15", "Latin-9 (ISO-8859-15)"),
    ("cp1250", "Windows-1250 (Central Europe)"), ("cp1251", "Windows-1251 (Cyrillic)"),
    ("mac-roman", "Mac Roman"), ("cp437", "DOS (IBM 437)"))}


@dataclass(frozen=True)
class NotUtf8:
    """A file to import whose bytes are not UTF-8, with what the core guessed."""

    path: Path
    head: bytes  # the first bytes, cut after a line break
    guess: EncodingGuess

    @classmethod
    def of(cls, path: Path, data: bytes, guess: EncodingGuess) -> NotUtf8:
        head = data[:PREVIEW_BYTES]
        cut = head.rfind(b"\n")
        return cls(path, head[:cut + 1] if len(data) > PREVIEW_BYTES and cut > 0 else head, guess)


class EncodingDialog(QDialog):
    """Choose how to read ``found.path``; ``choosable``: the choice applies to the
    whole import (else the detected encodings are used, file by file)."""

    def __init__(self, parent: QWidget | None, found: NotUtf8, others: int, choosable: bool):
        super().__init__(parent)
        self.found = found
        self.setWindowTitle("Text encoding")
        detected = known_encoding(found.guess.encoding or "utf-8")
        intro = QLabel(f"{found.path.name} is not UTF-8. It looks like {COMMON.get(detected, detected)}. "
                       "Check that the letters below read right (é, ñ, €, quotes) before importing; "
                       "if they do not, choose another encoding.")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.encoding = QComboBox()
        names = [detected, *found.guess.candidates, *COMMON]
        seen: set[str] = set()
        for name in names:
            key = known_encoding(name)
            if key not in seen:
                seen.add(key)
                title = COMMON.get(key, name)
                self.encoding.addItem(f"{title} — detected" if key == detected else title, key)
        self.encoding.setEnabled(choosable)
        if not choosable:
            self.encoding.setToolTip("Import this file on its own to choose another encoding")
        self.encoding.currentIndexChanged.connect(self._preview)
        self.preview = QPlainTextEdit(readOnly=True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #B3261E")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Encoding", self.encoding)
        form.addRow(self.preview)
        form.addRow(self.problem)
        if others:
            note = QLabel(f"{others} more files of this import are not UTF-8 either"
                          + ("; this encoding is used for all of them." if choosable
                             else "; each is read as detected."))
            note.setWordWrap(True)
            form.addRow(note)
        form.addRow(self.buttons)
        self.resize(640, 460)
        self._preview()

    def chosen(self) -> str:
        return self.encoding.currentData()

    def _preview(self) -> None:
        """The first lines as the chosen encoding reads them (the core's decode)."""
        try:
            text, _ = decode(self.found.head, str(self.found.path), self.chosen())
        except FormatError as exc:
            self.preview.setPlainText("")
            self.problem.setText(f"Cannot be read so: {exc}")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        self.preview.setPlainText("\n".join(text.splitlines()[:PREVIEW_LINES]))
        self.problem.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
