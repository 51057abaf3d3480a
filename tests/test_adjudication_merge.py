"""Adjudication decisions travel with merges and JSONL: spans are named by
identity (annotator, label, start, end), never by another database's row id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import adjudication
from annotator.domain import IncomingDocument
from annotator.errors import FormatError
from annotator.formats import export, import_files
from annotator.merge import merge
from annotator.project import Project
from annotator.schemes import resolve_scheme

TEXT = "The regime slammed critics as cronies and traitors."


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def new_project(path: Path, annotator: str) -> Project:
    project = Project.create(path, resolve_scheme("media-bias"))
    project.import_documents([IncomingDocument(text=TEXT, source="x", external_id="d1")],
                             annotator=annotator)
    return project


@pytest.fixture
def colleague(tmp_path: Path) -> Path:
    """A colleague's project: boss accepted x's "slammed", rejected y's "cronies"."""
    path = tmp_path / "colleague.annotator"
    with new_project(path, "x") as theirs:
        slammed = theirs.add_span(1, "x", "loaded-term", *at("slammed"))
        cronies = theirs.add_span(1, "y", "labeling", *at("cronies"))
        theirs.add_span(1, "y", "loaded-term", *at("traitors"))  # left open
        adjudication.accept(theirs, [slammed.id], "boss")
        adjudication.reject(theirs, [cronies.id], "boss")
    return path


@pytest.fixture
def ours(tmp_path: Path) -> Project:
    """Our project: our own spans come first, so their row ids are the colleague's."""
    project = new_project(tmp_path / "ours.annotator", "me")
    project.add_span(1, "me", "euphemism", *at("regime"))
    project.add_span(1, "me", "labeling", *at("traitors"))
    return project


def decisions(project: Project) -> dict[tuple[str, str], str]:
    view = adjudication.state(project, 1)
    return {(s.annotator, TEXT[s.start:s.end]): view.decision(s.id)
            for s in project.spans(1) if s.annotator != "gold"}


def snapshot(project: Project) -> tuple[object, ...]:
    return (sorted((s.annotator, s.label, s.start, s.end, repr(s.provenance))
                   for s in project.spans(1)),
            adjudication.rejections(project, 1), decisions(project))


def test_merged_decisions_apply_to_the_spans_they_were_taken_on(colleague: Path,
                                                                ours: Project) -> None:
    report = merge(ours, [colleague])
    assert report.rejections_added == 1 and "1 rejection added" in report.summary()
    assert decisions(ours) == {("me", "regime"): "open", ("me", "traitors"): "open",
                               ("x", "slammed"): "accepted", ("y", "cronies"): "rejected",
                               ("y", "traitors"): "open"}
    [rejection] = adjudication.rejections(ours, 1)
    assert (rejection.annotator, rejection.label, rejection.adjudicator) == \
        ("y", "labeling", "boss")
    [row] = adjudication.progress(ours, ["me", "x", "y"])
    assert (row.findings, row.decided, row.open, row.gold_spans) == (4, 2, 2, 1)


def test_merging_twice_changes_nothing(colleague: Path, ours: Project) -> None:
    merge(ours, [colleague])
    before = snapshot(ours)
    report = merge(ours, [colleague])
    assert report.spans_added == report.rejections_added == 0
    assert snapshot(ours) == before


def test_a_renamed_colleague_keeps_their_decisions(colleague: Path, ours: Project) -> None:
    merge(ours, [colleague], rename={"x": "xavier", "y": "yara"})
    assert decisions(ours)[("xavier", "slammed")] == "accepted"
    assert decisions(ours)[("yara", "cronies")] == "rejected"
    [gold] = ours.spans(1, ["gold"])
    assert [s["annotator"] for s in gold.provenance["sources"]] == ["xavier"]


def test_premerge_after_a_merge_skips_what_the_colleague_settled(colleague: Path,
                                                                  ours: Project) -> None:
    ours.add_span(1, "me", "loaded-term", *at("slammed"))  # agrees with x: already gold
    ours.add_span(1, "me", "labeling", *at("cronies"))  # agrees with y: rejected there
    merge(ours, [colleague])
    report = adjudication.premerge(ours, ["me", "x", "y"], "zoe", min_agree=2)
    assert (report.spans_added, report.skipped_adjudicated) == (0, 2)
    assert [TEXT[s.start:s.end] for s in ours.spans(1, ["gold"])] == ["slammed"]
    assert decisions(ours)[("me", "cronies")] == "open"  # rejected was y's span, not ours


