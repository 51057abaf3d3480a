"""Every ``annotator ...`` example in the README runs as written (issue 16, item 7).

The examples run in order in one temporary folder, each through the installed
command's entry point (``ui.cli.main``) in this process; ``gui --screenshot``
runs in a child process (it starts Qt's offscreen platform itself), other
``gui`` lines and lines of other programs (pip, python -m spacy, apt-get) are
left out. The test first puts there what the README supposes the reader has:
``articles/`` (text files), ``more.jsonl`` (document a1 with ana's and bob's
spans), ``mine.txt`` (a lexicon) and ``colleague.annotator`` (a colleague's
project); before ``backup --restore NAME`` it names the newest backup NAME,
as ``backup --list`` would show it.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.backups import backup_folder
from annotator.domain import IncomingDocument
from annotator.project import Project
from annotator.schemes import resolve_scheme
from ui.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
TEXT = ("Council rams through towers\n\nThe regime slammed the plan on Monday. Everyone knows "
        "the council was bought by developers. The towers will drive up rents across the "
        "whole district. Critics say the mayor lied, but the ministry has stayed silent.")


def examples() -> list[list[str]]:
    """The README's ``annotator`` command lines, as argument lists, in order."""
    found = []
    for block in BLOCK.findall(README.read_text(encoding="utf-8")):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "annotator":
                found.append(words[1:])
    return found


def at(word: str) -> dict[str, int]:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word)}


def inputs(folder: Path) -> None:
    (folder / "articles").mkdir()
    (folder / "articles" / "b1.txt").write_text(
        "Mayor defends plan\n\nThe mayor said the vote was fair and the regime of rules clear.",
        encoding="utf-8")
    (folder / "articles" / "b2.txt").write_text(
        "Rents rise\n\nRents rose by 4 percent, a flood of complaints followed.", encoding="utf-8")
    spans = [{**at("regime"), "label": "loaded-term"}, {**at("slammed"), "label": "loaded-term"},
             {**at("The towers will drive up rents across the whole district"),
              "label": "unsupported-claim"},
             {**at("regime"), "label": "loaded-term", "annotator": "bob"},
             {**at("slammed the plan"), "label": "loaded-term", "annotator": "bob"}]
    (folder / "more.jsonl").write_text(json.dumps(
        {"id": "a1", "title": "Council rams through towers", "text": TEXT,
         "meta": {"outlet": "Daily Post", "date": "2026-05-04"}, "spans": spans}) + "\n",
        encoding="utf-8")
    (folder / "mine.txt").write_text("rams through\tloaded-term\n", encoding="utf-8")
    with Project.create(folder / "colleague.annotator", resolve_scheme("media-bias")) as theirs:
        theirs.import_documents([IncomingDocument(text=TEXT, source="c", external_id="a1")],
                                annotator="carol")
        theirs.add_span(1, "carol", "loaded-term", at("slammed")["start"], at("slammed")["end"])


def test_the_readme_has_the_examples_a_reader_follows() -> None:
    commands = [args[0] for args in examples()]
    assert {"init", "import", "export", "merge", "agreement", "adjudicate", "suggest", "stats",
            "report", "check", "backup", "gui"} <= set(commands)


@pytest.mark.slow
def test_every_readme_example_runs_as_written(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    inputs(tmp_path)
    for args in examples():
        if args[0] == "gui":
            if "--screenshot" in args:
                done = subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=tmp_path,
                                      capture_output=True, text=True, timeout=180)
                assert done.returncode == 0, (args, done.stderr)
                target = tmp_path / args[args.index("--screenshot") + 1]
                assert target.read_bytes()[:4] == b"\x89PNG"
            continue
        if "--restore" in args:
            name = args[args.index("--restore") + 1]
            folder = backup_folder(tmp_path / args[args.index("--project") + 1])
            newest = max(folder.glob("*.annotator"), key=lambda p: p.name)
            newest.rename(folder / name)
        code = main(args)
        out, err = capsys.readouterr()
        assert code == 0, (args, out, err)
    assert (tmp_path / "spans.csv").read_text(encoding="utf-8").count("loaded-term") >= 2
    assert "loaded-term" in (tmp_path / "gold.csv").read_text(encoding="utf-8")
    assert (tmp_path / "report.html").exists() and (tmp_path / "train.spacy").exists()
