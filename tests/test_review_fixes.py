"""Defects found in review, each pinned by what a user would have seen."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from annotator.domain import IncomingDocument, SpanFilter
from annotator.errors import FormatError, ProjectError
from annotator.formats import WriteOptions, export, import_files
from annotator.project import Project
from annotator.schemes import resolve_scheme
from tests.conftest import write_jsonl


def test_an_export_cannot_overwrite_the_open_project(project: Project, project_path: Path) -> None:
    before = project_path.read_bytes()
    with pytest.raises(FormatError, match="project file itself"):
        export(project, "jsonl", project_path)
    with pytest.raises(FormatError, match="project file itself"):
        export(project, "csv", project_path.with_name(project_path.name + "-wal"))
    assert project_path.read_bytes() == before and project.document_count() == 0


def test_importing_a_file_with_document_labels_twice_adds_nothing(project: Project, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", {"text": "Opinion.", "document_labels": {
        "ana": {"opinion-piece": True}}})
    import_files(project, [path], annotator="x")
    report = import_files(project, [path], annotator="x")
    assert report.documents_existing == 1
    assert project.document_labels(1, "ana") == {"opinion-piece": True}


def test_a_failed_undo_keeps_the_edit_on_the_stack(project: Project, monkeypatch) -> None:
    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    span = project.add_span(1, "ana", "loaded-term", 4, 10)
    project.update_span(span.id, "ana", label="labeling")

    def broken(*_args):
        raise ProjectError("database is locked")

    monkeypatch.setattr(project, "_apply", broken)
    with pytest.raises(ProjectError):
        project.undo()
    assert project.history.undo_text == "Relabel span" and project.history.redo_text is None


def test_undoing_a_documents_first_span_makes_it_to_do_again(project: Project) -> None:
    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    project.add_span(1, "ana", "loaded-term", 4, 10)
    assert project.status(1, "ana") == "in_progress"
    project.undo()
    assert project.status(1, "ana") == "todo"
    assert project.summary_count("ana", status="todo") == 1
    project.redo()
    assert project.status(1, "ana") == "in_progress"


def test_exports_get_ordinary_file_permissions(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    export(project, "jsonl", out)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_an_unpaired_surrogate_is_a_format_error_with_file_and_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "\\ud800abc"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=f"{path}:2: .*surrogate"):
        import_files(project, [path], annotator="x")
    assert project.document_count() == 0


def test_document_names_mean_the_same_everywhere(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("id,text\n2,Second article.\n1,First article.\n", encoding="utf-8")
    import_files(project, [path], annotator="x")
    assert [d.text for d in project.documents(["2"])] == ["Second article."]
    assert [d.text for d, _ in project.iter_spans(SpanFilter(documents=("1",)))] == ["First article."]
    with pytest.raises(ProjectError, match="no document '999'"):
        project.resolve_documents(["999"])


def test_a_text_starting_with_a_bom_survives_semeval_and_brat(project: Project, tmp_path: Path) -> None:
    text = "\ufeffThe regime thugs attacked."
    start = text.index("thugs")
    write_jsonl(tmp_path / "b.jsonl", {"id": "b1", "text": text, "spans": [
        {"start": start, "end": start + 5, "label": "labeling", "annotator": "ana"}]})
    import_files(project, [tmp_path / "b.jsonl"], annotator="x")
    export(project, "brat", tmp_path / "brat")
    with Project.create(tmp_path / "again.annotator", project.scheme) as again:
        import_files(again, [tmp_path / "brat"], format_name="brat", annotator="ana")
        (doc, spans), = list(again.iter_spans())
        assert doc.text == text and [doc.text[s.start:s.end] for s in spans] == ["thugs"]


def test_our_own_span_csv_is_not_imported_as_articles(project: Project, tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", {"text": "The regime lied.", "spans": [
        {"start": 4, "end": 10, "label": "loaded-term", "annotator": "ana"}]})
    import_files(project, [tmp_path / "a.jsonl"], annotator="x")
    export(project, "csv", tmp_path / "spans.csv", WriteOptions())
    with pytest.raises(FormatError, match="span export"):
        import_files(project, [tmp_path / "spans.csv"], annotator="x")
    assert project.document_count() == 1


@pytest.mark.parametrize("url", ["nonsense://x", "postgresql://nobody@localhost/none"])
def test_an_unusable_database_url_is_a_project_error(url: str) -> None:
    with pytest.raises(ProjectError):
        Project.open(url=url)


def test_document_search_ignores_case_beyond_ascii(project: Project) -> None:
    project.import_documents([IncomingDocument("Über den Fluss", "x", title="Über"),
                              IncomingDocument("ÉLAN vital 100%_sure", "x", title="Élan")],
                             annotator="ana")
    assert [d.title for d in project.summaries("ana", search="über")] == ["Über"]
    assert [d.title for d in project.summaries("ana", search="élan")] == ["Élan"]
    assert project.summary_count("ana", search="100%_S") == 1
    assert project.summary_count("ana", search="%") == 1


def test_a_deleted_span_cannot_be_edited(project: Project) -> None:
    from annotator.errors import EditError

    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    span = project.add_span(1, "ana", "loaded-term", 4, 10)
    project.delete_span(span.id, "ana")
    with pytest.raises(EditError, match="deleted"):
        project.update_span(span.id, "ana", label="labeling")
    with pytest.raises(EditError, match="deleted"):
        project.delete_span(span.id, "ana")


@pytest.mark.parametrize("record", ['{"id": {"x": 1}, "text": "a"}', '{"text": "a", "meta": {"outlet": ["x"]}}'])
def test_jsonl_ids_and_columns_must_be_scalars(project: Project, tmp_path: Path, record: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(record + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=f"{path}:1: "):
        import_files(project, [path], annotator="x")


def test_the_same_span_twice_is_refused(project: Project) -> None:
    from annotator.errors import EditError

    project.import_documents([IncomingDocument("The regime lied.", "x")], annotator="ana")
    project.add_span(1, "ana", "loaded-term", 4, 10)
    with pytest.raises(EditError, match="already tagged"):
        project.add_span(1, "ana", "loaded-term", 4, 10)
    project.add_span(1, "ana", "labeling", 4, 10)  # another label on the same words is fine
    project.add_span(1, "bob", "loaded-term", 4, 10)  # and so is a colleague's
    assert len(project.spans(1)) == 3


def test_a_suggestion_accepted_under_another_label_is_gone(project: Project) -> None:
    from annotator.suggest import accept, suggestions

    project.import_documents([IncomingDocument("The regime thugs infested the city.", "x")],
                             annotator="ana")
    found = [s for s in suggestions(project, 1, annotator="ana") if s.label == "loaded-term"]
    assert found
    from dataclasses import replace

    accept(project, replace(found[0], label="labeling"), "ana")
    left = suggestions(project, 1, annotator="ana")
    assert all((s.start, s.end) != (found[0].start, found[0].end) for s in left)
