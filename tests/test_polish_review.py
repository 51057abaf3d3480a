"""Review and agreement polish (issue 16, items 4 and 5): accepting the other
version of a boundary mismatch replaces the gold span; an accepted finding is
settled; the legend says what tints and lines mean; the merge dialog names the
colleague's annotators; the agreement table puts labels first and counts spans
as spans."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator import adjudication
from annotator.agreement import KRIPPENDORFF, measure
from annotator.domain import IncomingDocument
from annotator.nlp import pipeline
from annotator.project import Project
from annotator.schemes import resolve_scheme
from ui import review
from ui.agreement_view import AgreementDialog
from ui_support import (ANNOTATOR, add_documents, dialogs, file_choice, make_window,  # noqa: F401
                        settings_dir)

pytestmark = pytest.mark.usefixtures("settings_dir")
TEXT = "Officials slammed the reckless plan. Critics called it a farce. The regime lied again."


@pytest.fixture(scope="module", autouse=True)
def _nlp():
    pipeline()


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.fixture
def two(project):
    (doc_id,) = add_documents(project, TEXT)
    for who, label, word in (("alice", "loaded-term", "slammed"), ("bob", "loaded-term", "slammed"),
                             ("alice", "unsupported-claim", "called it a farce"),
                             ("bob", "unsupported-claim", "a farce")):
        project.add_span(doc_id, who, label, *at(word))
    return doc_id


def gold(project, doc_id):
    return [(s.label, TEXT[s.start:s.end]) for s in project.spans(doc_id, ["gold"])]


def test_accepting_the_other_version_replaces_the_gold_span(project, two) -> None:
    alice, bob = (next(s for s in project.spans(two, [who]) if s.label == "unsupported-claim")
                  for who in ("alice", "bob"))
    first = adjudication.accept(project, [alice.id], "zoe")
    assert first.replaced == []
    second = adjudication.accept(project, [bob.id], "zoe")
    assert [TEXT[g.start:g.end] for g in second.replaced] == ["called it a farce"]
    assert gold(project, two) == [("unsupported-claim", "a farce")]
    project.undo()
    assert gold(project, two) == [("unsupported-claim", "called it a farce")]
    project.redo()
    assert gold(project, two) == [("unsupported-claim", "a farce")]
    both = adjudication.accept(project, [alice.id, bob.id], "zoe")  # accept both, on purpose
    assert sorted(gold(project, two)) == [("unsupported-claim", "a farce"),
                                          ("unsupported-claim", "called it a farce")]
    assert both.replaced == []


def test_pressing_1_then_2_on_a_boundary_mismatch_leaves_one_settled_gold_span(
        qtbot, project, make_window, two) -> None:
    window = make_window(project)
    view = review.open_compare(window, ["alice", "bob"])
    qtbot.waitUntil(lambda: view.document is not None, timeout=10000)
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.category_filter.setCurrentIndex(view.category_filter.findData(""))
    view.focus(next(n for n, f in enumerate(view.findings) if f.category == "boundary"))
    qtbot.keyClick(view.list, Qt.Key.Key_1)
    assert view.list.currentItem().text(3) == "accepted"  # settled, not "partly"
    qtbot.keyClick(view.list, Qt.Key.Key_2)
    assert gold(project, two) == [("unsupported-claim", "a farce")]
    qtbot.waitUntil(lambda: "replaced" in view.statusBar().currentMessage())
    assert "called it a farce" in view.statusBar().currentMessage()
    legend = view.legend.text()
    assert "tinted: gold" not in legend and "faint for an annotator" in legend


def test_the_merge_dialog_names_the_colleagues_annotators(qtbot, project, make_window, tmp_path,
                                                          dialogs, monkeypatch, file_choice) -> None:
    (doc_id,) = add_documents(project, TEXT)
    path = tmp_path / "colleague.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as theirs:
        theirs.import_documents([IncomingDocument(text=TEXT, source="c")], annotator="carol")
        theirs.add_span(1, "carol", "loaded-term", *at("slammed"))
        theirs.add_span(1, ANNOTATOR, "labeling", *at("regime"))
    seen = []

    def options(dialog):
        seen.append(dialog.theirs.text())
        dialog.rename.setText(f"{ANNOTATOR}=alice-home")
        return 1

    file_choice.append(path)
    monkeypatch.setattr(review.MergeOptions, "exec", options)
    window = make_window(project)
    review.merge_dialog(window)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10000)
    assert "alice, carol" in seen[0] and "alice also here" in seen[0]
    assert sorted(s.annotator for s in project.spans(doc_id)) == ["alice-home", "carol"]


def test_agreement_rows_put_labels_first_and_all_labels_weighs_used_labels(
        qtbot, project, make_window, two) -> None:
    window = make_window(project)
    dialog = AgreementDialog(window, ["alice", "bob"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    table = dialog.labels
    rows = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert rows == ["Loaded term", "Unsupported claim", "All labels",
                    "Position only (labels ignored)"]
    headings = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "Char. units" not in headings
    spans = headings.index("Spans (α_U)")
    assert table.item(rows.index("Loaded term"), spans).text() == "2"  # two spans, not characters
    assert "All labels" in dialog.undefined.text() and "weighs" in dialog.undefined.text()
    core = measure(project, ["alice", "bob"])
    per_label = core.find(KRIPPENDORFF, None, "loaded-term").counts["units"]
    assert core.find(KRIPPENDORFF, None, None).counts["units"] == 2 * per_label  # two labels used
    documents = [dialog.documents.horizontalHeaderItem(c).text()
                 for c in range(dialog.documents.columnCount())]
    assert documents[-1] == "Spans (α_U)"
