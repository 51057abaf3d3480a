"""doccano JSONL: JavaScript (UTF-16) offsets by default, code points on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import FormatError
from annotator.formats import ReadOptions, WriteOptions, export, import_files
from annotator.project import Project
from tests.conftest import TRICKY, write_jsonl

FIREMEN = "👨🏻‍🚒 firemen drive firetrucks"  # doccano issue #2290: doccano says 22..32


def labelled(project: Project) -> list[tuple[str, str]]:
    return [(s.label, doc.text[s.start:s.end]) for doc, spans in project.iter_spans() for s in spans]


def test_doccano_export_with_emoji_lands_on_the_right_characters(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "admin.jsonl"
    path.write_text(
        json.dumps({"id": 3, "text": FIREMEN, "label": [[22, 32, "loaded-term"]], "Comments": []},
                   ensure_ascii=False) + "\n"
        + json.dumps({"id": 4, "text": "Old style export", "labels": [[4, 9, "labeling"]]}) + "\n",
        encoding="utf-8")
    import_files(project, [path], format_name="doccano", annotator="x",
                 options=ReadOptions(offset_unit="utf16"))  # no sha256: say the unit
    assert labelled(project) == [("loaded-term", "firetrucks"), ("labeling", "style")]
    assert project.find_document("3").text == FIREMEN


def test_code_point_files_on_request(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "script.doccano.jsonl"
    path.write_text(json.dumps({"text": FIREMEN, "label": [[19, 29, "loaded-term"]]}) + "\n")
    import_files(project, [path], annotator="x", options=ReadOptions(offset_unit="codepoint"))
    assert labelled(project) == [("loaded-term", "firetrucks")]


@pytest.mark.parametrize("labels, message", [
    ([[22, 40, "loaded-term"]], "outside the text (32 UTF-16 units)"),
    ([[22, "32", "loaded-term"]], "must be [start, end, label]"),
    ([[22, 32]], "must be [start, end, label]"),
])
def test_bad_spans_name_file_and_line(project: Project, tmp_path: Path, labels: list,
                                      message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n' + json.dumps({"text": FIREMEN, "label": labels}) + "\n")
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], format_name="doccano", annotator="x")
    assert f"{path}:2" in str(caught.value) and message in str(caught.value)
    assert project.document_count() == 0


def test_round_trip_in_both_units(project: Project, tmp_path: Path) -> None:
    thugs, claim = TRICKY.index("thugs"), TRICKY.index("民主")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 5, "label": "labeling", "annotator": "ana"},
        {"start": thugs, "end": thugs + 5, "label": "labeling", "annotator": "bob"},
        {"start": claim, "end": claim + 2, "label": "unsupported-claim", "annotator": "bob"}]})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")
    for unit in ("utf16", "codepoint"):
        out = tmp_path / f"{unit}.jsonl"
        report = export(project, "doccano", out, WriteOptions(offset_unit=unit))
        assert report.spans == 2 and any("2 annotators are merged" in n for n in report.notes)
        with Project.create(tmp_path / f"{unit}.annotator", project.scheme) as second:
            import_files(second, [out], format_name="doccano", annotator="ana",
                         options=ReadOptions(offset_unit=unit))
            assert labelled(second) == [("labeling", "thugs"), ("unsupported-claim", "民主")]
            again = tmp_path / f"{unit}-again.jsonl"
            export(second, "doccano", again, WriteOptions(offset_unit=unit))
        assert again.read_bytes() == out.read_bytes()
