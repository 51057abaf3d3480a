"""Label Studio exports as Label Studio writes them: a region whose end is one
short of its text (as in the repository's examples/named_entity), and a
submitted annotation with no regions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.agreement import measure
from annotator.cli import main
from annotator.errors import FormatError
from annotator.formats import ReadOptions, import_files
from annotator.project import Project

TEXT = "To have faith is to trust yourself 🙂 to the water, said Tom Hanks in Los Angeles."


def region(ident: str, part: str, label: str, end_short: int = 0) -> dict:
    start = len(TEXT[:TEXT.index(part)].encode("utf-16-le")) // 2  # the browser's units
    end = start + len(part.encode("utf-16-le")) // 2 - end_short
    return {"id": ident, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": end, "text": part, "labels": [label]}}


def tasks(path: Path, *results: dict, empty_for: str | None = None) -> Path:
    annotations = [{"id": 1, "completed_by": {"email": "ann@example.org"}, "result": list(results)}]
    if empty_for:
        annotations.append({"id": 2, "completed_by": {"email": empty_for}, "result": []})
    path.write_text(json.dumps([{"id": 7, "data": {"text": TEXT}, "annotations": annotations}],
                               ensure_ascii=False), encoding="utf-8")
    return path


def test_off_by_one_region_is_refused_with_a_hint(project: Project, tmp_path: Path) -> None:
    path = tasks(tmp_path / "ner.json", region("a", "Tom Hanks", "labeling", end_short=1))
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], annotator="x")
    assert "stale" in str(caught.value) and "--reanchor" in str(caught.value)


def test_reanchor_moves_the_region_to_its_text_and_reports_it(project: Project, tmp_path: Path) -> None:
    path = tasks(tmp_path / "ner.json", region("a", "Tom Hanks", "labeling", end_short=1),
                 region("b", "Los Angeles", "labeling"), region("c", "trust", "loaded-term"))
    report = import_files(project, [path], annotator="x", options=ReadOptions(reanchor=True))
    assert sorted(TEXT[s.start:s.end] for s in project.spans(1)) == \
        ["Los Angeles", "Tom Hanks", "trust"]
    moved = [n for n in report.notes if "re-anchored" in n]
    assert len(moved) == 1 and moved[0].startswith("1 Label Studio regions")
    start = TEXT.index("Tom Hanks") + 1  # UTF-16 units: the emoji before counts 2
    assert f"task 7 region a: [{start}, {start + 8}) -> [{start}, {start + 9})" in moved[0]


def test_reanchor_still_refuses_text_that_is_nowhere(project: Project, tmp_path: Path) -> None:
    stale = region("a", "Tom Hanks", "labeling")
    stale["value"]["text"] = "Meg Ryan"
    path = tasks(tmp_path / "ner.json", stale)
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], annotator="x", options=ReadOptions(reanchor=True))
    assert "nowhere in the text" in str(caught.value)
    assert project.document_count() == 0


def test_reanchor_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tasks(tmp_path / "ner.json", region("a", "Tom Hanks", "labeling", end_short=1))
    project = str(tmp_path / "p.annotator")
    assert main(["init", project]) == 0
    assert main(["import", "--project", project, str(path)]) == 1
    assert main(["import", "--project", project, "--reanchor", str(path)]) == 0
    assert "re-anchored" in capsys.readouterr().err


def test_a_submitted_empty_annotation_counts_for_agreement(project: Project, tmp_path: Path) -> None:
    path = tasks(tmp_path / "ner.json", region("a", "Tom Hanks", "labeling"),
                 empty_for="bob@example.org")
    import_files(project, [path], annotator="x")
    assert project.status(1, "bob@example.org") == "done"
    result = measure(project, ["ann@example.org", "bob@example.org"])
    assert result.documents == 1
