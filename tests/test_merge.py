"""Merging colleagues' work: matching, idempotence, an untouched source file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator import agreement
from annotator.cli import main
from annotator.domain import IncomingDocument
from annotator.errors import FormatError, ProjectError
from annotator.formats import export
from annotator.merge import merge
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.conftest import TRICKY

SHARED = "The mayor slammed the regime's proposal, saying it was rammed through by cronies."
SECOND = "Second article: the council rammed the budget through."
EDITED = SECOND.replace("council", "city council")


def colleague(path: Path) -> Path:
    """bob's project: the shared article, an edited copy of a2, one we lack."""
    with Project.create(path, resolve_scheme("media-bias")) as theirs:
        theirs.import_documents([
            IncomingDocument(text=SHARED, source="x", external_id="a1"),
            IncomingDocument(text=EDITED, source="x", external_id="a2"),
            IncomingDocument(text="Only bob has this one.", source="x", external_id="b9"),
            IncomingDocument(text=TRICKY, source="x", external_id="t1"),
        ], annotator="bob")
        theirs.add_span(1, "bob", "loaded-term", 10, 17, note="slammed")
        theirs.add_span(1, "bob", "labeling", 73, 80)
        start = EDITED.index("rammed")
        theirs.add_span(2, "bob", "loaded-term", start, start + 6)  # same text at shifted offsets
        theirs.add_span(2, "bob", "loaded-term", 0, 6)  # "Second": same offsets, same text
        theirs.add_span(3, "bob", "loaded-term", 0, 4)
        theirs.set_status(4, "bob", "done")  # read it, found nothing
    return path


@pytest.fixture
def mine(project: Project) -> Project:
    project.import_documents([
        IncomingDocument(text=SHARED, source="x", external_id="a1"),
        IncomingDocument(text=SECOND, source="x", external_id="a2"),
        IncomingDocument(text=TRICKY, source="x", external_id="t1"),
    ], annotator="ana")
    project.add_span(1, "ana", "loaded-term", 10, 17)
    project.set_status(3, "ana", "done")
    return project


def spans(project: Project) -> list[tuple[str, str, str, int, int]]:
    return sorted((doc.key, s.annotator, s.label, s.start, s.end)
                  for doc, found in project.iter_spans() for s in found)


def test_merge_matches_by_text_then_id_and_reports_the_rest(mine: Project, tmp_path: Path) -> None:
    report = merge(mine, [colleague(tmp_path / "bob.annotator")])
    assert (report.documents_by_sha256, report.documents_by_id) == (2, 1)
    assert report.unmatched_documents == ("b9",)
    assert report.unmatched_spans == 1  # "rammed" moved in bob's edited text
    assert report.spans_added == 3
    assert spans(mine) == [("a1", "ana", "loaded-term", 10, 17), ("a1", "bob", "labeling", 73, 80),
                           ("a1", "bob", "loaded-term", 10, 17), ("a2", "bob", "loaded-term", 0, 6)]
    assert mine.span(next(s.id for s in mine.spans(1, ["bob"]) if s.label == "loaded-term")).note \
        == "slammed"
    assert mine.document_count() == 3  # nothing added unasked
    assert any("b9" in note for note in report.notes)


def test_merging_twice_adds_nothing(mine: Project, tmp_path: Path) -> None:
    source = colleague(tmp_path / "bob.annotator")
    merge(mine, [source])
    before = (spans(mine), mine.document_count(), mine.stats())
    again = merge(mine, [source])
    assert again.spans_added == 0 and again.spans_duplicate == 3
    assert (spans(mine), mine.document_count(), mine.stats()) == before


def test_the_colleagues_file_is_never_touched(mine: Project, tmp_path: Path) -> None:
    source = colleague(tmp_path / "bob.annotator")
    content, stamp = source.read_bytes(), source.stat().st_mtime_ns
    beside = sorted(p.name for p in tmp_path.iterdir())
    merge(mine, [source])
    assert source.read_bytes() == content and source.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == beside  # no -wal, -shm, journal


