"""Start-up stays light: parsing the command line and building the window
pull in neither spaCy (seconds) nor SQLAlchemy (loaded once the window shows),
nor srsly or NumPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_and_window_modules_load_neither_spacy_nor_sqlalchemy_nor_numpy():
    code = ("import sys, annotator.cli, ui.cli, ui.app, ui.window; "
            "annotator.cli.build_parser(ui.cli.COMMAND_MODULES); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc', 'sqlalchemy', 'srsly', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_window_has_the_bundled_icon(qtbot):
    from ui.app import application

    assert not application().windowIcon().pixmap(64, 64).isNull()
