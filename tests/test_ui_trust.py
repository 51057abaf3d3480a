"""Issue 9 in the window: read-only media, another job's write lock, the open
project dropped on the window."""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QToolTip
from sqlalchemy import update

from annotator import store
from annotator.errors import Cancelled, FormatError
from annotator.models import Document
from annotator.project import Project
from annotator.schemes import resolve_scheme
from ui.app import open_chosen
from ui.dialogs import show_error
from ui.encoding_dialog import EncodingDialog
from ui.settings import open_settings
from ui_support import ANNOTATOR, Opens, add_documents, companions, double_click_word

pytestmark = pytest.mark.usefixtures("settings_dir")
TEXT = "Officials slammed the reckless plan. Critics called it a farce."


@pytest.fixture
def read_only_media(monkeypatch):
    """Every project file is on read-only media, as the store sees it."""
    monkeypatch.setattr(store, "_writable", lambda _path: False)


@pytest.fixture
def answer_read_only(monkeypatch):
    """Message boxes are answered "Open read-only" (if offered; else closed); their texts are kept."""
    shown: list[str] = []

    def answer(box):
        shown.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
        offered = [b for b in box.buttons() if b.text() == "Open read-only"]
        if offered:
            offered[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown


def other_project(tmp_path, text: str = TEXT):
    path = tmp_path / "colleague.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        add_documents(project, text)
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_project_on_read_only_media_opens_read_only_when_the_user_says_so(
        qtbot, project, make_window, tmp_path, read_only_media, answer_read_only):
    path = other_project(tmp_path)
    before = digest(path)
    window = make_window(project)
    window.open_project(str(path))
    assert "read-only" in answer_read_only[0] and "damaged" not in answer_read_only[0]
    assert window.read_only and window.project.location == str(path)
    assert "(read-only)" in window.windowTitle()
    assert window.read_only_badge.isVisibleTo(window)
    import_action = next(a for a in window.actions() if a.text() == "&Import articles…")
    assert not import_action.isEnabled()

    double_click_word(qtbot, window.article, TEXT, "slammed")  # the user tries to tag a word
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert "read-only" in window.statusBar().currentMessage()
    assert window.project.spans(window.document.id) == []
    window.close()
    window.project.close()
    assert digest(path) == before  # not one byte changed


def test_cancel_leaves_the_project_that_was_open(qtbot, project, make_window, tmp_path,
                                                 read_only_media, monkeypatch):
    path = other_project(tmp_path)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)  # closed: Cancel
    window = make_window(project)
    window.open_project(str(path))
    assert window.project is project and not window.read_only


def test_start_up_offers_read_only(tmp_path, settings_dir, qapp, read_only_media, answer_read_only,
                                   monkeypatch):
    path = other_project(tmp_path)
    args = argparse.Namespace(project=str(path), db=None, read_only=False)
    project, read_only = open_chosen(args, open_settings(), ask=True)
    project.close()
    assert read_only and "read-only" in answer_read_only[0]
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)
    with pytest.raises(Cancelled):  # the user said Cancel: no second dialog, exit
        open_chosen(args, open_settings(), ask=True)


