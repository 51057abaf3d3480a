"""Importing articles and exporting spans, as an analyst would use them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotator.domain import SpanFilter
from annotator.errors import FormatError
from annotator.formats import WriteOptions, export, import_files
from annotator.project import Project, text_sha256
from tests.conftest import TRICKY, write_jsonl


def spans_of(project: Project) -> list[tuple[str, str, int, int, str]]:
    return [(doc.key, s.label, s.start, s.end, doc.text[s.start:s.end])
            for doc, spans in project.iter_spans() for s in spans]


def test_jsonl_spans_keep_code_point_offsets_on_tricky_text(project: Project, tmp_path: Path) -> None:
    start = TRICKY.index("thugs")
    claim = TRICKY.index("民主")
    path = write_jsonl(tmp_path / "a.jsonl", {"id": "t1", "text": TRICKY, "spans": [
        {"start": start, "end": start + 5, "label": "loaded-term", "annotator": "ana"},
        {"start": claim, "end": claim + 2, "label": "unsupported-claim"},
    ]})
    report = import_files(project, [path], annotator="bob")
    assert (report.documents_added, report.spans_added) == (1, 2)
    assert spans_of(project) == [("t1", "loaded-term", start, start + 5, "thugs"),
                                 ("t1", "unsupported-claim", claim, claim + 2, "民主")]
    assert project.document(1).text == TRICKY  # CRLF, NBSP, combining mark kept
    assert sorted(project.annotators()) == ["ana", "bob"]


def test_txt_folder_takes_title_line_and_keeps_crlf(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article111.txt").write_bytes(TRICKY.encode("utf-8"))
    (folder / "article222.txt").write_bytes(b"\xef\xbb\xbfNo title here\nsecond line")
    report = import_files(project, [folder], annotator="ana")
    assert report.documents_added == 2
    docs = list(project.documents())
    assert [(d.external_id, d.title) for d in docs] == [("article111", "Title 🙂"),
                                                        ("article222", "article222")]
    assert docs[0].text == TRICKY and docs[1].text == "No title here\nsecond line"  # BOM dropped


def test_other_encodings_are_detected_and_reported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Élection\n\nLe régime a déclaré que les élections étaient truquées.".encode("cp1252"))
    report = import_files(project, [path], annotator="ana")
    assert project.document(1).text.startswith("Élection")
    assert any("decoded as" in note for note in report.notes)


def test_csv_articles_with_metadata_columns(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,title,outlet,text,section\nx1,Hello,Daily,"Line one\r\nline, two",world\n',
                    encoding="utf-8", newline="")
    import_files(project, [path], annotator="ana")
    doc = project.find_document("x1")
    assert doc and (doc.title, doc.outlet, doc.text, doc.meta) == (
        "Hello", "Daily", "Line one\r\nline, two", {"section": "world"})


@pytest.mark.parametrize("record, message", [
    ("{not json", "not valid JSON"),
    ('{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "loaded-term"}]}', "outside the text"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "nonsense"}]}', "not in the scheme"),
    ('{"text": "abc", "spans": [{"start": "0", "end": 2, "label": "loaded-term"}]}', "integer"),
    ('{"text": "abc", "meta": {"sha256": "00"}}', "SHA-256"),
])
def test_a_bad_line_anywhere_imports_nothing_and_names_file_and_line(
        project: Project, tmp_path: Path, record: str, message: str) -> None:
    good = tmp_path / "good.jsonl"
    write_jsonl(good, {"text": "fine article"})
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "first"}\n\n' + record + "\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        import_files(project, [good, bad], annotator="ana")
    assert f"{bad}:3" in str(caught.value) and message in str(caught.value)
    assert project.document_count() == 0


def test_same_text_twice_attaches_spans_without_duplicates(project: Project, tmp_path: Path) -> None:
    text = "The regime lied."
    write_jsonl(tmp_path / "a.jsonl", {"id": "d", "text": text, "spans": [
        {"start": 4, "end": 10, "label": "loaded-term", "annotator": "ana"}]})
    write_jsonl(tmp_path / "b.jsonl", {"id": "other-id", "text": text, "spans": [
        {"start": 4, "end": 10, "label": "loaded-term", "annotator": "ana"},
        {"start": 0, "end": 16, "label": "unsupported-claim", "annotator": "bob"}]})
    import_files(project, [tmp_path / "a.jsonl"], annotator="x")
    report = import_files(project, [tmp_path / "b.jsonl"], annotator="x")
    assert (report.documents_added, report.documents_existing) == (0, 1)
    assert (report.spans_added, report.spans_duplicate) == (1, 1)
    assert project.document_count() == 1 and len(project.spans(1)) == 2


def test_jsonl_export_import_export_is_the_identity(project: Project, tmp_path: Path) -> None:
    start = TRICKY.index("regime")
    write_jsonl(tmp_path / "in.jsonl", {"id": "t", "title": "T", "text": TRICKY,
                                        "meta": {"outlet": "Daily", "section": "world"},
                                        "spans": [{"start": start, "end": start + 6,
                                                   "label": "loaded-term", "annotator": "ana",
                                                   "note": "n", "attributes": {"polarity": "negative"}}]})
    import_files(project, [tmp_path / "in.jsonl"], annotator="x")
    project.set_document_label(1, "ana", "overall-slant", "right")
    first = tmp_path / "first.jsonl"
    export(project, "jsonl", first)
    with Project.create(tmp_path / "second.annotator", project.scheme) as second:
        import_files(second, [first], annotator="nobody")
        again = tmp_path / "again.jsonl"
        export(second, "jsonl", again)
    assert again.read_bytes() == first.read_bytes()
    record = json.loads(first.read_text(encoding="utf-8"))
    assert record["meta"]["sha256"] == text_sha256(TRICKY)
    assert record["document_labels"] == {"ana": {"overall-slant": "right"}}


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_csv_export_has_exact_text_sentence_and_neutralized_formulas(project: Project, tmp_path: Path) -> None:
    text = "Calm intro.\r\nThe 🙂 regime =SUM(A1) lied, said nobody. Next one."
    r, f = text.index("regime"), text.index("=SUM")
    write_jsonl(tmp_path / "in.jsonl", {"id": "-d1", "text": text, "spans": [
        {"start": r, "end": r + 6, "label": "loaded-term", "annotator": "ana", "note": "+note"},
        {"start": f, "end": f + 7, "label": "unsupported-claim", "annotator": "bob"}]})
    import_files(project, [tmp_path / "in.jsonl"], annotator="x")
    out = tmp_path / "out.csv"
    export(project, "csv", out)
    rows = read_csv(out)
    assert list(rows[0]) == ["doc_id", "doc_title", "annotator", "label", "start", "end", "text",
                             "note", "attributes", "origin", "created_at", "updated_at", "sentence",
                             "provenance", "doc_outlet", "doc_author", "doc_date", "doc_url",
                             "doc_language"]
    assert [(x["label"], int(x["start"]), int(x["end"]), x["text"]) for x in rows] == [
        ("loaded-term", r, r + 6, "regime"), ("unsupported-claim", f, f + 7, "'=SUM(A1")]
    assert rows[0]["doc_id"] == "'-d1" and rows[0]["note"] == "'+note"
    assert rows[0]["sentence"] == "The 🙂 regime =SUM(A1) lied, said nobody."
    export(project, "csv", out, WriteOptions(neutralize_formulas=False,
                                             where=SpanFilter(annotators=("bob",))))
    rows = read_csv(out)
    assert [(x["annotator"], x["text"]) for x in rows] == [("bob", "=SUM(A1")]
