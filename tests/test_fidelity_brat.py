"""brat corpora as brat writes them: capitalised attribute names, annotator
notes, relations and events with attributes of their own, a BOM .txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import FormatError
from annotator.formats import export, import_files
from annotator.project import Project

TEXT = "Minister Smith slammed the protesters as thugs. The police denied it.\n"


def at(part: str) -> tuple[int, int]:
    return TEXT.index(part), TEXT.index(part) + len(part)


def ann_lines(shift: int = 0) -> list[str]:
    def t(n: int, label: str, part: str) -> str:
        s, e = at(part)
        return f"T{n}\t{label} {s + shift} {e + shift}\t{part}"
    return [
        t(1, "Person", "Minister Smith"),
        t(2, "Group", "the protesters"),
        t(3, "Insult", "thugs"),
        t(4, "Group", "The police"),
        t(5, "Trigger", "slammed"),
        "A1\tMention T1 NAM",
        "A2\tMention T2 NOM",
        "A3\tSUBCAT T2 Crowd",
        "A4\tConfidence T3 High",
        "A5\tNegated T4",
        "A6\tMention T4 NOM",
        "A7\tSUBCAT T4 Government",
        "#1\tAnnotatorNotes T3\tthe minister's word, not the paper's",
        "R1\tTargets Arg1:T3 Arg2:T2",
        "E1\tTrigger:T5 Agent:T1 Patient:T2",
        "A8\tSpeculation E1",
        "A9\tConfidence E1 Low",
        "#2\tAnnotatorNotes E1\tquoted",
        "N1\tReference T1 Wikidata:Q1\tSmith",
        "*\tCoref T1 T4",
    ]


def corpus(folder: Path, text: str = TEXT, shift: int = 0) -> Path:
    folder.mkdir()
    (folder / "news.txt").write_bytes(text.encode("utf-8"))
    (folder / "news.ann").write_text("\n".join(ann_lines(shift)) + "\n", encoding="utf-8")
    return folder


def test_capitalised_attributes_and_notes_import_with_add_labels(
        project: Project, tmp_path: Path) -> None:
    report = import_files(project, [corpus(tmp_path / "brat")], format_name="brat", annotator="x", add_labels=True)
    got = {TEXT[s.start:s.end]: (s.label, s.attributes, s.note) for s in project.spans(1)}
    assert got["Minister Smith"] == ("Person", {"Mention": "NAM"}, "")
    assert got["the protesters"] == ("Group", {"Mention": "NOM", "SUBCAT": "Crowd"}, "")
    assert got["thugs"] == ("Insult", {"Confidence": "High"},
                            "the minister's word, not the paper's")
    assert got["The police"] == ("Group", {"Negated": True, "Mention": "NOM",
                                           "SUBCAT": "Government"}, "")
    group = project.scheme.label("Group")
    assert group.attribute("SUBCAT").choices == ("Crowd", "Government")
    assert group.attribute("Negated").type == "bool"
    notes = " ".join(report.notes)
    assert "attribute Mention of Person" in notes
    for counted in ("equivalences (1)", "events (1)", "normalizations (1)", "relations (1)",
                    "attributes of events (2)", "notes of events (1)"):
        assert counted in notes


def test_capitalised_attributes_without_add_labels_name_the_line(
        project: Project, tmp_path: Path) -> None:
    project.set_scheme(project.scheme.with_labels(["Person", "Group", "Insult", "Trigger"]))
    with pytest.raises(FormatError) as caught:
        import_files(project, [corpus(tmp_path / "brat")], format_name="brat", annotator="x")
    assert "no attribute 'Mention'" in str(caught.value) and caught.value.line == 1


def test_attribute_lines_round_trip(project: Project, tmp_path: Path) -> None:
    import_files(project, [corpus(tmp_path / "brat")], format_name="brat", annotator="x", add_labels=True)
    export(project, "brat", tmp_path / "out")
    def attribute_lines(lines: list[str]) -> list[tuple[str, ...]]:
        """(name, covered text, value) of each A line."""
        covered = {f[0]: f[2] for f in (line.split("\t") for line in lines) if f[0][0] == "T"}
        return sorted((name, covered[target], *value) for name, target, *value in
                      (line.split("\t")[1].split() for line in lines if line[0] == "A")
                      if target in covered)
    written = (tmp_path / "out" / "news.ann").read_text(encoding="utf-8").splitlines()
    assert len(attribute_lines(ann_lines())) == 7
    assert attribute_lines(written) == attribute_lines(ann_lines())
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "SUBCAT\tArg:Group, Value:Crowd|Government" in conf


def test_bom_txt_offsets_count_the_mark_and_it_is_written_back(
        project: Project, tmp_path: Path) -> None:
    text = "\ufeff" + TEXT
    folder = corpus(tmp_path / "brat", text, shift=1)  # brat's Python counts the BOM
    report = import_files(project, [folder], format_name="brat", annotator="x", add_labels=True)
    doc = project.document(1)
    assert doc.text == text
    assert {doc.text[s.start:s.end] for s in project.spans(1)} >= {"Minister Smith", "thugs"}
    assert any("1 .txt files begin with a byte-order mark" in n for n in report.notes)
    export(project, "brat", tmp_path / "out")
    assert (tmp_path / "out" / "news.txt").read_bytes() == text.encode("utf-8")
    first = (tmp_path / "out" / "news.ann").read_text(encoding="utf-8").splitlines()[0]
    assert first == ann_lines(shift=1)[0]


def test_ann_counting_from_after_the_bom_is_shifted_and_reported(
        project: Project, tmp_path: Path) -> None:
    folder = corpus(tmp_path / "brat", "\ufeff" + TEXT, shift=0)  # a tool that dropped the mark
    report = import_files(project, [folder], format_name="brat", annotator="x", add_labels=True)
    doc = project.document(1)
    assert {doc.text[s.start:s.end] for s in project.spans(1)} >= {"Minister Smith", "thugs"}
    assert any("count offsets from after the .txt's byte-order mark" in n for n in report.notes)


def test_added_attributes_survive_reopening_the_project(project_path: Path, tmp_path: Path) -> None:
    from annotator.schemes import resolve_scheme

    with Project.create(project_path, resolve_scheme("media-bias")) as p:
        import_files(p, [corpus(tmp_path / "brat")], format_name="brat", annotator="x",
                     add_labels=True)
    with Project.open(project_path) as p:
        assert p.scheme.label("Person").attribute("Mention").choices == ("NAM",)
