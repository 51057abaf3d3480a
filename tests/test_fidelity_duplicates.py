"""Two spans on one extent that say different things are two annotations
(BASIL: two informational-bias spans on one sentence, different aims)."""

from __future__ import annotations

from pathlib import Path

from annotator.formats import export, import_files
from annotator.project import Project
from tests.conftest import write_jsonl

TEXT = "Title\n\nThe senator said the plan would fail. Critics agreed."
SENTENCE = (7, 46)


def spans(*targets: str, note: str = "") -> list[dict]:
    return [{"start": SENTENCE[0], "end": SENTENCE[1], "label": "labeling", "note": note,
             "attributes": {"target": target}} for target in targets]


def test_same_extent_with_different_attributes_both_import(project: Project, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "basil.jsonl",
                         {"id": "a1", "text": TEXT, "spans": spans("senator", "plan")})
    report = import_files(project, [source], annotator="coder")
    assert report.spans_added == 2 and report.spans_duplicate == 0
    got = sorted(s.attributes["target"] for s in project.spans(1))
    assert got == ["plan", "senator"]


def test_same_extent_with_different_notes_both_import(project: Project, tmp_path: Path) -> None:
    records = spans("x", note="aim: discredit") + spans("x", note="aim: inform")
    source = write_jsonl(tmp_path / "notes.jsonl", {"id": "a1", "text": TEXT, "spans": records})
    assert import_files(project, [source], annotator="coder").spans_added == 2


def test_exact_duplicates_are_still_skipped_and_counted(project: Project, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "dup.jsonl",
                         {"id": "a1", "text": TEXT, "spans": spans("plan", "plan")})
    report = import_files(project, [source], annotator="coder")
    assert (report.spans_added, report.spans_duplicate) == (1, 1)
    again = import_files(project, [source], annotator="coder")  # a re-import adds nothing
    assert (again.spans_added, again.spans_duplicate) == (0, 2)


def test_brat_export_writes_both_spans_with_their_attributes(project: Project, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "basil.jsonl",
                         {"id": "a1", "text": TEXT, "spans": spans("senator", "plan")})
    import_files(project, [source], annotator="coder")
    report = export(project, "brat", tmp_path / "out")
    ann = (tmp_path / "out" / "a1.ann").read_text(encoding="utf-8").splitlines()
    assert report.spans == 2
    assert [line.split("\t")[1] for line in ann if line.startswith("A")] == \
        ["target T1 senator", "target T2 plan"]


def test_adjudication_still_settles_a_label_on_an_extent_once(project: Project, tmp_path: Path) -> None:
    from annotator import adjudication

    source = write_jsonl(tmp_path / "basil.jsonl", {"id": "a1", "text": TEXT, "spans": [
        {**spans("senator")[0], "annotator": "ana"}, {**spans("plan")[0], "annotator": "ana"},
        {**spans("plan")[0], "annotator": "bob"}]})
    assert import_files(project, [source], annotator="x").spans_added == 3
    report = adjudication.premerge(project, ["ana", "bob"], "judge").value
    assert report.spans_added == 1  # gold is one label on one extent
    state = adjudication.state(project, 1)
    (gold,) = state.gold
    assert (gold.start, gold.end, gold.label) == (*SENTENCE, "labeling")
    ours = [s for s in project.spans(1) if s.annotator != "gold"]
    assert {state.decision(s.id) for s in ours} == {"accepted"}
