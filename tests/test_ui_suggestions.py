"""Suggestions in the window: shown after a document opens, reviewed from the
keyboard, never in the data until accepted."""

from __future__ import annotations

import csv
import shutil
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QToolTip

from annotator.domain import SpanFilter
from annotator.domain import IncomingDocument
from annotator.errors import AnnotatorError, Cancelled
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.suggest.engine import Engine, LEXICONS
from test_ui_app import dialogs  # noqa: F401
from ui_support import ANNOTATOR, add_documents, make_window, settings_dir  # noqa: F401

pytestmark = pytest.mark.usefixtures("settings_dir")

TEXT = ("The regime slammed the plan on Monday.\n"
        "Everyone knows the council was bought by developers.\n"
        "The mayor said the vote was fair.")
LEXICON = "lexicon:loaded-terms"
WAIT = 15_000  # the first computation loads spaCy


def shown(window) -> list[tuple[str, str, str]]:
    """(suggester, label, text) of the suggestions the window shows."""
    text = window.document.text
    return [(s.suggester, s.label, text[s.start:s.end]) for s in window.suggestions.items]


def stored(project, doc_id):
    return [(s.label, TEXT[s.start:s.end], s.origin) for s in project.spans(doc_id, [ANNOTATOR])]


def ready(qtbot, window) -> list[tuple[str, str, str]]:
    qtbot.waitUntil(lambda: not window.suggestions.pending and bool(window.suggestions.items),
                    timeout=WAIT)
    return shown(window)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.article, k, modifier)


@pytest.fixture
def opened(qtbot, project, make_window):
    (doc_id,) = add_documents(project, TEXT)
    window = make_window(project)
    ready(qtbot, window)
    return window, doc_id


def test_opening_a_document_shows_suggestions_and_stores_none(qtbot, opened, project):
    window, doc_id = opened
    found = shown(window)
    assert (LEXICON, "loaded-term", "regime") in found
    assert (LEXICON, "loaded-term", "slammed") in found
    assert ("claim-cues", "unsupported-claim",
            "Everyone knows the council was bought by developers") in found
    assert not any("mayor said" in text for _s, _l, text in found)  # attributed
    assert stored(project, doc_id) == []
    assert window.panel.span_model.rowCount() == 0
    assert window.suggestions.count_label.text().startswith(f"Suggestions: {len(found)}")

    viewport = window.article.viewport()
    with_them = viewport.grab().toImage()
    items, window.suggestions.items = window.suggestions.items, []
    without = viewport.grab().toImage()
    window.suggestions.items = items
    assert with_them != without  # they are drawn


def test_tooltip_names_suggester_label_score_and_reason(qtbot, opened):
    window, _doc_id = opened
    view = window.article
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_view(TEXT.index("regime") + 2))
    rect = view.cursorRect(cursor)
    point = QPoint(rect.center().x() + 2, rect.center().y())
    QApplication.sendEvent(view.viewport(),
                           QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    tip = QToolTip.text()
    assert "Loaded term" in tip and "loaded-terms.txt" in tip and "0.70" in tip
    assert "neutral: government" in tip


def test_tab_and_enter_accept_a_suggestion_and_ctrl_z_takes_it_back(qtbot, opened, project):
    window, doc_id = opened
    first = window.suggestions.items[0]
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.suggestions.focused == first
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert window.suggestions.focused == first
    assert TEXT[first.start:first.end] == "regime"

    key(qtbot, window, Qt.Key.Key_Return)
    assert stored(project, doc_id) == [("loaded-term", "regime", "suggested")]
    assert project.spans(doc_id)[0].provenance["suggester"] == LEXICON
    assert (LEXICON, "loaded-term", "regime") not in shown(window)
    assert [s.span.label for s in window.article.shown] == ["loaded-term"]
    assert window.suggestions.focused is None  # Tab goes on to the next one, none skipped
    key(qtbot, window, Qt.Key.Key_Tab)
    assert TEXT[window.suggestions.focused.start:window.suggestions.focused.end] == "slammed"

    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project, doc_id) == []
    qtbot.waitUntil(lambda: (LEXICON, "loaded-term", "regime") in shown(window), timeout=WAIT)


