"""doccano files as doccano writes them: an astral-plane text with no SHA-256,
the relation-extraction example, and exports that cannot carry notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.errors import FormatError
from annotator.formats import ReadOptions, export, import_files
from annotator.project import Project
from tests.conftest import write_jsonl

EMOJI = "😀 slammed it"


def test_astral_text_without_sha_or_unit_is_refused_naming_the_option(
        project: Project, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "cp.jsonl", {"text": "plain", "label": []},
                       {"text": EMOJI, "label": [[2, 9, "loaded-term"]]})
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], format_name="doccano", annotator="x")
    assert "--offset-unit" in str(caught.value) and caught.value.line == 2
    assert project.document_count() == 0


@pytest.mark.parametrize("unit, covered", [("codepoint", "slammed"), ("utf16", " slamme")])
def test_a_chosen_unit_is_obeyed(project: Project, tmp_path: Path, unit: str, covered: str) -> None:
    path = write_jsonl(tmp_path / "cp.jsonl", {"text": EMOJI, "label": [[2, 9, "loaded-term"]]})
    import_files(project, [path], format_name="doccano", annotator="x",
                 options=ReadOptions(offset_unit=unit))
    (span,) = project.spans(1)
    assert EMOJI[span.start:span.end] == covered


def test_cli_refusal_is_one_line_naming_file_line_and_option(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli_project = str(tmp_path / "p.annotator")
    assert main(["init", cli_project]) == 0
    path = write_jsonl(tmp_path / "cp.jsonl", {"text": EMOJI, "label": [[2, 9, "loaded-term"]]})
    assert main(["import", "--project", cli_project, "--format", "doccano", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and f"{path}:1" in err and "--offset-unit" in err


def test_a_sha256_or_bmp_text_needs_no_unit(project: Project, tmp_path: Path) -> None:
    from annotator.text import text_sha256

    path = write_jsonl(tmp_path / "ok.jsonl",
                       {"text": EMOJI, "label": [[3, 10, "loaded-term"]], "sha256": text_sha256(EMOJI)},
                       {"text": "x slammed it", "label": [[2, 9, "loaded-term"]]})
    assert import_files(project, [path], format_name="doccano", annotator="x").spans_added == 2


def test_relations_of_the_relation_extraction_example_are_reported(
        project: Project, tmp_path: Path) -> None:
    text = "Google was founded on September 4, 1998, by Larry Page and Sergey Brin."
    record = {"id": 1, "text": text, "entities": [
        {"id": 0, "start_offset": 0, "end_offset": 6, "label": "labeling"},
        {"id": 1, "start_offset": 22, "end_offset": 39, "label": "loaded-term"},
        {"id": 2, "start_offset": 44, "end_offset": 54, "label": "labeling"}],
        "relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "foundedAt"},
                      {"id": 1, "from_id": 0, "to_id": 2, "type": "foundedBy"}]}
    report = import_files(project, [write_jsonl(tmp_path / "re.jsonl", record)],
                          format_name="doccano", annotator="x")
    assert report.spans_added == 3
    assert any("skipped 2 doccano relations" in n for n in report.notes)


def test_export_reports_notes_and_attributes_it_cannot_write(project: Project, tmp_path: Path) -> None:
    text = "Title\n\nThe thugs attacked the regime."
    seed = write_jsonl(tmp_path / "seed.jsonl", {"id": "d", "text": text, "spans": [
        {"start": 11, "end": 16, "label": "labeling", "note": "dehumanising",
         "attributes": {"target-type": "group"}},
        {"start": 17, "end": 25, "label": "loaded-term", "note": "verb"},
        {"start": 30, "end": 36, "label": "loaded-term"}]})
    import_files(project, [seed], annotator="x")
    report = export(project, "doccano", tmp_path / "out.jsonl")
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["label"] == [
        [11, 16, "labeling"], [17, 25, "loaded-term"], [30, 36, "loaded-term"]]
    assert "2 notes and the attributes of 1 span were not written" in " ".join(report.notes)
