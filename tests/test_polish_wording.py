"""Counts read as English: "1 document", "2 documents" (issue 16, item 5)."""

from __future__ import annotations

from pathlib import Path

from annotator.cli import main
from annotator.domain import ImportReport
from annotator.merge import MergeReport
from annotator.wording import plural


def test_plural_agrees_with_the_number() -> None:
    assert [plural(n, "document") for n in (0, 1, 2)] == ["0 documents", "1 document",
                                                          "2 documents"]
    assert plural(3, "match") == "3 matches"


def test_reports_say_one_document_not_one_documents() -> None:
    merged = MergeReport(source="x", documents_by_sha256=1, spans_added=1).summary()
    assert merged.startswith("1 document matched (1 by text, 0 by id)") and "1 span added" in merged
    imported = ImportReport(documents_added=1, spans_added=2).summary()
    assert imported == "1 document added, 2 spans added"


def test_init_names_the_labels_in_the_right_number(tmp_path: Path, capsys) -> None:
    scheme = tmp_path / "one.toml"
    scheme.write_text('[scheme]\nname="one"\n[[labels]]\nkey="spin"\ncolor="#E69F00"\n',
                      encoding="utf-8")
    assert main(["init", str(tmp_path / "p.annotator"), "--scheme", str(scheme)]) == 0
    assert "(1 label)" in capsys.readouterr().out


def test_the_verb_agrees_too(tmp_path: Path, capsys) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text('{"text": "A text.", "spans": [{"start": 0, "end": 1, "label": "spin"}]}\n',
                    encoding="utf-8")
    main(["init", str(tmp_path / "p.annotator")])
    capsys.readouterr()
    assert main(["import", "--project", str(tmp_path / "p.annotator"), str(data),
                 "--annotator", "ana"]) == 1
    assert "1 label is not in the scheme 'media-bias'" in capsys.readouterr().err
