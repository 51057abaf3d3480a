"""One runner for every change, and changes from outside the window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from ui_support import ANNOTATOR, add_documents

from annotator.changes import Changes
from annotator.domain import IncomingDocument
from annotator.errors import EditError
from annotator.feed import SqliteChangeFeed
from annotator.project import Project
from ui.ops import Failed

TEXT = "The regime slammed the cronies."


def test_a_failed_operation_is_a_typed_failure_and_nothing_is_announced(
        qtbot, project, make_window, monkeypatch):
    add_documents(project, TEXT)
    window = make_window(project)
    seen: list[Changes] = []
    window.ops.changed.connect(lambda changes, _who: seen.append(changes))
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: QMessageBox.StandardButton.Ok)

    def refuse():
        raise EditError("no")

    outcome = window.ops.run(refuse, initiator=window, label="Could not")
    assert isinstance(outcome, Failed) and str(outcome.error) == "no" and seen == []
    done = window.ops.run(lambda: project.add_span(1, ANNOTATOR, "loaded-term", 4, 10),
                          initiator=window, label="Could not")
    assert seen == [done.changes]
    assert window.undo_action.text() == "&Undo Add Loaded term"


def test_the_feed_names_what_another_program_changed(project: Project, project_path):
    project.import_documents([IncomingDocument(text=TEXT, source="x"),
                              IncomingDocument(text="Another one.", source="x")], annotator="ana")
    feed = SqliteChangeFeed(project)
    assert feed.poll() is None
    with Project.open(project_path) as other:
        span = other.add_span(2, "bob", "loaded-term", 0, 7).value
    changes = feed.poll()
    assert changes is not None and changes.document_ids == {2} and changes.spans
    assert feed.poll() is None  # said once
    mine = project.add_span(1, "ana", "loaded-term", 4, 10)
    feed.ours(mine.changes)
    assert feed.poll() is None  # our own edit is not news
    with Project.open(project_path) as other:
        other.delete_span(span.id, "bob")
        other.import_documents([IncomingDocument(text="A third.", source="cli")], annotator="c")
    changes = feed.poll()
    assert changes is not None and changes.documents and changes.touches(2)
    feed.close()


def test_two_windows_on_one_project_stay_in_step(qtbot, project, project_path, make_window):
    (doc_id,) = add_documents(project, TEXT)
    first = make_window(project)
    second = make_window(Project.open(project_path))
    span = first.project.add_span(doc_id, ANNOTATOR, "loaded-term", 4, 10).value
    qtbot.waitUntil(lambda: [s.id for s in second.own] == [span.id], timeout=1000)
    assert second.article.span_at(5) is not None
    second.select_span(second.own[0])
    second.delete_span()  # deleted there...
    qtbot.waitUntil(lambda: first.own == [], timeout=1000)  # ...gone here within a second
    assert first.article.span_at(5) is None
    with Project.open(project_path) as cli:  # a CLI import appears without a reload
        cli.import_documents([IncomingDocument(text="News from the CLI.", source="cli")],
                             annotator="x")
    qtbot.waitUntil(lambda: first.doc_model.total == 2, timeout=1000)


def test_the_status_bar_says_when_the_project_is_open_elsewhere(qtbot, project, project_path,
                                                                  make_window):
    add_documents(project, TEXT)
    first = make_window(project)
    assert first.elsewhere.text() == ""
    second = make_window(Project.open(project_path))
    qtbot.waitUntil(lambda: "another window" in second.elsewhere.text(), timeout=2000)
    first.ops._check_presence()
    qtbot.waitUntil(lambda: "another window" in first.elsewhere.text(), timeout=7000)
    second.close()
    first.ops._check_presence()
    qtbot.waitUntil(lambda: first.elsewhere.text() == "", timeout=7000)


@pytest.mark.parametrize("step", ["undo", "redo"])
def test_nothing_to_undo_is_said_only_when_nothing_failed(qtbot, project, make_window, step):
    add_documents(project, TEXT)
    window = make_window(project)
    getattr(window, step)()
    assert window.statusBar().currentMessage() == f"Nothing to {step}"
