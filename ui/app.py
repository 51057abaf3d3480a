"""``annotator gui``: start Qt, open the project, show the main window.

Start-up stays light: spaCy is warmed in a background thread once the window
shows; the first label action waits for it only if it is still loading.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.commands import default_annotator
from annotator.errors import AnnotatorError
from annotator.resources import ASSETS_DIR

from .colors import apply_system_palette
from .dialogs import ask_annotator, show_error
from .settings import open_settings
from .window import MainWindow

if TYPE_CHECKING:
    from annotator.project import Project

SCREENSHOT_SIZE = (1400, 900)
SUGGESTIONS_WAIT_MS = 20_000


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Media Bias Annotator")
    app.setOrganizationName("media-bias-annotator")
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(ASSETS_DIR / "icons" / "annotator.svg")))  # SVG: sharp at any DPI
    apply_system_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _s: apply_system_palette(app))
    return app


def choose_project(args: argparse.Namespace, settings: QSettings) -> Project:
    """The project named on the command line, else the last one, else the default."""
    from annotator.defaults import open_project

    if args.project or args.db:
        return open_project(args.project, args.db)
    last = settings.value("last_project", "")
    if last and Path(last).exists():
        try:
            return open_project(last)
        except AnnotatorError:
            pass  # damaged since: fall back to the default project
    return open_project()


def paint_now(app: QApplication, window: MainWindow, wait: float = 0.5) -> None:
    """Get the window on screen before slow work blocks the event loop."""
    deadline = time.monotonic() + wait
    while not (window.windowHandle() and window.windowHandle().isExposed()) \
            and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    window.repaint()
    app.processEvents()


def warm_nlp() -> None:
    from annotator.nlp import pipeline

    threading.Thread(target=pipeline, name="spacy-warmup", daemon=True).start()


def run(args: argparse.Namespace) -> int:
    """Show the window's shell at once, then open the project into it.

    Opening a project loads SQLAlchemy (most of the start-up time), so the
    window is painted first and filled a moment later.
    """
    app = application()
    settings = open_settings()
    screenshot = getattr(args, "screenshot", None)
    annotator = settings.value("annotator", "", type=str)
    if not annotator:
        annotator = default_annotator()
        if not screenshot:
            annotator = ask_annotator(None, annotator, first=True) or annotator
        settings.setValue("annotator", annotator)
    window = MainWindow(settings, annotator)
    if not screenshot:
        window.show()
        paint_now(app, window)
        app.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        project = choose_project(args, settings)
        project.scheme  # noqa: B018 (reads the stored scheme: a damaged file fails here)
    except (AnnotatorError, OSError) as exc:
        app.restoreOverrideCursor()
        window.hide()
        if screenshot:
            print(f"annotator: error: {exc}", file=sys.stderr)
        else:
            show_error(None, "The project could not be opened", exc)
        return 1
    window.set_project(project)
    if not os.environ.get("ANNOTATOR_DEBUG"):  # as in the CLI: a traceback only when asked
        sys.excepthook = lambda _kind, exc, _tb: show_error(window, "Something went wrong", exc)
    if screenshot:
        return take_screenshot(app, window, args.doc, Path(screenshot))
    window.start(args.doc)
    app.restoreOverrideCursor()
    QTimer.singleShot(0, warm_nlp)
    code = app.exec()
    project.close()
    return code


def take_screenshot(app: QApplication, window: MainWindow, doc: str | None, target: Path) -> int:
    """Render the window offscreen at 1400x900 with a document and save a PNG."""
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(*SCREENSHOT_SIZE)
    window.start(doc)
    window.show()
    window.resize(*SCREENSHOT_SIZE)
    window.suggestions.wait(SUGGESTIONS_WAIT_MS)  # the picture shows them when they come in time
    for _ in range(3):
        app.processEvents()
    if not window.grab().save(str(target), "PNG"):
        print(f"annotator: error: cannot write {target}", file=sys.stderr)
        return 1
    window.close()
    return 0
