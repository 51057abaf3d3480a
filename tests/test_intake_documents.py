"""Correcting documents (details, removal, undo, tombstones) and stories of near copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_jsonl
from intake_support import BODY

from annotator.errors import EditError
from annotator.formats import export, import_files
from annotator.merge import merge
from annotator.project import Project

TEXT = "Wednesday, October 19, 2016\n\nThe regime lied again.\n\nMore text follows here."


@pytest.fixture
def doc_id(project: Project, tmp_path: Path) -> int:
    write_jsonl(tmp_path / "in.jsonl", {"id": "a1", "text": TEXT, "meta": {"outlet": "Planet"},
                                        "spans": [{"start": 33, "end": 39, "label": "loaded-term",
                                                   "annotator": "ana"}]})
    import_files(project, [tmp_path / "in.jsonl"], annotator="ana")
    project.set_status(project.document_ids()[0], "ana", "done")
    return project.document_ids()[0]


def test_details_are_edited_and_undone(project: Project, doc_id: int) -> None:
    assert project.document(doc_id).title == "The regime lied again."  # not the dateline
    after = project.update_document(doc_id, title="Regime lies", outlet="", author="Lois",
                                    published="2016-10-19", language="en")
    assert (after.title, after.outlet, after.author, after.published, after.language) == (
        "Regime lies", None, "Lois", "2016-10-19", "en")
    assert after.text == TEXT  # the text never changes
    assert project.history.undo_text == "Edit document details"
    project.undo()
    before = project.document(doc_id)
    assert (before.title, before.outlet, before.author) == ("The regime lied again.", "Planet", None)
    project.redo()
    assert project.document(doc_id).title == "Regime lies"


@pytest.mark.parametrize("fields, message", [({"text": "x"}, "cannot change text"),
                                             ({"published": "19/10/2016"}, "is not YYYY"),
                                             ({"language": "English!"}, "not a code")])
def test_bad_edits_are_refused(project: Project, doc_id: int, fields: dict, message: str) -> None:
    with pytest.raises(EditError, match=message):
        project.update_document(doc_id, **fields)


def test_remove_then_undo_brings_everything_back(project: Project, doc_id: int) -> None:
    spans = project.spans(doc_id)
    removed = project.remove_document(doc_id)
    assert (removed.title, removed.spans) == ("The regime lied again.", 1)
    assert project.document_count() == 0 and project.tombstones()
    project.undo()
    assert project.document(doc_id).text == TEXT
    assert project.spans(doc_id) == spans
    assert project.status(doc_id, "ana") == "done"
    assert not project.tombstones()
    project.redo()
    assert project.document_count() == 0


def test_a_merge_does_not_bring_back_a_removed_document(project: Project, doc_id: int,
                                                        tmp_path: Path) -> None:
    export(project, "jsonl", tmp_path / "colleague.jsonl")
    project.remove_document(doc_id)
    report = merge(project, [tmp_path / "colleague.jsonl"], add_unmatched=True)
    assert project.document_count() == 0
    assert report.documents_removed_here == 1
    assert "1 document removed here not brought back" in report.summary()
    # Imported on purpose, it comes back.
    assert import_files(project, [tmp_path / "colleague.jsonl"],
                        annotator="ana").documents_added == 1


def test_metadata_round_trips_through_jsonl_and_csv(project: Project, doc_id: int,
                                                    tmp_path: Path) -> None:
    import csv

    project.update_document(doc_id, author="Lois", published="2016-10-19", url="https://x.example/a",
                            language="en")
    export(project, "jsonl", tmp_path / "out.jsonl")
    with Project.create(tmp_path / "other.annotator", project.scheme) as other:
        import_files(other, [tmp_path / "out.jsonl"], annotator="ana")
        (doc,) = other.documents()
        assert (doc.outlet, doc.author, doc.published, doc.url, doc.language) == (
            "Planet", "Lois", "2016-10-19", "https://x.example/a", "en")
    export(project, "csv", tmp_path / "spans.csv")
    with (tmp_path / "spans.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["doc_outlet"], row["doc_author"], row["doc_date"], row["doc_language"]) == (
        "Planet", "Lois", "2016-10-19", "en")


def test_near_copies_across_outlets_are_one_story(project: Project, tmp_path: Path) -> None:
    wire = BODY
    copy = BODY.replace("sweeping", "broad").replace("bitter", "long") + " More soon."
    other = ("Heavy rain flooded the old town overnight, and firefighters rescued dozens of "
             "residents from their homes as the river burst its banks for the second time "
             "this year, officials said, warning of more storms to come this weekend.")
    (tmp_path / "a.csv").write_text(
        "title,outlet,text\n"
        f'Senate passes bill,Wire,"{wire}"\n'
        f'Climate bill passes,Planet,"{copy}"\n'
        f'Floods in the old town,Planet,"{other}"\n', encoding="utf-8")
    report = import_files(project, [tmp_path / "a.csv"], annotator="ana")
    assert any("1 documents are near copies" in n for n in report.notes)
    docs = {d.title: d for d in project.documents()}
    story = docs["Senate passes bill"].meta["story"]
    assert docs["Climate bill passes"].meta["story"] == story
    assert docs["Climate bill passes"].meta["near_copy_of"] == "Senate passes bill"
    assert "story" not in docs["Floods in the old town"].meta
    # A later import joins the story of a document already here.
    (tmp_path / "b.jsonl").write_text(
        '{"title": "Bill clears Senate", "text": "%s Reporting by staff."}\n' % wire,
        encoding="utf-8")
    import_files(project, [tmp_path / "b.jsonl"], annotator="ana")
    later = next(d for d in project.documents() if d.title == "Bill clears Senate")
    assert later.meta["story"] == story


def test_undo_of_a_removal_whose_row_was_taken_says_so_and_changes_nothing(
        project: Project, doc_id: int, tmp_path: Path) -> None:
    project.remove_document(doc_id)
    write_jsonl(tmp_path / "new.jsonl", {"text": "A new article took the freed row."})
    import_files(project, [tmp_path / "new.jsonl"], annotator="ana")
    with pytest.raises(EditError, match="imported since has taken its place"):
        project.undo()
    assert [d.text for d in project.documents()] == ["A new article took the freed row."]
    assert project.tombstones()
