"""Label Studio JSON: UTF-16 offsets converted, stale regions refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import FormatError
from annotator.formats import export, import_files
from annotator.project import Project, text_sha256
from tests.conftest import TRICKY, write_jsonl

TEXT = "Breaking 🙂🙂 news: the regime's thugs attacked.\r\nMore 👍🏽 later."


def ls_export(path: Path, *, text: str = TEXT, quoted: str = "thugs", start16: int = 33) -> Path:
    """A task the way Label Studio 1.x exports it (offsets in UTF-16 units)."""
    task = {
        "id": 7, "data": {"text": text}, "project": 3,
        "annotations": [
            {"id": 11, "completed_by": 1, "created_username": " ana@example.com, 1",
             "was_cancelled": False, "ground_truth": False, "lead_time": 4.2,
             "result": [
                 {"value": {"start": start16, "end": start16 + 5, "text": quoted,
                            "labels": ["labeling"]},
                  "id": "Xy12AbCdEf", "from_name": "label", "to_name": "text",
                  "type": "labels", "origin": "manual"},
                 {"value": {"start": start16, "end": start16 + 5, "text": ["a slur"]},
                  "id": "Xy12AbCdEf", "from_name": "note", "to_name": "text",
                  "type": "textarea", "origin": "manual"},
                 {"value": {"start": 24, "end": 30, "text": "regime",
                            "labels": ["loaded-term", "unsupported-claim"]},
                  "id": "Zz99", "from_name": "label", "to_name": "text", "type": "labels"},
                 {"value": {"start": start16, "end": start16 + 5, "choices": ["group"]},
                  "id": "Xy12AbCdEf", "from_name": "target-type", "to_name": "text",
                  "type": "choices", "origin": "manual"},
                 {"value": {"start": start16, "end": start16 + 5, "text": ["check source"]},
                  "id": "Xy12AbCdEf", "from_name": "comment", "to_name": "text",
                  "type": "textarea"},
                 {"value": {"choices": ["biased"]}, "id": "c1", "from_name": "verdict",
                  "to_name": "text", "type": "choices"},
             ]},
            {"id": 12, "completed_by": 2, "was_cancelled": True,
             "result": [{"value": {"start": 0, "end": 8, "text": "Breaking", "labels": ["labeling"]},
                         "id": "q", "from_name": "label", "to_name": "text", "type": "labels"}]},
        ],
        "predictions": [{"model_version": "m1", "result": []}],
    }
    path.write_text(json.dumps([task], ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_label_studio_export_lands_on_the_right_characters(project: Project, tmp_path: Path) -> None:
    assert TEXT.encode("utf-16-le")[33 * 2:38 * 2].decode("utf-16-le") == "thugs"  # JS indices
    report = import_files(project, [ls_export(tmp_path / "project-3.json")], annotator="x")
    doc = project.find_document("task-7")
    assert doc is not None and doc.text == TEXT
    got = [(s.annotator, s.label, doc.text[s.start:s.end], s.note, s.attributes)
           for s in project.spans(doc.id)]
    assert sorted(got) == [
        ("ana@example.com", "labeling", "thugs", "a slur\ncheck source", {"target-type": "group"}),
        ("ana@example.com", "loaded-term", "regime", "", {}),
        ("ana@example.com", "unsupported-claim", "regime", "", {})]
    assert any("1 choices" in n and "1 predictions" in n for n in report.notes)


def test_a_stale_region_is_refused_naming_the_task(project: Project, tmp_path: Path) -> None:
    edited = TEXT.replace("Breaking", "Big")  # text changed after annotating
    path = ls_export(tmp_path / "stale.json", text=edited)
    with pytest.raises(FormatError) as caught:
        import_files(project, [path], annotator="x")
    message = str(caught.value)
    assert str(path) in message and "task 7" in message and "stale" in message
    assert project.document_count() == 0


def test_a_region_counted_in_code_points_is_refused(project: Project, tmp_path: Path) -> None:
    path = ls_export(tmp_path / "wrong.json", start16=TEXT.index("thugs"))  # not UTF-16
    with pytest.raises(FormatError, match="task 7: region Xy12AbCdEf says 'thugs'"):
        import_files(project, [path], annotator="x")


def test_round_trip_keeps_spans_notes_annotators(project: Project, tmp_path: Path) -> None:
    thugs = TRICKY.index("thugs")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 5, "label": "labeling", "annotator": "ana", "note": "n",
         "attributes": {"target": "protesters", "target-type": "group"}},
        {"start": 0, "end": 7, "label": "scare-quotes", "annotator": "bob",
         "attributes": {"attributed": False}}]},
        {"id": "t2", "text": "No spans here."})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")
    out = tmp_path / "out.json"
    export(project, "labelstudio", out)
    task = json.loads(out.read_text(encoding="utf-8"))[0]
    assert task["data"]["sha256"] == text_sha256(TRICKY)
    [ana] = [a for a in task["annotations"] if a["created_username"] == "ana"]
    value = ana["result"][0]["value"]
    assert TRICKY.encode("utf-16-le")[value["start"] * 2:value["end"] * 2].decode("utf-16-le") == "thugs"
    with Project.create(tmp_path / "second.annotator", project.scheme) as second:
        import_files(second, [out], annotator="nobody")
        again = tmp_path / "again.json"
        export(second, "labelstudio", again)
        assert [(s.label, s.note, s.attributes) for s in second.spans(1)] == [
            ("scare-quotes", "", {"attributed": False}),
            ("labeling", "n", {"target": "protesters", "target-type": "group"})]
        assert [d.text for d in second.documents()] == [TRICKY, "No spans here."]
    first, second_export = json.loads(out.read_text()), json.loads(again.read_text())
    for t in first + second_export:
        for a in t["annotations"]:
            for r in a["result"]:
                r.pop("id")
    assert second_export == first


def test_changed_text_with_its_old_sha_is_refused(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"id": 1, "data": {"text": "new text", "sha256": text_sha256("old")}}]))
    with pytest.raises(FormatError, match="task 1: .*SHA-256 mismatch"):
        import_files(project, [path], annotator="x")
