"""Every core operation returns what it changed, in one transaction."""

from __future__ import annotations

import pytest

from annotator import adjudication
from annotator.changes import NOTHING, Changes, UndoStatus
from annotator.domain import IncomingDocument
from annotator.errors import EditError, ProjectError
from annotator.project import Project

TEXT = "The regime slammed the cronies."


@pytest.fixture
def doc(project: Project) -> int:
    project.import_documents([IncomingDocument(text=TEXT, source="x", external_id="a1")],
                             annotator="ana")
    return 1


def test_changes_combine_and_say_what_they_touch() -> None:
    one = Changes.of([1], [10], spans=True)
    both = one.merged(Changes.of([2], statuses=True))
    assert both.document_ids == {1, 2} and both.span_ids == {10}
    assert both.kinds == ("spans", "statuses")
    assert both.touches(2) and not both.touches(3)
    assert Changes.everything().touches(3)  # no ids: any document
    assert NOTHING.is_empty and not NOTHING.touches(1)
    with pytest.raises(TypeError, match="colour"):
        Changes.of(colour=True)


def test_adding_a_span_says_which_span_and_that_the_status_moved(project: Project, doc: int) -> None:
    first = project.add_span(doc, "ana", "loaded-term", 4, 10)
    assert first.value.label == "loaded-term"
    assert first.changes == Changes.of([doc], [first.value.id], spans=True, statuses=True)
    second = project.add_span(doc, "ana", "labeling", 23, 30)
    assert second.changes.kinds == ("spans",)  # already in progress


def test_undo_and_redo_return_the_edits_changes(project: Project, doc: int) -> None:
    assert project.undo().changes.is_empty and project.undo().value is None
    added = project.add_span(doc, "ana", "loaded-term", 4, 10)
    assert project.undo_status() == UndoStatus("Add Loaded term", None)
    undone = project.undo()
    assert undone.value == doc and undone.changes == added.changes
    assert project.spans(doc) == [] and project.status(doc, "ana") == "todo"
    assert project.undo_status() == UndoStatus(None, "Add Loaded term")
    assert project.redo().changes == added.changes and len(project.spans(doc)) == 1


def test_relabel_keeps_the_attributes_the_new_label_has(project: Project, doc: int) -> None:
    span = project.add_span(doc, "ana", "loaded-term", 4, 10,
                            attributes={"target": "government", "polarity": "negative"}).value
    relabelled = project.relabel(span.id, "ana", "labeling")
    assert relabelled.value.label == "labeling"
    assert relabelled.value.attributes == {"target": "government"}  # labeling has no polarity
    assert relabelled.changes == Changes.of([doc], [span.id], spans=True)
    project.undo()
    assert project.span(span.id).attributes == {"target": "government", "polarity": "negative"}


def test_marking_not_done_goes_back_to_what_the_spans_say(project: Project, doc: int) -> None:
    assert project.mark_done(doc, "ana", True).value == "done"
    assert project.mark_done(doc, "ana", False).value == "todo"
    project.add_span(doc, "ana", "loaded-term", 4, 10)
    project.mark_done(doc, "ana", True)
    done = project.mark_done(doc, "ana", False)
    assert done.value == "in_progress" == project.status(doc, "ana")
    assert done.changes == Changes.of([doc], statuses=True)


def test_an_edit_of_a_span_deleted_elsewhere_changes_nothing(project: Project, project_path, doc: int) -> None:
    span = project.add_span(doc, "ana", "loaded-term", 4, 10).value
    with Project.open(project_path) as other:
        other.delete_span(span.id, "ana")
    before = project.undo_status()
    with pytest.raises(EditError, match="deleted"):
        project.update_span(span.id, "ana", note="late")
    assert project.undo_status() == before and project.span(span.id).note == ""


def test_an_import_says_which_documents_it_touched(project: Project, doc: int) -> None:
    report = project.import_documents([IncomingDocument(text="Another text.", source="y")],
                                      annotator="ana")
    assert report.changes.document_ids == {2} and report.changes.documents
    again = project.import_documents([IncomingDocument(text=TEXT, source="z")], annotator="ana")
    assert again.changes.is_empty  # the same text with nothing new


def test_adjudication_returns_its_changes(project: Project, doc: int) -> None:
    mine = project.add_span(doc, "ana", "loaded-term", 4, 10).value
    theirs = project.add_span(doc, "bob", "loaded-term", 11, 18).value
    accepted = adjudication.accept(project, [mine.id], "zoe")
    assert accepted.changes.gold and accepted.changes.document_ids == {doc}
    rejected = adjudication.reject(project, [theirs.id], "zoe")
    assert rejected.changes == Changes.of([doc], [theirs.id], rejections=True)
    assert project.undo_status().undo_text == "Reject span"


def test_a_failed_undo_keeps_the_edit_on_the_stack(project: Project, monkeypatch) -> None:
    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    span = project.add_span(1, "ana", "loaded-term", 4, 10).value
    project.update_span(span.id, "ana", label="labeling")

    def broken(*_args):
        raise ProjectError("database is locked")

    monkeypatch.setattr(project, "_apply", broken)
    with pytest.raises(ProjectError):
        project.undo()
    assert project.undo_status() == UndoStatus("Relabel span", None)


def test_undoing_a_documents_first_span_makes_it_to_do_again(project: Project) -> None:
    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    project.add_span(1, "ana", "loaded-term", 4, 10)
    assert project.status(1, "ana") == "in_progress"
    project.undo()
    assert project.status(1, "ana") == "todo"
    assert project.summary_count("ana", status="todo") == 1
    project.redo()
    assert project.status(1, "ana") == "in_progress"


def test_a_deleted_span_cannot_be_edited(project: Project) -> None:
    from annotator.errors import EditError

    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    span = project.add_span(1, "ana", "loaded-term", 4, 10).value
    project.delete_span(span.id, "ana")
    with pytest.raises(EditError, match="deleted"):
        project.update_span(span.id, "ana", label="labeling")
    with pytest.raises(EditError, match="deleted"):
        project.delete_span(span.id, "ana")


def test_the_same_span_twice_is_refused(project: Project) -> None:
    from annotator.errors import EditError

    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    project.add_span(1, "ana", "loaded-term", 4, 10)
    with pytest.raises(EditError, match="already tagged"):
        project.add_span(1, "ana", "loaded-term", 4, 10)
    project.add_span(1, "ana", "labeling", 4, 10)  # another label on the same words is fine
    project.add_span(1, "bob", "loaded-term", 4, 10)  # and so is a colleague's
    assert len(project.spans(1)) == 3
