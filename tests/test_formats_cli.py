"""The import/export command line with the interchange options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.project import Project
from tests.conftest import write_jsonl

FIREMEN = "👨🏻‍🚒 firemen drive firetrucks"


@pytest.fixture
def cli_project(tmp_path: Path) -> str:
    path = str(tmp_path / "p.annotator")
    assert main(["init", path]) == 0
    return path


def test_unknown_labels_refused_then_added(cli_project: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d.doccano.jsonl"
    data.write_text(json.dumps({"text": FIREMEN, "label": [[22, 32, "VEHICLE"], [8, 15, "ROLE"]]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", "--project", cli_project, str(data), "--offset-unit", "utf16"]) == 1
    err = capsys.readouterr().err
    assert f"2 labels are not in the scheme 'media-bias': 'VEHICLE' ({data}:1), 'ROLE' ({data}:1)" in err
    assert main(["import", "--project", cli_project, str(data), "--add-labels",
                 "--annotator", "ana", "--offset-unit", "utf16"]) == 0
    assert "added 2 labels to the scheme: VEHICLE, ROLE" in capsys.readouterr().err
    with Project.open(cli_project) as project:
        assert sorted((s.label, project.document(1).text[s.start:s.end])
                      for s in project.spans(1)) == [("ROLE", "firemen"), ("VEHICLE", "firetrucks")]


def test_offset_unit_option_both_ways(cli_project: str, tmp_path: Path) -> None:
    data = tmp_path / "cp.jsonl"
    data.write_text(json.dumps({"text": FIREMEN, "label": [[19, 29, "loaded-term"]]}) + "\n")
    assert main(["import", "--project", cli_project, "--format", "doccano",
                 "--offset-unit", "codepoint", str(data)]) == 0
    out = tmp_path / "out.jsonl"
    assert main(["export", "--project", cli_project, "--format", "doccano", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["label"] == [[22, 32, "loaded-term"]]


def test_gold_and_spans_key_for_docbin(cli_project: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(tmp_path / "a.jsonl", {"id": "a", "text": "The regime lied again.", "spans": [
        {"start": 4, "end": 10, "label": "loaded-term", "annotator": "ana"}]})
    assert main(["import", "--project", cli_project, str(tmp_path / "a.jsonl")]) == 0
    out = tmp_path / "g.spacy"
    assert main(["export", "--project", cli_project, "--format", "docbin", "--gold",
                 "-o", str(out)]) == 1
    assert "no gold annotator" in capsys.readouterr().err
    with Project.open(cli_project) as project:
        project.ensure_annotator("gold", kind="gold")
        project.add_span(1, "gold", "loaded-term", 4, 10)
    assert main(["export", "--project", cli_project, "--format", "docbin", "--gold",
                 "--spans-key", "bias", "-o", str(out)]) == 0
    assert main(["init", str(tmp_path / "q.annotator")]) == 0
    assert main(["import", "--project", str(tmp_path / "q.annotator"), "--spans-key", "bias",
                 str(out)]) == 0
    with Project.open(tmp_path / "q.annotator") as q:
        assert [(s.annotator, s.label, s.start, s.end) for s in q.spans(1)] == [
            ("gold", "loaded-term", 4, 10)]
