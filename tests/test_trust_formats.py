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
