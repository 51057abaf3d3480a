"""brat standoff: .ann over a CRLF .txt, fragments, notes, attributes, skipped lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.errors import FormatError
from annotator.formats import export, import_files
from annotator.offsets import OffsetMap
from annotator.project import Project
from tests.conftest import TRICKY, write_jsonl

TEXT = "Riot report\r\n\r\nThe regime's thugs\r\nattacked 🙂 peaceful protesters.\r\n"


def at(part: str, nth: int = 0) -> tuple[int, int]:
    start = TEXT.index(part)
    for _ in range(nth):
        start = TEXT.index(part, start + 1)
    return start, start + len(part)


def brat_doc(folder: Path, ann_lines: list[str], name: str = "riot") -> Path:
    """Files as brat writes them: the .txt as given (CRLF), .ann with LF lines."""
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_bytes(TEXT.encode("utf-8"))
    (folder / f"{name}.ann").write_text("\n".join(ann_lines) + "\n", encoding="utf-8")
    return folder / f"{name}.ann"


def standard_ann() -> list[str]:
    thugs, regime = at("thugs"), at("regime")
    attacked, protesters = at("attacked"), at("peaceful protesters")
    assert thugs == (28, 33)  # CRLF counted as two characters, as Python reads the file
    return [
        "T1\tlabeling %d %d\tthugs" % thugs,
        "T2\tloaded-term %d %d;%d %d\tregime thugs" % (*regime, *thugs),
        "T3\tloaded-term %d %d\tattacked" % attacked,
        "T4\tlabeling %d %d\tpeaceful protesters" % protesters,
        "#1\tAnnotatorNotes T1\tdehumanising",
        "A1\ttarget-type T1 group",
        "A2\tpolarity T3 negative",
        "R1\tAgent Arg1:T1 Arg2:T4",
        "E1\tloaded-term:T3 Agent:T1",
        "N1\tReference T4 Wikipedia:534366\tProtest",
        "*\tEquiv T1 T4",
    ]


def got(project: Project) -> list[tuple]:
    return sorted((s.label, doc.text[s.start:s.end], s.note, s.attributes)
                  for doc, spans in project.iter_spans() for s in spans)


def test_brat_files_over_crlf_text_import_on_the_right_characters(project: Project, tmp_path: Path) -> None:
    ann = brat_doc(tmp_path / "brat", standard_ann())
    report = import_files(project, [ann], annotator="x")
    assert project.document(1).text == TEXT
    assert got(project) == [
        ("labeling", "peaceful protesters", "", {}),
        ("labeling", "thugs", "dehumanising", {"target-type": "group"}),
        ("loaded-term", "attacked", "", {"polarity": "negative"}),
        ("loaded-term", "regime", "", {}),
        ("loaded-term", "thugs", "", {}),
    ]
    notes = " ".join(report.notes)
    assert "1 discontinuous brat spans were imported as one span per fragment" in notes
    assert "riot.ann:2 (T2, 2 fragments)" in notes
    assert "equivalences (1), events (1), normalizations (1), relations (1)" in notes


def test_ann_counting_crlf_as_one_character_is_converted_and_reported(
        project: Project, tmp_path: Path) -> None:
    lf = TEXT.replace("\r\n", "\n")  # how brat on Python 3 (text mode) sees the file
    thugs, protesters = lf.index("thugs"), lf.index("protesters")
    ann = brat_doc(tmp_path / "brat", ["T1\tlabeling %d %d\tthugs" % (thugs, thugs + 5),
                                       "T2\tlabeling %d %d\tprotesters" % (protesters, protesters + 10)])
    report = import_files(project, [ann], annotator="x")
    assert got(project) == [("labeling", "protesters", "", {}), ("labeling", "thugs", "", {})]
    assert any("1 .ann files count a CRLF line break as one character" in n and "riot.ann" in n
               for n in report.notes)


def test_a_folder_of_brat_documents(project: Project, tmp_path: Path) -> None:
    brat_doc(tmp_path / "brat", standard_ann(), "a")
    (tmp_path / "brat" / "b.txt").write_text("Other text", encoding="utf-8")
    (tmp_path / "brat" / "b.ann").write_text("", encoding="utf-8")
    report = import_files(project, [tmp_path / "brat"], format_name="brat", annotator="x")
    assert report.documents_added == 2 and report.spans_added == 5


@pytest.mark.parametrize("line, message", [
    ("T9\tlabeling 28 33\tthug", "the .ann says 'thug' but the .txt has 'thugs'"),
    ("T9\tlabeling 27 32\tthugs", "but the .txt has"),  # CRLF counted as one: refused
    ("T9\tlabeling 28 999\tthugs", "outside the .txt"),
    ("T9\tlabeling 28-33\tthugs", "START END"),
    ("Q1\tnonsense", "not a brat annotation line"),
    ("T1\tlabeling 28 33\tthugs", "T1 is defined twice"),
])
def test_bad_ann_lines_import_nothing_and_name_file_and_line(
        project: Project, tmp_path: Path, line: str, message: str) -> None:
    ann = brat_doc(tmp_path / "brat", standard_ann()[:4] + [line])
    with pytest.raises(FormatError) as caught:
        import_files(project, [ann], annotator="x")
    assert f"{ann}:5" in str(caught.value) and message in str(caught.value)
    assert project.document_count() == 0


def test_export_then_import_then_export_is_the_same(project: Project, tmp_path: Path) -> None:
    thugs = TRICKY.index("«thugs»")
    write_jsonl(tmp_path / "seed.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": thugs, "end": thugs + 7, "label": "labeling", "annotator": "ana",
         "note": "slur", "attributes": {"target-type": "group"}},
        {"start": 0, "end": 9, "label": "scare-quotes", "annotator": "ana",
         "attributes": {"attributed": True}},
        {"start": 6, "end": 13, "label": "loaded-term", "annotator": "ana"}]},
        {"id": "../evil name", "text": "Second\r\ndocument"})
    import_files(project, [tmp_path / "seed.jsonl"], annotator="x")
    out = tmp_path / "out"
    report = export(project, "brat", out)
    assert sorted(p.name for p in out.iterdir()) == ["annotation.conf", "doc2.ann", "doc2.txt",
                                                    "file-names.csv", "t1.ann", "t1.txt"]
    assert (out / "file-names.csv").read_bytes() == b"document_id,file_stem\r\n../evil name,doc2\r\n"
    assert any("'../evil name' -> doc2" in note for note in report.notes)
    assert (out / "t1.txt").read_bytes() == TRICKY.encode("utf-8")
    assert "T2\tloaded-term 6 13\t🙂    Th\n" in (out / "t1.ann").read_text(encoding="utf-8")
    conf = (out / "annotation.conf").read_text()
    assert "[entities]\nloaded-term\n" in conf and "target-type\tArg:labeling, Value:person|" in conf
    with Project.create(tmp_path / "second.annotator", project.scheme) as second:
        import_files(second, [out], format_name="brat", annotator="ana")
        assert got(second) == got(project)
        again = tmp_path / "again"
        export(second, "brat", again)
    for name in ("t1.ann", "t1.txt", "doc2.txt", "annotation.conf"):
        assert (again / name).read_bytes() == (out / name).read_bytes()


@given(st.lists(st.sampled_from(["a", "\r\n", "\r", "\n", "🙂", "e\u0301", " "]), max_size=20)
       .map("".join))
def test_lf_view_maps_back_to_the_stored_characters(text: str) -> None:
    view = OffsetMap.lf(text)
    assert view.view_text == text.replace("\r\n", "\n")
    for i, char in enumerate(view.view_text):
        at = view.to_codepoint(i)
        assert text[at:at + 2] == "\r\n" if char == "\n" and text[at] == "\r" else text[at] == char
        assert view.to_view(at) == i
    assert view.to_codepoint(len(view.view_text)) == len(text)
