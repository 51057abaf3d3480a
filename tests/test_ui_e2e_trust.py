"""Issue 9's six steps as a new user takes them under a real X server: the Open
dialog shown on the project's folder, CLI runs beside the window, a word
tagged with the mouse. The project stays healthy and the CLI sees every edit."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from annotator.domain import IncomingDocument
from annotator.project import Project
from annotator.schemes import resolve_scheme
from xserver import ROOT, geometry, needs_x, poll, running_app, xdotool

pytestmark = needs_x
WORD = "Antidisestablishmentarianism"  # long words: a click rarely lands on a space


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"annotator {' '.join(args)}: {done.stderr.strip()}"
    return done.stdout


def exported_spans(env: dict[str, str], path: Path) -> list[tuple[str, str, str]]:
    """(document title, label, covered text) of every span, as ``annotator export`` sees them."""
    records = [json.loads(line) for line in
               cli(env, "export", "--format", "jsonl", "-o", "-", "--project", str(path)).splitlines()]
    return [(r["title"], s["label"], r["text"][s["start"]:s["end"]])
            for r in records for s in r["spans"]]


def test_open_dialog_and_cli_beside_the_window_leave_a_healthy_project(tmp_path):
    path = tmp_path / "trust.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([IncomingDocument(text=" ".join([WORD] * 400), source="t",
                                                   title="Long words")], annotator="alice")
    article = tmp_path / "x.txt"
    article.write_text("Officials slammed the reckless plan.\n", encoding="utf-8")
    with running_app(tmp_path, path, "alice") as (app, env, window):
        x0, y0, width, height = geometry(env, window)
        xdotool(env, "mousemove", str(x0 + width // 2), str(y0 + height // 2), "click", "1")
        # (a click gives the window the keyboard)
        time.sleep(0.5)
        xdotool(env, "key", "ctrl+o")  # step 2: the dialog opens on the project's own folder
        dialog = poll(lambda: xdotool(env, "search", "--onlyvisible", "--name", "^Open project$"), 10)
        assert dialog, "the Open project dialog did not appear"
        time.sleep(2)  # it lists the folder: sizes, types and icons of the project and its -wal, -shm
        xdotool(env, "key", "Escape")
        assert poll(lambda: not xdotool(env, "search", "--onlyvisible", "--name", "^Open project$"), 10)

        cli(env, "stats", "--project", str(path))  # step 3: a CLI run opens and closes the project
        spans = []
        for attempt in range(6):  # step 4: tag a word; a click may land between words: retry
            xdotool(env, "mousemove", "--sync", str(x0 + width // 2 + attempt * 11),
                    str(y0 + height // 3 + attempt * 7))
            xdotool(env, "click", "--repeat", "2", "--delay", "60", "1")
            time.sleep(0.3)
            xdotool(env, "key", "1")
            time.sleep(0.5)
            spans = exported_spans(env, path)
            if spans:
                break
        assert spans == [("Long words", "loaded-term", WORD)], "the CLI does not see the window's span"

        cli(env, "import", str(article), "--project", str(path))  # step 5, then quit the window
        xdotool(env, "key", "ctrl+q")
        assert app.wait(15) == 0

    with sqlite3.connect(path) as db:  # step 6: a healthy project with every edit in it
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stats = json.loads(cli(env, "stats", "--json", "--project", str(path)))
    assert (stats["documents"], stats["spans"]) == (2, 1)
    assert exported_spans(env, path) == [("Long words", "loaded-term", WORD)]
