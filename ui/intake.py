"""Article intake in the window: Import from URL, New article from clipboard,
the Document tab's details, Remove document, and what undo of those redraws.

The window keeps small hooks; the dialogs and their wiring live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QInputDialog,
                               QLineEdit, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget)

from annotator import formats
from annotator.domain import IncomingDocument, RawData
from annotator.wording import plural
from annotator.errors import AnnotatorError, FormatError

from .dialogs import show_error
from .document_details import FIELDS
from .tasks import run_with_progress

from .ops import Failed

if TYPE_CHECKING:
    from .window import MainWindow

# Edits that change the document list (titles, outlets, which documents exist).
DOCUMENT_EDITS = ("Rename document", "Edit document details", "Remove document")
CLIPBOARD = "clipboard"


def add_actions(window: MainWindow, file_menu: Any, edit_menu: Any) -> None:
    """File > Import from URL…, File > New article from clipboard, Edit > Remove document."""
    window.add_command(file_menu, "Import from &URL…", lambda: import_url_dialog(window),
                   ["Ctrl+Shift+U"], "Fetch a web article, PDF, Word file or RSS/Atom feed",
                   edits=True)
    window.add_command(file_menu, "New article from &clipboard…", lambda: clipboard_dialog(window),
                   ["Ctrl+Shift+V"], "Make a document of the text (or web page) you copied",
                   edits=True)
    window.add_command(edit_menu, "Re&move document…", lambda: remove_document(window), None,
                   "Remove the open document and its spans (Undo brings it back)", edits=True)
    window.panel.document_editor.details.edited.connect(
        lambda key, value: edit_detail(window, key, value))


def import_url_dialog(window: MainWindow, url: str | None = None) -> None:
    """Ask for a URL (unless given) and import it in the worker, with progress and Cancel."""
    if window.refuse_if_read_only():
        return
    if url is None:
        url, ok = QInputDialog.getText(window, "Import from URL",
                                       "Address of a web article, PDF, Word file or feed:",
                                       QLineEdit.EchoMode.Normal, "https://")
        url = url.strip()
        if not ok or url in ("", "https://"):
            return
    project, annotator = window.project, window.annotator

    def work(progress: Callable[[int, int], None]) -> Any:
        return formats.import_files(project, [url], annotator=annotator,
                                    options=formats.ReadOptions(progress=progress))

    run_with_progress(window, "Fetching and importing…", work, window.show_imported,
                      window.show_import_failed)


class ClipboardDialog(QDialog):
    """The text of a new article and its details, prefilled from the clipboard."""

    def __init__(self, parent: QWidget, mime: QMimeData | None):
        super().__init__(parent)
        self.setWindowTitle("New article from clipboard")
        self.raw: RawData | None = None
        self.text = QPlainTextEdit()
        self.lines: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, name in FIELDS:
            self.lines[key] = QLineEdit()
            self.lines[key].setAccessibleName(name)
            form.addRow(name, self.lines[key])
        self.lines["published"].setPlaceholderText("YYYY-MM-DD")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add article")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 560)
        self._prefill(mime)
        self._check()

    def _prefill(self, mime: QMimeData | None) -> None:
        from annotator.intake import html, titles

        if mime is None:
            return
        values: dict[str, str | None] = {}
        text = mime.text() if mime.hasText() else ""
        if mime.hasHtml():
            markup = mime.html()
            try:
                page = html.extract(markup, CLIPBOARD)
            except FormatError:
                page = None  # a snippet too short to be an article: keep the plain text
            if page is not None:
                text = page.text
                values = {key: getattr(page, key) for key, _ in FIELDS}
                self.raw = RawData(markup.encode("utf-8"), "text/html", page.url)
        self.text.setPlainText(text)
        values["title"] = values.get("title") or titles.title_from_text(text)
        for key, line in self.lines.items():
            line.setText(values.get(key) or "")

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.text.toPlainText().strip()))

    def document(self) -> IncomingDocument:
        from annotator.project import document_field_value  # update_document's checks

        try:
            fields = {key: document_field_value(key, line.text()) for key, line in self.lines.items()}
        except AnnotatorError as exc:
            raise FormatError(str(exc), file=CLIPBOARD) from None
        return IncomingDocument(text=self.text.toPlainText(), source=CLIPBOARD,
                                raw=self.raw, **fields)  # type: ignore[arg-type]


def clipboard_dialog(window: MainWindow, mime: QMimeData | None = None) -> None:
    """File > New article from clipboard (``mime``: instead of the clipboard's):
    one document, one transaction, then opened."""
    if window.refuse_if_read_only():
        return
    dialog = ClipboardDialog(window, mime or QApplication.clipboard().mimeData())
    while dialog.exec():
        try:
            doc = dialog.document()
            report = window.project.import_documents([doc], annotator=window.annotator)
        except AnnotatorError as exc:
            show_error(window, "The article could not be added", exc)
            continue  # the dialog again, as it was
        window.doc_model.reload()
        window.doc_list.fill_choices()
        if report.documents_added and report.first_document_id is not None:
            window.open_document(report.first_document_id)
            window.statusBar().showMessage("Added the article from the clipboard", 5000)
        else:
            window.statusBar().showMessage("That text is already in the project", 5000)
        return


def edit_detail(window: MainWindow, key: str, value: str) -> None:
    """A Document-tab field was edited: one undoable edit, then the list and title redrawn."""
    if window.document is None:
        return
    doc_id = window.document.id
    after = window.ops.run(lambda: window.project.update_document(doc_id, **{key: value}),
                           initiator=window, label="Could not change the document")
    if isinstance(after, Failed):
        window.panel.document_editor.details.show_document(window.document)  # as stored
        return
    refresh_document(window, doc_id)


def refresh_document(window: MainWindow, document_id: int) -> None:
    """Redraw what shows a document's details: the list, the heading, the Document tab."""
    window.doc_model.reload()
    window.doc_list.fill_choices()
    if window.document is not None and window.document.id == document_id:
        window.document = window.project.document(document_id)
        window.show_title()
        window.panel.document_editor.details.show_document(window.document)
        window.doc_list.select(document_id)
    window.update_position()


def remove_document(window: MainWindow) -> None:
    """Edit > Remove document: asked first, counting the spans it holds."""
    if window.document is None or window.refuse_if_read_only():
        return
    doc = window.document
    spans = window.project.spans(doc.id)
    own = sum(1 for s in spans if s.annotator == window.annotator)
    held = (f"It holds {plural(len(spans), 'span')} ({own} yours)." if spans
            else "It holds no spans.")
    answer = QMessageBox.question(
        window, "Remove document",
        f"Remove “{doc.title or doc.key}” from the project?\n\n{held} "
        "Edit > Undo (Ctrl+Z) brings it back.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    if answer != QMessageBox.StandardButton.Yes:
        return
    neighbour = window.doc_list.neighbour(doc.id, 1) or window.doc_list.neighbour(doc.id, -1)
    done = window.ops.run(lambda: window.project.remove_document(doc.id),
                          initiator=window, label="Could not remove the document")
    if isinstance(done, Failed):
        return
    removed = done.value
    window.statusBar().showMessage(f"Removed “{removed.title}” ({plural(removed.spans, 'span')})",
                                   5000)
    show_after_removal(window, neighbour)


def show_after_removal(window: MainWindow, neighbour: int | None) -> None:
    window.document = None
    window.doc_model.reload()
    window.doc_list.fill_choices()
    if neighbour is not None and window.has_document(neighbour):
        window.open_document(neighbour)
    elif window.doc_model.rowCount():
        window.open_document(window.doc_model.summary(0).id)
    else:
        window.article.clear_document()
        window.show_empty()


def after_history_step(window: MainWindow, description: str | None, document_id: int) -> bool:
    """Redraw after undo/redo of a document edit (True if it was one)."""
    if not description or not description.startswith(DOCUMENT_EDITS):
        return False
    if window.has_document(document_id):
        window.doc_model.reload()
        window.doc_list.fill_choices()
        window.open_document(document_id)
    else:  # a removal redone
        show_after_removal(window, None)
    return True


def decodes_itself(path: Any) -> bool:
    """Whether a file's format reads its own bytes (pages declare their charset;
    PDF and Word are binary): no encoding question before importing it."""
    try:
        return formats.detect(path).name in ("html", "pdf", "docx", "feed")
    except FormatError:
        return False
