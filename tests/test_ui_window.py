"""The workspace as an analyst uses it: select, press a key, and the span is stored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.nlp import pipeline
from conftest import TRICKY
from ui_support import ANNOTATOR, add_documents, double_click_word, make_window, settings_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("settings_dir")


@pytest.fixture(scope="module", autouse=True)
def _nlp():
    pipeline()  # load spaCy once, outside the timed interactions


def stored(project, doc_id):
    return [(s.label, s.start, s.end) for s in project.spans(doc_id, [ANNOTATOR])]


@pytest.mark.parametrize("word", ["cafe\u0301", "End", "here", "regime", "民主"])
def test_double_click_and_shortcut_store_code_point_span(qtbot, project, make_window, word):
    (doc_id,) = add_documents(project, TRICKY)
    window = make_window(project)
    double_click_word(qtbot, window.article, TRICKY, word)
    assert window.article.textCursor().hasSelection()
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    start = TRICKY.index(word)
    assert stored(project, doc_id) == [("loaded-term", start, start + len(word))]
    span = project.spans(doc_id)[0]
    assert TRICKY[span.start:span.end] == word
    assert window.panel.span_model.rowCount() == 1
    assert window.doc_model.summary(0).span_count == 1


def test_keyboard_selection_is_snapped_to_tokens(qtbot, project, make_window):
    text = "Officials slammed the plan.\r\nCritics 🙂 called it a farce."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    cursor = window.article.textCursor()
    view_start = window.article.offsets.to_view(text.index("called") + 2)
    cursor.setPosition(view_start)
    window.article.setTextCursor(cursor)
    for _ in range(9):  # "lled it a", from inside one word into another
        qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    start = text.index("called")
    assert stored(project, doc_id) == [("unsupported-claim", start, start + len("called it a"))]


def test_relabel_delete_undo_redo(qtbot, project, make_window):
    (doc_id,) = add_documents(project, TRICKY)
    window = make_window(project)
    double_click_word(qtbot, window.article, TRICKY, "regime")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    start = TRICKY.index("regime")
    span = window.current
    assert span is not None and span.label == "loaded-term"

    qtbot.keyClick(window.article, Qt.Key.Key_2)  # a span selected, no text: relabel
    assert stored(project, doc_id) == [("labeling", start, start + 6)]

    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert stored(project, doc_id) == []
    assert window.article.shown == []

    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project, doc_id) == [("labeling", start, start + 6)]
    assert [s.span.label for s in window.article.shown] == ["labeling"]
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project, doc_id) == [("loaded-term", start, start + 6)]
    qtbot.keyClick(window.article, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(project, doc_id) == [("labeling", start, start + 6)]


def test_overlapping_spans_are_both_stored_and_drawn_distinctly(qtbot, project, make_window):
    text = "The council rammed through its so-called plan on Tuesday."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    outer = (text.index("The"), text.index(" on Tuesday"))
    window.article.select_codepoints(*outer)
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    window.article.select_codepoints(text.index("rammed"), text.index("rammed") + 6)
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert sorted(stored(project, doc_id)) == [("loaded-term", 12, 18), ("unsupported-claim", 0, 45)]
    article = window.article
    block = article.document().firstBlock()
    looks = {(f.start, f.length): (f.format.background().color().name(), f.format.underlineStyle())
             for f in block.layout().formats()}
    assert looks[(12, 6)][0] != looks[(0, 12)][0]  # a different tint
    assert looks[(12, 6)][1] != looks[(0, 12)][1]  # and underlined
    assert [s.span.label for s in article.spans_at(14)] == ["unsupported-claim", "loaded-term"]


def test_switching_documents_keeps_everything(qtbot, project, make_window):
    first, second = "Officials slammed the plan.", "Critics called it a farce."
    ids = add_documents(project, first, second)
    window = make_window(project)
    double_click_word(qtbot, window.article, first, "slammed")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.document.id == ids[1]
    double_click_word(qtbot, window.article, second, "farce")
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    qtbot.keyClick(window.article, Qt.Key.Key_PageUp)
    assert window.document.id == ids[0]
    assert [(s.span.label, s.span.start) for s in window.article.shown] == [("loaded-term", 10)]
    assert stored(project, ids[1]) == [("labeling", 20, 25)]
    # undo reaches across documents: it opens the one it changed
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.id == ids[1]
    assert stored(project, ids[1]) == []


def test_colleagues_spans_hidden_by_default_and_read_only(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    project.add_span(doc_id, "bob", "loaded-term", 10, 17)
    window = make_window(project)
    assert window.article.shown == []
    window.others_action.trigger()
    assert [(s.span.annotator, s.own) for s in window.article.shown] == [("bob", False)]
    window.select_span(window.article.span_at(12))
    assert window.current.annotator == "bob"
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    assert [(s.annotator, s.label) for s in project.spans(doc_id)] == [("bob", "loaded-term")]
    assert not window.panel.span_editor.note.isVisible() or window.panel.span_editor.note.isReadOnly()


def test_note_and_attributes_are_saved(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    double_click_word(qtbot, window.article, text, "slammed")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    editor = window.panel.span_editor
    editor.note.setFocus()
    qtbot.keyClicks(editor.note, "verb choice")
    qtbot.keyClick(editor.note, Qt.Key.Key_Return)
    polarity = editor.editors["polarity"].widget
    polarity.setCurrentIndex(polarity.findData("negative"))
    polarity.activated.emit(polarity.currentIndex())
    (span,) = project.spans(doc_id)
    assert span.note == "verb choice"
    assert span.attributes == {"polarity": "negative"}


def test_done_toggle_and_document_label(qtbot, project, make_window):
    (doc_id,) = add_documents(project, "Officials slammed the plan.")
    window = make_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.status(doc_id, ANNOTATOR) == "done"
    assert window.doc_model.data(window.doc_model.index(0, 3)) == "●"
    opinion = window.panel.document_editor.editors["opinion-piece"].widget
    opinion.click()
    assert project.document_labels(doc_id, ANNOTATOR) == {"opinion-piece": True}


def test_find_selects_the_match(qtbot, project, make_window):
    (doc_id,) = add_documents(project, TRICKY)
    window = make_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_edit, "regime")
    qtbot.keyClick(window.find_edit, Qt.Key.Key_Return)
    start = TRICKY.index("regime")
    assert window.article.selection_codepoints() == (start, start + 6)


def test_label_shortcuts_can_be_changed_per_project(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    window.set_shortcuts({**window.shortcuts(), "loaded-term": "Q"})
    double_click_word(qtbot, window.article, text, "slammed")
    qtbot.keyClick(window.article, Qt.Key.Key_1)  # no longer a shortcut
    assert stored(project, doc_id) == []
    qtbot.keyClick(window.article, Qt.Key.Key_Q)
    assert stored(project, doc_id) == [("loaded-term", 10, 17)]
    assert "Q" in window.panel.buttons.buttons["loaded-term"].text()
    again = make_window(project)  # kept with the project
    assert again.shortcuts()["loaded-term"] == "Q" and "1" not in again.shortcuts().values()


def test_triple_click_selects_the_sentence(qtbot, project, make_window):
    text = "Headline 🙂\r\n\r\nFirst sentence here. The council rammed it through! Last one."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    point = double_click_word(qtbot, window.article, text, "rammed")
    view = window.article
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    start = text.index("The council")
    assert view.selection_codepoints() == (start, text.index(" Last"))
    qtbot.keyClick(view, Qt.Key.Key_3)  # a claim is tagged without its final punctuation
    assert stored(project, doc_id) == [("unsupported-claim", start, text.index("! Last"))]


def test_switching_annotator_shows_only_their_spans(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    double_click_word(qtbot, window.article, text, "slammed")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    window.set_annotator("bob")
    assert window.who.text() == "Annotator: bob"
    assert window.article.shown == [] and window.doc_model.summary(0).span_count == 0
    double_click_word(qtbot, window.article, text, "plan")
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    assert [(s.annotator, s.label) for s in project.spans(doc_id)] == \
        [("alice", "loaded-term"), ("bob", "labeling")]


def test_relabel_keeps_attributes_the_new_label_has(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    span = project.add_span(doc_id, ANNOTATOR, "loaded-term", 10, 17,
                            attributes={"target": "the plan", "polarity": "negative"})
    window.open_document(doc_id)
    window.select_span(window.article.span_at(12))
    assert window.current.id == span.id
    qtbot.keyClick(window.article, Qt.Key.Key_2)
    (after,) = project.spans(doc_id)
    assert (after.label, after.attributes) == ("labeling", {"target": "the plan"})


def test_hover_shows_label_annotator_and_note(qtbot, project, make_window):
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent, QTextCursor
    from PySide6.QtWidgets import QToolTip

    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    project.add_span(doc_id, ANNOTATOR, "loaded-term", 10, 17, note="neutral: criticised")
    window = make_window(project)
    view = window.article
    cursor = QTextCursor(view.document())
    cursor.setPosition(13)
    point = view.cursorRect(cursor).center()
    view.viewportEvent(QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    tip = QToolTip.text()
    assert "Loaded term" in tip and ANNOTATOR in tip and "neutral: criticised" in tip


def test_zoom_is_remembered(qtbot, project, make_window):
    add_documents(project, "Officials slammed the plan.")
    window = make_window(project)
    size = window.article.font().pointSizeF()
    qtbot.keyClick(window.article, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.article, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.article.font().pointSizeF() == size + 2
    window.close()
    assert make_window(project).article.font().pointSizeF() == size + 2


def test_escape_returns_the_keyboard_to_the_article(qtbot, project, make_window):
    text = "Officials slammed the plan."
    (doc_id,) = add_documents(project, text)
    window = make_window(project)
    qtbot.keyClick(window.article, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert window.doc_list.search.hasFocus()
    qtbot.keyClicks(window.doc_list.search, "1")  # typed, not a label shortcut
    assert window.doc_list.search.text() == "1"
    qtbot.waitUntil(lambda: window.doc_model.search == "1", timeout=3000)
    qtbot.keyClick(window.doc_list.search, Qt.Key.Key_Escape)
    assert window.article.hasFocus()
    window.article.select_codepoints(10, 17)
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert stored(project, doc_id) == [("loaded-term", 10, 17)]