def test_an_edit_waits_for_another_jobs_write_lock_says_so_then_succeeds(
        qtbot, project, project_path, make_window):
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    other = sqlite3.connect(project_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another job (an import, a CLI run) is writing
    threading.Timer(1.2, other.rollback).start()
    double_click_word(qtbot, window.article, TEXT, "slammed")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    other.close()
    assert any("Waiting for another job to finish writing" in m for m in messages)
    start = TEXT.index("slammed")
    assert [(s.label, s.start, s.end) for s in project.spans(doc_id)] == [
        ("loaded-term", start, start + len("slammed"))]
    assert window.statusBar().currentMessage().startswith("Tagged as")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_dropping_the_open_project_on_the_window_reads_nothing(qtbot, project, project_path,
                                                               make_window, dialogs):
    add_documents(project, TEXT)
    window = make_window(project)
    link = project_path.with_name("articles.txt")  # a hard link to it: the same file
    os.link(project_path, link)
    opens = Opens(companions(project_path))
    try:
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(link))])
        window.dropEvent(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data,
                                    Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
        qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
        assert opens.opened() == []
    finally:
        opens.close()
    title, text, details = dialogs[0]
    assert "could not be imported" in text and "open project" in details
    assert project.document_count() == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_user_text_that_looks_like_html_never_makes_qt_read_a_file(qtbot, project, project_path,
                                                                    make_window, monkeypatch):
    """A title, text, note or scheme text ``<img src=…>`` (a colleague's file is untrusted)
    shown in the window, its tool tips and its dialogs reads no file."""
    image = f'<img src="{project_path}">'
    labels = project.scheme.labels
    project.set_scheme(replace(project.scheme, labels=(
        replace(labels[0], name=f"{image} term", description=image), *labels[1:])))
    text = f"{image} slammed the plan."
    (doc_id,) = add_documents(project, text)
    span = project.add_span(doc_id, ANNOTATOR, labels[0].key, 0, len(image)).value
    project.update_span(span.id, ANNOTATOR, note=image)
    with project.writing() as session:  # a title as a colleague's project may carry it
        session.execute(update(Document).values(title=image))
    rendered: list[str] = []

    def render(box):  # message boxes are drawn, not waited on
        box.show()
        box.grab()
        rendered.append(box.informativeText())
        box.close()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", render)
    with project.engine.connect(), project.engine.connect(), project.engine.connect():
        pass  # SQLite's own connections (the window's reads, its change feed) open before
    opens = Opens(companions(project_path))
    try:
        window = make_window(project)
        window.select_span(window.own[0], reveal=True)
        window.grab()
        for tool_tip in (window.doc_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole),
                         window.panel.span_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole),
                         window.panel.buttons.buttons[labels[0].key].toolTip()):
            QToolTip.showText(window.mapToGlobal(QPoint(40, 40)), tool_tip, window)
            qtbot.wait(50)
        show_error(window, "Could not import", FormatError(f"unknown label {image}", file="x.jsonl", line=3))
        window.show_shortcuts()
        assert opens.opened() == []
    finally:
        opens.close()
    assert rendered and image in rendered[0]  # shown as the text it is


WESTERN = "Le plan naïve coûte cher, dit l’œuvre « Ñandú » : 5 € pour “tout”.\nDeuxième ligne, déjà.\n"


def test_a_windows_1252_article_is_previewed_then_imported_as_chosen(qtbot, project, make_window,
                                                                    dialogs, tmp_path, monkeypatch):
    article = tmp_path / "article.txt"
    article.write_bytes(("Headline\n\n" + WESTERN).encode("cp1252"))
    window = make_window(project)
    seen: list[tuple[str, str, int]] = []

    def choose(dialog):
        seen.append((dialog.encoding.currentText(), dialog.preview.toPlainText(),
                     project.document_count()))
        dialog.encoding.setCurrentIndex(dialog.encoding.findData("cp1252"))
        seen.append((dialog.encoding.currentText(), dialog.preview.toPlainText(),
                     project.document_count()))
        return 1

    monkeypatch.setattr(EncodingDialog, "exec", choose)
    window.import_paths([article])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    (detected, _, stored_then), (picked, preview, _) = seen
    assert "detected" in detected and stored_then == 0  # shown before anything is stored
    assert picked.startswith("Windows-1252") and WESTERN.splitlines()[0] in preview
    (document,) = project.documents()
    assert WESTERN.strip() in project.document(document.id).text


def test_cancel_in_the_encoding_dialog_imports_nothing(qtbot, project, make_window, dialogs,
                                                       tmp_path, monkeypatch):
    article = tmp_path / "article.txt"
    article.write_bytes(("Headline\n\n" + WESTERN).encode("cp1252"))
    window = make_window(project)
    monkeypatch.setattr(EncodingDialog, "exec", lambda dialog: 0)
    window.import_paths([article])
    qtbot.waitUntil(lambda: "nothing was imported" in window.statusBar().currentMessage(),
                    timeout=10000)
    assert project.document_count() == 0 and dialogs == []


def test_a_utf8_article_is_imported_without_asking(qtbot, project, make_window, dialogs, tmp_path,
                                                   monkeypatch):
    article = tmp_path / "article.txt"
    article.write_text("Headline\n\n" + WESTERN, encoding="utf-8")
    monkeypatch.setattr(EncodingDialog, "exec", lambda dialog: pytest.fail("asked for UTF-8"))
    window = make_window(project)
    window.import_paths([article])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    assert project.document_count() == 1
