"""Review in the window: merge a colleague's work, compare, adjudicate with
one keystroke, pre-merge, and the agreement dialog."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton

from annotator import adjudication
from annotator.agreement import F1, OVERLAP, UNITIZING, measure, write_csv
from annotator.domain import IncomingDocument, SpanFilter
from annotator.nlp import pipeline
from annotator.project import Project
from annotator.schemes import resolve_scheme
from ui import review
from ui.agreement_view import AgreementDialog
from ui.compare_view import CompareWindow
from ui_support import (ANNOTATOR, add_documents, dialogs, file_choice, make_window,  # noqa: F401
                        settings_dir)

pytestmark = pytest.mark.usefixtures("settings_dir")

TEXT = "Officials slammed the reckless plan. Critics called it a farce. The regime lied again."


@pytest.fixture(scope="module", autouse=True)
def _nlp():
    pipeline()  # load spaCy once, outside the interactions



def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def two(project):
    """alice and bob: an exact agreement, a label and a boundary mismatch, one alone."""
    (doc_id,) = add_documents(project, TEXT)
    for who, label, word in (("alice", "loaded-term", "slammed"), ("bob", "loaded-term", "slammed"),
                             ("alice", "loaded-term", "reckless"), ("bob", "labeling", "reckless"),
                             ("alice", "unsupported-claim", "called it a farce"),
                             ("bob", "unsupported-claim", "a farce"),
                             ("alice", "labeling", "regime")):
        project.add_span(doc_id, who, label, *at(word))
    return doc_id


def compare_view(qtbot, window, annotators=("alice", "bob")) -> CompareWindow:
    view = review.open_compare(window, list(annotators))
    assert view is not None
    qtbot.waitUntil(lambda: view.document is not None, timeout=10000)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)  # its keys reach the active window only
    return view


def focus_category(view, category: str) -> None:
    view.category_filter.setCurrentIndex(view.category_filter.findData(""))
    view.focus(next(n for n, f in enumerate(view.findings) if f.category == category))


def gold(project, doc_id):
    return [(s.label, s.start, s.end) for s in project.spans(doc_id, ["gold"])]


def test_compare_lists_the_categories_in_text_order(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    assert [f.category for f in view.findings] == ["label", "boundary", "only-one"]  # disagreements
    view.category_filter.setCurrentIndex(view.category_filter.findData(""))
    assert [f.category for f in view.findings] == ["exact", "label", "boundary", "only-one"]
    assert [view.list.topLevelItem(n).text(0) for n in range(view.list.topLevelItemCount())] == \
        ["Exact", "Label", "Boundary", "Only one"]
    view.label_filter.setCurrentIndex(view.label_filter.findData("labeling"))
    assert [f.category for f in view.findings] == ["label", "only-one"]
    rows = [view.documents.item(0, c).text() for c in range(4)]
    assert rows[1:] == ["3", "0", "0"]  # open, settled, gold


def test_next_and_previous_finding_keys_move_and_show_it(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    assert view.focused().category == "label"
    qtbot.keyClick(view.list, Qt.Key.Key_N)
    assert view.focused().category == "boundary"
    assert view.article.focus_range == at("called it a farce")
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.focused().category == "only-one"
    qtbot.keyClick(view.list, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert view.focused().category == "boundary"


def test_accept_key_makes_a_gold_span_with_provenance_and_undo_removes_it(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    focus_category(view, "label")
    qtbot.keyClick(view.list, Qt.Key.Key_2)  # bob's reading
    assert gold(project, two) == [("labeling", *at("reckless"))]
    span = project.spans(two, ["gold"])[0]
    assert span.origin == "adjudicated"
    assert span.provenance["adjudicator"] == ANNOTATOR and span.provenance["decision"] == "accepted"
    assert [s["annotator"] for s in span.provenance["sources"]] == ["bob"]
    assert view.list.currentItem().text(3) == "accepted"  # a version is in gold: settled
    assert any(s.own for s in view.article.shown)  # gold drawn
    assert view.documents.item(0, 3).text() == "1"

    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(project, two) == []
    assert view.list.currentItem().text(3) == "open"
    assert not any(s.own for s in view.article.shown)


def test_accept_all_takes_both_readings(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    focus_category(view, "label")
    qtbot.keyClick(view.list, Qt.Key.Key_A)
    assert sorted(gold(project, two)) == [("labeling", *at("reckless")), ("loaded-term", *at("reckless"))]
    assert view.list.currentItem().text(3) == "accepted"


def test_reject_hides_the_span(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    focus_category(view, "only-one")
    (regime,) = view.focused().spans
    assert regime.id in {s.span.id for s in view.article.shown}
    qtbot.keyClick(view.list, Qt.Key.Key_R)
    assert adjudication.state(project, two).decision(regime.id) == "rejected"
    assert regime.id not in {s.span.id for s in view.article.shown}
    assert view.list.currentItem().text(3) == "rejected"
    assert gold(project, two) == []
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert regime.id in {s.span.id for s in view.article.shown}


def test_edit_key_settles_the_selection_with_the_chosen_label(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    focus_category(view, "boundary")
    view.article.select_codepoints(TEXT.index("it a farce") + 1, TEXT.index("farce") + 2)  # sloppy
    view.edit_label.setCurrentIndex(view.edit_label.findData("labeling"))
    qtbot.keyClick(view.list, Qt.Key.Key_E)
    assert gold(project, two) == [("labeling", *at("it a farce"))]  # snapped to tokens
    span = project.spans(two, ["gold"])[0]
    assert span.provenance["decision"] == "edited"
    assert sorted(s["annotator"] for s in span.provenance["sources"]) == ["alice", "bob"]


def test_premerge_takes_exact_agreements_into_gold(qtbot, project, make_window, two, dialogs):
    window = make_window(project)
    review.premerge_run(window, ["alice", "bob"], None)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert dialogs[0][0] == "Pre-merge finished"
    assert gold(project, two) == [("loaded-term", *at("slammed"))]
    assert project.spans(two, ["gold"])[0].provenance["decision"] == "premerged"


def test_document_adjudicated_key_marks_the_gold_status(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    qtbot.keyClick(view.list, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.status(two, "gold") == "done"
    assert view.documents.item(0, 0).text().startswith("✓")


def test_agreement_dialog_shows_the_core_figures_and_exports_them(qtbot, project, make_window, two,
                                                                  tmp_path):
    window = make_window(project)
    dialog = AgreementDialog(window, ["alice", "bob"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    core = measure(project, ["alice", "bob"])
    headings = [dialog.labels.horizontalHeaderItem(c).text() for c in range(dialog.labels.columnCount())]
    rows = [dialog.labels.item(r, 0).text() for r in range(dialog.labels.rowCount())]
    every = rows.index("All labels")
    f1 = core.find(F1, OVERLAP, None, ("alice", "bob")).value
    alpha_u = core.find(UNITIZING, None, None).value
    assert dialog.labels.item(every, headings.index("F1 overlap")).text() == f"{f1:.3f}"
    assert dialog.labels.item(every, headings.index("α_U")).text() == f"{alpha_u:.3f}"
    assert dialog.labels.item(every, headings.index("Fleiss κ")).toolTip()  # unit and counts
    assert dialog.matrix.item(0, 1).text() == f"{core.matrix()[0][1]:.3f}"
    assert dialog.documents.rowCount() == 1
    (doc,) = core.per_document
    assert dialog.documents.item(0, 1).text() == f"{doc.value(UNITIZING):.3f}"
    assert dialog.documents.item(0, 3).text() == f"{doc.value(F1):.3f}"

    target = tmp_path / "agreement.csv"
    dialog.export_to(target)
    expected = tmp_path / "cli.csv"
    write_csv(core, expected)
    assert target.read_bytes() == expected.read_bytes()


def test_merge_a_colleagues_project_adds_their_spans_and_leaves_their_file(qtbot, project, make_window,
                                                                           tmp_path, dialogs):
    (doc_id,) = add_documents(project, TEXT)
    theirs_path = tmp_path / "bob.annotator"
    theirs = Project.create(theirs_path, resolve_scheme("media-bias"))
    theirs.import_documents([IncomingDocument(text=TEXT, source="bob", title="Doc 0")], annotator="bob")
    their_doc = next(iter(theirs.documents())).id
    theirs.add_span(their_doc, "bob", "loaded-term", *at("slammed"))
    theirs.add_span(their_doc, "bob", "labeling", *at("regime"))
    theirs.close()
    before = hashlib.sha256(theirs_path.read_bytes()).hexdigest()
    window = make_window(project)
    review.merge_paths(window, [theirs_path])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    title, text, details = dialogs[0]
    assert title == "Merge finished"
    assert "Documents matched: 1" in details and "Spans added: 2" in details
    assert [(s.annotator, s.label) for s in project.spans(doc_id, ["bob"])] == \
        [("bob", "loaded-term"), ("bob", "labeling")]
    assert hashlib.sha256(theirs_path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bob")) == ["bob.annotator"]


def colleague(tmp_path: Path, name: str = "bob") -> Path:
    path = tmp_path / f"{name}.annotator"
    theirs = Project.create(path, resolve_scheme("media-bias"))
    theirs.import_documents([IncomingDocument(text=TEXT, source=name, title="Doc 0")], annotator=name)
    theirs.add_span(next(iter(theirs.documents())).id, name, "loaded-term", *at("slammed"))
    theirs.close()
    return path


def test_merge_from_the_menu_renames_a_colleague_who_shares_a_name(qtbot, project, make_window,
                                                                   tmp_path, dialogs, monkeypatch,
                                                                   file_choice):
    (doc_id,) = add_documents(project, TEXT)
    path = colleague(tmp_path, ANNOTATOR)  # they are "alice" too

    def options(dialog):
        dialog.rename.setText(f"{ANNOTATOR}=alice-home")
        return 1

    file_choice.append(path)
    monkeypatch.setattr(review.MergeOptions, "exec", options)
    window = make_window(project)
    next(a for a in window.actions() if a.text() == "&Merge colleague's work…").trigger()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    assert [(s.annotator, s.label) for s in project.spans(doc_id)] == [("alice-home", "loaded-term")]


def test_a_malformed_rename_is_refused_in_the_dialog(qtbot, tmp_path):
    dialog = review.MergeOptions(None, [tmp_path / "x.annotator"], ["alice"])
    qtbot.addWidget(dialog)
    dialog.rename.setText("bob")
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "old=new" in dialog.warning.text()


def test_a_bad_merge_file_shows_a_dialog_and_changes_nothing(qtbot, project, make_window, tmp_path,
                                                             dialogs, two):
    before = [(s.annotator, s.label, s.start, s.end) for s in project.spans(two)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "' + TEXT + '", "spans": [[0, 9, "loaded-term", "bob"]]}\n{not json\n',
                   encoding="utf-8")
    window = make_window(project)
    review.merge_paths(window, [bad])
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    title, text, details = dialogs[0]
    assert title == "Could not merge bad.jsonl"
    assert "bad.jsonl" in details
    assert [(s.annotator, s.label, s.start, s.end) for s in project.spans(two)] == before


def test_review_menu_lists_the_actions(qtbot, project, make_window):
    window = make_window(project)
    menus = {m.title().replace("&", ""): m for m in window.menuBar().findChildren(type(window.labels_menu))}
    assert [a.text().replace("&", "") for a in menus["Review"].actions() if a.text()] == \
        ["Compare and adjudicate…", "Pre-merge agreed spans…", "Agreement…"]
    assert "Merge colleague's work…" in [a.text().replace("&", "") for a in menus["File"].actions()]


def test_too_few_annotators_is_said_not_crashed(qtbot, project, make_window, dialogs):
    add_documents(project, TEXT)
    window = make_window(project)
    assert review.open_compare(window) is None
    assert dialogs[0][0] == "Not enough annotators"



def test_clicking_a_finding_selects_its_text(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    item = view.list.topLevelItem(1)  # the boundary mismatch
    rect = view.list.visualItemRect(item)
    qtbot.mouseClick(view.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.focused().category == "boundary"
    assert view.article.selection_codepoints() == at("called it a farce")


def test_compare_window_closes_when_the_main_window_changes_project(qtbot, project, make_window, two,
                                                                    tmp_path):
    window = make_window(project)
    view = compare_view(qtbot, window)
    again = compare_view(qtbot, window)
    assert not shiboken6.isValid(view) or not view.isVisible()  # one compare window at a time
    window.activateWindow()  # where the user opens another project
    qtbot.waitUntil(window.isActiveWindow)
    window.set_project(Project.create(tmp_path / "other.annotator", resolve_scheme("media-bias")))
    again.activateWindow()
    qtbot.waitUntil(lambda: not shiboken6.isValid(again) or not again.isVisible(), timeout=3000)


def test_the_menu_path_offers_humans_only_and_remembers_the_choice(qtbot, project, make_window, two,
                                                                   monkeypatch):
    adjudication.accept(project, [project.spans(two, ["alice"])[0].id], "alice")  # a gold layer exists
    offered: list[list[str]] = []

    def choose(dialog):
        offered.append([dialog.list.item(i).text() for i in range(dialog.list.count())])
        dialog.list.insertItem(0, dialog.list.takeItem(1))  # dragged: bob first
        return 1

    monkeypatch.setattr(review.AnnotatorChooser, "exec", choose)
    view = review.open_compare(window := make_window(project))
    qtbot.waitUntil(lambda: view.document is not None, timeout=10000)
    assert offered == [["alice", "bob"]]
    assert view.annotators == ["bob", "alice"]
    assert project.setting("review:annotators") == ["bob", "alice"]
    view.close()
    review.open_compare(window)
    assert offered[1] == ["bob", "alice"]


def test_double_clicking_a_document_in_the_agreement_dialog_opens_it(qtbot, project, make_window, two):
    (other,) = [d for d in add_documents(project, "Another article, nobody tagged it.") if d != two]
    window = make_window(project)
    window.open_document(other)
    dialog = AgreementDialog(window, ["alice", "bob"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    index = dialog.documents.model().index(0, 0)
    dialog.documents.doubleClicked.emit(index)
    assert window.document is not None and window.document.id == two


def test_cancel_pressed_after_the_premerge_committed_reports_what_was_done(qtbot, project, make_window,
                                                                          two, dialogs, monkeypatch):
    window = make_window(project)
    reached, proceed = threading.Event(), threading.Event()
    original = adjudication.premerge

    def premerge(*args, **options):
        report = original(*args, **options)
        reached.set()  # committed: now the user presses Cancel
        proceed.wait(5)
        return report

    monkeypatch.setattr(adjudication, "premerge", premerge)
    review.premerge_run(window, ["alice", "bob"], None)
    qtbot.waitUntil(reached.is_set, timeout=5000)
    window.findChild(QProgressDialog).findChild(QPushButton).click()  # Cancel
    proceed.set()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    assert dialogs[0][0] == "Pre-merge finished"
    assert gold(project, two) == [("loaded-term", *at("slammed"))]


def test_gold_adjudicated_in_the_window_exports_to_csv_with_provenance(qtbot, project, make_window,
                                                                       two, tmp_path):
    window = make_window(project)
    view = compare_view(qtbot, window)
    focus_category(view, "label")
    qtbot.keyClick(view.list, Qt.Key.Key_2)
    target = tmp_path / "gold.csv"
    window.export_to("csv", target, SpanFilter(annotators=("gold",)))
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=5000)
    (row,) = csv.DictReader(io.StringIO(target.read_bytes().decode("utf-8"), newline=""))
    assert (row["annotator"], row["label"], row["text"], row["origin"]) == \
        ("gold", "labeling", "reckless", "adjudicated")
    provenance = json.loads(row["provenance"])
    assert provenance["adjudicator"] == ANNOTATOR and provenance["decision"] == "accepted"
    assert [(s["annotator"], s["label"]) for s in provenance["sources"]] == [("bob", "labeling")]


def test_compare_window_size_and_panes_are_restored(qtbot, project, make_window, two):
    window = make_window(project)
    view = compare_view(qtbot, window)
    view.resize(1200, 760)  # the offscreen screen is 800 wide: only the height survives whole
    view.splitter.setSizes([150, 700, 350])
    view.close()
    again = compare_view(qtbot, window)
    assert again.height() == 760
    assert window.settings.value("compare/splitter") is not None  # widths: clamped to the screen here
