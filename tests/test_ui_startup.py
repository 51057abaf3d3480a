"""Start-up stays light: parsing the command line and building the window
pull in neither spaCy (seconds) nor SQLAlchemy (loaded once the window shows),
nor srsly or NumPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent


def test_cli_and_window_modules_load_neither_spacy_nor_sqlalchemy_nor_numpy():
    code = ("import sys, annotator.cli, annotator.firstscreen, ui.cli, ui.app, ui.window; "
            "annotator.cli.build_parser(ui.cli.COMMAND_MODULES); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc', 'sqlalchemy', 'srsly', 'numpy'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_window_has_the_bundled_icon(qtbot):
    from ui.app import application

    assert not application().windowIcon().pixmap(64, 64).isNull()


def test_the_last_article_shows_with_its_spans_before_the_project_opens(qtbot, tmp_path, settings_dir):
    import argparse

    from annotator.project import Project
    from annotator.schemes import resolve_scheme
    from ui import startup
    from ui.settings import open_settings, project_key
    from ui.window import MainWindow
    from ui_support import ANNOTATOR, add_documents

    path = tmp_path / "p.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        first, second = add_documents(project, "First article.", "The regime 🙂 said so.\r\nIt did.")
        project.add_span(second, ANNOTATOR, "loaded-term", 4, 10)
        project.add_span(second, "someone-else", "loaded-term", 0, 3)
    settings = open_settings()
    settings.setValue(f"{project_key(str(path))}/document", second)
    window = MainWindow(settings, ANNOTATOR)
    qtbot.addWidget(window)
    args = argparse.Namespace(project=str(path), db=None, doc=None)
    assert startup.preview(window, args, settings)
    assert window.article.offsets.text == "The regime 🙂 said so.\r\nIt did."
    assert [(s.span.start, s.span.end, s.own) for s in window.article.shown] == [(4, 10, True)]
    assert window.article.toPlainText()[4:10] == "regime"
    assert "Doc 1" in window.title.text()
    assert window.project is None and window.document is None  # a preview: the project opens after
    assert not startup.preview(window, argparse.Namespace(project=str(tmp_path / "none.annotator"),
                                                          db=None, doc=None), settings)