def test_a_click_focuses_a_suggestion_and_a_label_key_accepts_it_relabelled(qtbot, opened,
                                                                           project):
    window, doc_id = opened
    view = window.article
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_view(TEXT.index("slammed") + 3))
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(rect.center().x() + 1, rect.center().y()))
    focused = window.suggestions.focused
    assert focused is not None and TEXT[focused.start:focused.end] == "slammed"
    key(qtbot, window, Qt.Key.Key_2)  # the scheme's shortcut for "labeling"
    assert stored(project, doc_id) == [("labeling", "slammed", "suggested")]


def test_backspace_rejects_for_good_and_deletes_nothing(qtbot, opened, project, make_window):
    window, doc_id = opened
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Return)  # "regime" accepted
    key(qtbot, window, Qt.Key.Key_Tab)  # "slammed" focused
    key(qtbot, window, Qt.Key.Key_Backspace)
    assert stored(project, doc_id) == [("loaded-term", "regime", "suggested")]  # span kept
    assert not any(text == "slammed" for _s, _l, text in shown(window))
    window.close()

    again = make_window(project)
    found = ready(qtbot, again)
    assert not any(text == "slammed" for _s, _l, text in found)
    assert any(text.startswith("Everyone knows") for _s, _l, text in found)


def test_backspace_deletes_a_selected_span_after_a_suggestion_had_focus(qtbot, project,
                                                                       make_window):
    first, second = add_documents(project, TEXT, "Officials called the protesters thugs.")
    span = project.add_span(second, ANNOTATOR, "labeling", 32, 37)
    window = make_window(project)
    ready(qtbot, window)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.suggestions.focused is not None
    window.open_document(second)
    window.select_span(window.own[0])
    key(qtbot, window, Qt.Key.Key_Backspace)
    assert project.spans(second) == []
    assert span.id not in {s.id for s in window.own}


def test_accept_all_from_one_suggester_is_one_undo_step(qtbot, opened, project):
    window, doc_id = opened
    key(qtbot, window, Qt.Key.Key_Tab)  # a lexicon suggestion: accept all of the lexicon's
    key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(window.article.shown) == 2, timeout=WAIT)  # stored, then drawn
    assert sorted(stored(project, doc_id)) == [("loaded-term", "regime", "suggested"),
                                                ("loaded-term", "slammed", "suggested")]
    assert {s for s, _l, _t in shown(window)} == {"claim-cues"}
    window.undo()
    assert stored(project, doc_id) == []


def test_a_suggester_switched_off_shows_nothing(qtbot, opened, project):
    window, _doc_id = opened
    controller = window.suggestions
    controller._fill_menus()
    (toggle,) = [a for a in controller.suggesters_menu.actions() if a.text() == "Claim cues"]
    assert toggle.isChecked()
    toggle.trigger()
    assert {s for s, _l, _t in shown(window)} == {LEXICON}
    qtbot.waitUntil(lambda: not controller.pending, timeout=WAIT)
    assert {s for s, _l, _t in shown(window)} == {LEXICON}
    assert project.setting("suggest.disabled") == ["claim-cues"]


