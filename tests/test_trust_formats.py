"""Input and output a user cannot be hurt by: CSV cells never run as formulas,
import errors name file and line, folder exports have safe file names, legacy
encodings are read right."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator.agreement import measure, write_csv
from annotator.cli import main
from annotator.domain import IncomingDocument
from annotator.formats.csv import neutralize
from annotator.project import Project

EVIL = "=cmd|' /C calc'!A0"


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1",
                                  "\n=1+1", "\u3000=1", "\uff1d1+1", "\uff0b1", "\uff0d1",
                                  "\uff20SUM(A1)", " \uff1d1"])
def test_cells_a_spreadsheet_would_run_are_neutralized(cell: str) -> None:
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "plain", "a=b", "1-2", " x", "'=quoted"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralize(cell) == cell


def two_annotators(project: Project, first: str, second: str) -> None:
    project.import_documents([IncomingDocument(text="The regime lied again.", source="x",
                                               external_id="d1")], annotator=first)
    project.add_span(1, first, "loaded-term", 4, 10)
    project.set_status(1, second, "done")  # read it and marked nothing


def test_agreement_csv_neutralizes_an_annotator_name_in_the_reason(project: Project,
                                                                   project_path: Path,
                                                                   capsys) -> None:
    two_annotators(project, "ana", EVIL)
    project.close()
    assert main(["agreement", "--project", str(project_path), "--annotators", "ana", EVIL,
                 "--csv"]) == 0
    rows = rows_of(capsys.readouterr().out)
    reasons = {r["reason"] for r in rows if r["reason"]}
    assert any(EVIL in r for r in reasons)
    text_cells = [cell for r in rows for k, cell in r.items() if k != "value"]
    assert not [c for c in text_cells if c != neutralize(c)]
    assert f"'{EVIL} marked no span" in reasons


def test_agreement_csv_keeps_negative_values_as_numbers(project: Project, tmp_path: Path) -> None:
    two_annotators(project, "ana", "bob")
    project.add_span(1, "bob", "loaded-term", 11, 15)
    result = measure(project, ["ana", "bob"])
    target = tmp_path / "agreement.csv"
    write_csv(result, target)
    values = [r["value"] for r in rows_of(target.read_text(encoding="utf-8")) if r["value"]]
    assert values and all(float(v) == float(v) for v in values)  # no "'" in front
    assert any(v.startswith("-") for v in values)  # kappa below chance here


def test_span_csv_neutralizes_every_text_cell_and_keep_formulas_keeps_them(
        project: Project, tmp_path: Path) -> None:
    from annotator.formats import WriteOptions, export

    project.import_documents([IncomingDocument(text="\uff1dHYPERLINK(x) lied.", source="x",
                                               external_id=" =d1")], annotator="ana")
    project.add_span(1, EVIL, "loaded-term", 0, 13, note=" @note")
    out = tmp_path / "spans.csv"
    export(project, "csv", out)
    (row,) = rows_of(out.read_text(encoding="utf-8"))
    assert (row["doc_id"], row["annotator"], row["text"], row["note"], row["start"]) == \
        ("' =d1", "'" + EVIL, "'\uff1dHYPERLINK(x)", "' @note", "0")
    export(project, "csv", out, WriteOptions(neutralize_formulas=False))
    (row,) = rows_of(out.read_text(encoding="utf-8"))
    assert (row["doc_id"], row["annotator"], row["note"]) == (" =d1", EVIL, " @note")


# -- import errors name file and line ------------------------------------------------

DEEP = "[" * 1000 + "]" * 1000
LONG = "1" * 4400


def cli_import(project_path: Path, *args: str) -> tuple[int, str]:
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["import", "--project", str(project_path), *args])
    return code, err.getvalue()


def one_error(code: int, err: str, where: str, what: str) -> None:
    assert code == 1
    (line,) = err.strip().splitlines()
    assert f"{where}:" in line and what in line and "internal error" not in line, line


@pytest.mark.parametrize("fmt, name, content, line, what", [
    ("jsonl", "a.jsonl", '{"text": "ok"}\n{"text": "x", "meta": {"a": %s}}\n' % DEEP, 2,
     "nested too deeply"),
    ("jsonl", "a.jsonl", '{"text": "abc", "spans": [{"start": %s, "end": 2}]}\n' % LONG, 1,
     "more than 4300 digits"),
    ("doccano", "a.doccano.jsonl", '\n{"text": "abc", "label": [[0, %s, "x"]]}\n' % LONG, 2,
     "more than 4300 digits"),
    ("labelstudio", "a.json", '[\n{"data": {"text": "abc"}},\n%s]' % DEEP, 3, "nested too deeply"),
    ("labelstudio", "a.json", '[\n\n{"id": %s}]' % LONG, 3, "more than 4300 digits"),
    ("w3c", "a.jsonld", '{"items":\n%s}' % DEEP, 2, "nested too deeply"),
])
def test_hostile_json_is_an_error_naming_file_and_line(project: Project, project_path: Path,
                                                       tmp_path: Path, fmt: str, name: str,
                                                       content: str, line: int, what: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    project.close()
    one_error(*cli_import(project_path, "--format", fmt, str(path)), f"{path}:{line}", what)


def test_brat_offsets_of_thousands_of_digits_are_an_error(project: Project, project_path: Path,
                                                          tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("The regime lied.", encoding="utf-8")
    (tmp_path / "a.ann").write_text(f"T1\tloaded-term 4 {LONG}\tregime\n", encoding="utf-8")
    project.close()
    one_error(*cli_import(project_path, "--format", "brat", str(tmp_path)),
              f"{tmp_path / 'a.ann'}:1", "offsets")


def docbin_message() -> dict:
    import zlib

    import spacy
    import srsly
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    bin_ = DocBin(store_user_data=True)
    for text, end in (("The regime lied.", 10), ("The thugs came.", 9)):
        doc = nlp(text)
        doc.spans["sc"] = [doc.char_span(4, end, label="loaded-term")]
        doc.user_data["external_id"] = text[4:8]
        bin_.add(doc)
    return srsly.msgpack_loads(zlib.decompress(bin_.to_bytes()))


def damage_strings(msg: dict) -> None:
    msg["strings"] = [s for s in msg["strings"] if s != "loaded-term"]


def damage_user_data(msg: dict) -> None:
    msg["user_data"][1] = b"\xc1\xc1\xc1"


def damage_spans(msg: dict) -> None:
    msg["span_groups"][1] = msg["span_groups"][1][:-3]


@pytest.mark.parametrize("damage", [damage_strings, damage_user_data,
                                    damage_spans])
def test_damaged_docbin_contents_are_an_error_naming_the_file(project: Project,
                                                              project_path: Path,
                                                              tmp_path: Path, damage) -> None:
    import zlib

    import srsly

    msg = docbin_message()
    damage(msg)
    path = tmp_path / "damaged.spacy"
    path.write_bytes(zlib.compress(srsly.msgpack_dumps(msg)))
    project.close()
    code, err = cli_import(project_path, str(path))
    one_error(code, err, str(path), "DocBin")
    with Project.open(project_path) as p:
        assert p.document_count() == 0


def test_an_invalid_label_key_with_add_labels_names_file_and_line(project: Project,
                                                                  project_path: Path,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "abc def"}\n{"text": "abc def", "spans": [{"start": 0, "end": 3, '
                    '"label": "loaded-term "}]}\n', encoding="utf-8")
    project.close()
    one_error(*cli_import(project_path, "--add-labels", str(path)), f"{path}:2",
              "'loaded-term ': not a valid label key")
