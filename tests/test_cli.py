"""The command line as scripts use it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TRICKY, write_jsonl


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "annotator.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, env={**os.environ})


def test_init_import_export_stats_on_tricky_text(tmp_path: Path) -> None:
    project = str(tmp_path / "p.annotator")
    assert cli("init", project).returncode == 0
    start = TRICKY.index("regime")
    data = write_jsonl(tmp_path / "in.jsonl", {"id": "t", "text": TRICKY, "spans": [
        {"start": start, "end": start + 6, "label": "loaded-term"}]})
    run = cli("import", "--project", project, str(data), "--annotator", "ana")
    assert run.returncode == 0, run.stderr
    assert "1 document added" in run.stdout and "1 span added" in run.stdout
    run = cli("export", "--project", project, "--format", "csv", "--annotator", "ana")
    rows = list(csv.DictReader(io.StringIO(run.stdout, newline="")))
    assert [(r["annotator"], int(r["start"]), r["text"]) for r in rows] == [("ana", start, "regime")]
    stats = json.loads(cli("stats", "--project", project, "--json").stdout)
    assert stats["spans_per_label"] == {"loaded-term": 1}
    assert stats["progress"]["ana"]["in_progress"] == 1


def test_export_to_a_file_and_filters(tmp_path: Path) -> None:
    project = str(tmp_path / "p.annotator")
    cli("init", project)
    data = write_jsonl(tmp_path / "in.jsonl", {"text": "The regime said so.", "spans": [
        {"start": 4, "end": 10, "label": "loaded-term", "annotator": "ana"},
        {"start": 0, "end": 19, "label": "unsupported-claim", "annotator": "bob"}]})
    cli("import", "--project", project, str(data))
    out = tmp_path / "o.jsonl"
    run = cli("export", "--project", project, "--format", "jsonl", "-o", str(out),
              "--label", "unsupported-claim")
    assert run.returncode == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [s["annotator"] for s in record["spans"]] == ["bob"]


@pytest.mark.parametrize("args, message", [
    (("import", "{project}", "{bad}"), "bad.jsonl:2: not valid JSON"),
    (("import", "{project}", "{missing}"), "missing.txt: no such file or folder"),
    (("export", "{project}", "--format", "csv", "--label", "nope"), "no label 'nope'"),
    (("stats", "{notaproject}"), "not a project file"),
    (("init", "{other}", "--scheme", "no-such-scheme"), "no scheme named 'no-such-scheme'"),
])
def test_bad_input_is_one_line_exit_1_and_changes_nothing(tmp_path: Path, args: tuple[str, ...],
                                                          message: str) -> None:
    project = tmp_path / "p.annotator"
    cli("init", str(project))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    junk = tmp_path / "junk.annotator"
    junk.write_text("hello", encoding="utf-8")
    values = {"project": f"--project={project}", "bad": str(bad),
              "missing": str(tmp_path / "missing.txt"), "notaproject": f"--project={junk}",
              "other": str(tmp_path / "other.annotator")}
    before = project.read_bytes()
    run = cli(*(a.format(**values) for a in args))
    assert run.returncode == 1
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr
    assert project.read_bytes() == before
    assert not (tmp_path / "other.annotator").exists()


def test_usage_errors_exit_2_and_every_command_has_help() -> None:
    assert cli("export").returncode == 2
    for command in ("init", "import", "export", "stats", "schemes"):
        run = cli(command, "--help")
        assert run.returncode == 0 and "usage:" in run.stdout
    run = subprocess.run([sys.executable, "-m", "ui.cli", "gui", "--help"], capture_output=True,
                         text=True)
    assert run.returncode == 0 and "--screenshot" in run.stdout


def test_schemes_lists_the_bundled_schemes() -> None:
    out = cli("schemes").stdout
    for name in ("media-bias (default)", "semeval2020-propaganda", "semeval2023-persuasion",
                 "media-frames", "loaded-term", "Name_Calling,Labeling"):
        assert name in out