def test_a_bad_lexicon_shows_a_dialog_and_changes_nothing(qtbot, opened, project, dialogs, tmp_path):
    window, _doc_id = opened
    bad = tmp_path / "bad.txt"
    bad.write_text("council\nbought\tloaded-term\tnote\textra\n", encoding="utf-8")
    assert not window.suggestions.add_lexicon(bad)
    (title, text, details) = dialogs[0]
    assert "lexicon could not be added" in text and "bad.txt:2" in details
    assert project.setting(LEXICONS) is None

    foreign = tmp_path / "foreign.txt"
    foreign.write_text("council\tno-such-label\n", encoding="utf-8")
    assert window.suggestions.add_lexicon(foreign)  # well-formed: kept, but it says why it is idle
    qtbot.waitUntil(lambda: len(dialogs) == 2, timeout=WAIT)
    assert "cannot suggest" in dialogs[1][1] and "no entry has a label" in dialogs[1][2]

    good = tmp_path / "mine.txt"
    good.write_text("council\n", encoding="utf-8")
    assert window.suggestions.add_lexicon(good)
    qtbot.waitUntil(lambda: ("lexicon:mine", "loaded-term", "council") in shown(window),
                    timeout=WAIT)

    window.suggestions._fill_menus()
    (remove,) = [a for a in window.suggestions.remove_menu.actions() if a.text().endswith("mine.txt")]
    remove.trigger()
    qtbot.waitUntil(lambda: not window.suggestions.pending, timeout=WAIT)
    assert not any(s == "lexicon:mine" for s, _l, _t in shown(window))


def test_no_lemmatizer_is_said_in_the_menu_and_the_status_bar(opened):
    window, _doc_id = opened
    window.suggestions._fill_menus()
    assert window.suggestions.lemma_note.isVisible()
    assert "variants only" in window.suggestions.lemma_note.text()
    assert "variants only" in window.suggestions.count_label.toolTip()


def test_suggestions_never_reach_a_csv_export(qtbot, opened, tmp_path):
    window, _doc_id = opened

    def exported() -> list[tuple[str, str]]:
        target = tmp_path / f"out{time.monotonic_ns()}.csv"
        window.export_to("csv", target, SpanFilter())
        qtbot.waitUntil(target.exists, timeout=5000)
        with target.open(encoding="utf-8", newline="") as f:
            return [(row["label"], row["text"]) for row in csv.DictReader(f)]

    assert exported() == []
    key(qtbot, window, Qt.Key.Key_Tab)
    key(qtbot, window, Qt.Key.Key_Return)
    assert exported() == [("loaded-term", "regime")]


def test_a_late_result_for_a_document_left_behind_is_dropped(qtbot, project, make_window,
                                                             monkeypatch):
    first, second = add_documents(project, TEXT, "Officials called the protesters thugs.")
    slow = threading.Event()
    suggest = Engine.suggest

    def slow_on_first(self, document_id, **kw):
        if document_id == first:
            slow.set()
            time.sleep(0.4)
        return suggest(self, document_id, **kw)

    monkeypatch.setattr(Engine, "suggest", slow_on_first)
    window = make_window(project)
    qtbot.waitUntil(slow.is_set, timeout=WAIT)  # the first document's computation runs
    window.open_document(second)
    ready(qtbot, window)
    qtbot.wait(600)  # the first document's result has come back by now
    assert {s.document_id for s in window.suggestions.items} == {second}
    assert ("lexicon:loaded-terms", "labeling", "thugs") in shown(window)


def test_paging_through_documents_computes_only_the_one_shown(qtbot, project, make_window,
                                                               monkeypatch):
    ids = add_documents(project, TEXT, "The thugs came.", "The regime fell.", "Slammed again.")
    computed = []
    suggest = Engine.suggest

    def record(self, document_id, **kw):
        computed.append(document_id)
        time.sleep(0.3 if len(computed) == 1 else 0)
        return suggest(self, document_id, **kw)

    monkeypatch.setattr(Engine, "suggest", record)
    window = make_window(project)
    qtbot.waitUntil(lambda: computed == [ids[0]], timeout=WAIT)  # busy with the first
    for doc_id in ids[1:]:
        window.open_document(doc_id)
        qtbot.wait(20)  # the debounce timer fires: a job is queued behind the first
    ready(qtbot, window)
    assert computed == [ids[0], ids[-1]]
    assert shown(window) == [(LEXICON, "loaded-term", "Slammed")]


