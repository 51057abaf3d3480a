"""User text (titles, notes, scheme texts, names, messages) in Qt widgets that
guess rich text, such as tool tips: always shown as plain text.

Qt renders a string that looks like HTML as rich text, and rich text reads the
images it names from disk: a document titled ``<img src="/…/x.annotator">``
would open and close the project file in this process, which drops SQLite's
locks on it (see ui/file_dialogs.py). Rich text the app builds escapes user
text with ``html.escape``; labels and message boxes showing it are PlainText.
"""

from __future__ import annotations

from PySide6.QtGui import Qt


def tip(text: str) -> str:
    """A tool tip that shows ``text`` verbatim, line breaks kept."""
    return Qt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
