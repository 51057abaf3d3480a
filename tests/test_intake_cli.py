"""The command line: import a URL, list, edit and remove documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from intake_support import NEWS_PAGE, Reply, serving

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_url_then_list_edit_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.annotator")
    assert run(capsys, "init", project)[0] == 0
    with serving({"/news": Reply(NEWS_PAGE.encode())}) as base:
        code, out, _ = run(capsys, "import", "--project", project, f"{base}/news")
    assert code == 0 and "1 document added" in out
    code, out, _ = run(capsys, "documents", "--project", project, "--json")
    (record,) = json.loads(out)
    assert (record["title"], record["outlet"], record["author"], record["date"]) == (
        "Senate passes climate bill", "Daily Planet", "Lois Lane", "2024-03-05")
    code, out, _ = run(capsys, "documents", "edit", record["id"], "--project", project,
                       "--title", "Climate bill clears Senate", "--outlet", "")
    assert code == 0
    code, out, _ = run(capsys, "documents", "--project", project)
    assert out.startswith(f"{record['id']}\tClimate bill clears Senate\tLois Lane")
    code, _, err = run(capsys, "documents", "edit", record["id"], "--project", project,
                       "--date", "2024-13-01")
    assert code == 1 and "is not YYYY" in err
    code, out, _ = run(capsys, "documents", "remove", record["id"], "--project", project)
    assert code == 0 and "with 0 spans" in out
    assert run(capsys, "documents", "--project", project, "--json")[1].strip() == "[]"


def test_a_bad_url_is_one_line_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = str(tmp_path / "p.annotator")
    run(capsys, "init", project)
    with serving({}) as base:
        code, _, err = run(capsys, "import", "--project", project, f"{base}/gone")
    assert code == 1
    assert err.strip() == f"annotator: error: {base}/gone: the server answered 404 Not Found"
