"""Quitting: Ctrl+Q ends the process at once, even while suggestions are being
computed, and every edit made before it is in the project file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from annotator.project import Project
from annotator.schemes import resolve_scheme
from ui_support import add_documents

ROOT = Path(__file__).resolve().parent.parent

# In the app's process: suggestions take a minute; once the article shows,
# tag its first word with the first label, then Ctrl+Q's action.
PRELUDE = """
import time
from PySide6.QtCore import QTimer
import annotator.suggest as suggest
real = suggest.engine
suggest.engine = lambda project: (time.sleep(60), real(project))[1]
import ui.window
start = ui.window.MainWindow.start
def tag_then_quit(window):
    window.article.select_codepoints(0, 3)
    window.apply_label(window.project.scheme.labels[0].key)
    next(a for a in window.actions() if a.text() == "&Quit").trigger()  # File > Quit, Ctrl+Q
def started(self, key=None):
    start(self, key)
    QTimer.singleShot(500, lambda: tag_then_quit(self))
ui.window.MainWindow.start = started
"""


def test_quitting_does_not_wait_for_suggestions_and_keeps_the_edit(tmp_path):
    path = tmp_path / "quit.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        add_documents(project, "The regime said so.")
    config = tmp_path / "config" / "media-bias-annotator"
    config.mkdir(parents=True)
    (config / "annotator.ini").write_text("[General]\nannotator=alice\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    code = f"{PRELUDE}\nfrom ui.cli import main\nraise SystemExit(main(['gui', '--project', {str(path)!r}]))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=40)  # a minute if the suggestion worker held the exit
    assert done.returncode == 0, done.stderr[-2000:]
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute('SELECT start, "end" FROM span').fetchall()
    finally:
        conn.close()
    assert rows == [(0, 3)]