def test_a_foreign_or_newer_database_is_refused_untouched(mine: Project, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.annotator"
    with sqlite3.connect(foreign) as con:
        con.execute("CREATE TABLE span (id INTEGER)")
    content = foreign.read_bytes()
    with pytest.raises(ProjectError, match="not a project of this app"):
        merge(mine, [foreign])
    assert foreign.read_bytes() == content
    newer = colleague(tmp_path / "newer.annotator")
    with sqlite3.connect(newer) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    content = newer.read_bytes()
    with pytest.raises(ProjectError, match="schema revision"):
        merge(mine, [newer])
    assert newer.read_bytes() == content
    assert spans(mine) == [("a1", "ana", "loaded-term", 10, 17)]


def test_all_or_nothing_when_a_label_is_not_in_our_scheme(mine: Project, tmp_path: Path) -> None:
    path = tmp_path / "other.annotator"
    with Project.create(path, resolve_scheme("semeval2020-propaganda")) as theirs:
        theirs.import_documents([IncomingDocument(text=SHARED, source="x")], annotator="bob")
        label = theirs.scheme.labels[0].key
        theirs.add_span(1, "bob", label, 0, 3)
    with pytest.raises(FormatError, match="not in the scheme"):
        merge(mine, [path])
    assert spans(mine) == [("a1", "ana", "loaded-term", 10, 17)]


def test_an_export_merges_like_the_project_and_statuses_come_along(
        mine: Project, tmp_path: Path) -> None:
    source = colleague(tmp_path / "bob.annotator")
    exported = tmp_path / "bob.jsonl"
    with Project.open(source) as theirs:
        export(theirs, "jsonl", exported)
    report = merge(mine, [exported], add_unmatched=True)
    assert report.documents_added == 1 and report.unmatched_spans == 1
    assert ("b9", "bob", "loaded-term", 0, 4) in spans(mine)
    # the project file also brings bob's "done" on t1, where he marked nothing
    merge(mine, [source])
    assert mine.status(3, "bob") == "done"
    result = agreement.measure(mine, ["ana", "bob"], ["loaded-term"])
    assert "t1" in [d.key for d in result.per_document]


def test_rename_and_spans_without_annotator(mine: Project, tmp_path: Path) -> None:
    path = tmp_path / "anon.jsonl"
    path.write_text('{"id": "a1", "text": "%s", "spans": [{"start": 4, "end": 9, '
                    '"label": "loaded-term"}]}\n' % SHARED, encoding="utf-8")
    with pytest.raises(FormatError, match="names no annotator"):
        merge(mine, [path])
    report = merge(mine, [path], annotator="carl", rename={"carl": "carla", "dora": "d"})
    assert ("a1", "carla", "loaded-term", 4, 9) in spans(mine)
    assert report.annotators == ("carla",)
    assert any("nobody called dora" in note for note in report.notes)


def test_cli_merge(mine: Project, project_path: Path, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str]) -> None:
    source = colleague(tmp_path / "bob.annotator")
    assert main(["merge", "--project", str(project_path), str(source)]) == 0
    out = capsys.readouterr()
    assert "3 documents matched (2 by text, 1 by id)" in out.out and "3 spans added" in out.out
    assert "b9" in out.err
    assert main(["merge", "--project", str(project_path), str(source)]) == 0
    assert "0 spans added, 3 already present" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", [
    "UPDATE span SET provenance = '[1, 2]'",
    "UPDATE document SET meta = 'not json'",
    "UPDATE span SET \"end\" = 100000",
])
def test_a_tampered_project_file_is_refused_whole(mine: Project, tmp_path: Path,
                                                  tamper: str) -> None:
    source = colleague(tmp_path / "bob.annotator")
    with sqlite3.connect(source) as con:
        con.execute("PRAGMA ignore_check_constraints = ON")
        con.execute(tamper)
    with pytest.raises(FormatError):
        merge(mine, [source])
    assert spans(mine) == [("a1", "ana", "loaded-term", 10, 17)]


def test_an_id_several_of_our_documents_carry_matches_nothing(mine: Project,
                                                              tmp_path: Path) -> None:
    mine.import_documents([IncomingDocument(text="Another a2.", source="x", external_id="a2")],
                          annotator="ana")
    report = merge(mine, [colleague(tmp_path / "bob.annotator")])
    assert report.documents_by_id == 0 and "a2" in report.unmatched_documents
    assert any("several documents" in note for note in report.notes)