def test_decisions_survive_a_jsonl_round_trip(colleague: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    with Project.open(colleague) as theirs:
        expected = decisions(theirs)
        export(theirs, "jsonl", first)
    [record] = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    assert [r["label"] for r in record["rejected"]["gold"]] == ["labeling"]
    with new_project(tmp_path / "other.annotator", "me") as other:
        other.add_span(1, "me", "euphemism", *at("regime"))  # takes the colleague's row id 1
        import_files(other, [first], annotator="someone")
        got = decisions(other)
        assert got.pop(("me", "regime")) == "open"
        assert got == expected
        import_files(other, [first], annotator="someone")  # again: nothing new
        assert len(adjudication.rejections(other, 1)) == 1
    with Project.create(tmp_path / "clean.annotator", resolve_scheme("media-bias")) as clean:
        import_files(clean, [first], annotator="someone")
        export(clean, "jsonl", second)
    assert second.read_bytes() == first.read_bytes()


def test_rejections_on_text_that_differs_are_not_merged(colleague: Path, tmp_path: Path) -> None:
    changed = TEXT.replace("cronies", "friends")
    with Project.create(tmp_path / "edited.annotator", resolve_scheme("media-bias")) as edited:
        edited.import_documents([IncomingDocument(text=changed, source="x", external_id="d1")],
                                annotator="me")
        report = merge(edited, [colleague])
        assert report.documents_by_id == 1
        assert adjudication.rejections(edited, 1) == []


def test_rejecting_the_same_span_twice_keeps_one_record(colleague: Path) -> None:
    with Project.open(colleague) as theirs:
        [cronies] = [s for s in theirs.spans(1) if s.label == "labeling"]
        adjudication.reject(theirs, [cronies.id], "boss")
        assert len(adjudication.rejections(theirs, 1)) == 1


@pytest.mark.parametrize("rejected", [[], {"gold": [{"annotator": "y"}]},
                                      {"gold": [{"annotator": "y", "label": "labeling",
                                                 "start": 0, "end": 999,
                                                 "adjudicator": "boss", "at": "now"}]}])
def test_malformed_rejections_in_jsonl_are_refused(tmp_path: Path, rejected: object) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": TEXT, "rejected": rejected}) + "\n", encoding="utf-8")
    with Project.create(tmp_path / "p.annotator", resolve_scheme("media-bias")) as project:
        with pytest.raises(FormatError, match="rejected") as caught:
            import_files(project, [path], annotator="me")
        assert caught.value.line == 1
        assert project.document_count() == 0


def test_accepting_a_span_gold_already_has_cites_it_too(colleague: Path, ours: Project) -> None:
    mine = ours.add_span(1, "me", "loaded-term", *at("slammed"))
    merge(ours, [colleague])
    [before] = ours.spans(1, ["gold"])
    [gold] = adjudication.accept(ours, [mine.id], "zoe").spans
    assert gold.id == before.id and len(ours.spans(1, ["gold"])) == 1
    assert [s["annotator"] for s in ours.span(gold.id).provenance["sources"]] == ["x", "me"]
    assert decisions(ours)[("me", "slammed")] == "accepted"
    ours.undo()
    assert ours.span(gold.id).provenance == before.provenance
    assert decisions(ours)[("me", "slammed")] == "open"
    ours.redo()
    assert decisions(ours)[("me", "slammed")] == "accepted"
    edits = len(ours.history.done)
    adjudication.accept(ours, [mine.id], "zoe")  # again: nothing to add, nothing to undo
    assert len(ours.history.done) == edits
    assert len(ours.span(gold.id).provenance["sources"]) == 2


def test_gold_spans_with_foreign_provenance_cite_nothing(tmp_path: Path) -> None:
    path = tmp_path / "foreign.jsonl"
    start, end = at("slammed")
    path.write_text(json.dumps({"text": TEXT, "spans": [
        {"start": start, "end": end, "label": "loaded-term", "annotator": "x"},
        {"start": start, "end": end, "label": "loaded-term", "annotator": "gold",
         "origin": "adjudicated", "provenance": {"sources": [{"span_id": 1}, "x"]}}]}) + "\n",
        encoding="utf-8")
    with Project.create(tmp_path / "p.annotator", resolve_scheme("media-bias")) as project:
        import_files(project, [path], annotator="me")
        assert decisions(project) == {("x", "slammed"): "open"}
        [row] = adjudication.progress(project, ["x", "me"])
        assert row.decided == 0


def test_a_damaged_rejection_in_a_colleagues_file_is_refused(colleague: Path,
                                                             ours: Project) -> None:
    import sqlite3

    sha = ours.document(1).sha256
    with sqlite3.connect(colleague) as db:
        db.execute("UPDATE project_info SET value = ? WHERE key = ?", (json.dumps(
            {"rejections": {sha: [{"annotator": "y"}]}}), "setting:adjudication:gold"))
    spans = len(ours.spans(1))
    with pytest.raises(FormatError, match="rejection"):
        merge(ours, [colleague])
    assert len(ours.spans(1)) == spans


@pytest.mark.parametrize("value", [[1, 2], {"rejections": ["x"]}])
def test_a_colleagues_rejections_that_name_nothing_are_ignored(colleague: Path, ours: Project,
                                                               value: object) -> None:
    import sqlite3

    with sqlite3.connect(colleague) as db:
        db.execute("UPDATE project_info SET value = ? WHERE key = ?",
                   (json.dumps(value), "setting:adjudication:gold"))
    merge(ours, [colleague])
    assert decisions(ours)[("y", "cronies")] == "open"
    assert decisions(ours)[("x", "slammed")] == "accepted"