def test_cancelled_training_keeps_the_old_state(qtbot, opened, project, monkeypatch):
    window, _doc_id = opened

    def train(_project, *, annotators, progress):
        progress(0, 10)
        raise Cancelled("cancelled")

    monkeypatch.setattr("annotator.suggest.learned.train", train)
    project.set_setting("suggest.disabled", ["spancat"])
    window.suggestions.train([ANNOTATOR])
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=5000)
    assert project.setting("suggest.disabled") == ["spancat"]


def test_training_switches_the_learned_suggester_on(qtbot, opened, project, monkeypatch):
    window, _doc_id = opened
    seen = {}

    class Report:
        def summary(self) -> str:
            return "trained on 3 spans"

    def train(_project, *, annotators, progress):
        seen["annotators"] = annotators
        progress(1, 1)
        return Report()

    monkeypatch.setattr("annotator.suggest.learned.train", train)
    project.set_setting("suggest.disabled", ["spancat", "claim-cues"])
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda _parent, _title, _label, items, *_a: (items[1], True))  # "Mine"
    window.suggestions.train_dialog()
    qtbot.waitUntil(lambda: "trained on 3 spans" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert seen["annotators"] == [ANNOTATOR]
    assert project.setting("suggest.disabled") == ["claim-cues"]


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                    reason="needs the Xvfb and xdotool binaries")
def test_tab_and_enter_under_x_accept_a_suggestion(tmp_path):
    """Real key events reach the suggestion shortcuts (not the text view's own keys)."""
    from xserver import geometry, poll, running_app, xdotool

    path = tmp_path / "e2e.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([IncomingDocument(text=TEXT, source="t", title="T")],
                                 annotator=ANNOTATOR)
    with running_app(tmp_path, path, ANNOTATOR) as (_app, env, window):
        x0, y0, width, height = geometry(env, window)
        x = x0 + width * 45 // 100  # the article, below its text
        y = y0 + height * 8 // 10
        xdotool(env, "mousemove", "--sync", str(x), str(y))
        xdotool(env, "click", "1")  # the keyboard goes where the pointer clicked
        with Project.open(path) as project:
            spans = None
            for _attempt in range(60):  # the first suggestions wait for spaCy to load
                xdotool(env, "key", "Tab", "Return")
                spans = poll(lambda: project.spans(1), 0.3, 0.05)
                if spans:
                    break
            assert spans, "no suggestion was accepted"
            assert [(s.label, TEXT[s.start:s.end], s.origin) for s in spans] == [
                ("loaded-term", "regime", "suggested")]


def test_a_failing_engine_is_reported_in_the_status_bar(qtbot, project, make_window, monkeypatch):
    add_documents(project, TEXT)

    def broken(self, document_id, **kw):
        raise AnnotatorError("cannot load spaCy pipeline 'xx'")

    monkeypatch.setattr(Engine, "suggest", broken)
    window = make_window(project)
    qtbot.waitUntil(lambda: "No suggestions" in window.statusBar().currentMessage(), timeout=WAIT)
    assert "cannot load spaCy pipeline" in window.statusBar().currentMessage()
    assert window.suggestions.items == [] and not window.suggestions.pending


def test_tab_starts_from_the_text_cursor(qtbot, opened):
    from PySide6.QtGui import QTextCursor

    window, _doc_id = opened
    second = window.suggestions.items[1]
    cursor = window.article.textCursor()
    cursor.setPosition(window.article.offsets.to_view(window.suggestions.items[0].end))
    window.article.setTextCursor(cursor)
    key(qtbot, window, Qt.Key.Key_Tab)
    assert window.suggestions.focused == second


def test_an_article_too_long_for_suggestions_gets_none_and_says_so(qtbot, project, make_window,
                                                                   monkeypatch):
    import ui.suggestions

    monkeypatch.setattr(ui.suggestions, "MAX_CHARACTERS", len(TEXT) - 1)
    add_documents(project, TEXT)
    window = make_window(project)
    qtbot.wait(500)
    assert not window.suggestions.pending and window.suggestions.items == []
    assert "off" in window.suggestions.count_label.text()
