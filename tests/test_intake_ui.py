"""Article intake in the window, as a new user tries it: drop a saved page, a
PDF and a Word file; correct a title; remove a mistaken import and undo it;
paste an article; import a URL."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from intake_support import NEWS_PAGE, Reply, docx_bytes, pdf_bytes, serving
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox

from ui_support import ANNOTATOR, dialogs, make_window, settings_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("settings_dir")


def _drop(window, paths) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    window.dropEvent(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def _titles(window) -> list[str]:
    model = window.doc_model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_dropped_page_pdf_and_word_open_with_their_details(qtbot, project, make_window, dialogs,
                                                            tmp_path) -> None:
    import docx

    page = tmp_path / "senate.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    pdf = tmp_path / "fisheries.pdf"
    pdf.write_bytes(pdf_bytes([["Fisheries pact agreed", "Nations agreed a pact on Sunday."]],
                              {"Author": "Jimmy Olsen", "CreationDate": "D:20231112"}))
    word = docx.Document(io.BytesIO(docx_bytes("Pension reform passes", ["The reform passed."],
                                               author="Lana Lang", header="INTERNAL")))
    word.core_properties.created = dt.datetime(2022, 1, 19)
    out = io.BytesIO()
    word.save(out)
    (tmp_path / "pensions.docx").write_bytes(out.getvalue())
    window = make_window(project)
    _drop(window, [page, pdf, tmp_path / "pensions.docx"])
    qtbot.waitUntil(lambda: project.document_count() == 3 and window.document is not None,
                    timeout=10000)
    assert window.document.title == "Senate passes climate bill"  # the first one opens
    details = window.panel.document_editor.details.lines
    assert [details[k].text() for k in ("title", "outlet", "author", "published")] == [
        "Senate passes climate bill", "Daily Planet", "Lois Lane", "2024-03-05"]
    assert "Daily Planet · Lois Lane · 2024-03-05" in window.title.text()
    docs = {d.title: d for d in project.documents()}
    assert (docs["Fisheries pact agreed"].author, docs["Fisheries pact agreed"].published) == (
        "Jimmy Olsen", "2023-11-12")
    assert (docs["Pension reform passes"].author, docs["Pension reform passes"].published) == (
        "Lana Lang", "2022-01-19")
    assert "INTERNAL" not in docs["Pension reform passes"].text


def _import(project, *texts: str) -> None:
    from annotator.domain import IncomingDocument

    project.import_documents([IncomingDocument(text=t, source="test", title=t.split(".")[0])
                              for t in texts], annotator=ANNOTATOR)


def test_a_title_edited_in_the_document_tab_is_undone_with_ctrl_z(qtbot, project, make_window,
                                                                   dialogs) -> None:
    _import(project, "Wednesday. The body of one.", "Second. The body of two.")
    window = make_window(project)
    line = window.panel.document_editor.details.lines["title"]
    line.setText("A better title")
    line.setModified(True)
    line.editingFinished.emit()
    assert project.document(window.document.id).title == "A better title"
    assert _titles(window)[0] == "A better title"
    assert "A better title" in window.title.text()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.document(window.document.id).title == "Wednesday"
    assert _titles(window)[0] == "Wednesday" and line.text() == "Wednesday"
    line.setText("19/10/2016")  # not a date: refused, the field shows what is stored
    window.panel.document_editor.details.lines["published"].setText("19/10/2016")
    window.panel.document_editor.details.lines["published"].setModified(True)
    window.panel.document_editor.details.lines["published"].editingFinished.emit()
    assert dialogs and "is not YYYY" in dialogs[-1][2]
    assert window.panel.document_editor.details.lines["published"].text() == ""


def test_remove_document_asks_counting_spans_and_ctrl_z_brings_it_back(
        qtbot, project, make_window, dialogs, monkeypatch) -> None:
    _import(project, "Mistake. The regime lied.", "Keeper. Fine text here.")
    first = project.document_ids()[0]
    project.add_span(first, ANNOTATOR, "loaded-term", 10, 16)
    project.add_span(first, "bob", "loaded-term", 17, 21)
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window = make_window(project)
    window.open_document(first)
    action = next(a for a in window.actions() if a.text() == "Re&move document…")
    action.trigger()
    assert "It holds 2 spans (1 yours)" in asked[0]
    assert project.document_count() == 1 and _titles(window) == ["Keeper"]
    assert window.document.title == "Keeper"
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not dialogs, dialogs[0][2]
    assert project.document_count() == 2 and _titles(window) == ["Mistake", "Keeper"]
    assert window.document.id == first and len(project.spans(first)) == 2
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert _titles(window) == ["Keeper"] and window.document.title == "Keeper"


def test_new_article_from_clipboard_is_prefilled_from_html(qtbot, project, make_window, dialogs,
                                                          monkeypatch) -> None:
    from ui.intake import ClipboardDialog, clipboard_dialog

    mime = QMimeData()  # as a browser puts a copied page on the clipboard (the real
    mime.setHtml(NEWS_PAGE)  # clipboard would own it and crash the test run at exit)
    mime.setText("plain version")
    window = make_window(project)
    dialog = ClipboardDialog(window, mime)
    assert [dialog.lines[k].text() for k in ("title", "outlet", "author", "published", "url")] == [
        "Senate passes climate bill", "Daily Planet", "Lois Lane", "2024-03-05",
        "https://planet.example/news/senate-climate-bill"]
    assert "sweeping climate bill" in dialog.text.toPlainText()
    assert "Reader comment" not in dialog.text.toPlainText()
    monkeypatch.setattr(ClipboardDialog, "exec", lambda self: True)
    clipboard_dialog(window, mime)
    (doc,) = project.documents()
    assert window.document.id == doc.id and doc.outlet == "Daily Planet"
    assert project.raw_source(doc.id).content_type == "text/html"


def test_plain_clipboard_text_takes_its_headline_as_title(qtbot, project, make_window) -> None:
    from ui.intake import ClipboardDialog

    mime = QMimeData()
    mime.setText("LONDON (Reuters) -\nMarkets fall on rate fears\nShares fell on Monday.")
    dialog = ClipboardDialog(make_window(project), mime)
    assert dialog.lines["title"].text() == "Markets fall on rate fears"


def test_import_from_url_opens_the_article(qtbot, project, make_window, dialogs) -> None:
    from ui.intake import import_url_dialog

    window = make_window(project)
    with serving({"/news": Reply(NEWS_PAGE.encode())}) as base:
        import_url_dialog(window, f"{base}/news")
        qtbot.waitUntil(lambda: window.document is not None, timeout=10000)
    assert window.document.title == "Senate passes climate bill"
    assert window.document.url == "https://planet.example/news/senate-climate-bill"


def test_the_list_filters_by_outlet_date_range_and_story(qtbot, project, make_window) -> None:
    from annotator.domain import IncomingDocument

    wire = ("The Senate on Tuesday passed a sweeping climate bill after months of bitter "
            "negotiation between the two parties, critics calling it a giveaway and supporters "
            "a historic step toward cleaner energy for families across the whole country.")
    project.import_documents([
        IncomingDocument(text=wire, source="t", title="Wire", outlet="AP", published="2024-03-05"),
        IncomingDocument(text=wire + " Updated.", source="t", title="Copy", outlet="Planet",
                         published="2024-03-06"),
        IncomingDocument(text="Floods in town.", source="t", title="Floods", outlet="Planet",
                         published="2023-12-31")], annotator=ANNOTATOR)
    window = make_window(project)
    lst = window.doc_list
    assert [lst.outlet.itemText(i) for i in range(lst.outlet.count())] == [
        "All outlets", "AP (1)", "Planet (2)"]
    lst.outlet.setCurrentIndex(2)
    lst.outlet.activated.emit(2)
    qtbot.waitUntil(lambda: _titles(window) == ["Copy", "Floods"])
    lst.date_to.setText("2024-03")
    lst.date_from.setText("2024")
    qtbot.waitUntil(lambda: _titles(window) == ["Copy"])
    lst.outlet.setCurrentIndex(0)
    lst.date_from.clear()
    lst.date_to.clear()
    lst.story.setCurrentIndex(1)  # the one story: the wire text and its copy
    lst.story.activated.emit(1)
    qtbot.waitUntil(lambda: _titles(window) == ["Wire", "Copy"])
