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
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QSettings, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.paths import default_annotator
from annotator.errors import AnnotatorError, Cancelled, ProjectReadOnlyError
from annotator.resources import ASSETS_DIR

from . import startup
from .colors import apply_system_palette
from .dialogs import ask_first_annotator, offer_read_only, show_error
from .settings import open_settings
from .tasks import pool
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


def choose_project(args: argparse.Namespace, settings: QSettings, read_only: bool = False) -> Project:
    """The project named on the command line, else the last one, else the default."""
    from annotator.defaults import default_project_path, open_project
    from annotator.project import Project

    if args.project or args.db:
        return Project.open(args.project, url=args.db, readonly=read_only)
    last = settings.value("last_project", "")
    if last and Path(last).exists():
        try:
            return Project.open(last, readonly=read_only)
        except ProjectReadOnlyError:
            raise  # offered read-only by the caller
        except AnnotatorError:
            pass  # damaged since: fall back to the default project
    return Project.open(default_project_path(), readonly=True) if read_only else open_project()


def open_chosen(args: argparse.Namespace, settings: QSettings, ask: bool) -> tuple[Project, bool]:
    """The chosen project and whether it is read-only (``ask``: offer that if it cannot be written)."""
    read_only = bool(getattr(args, "read_only", False))
    try:
        project = choose_project(args, settings, read_only)
    except ProjectReadOnlyError as exc:
        if read_only or not ask:
            raise
        if not offer_read_only(None, exc):
            raise Cancelled(str(exc)) from None
        project, read_only = choose_project(args, settings, read_only=True), True
    project.scheme  # noqa: B018 (reads the stored scheme: a damaged file fails here)
    return project, read_only


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
    window is painted first, with the last article read through the stdlib
    driver (``ui.startup``), and the project opens into it a moment later.
    """
    app = application()
    settings = open_settings()
    screenshot = getattr(args, "screenshot", None)
    annotator = settings.value("annotator", "", type=str)
    defaulted = False
    if not annotator:
        annotator = default_annotator()
        if not screenshot:
            annotator, defaulted = ask_first_annotator(annotator)
        settings.setValue("annotator", annotator)
    window = MainWindow(settings, annotator)
    clock = startup.Clock(bool(getattr(args, "time_startup", False)))
    if not screenshot:
        shown = startup.preview(window, args, settings)
        window.show()
        paint_now(app, window)
        clock.mark("window painted" + (", article readable" if shown else ""))
        app.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        project, read_only = open_chosen(args, settings, ask=not screenshot)
    except (AnnotatorError, OSError) as exc:
        app.restoreOverrideCursor()
        window.hide()
        if screenshot:
            print(f"annotator: error: {exc}", file=sys.stderr)
        else:
            show_error(None, "The project could not be opened", exc)
        return 1
    window.set_project(project, read_only)
    if not os.environ.get("ANNOTATOR_DEBUG"):  # as in the CLI: a traceback only when asked
        sys.excepthook = lambda _kind, exc, _tb: show_error(window, "Something went wrong", exc)
    if screenshot:
        return take_screenshot(app, window, args.doc, Path(screenshot))
    window.start(args.doc)
    if defaulted:
        window.statusBar().showMessage(f"Annotating as {annotator} (Edit > Switch annotator… "
                                       "changes it)", 15000)
    app.restoreOverrideCursor()
    window.repaint()
    clock.mark("article usable (project open, taggable)")
    QTimer.singleShot(0, warm_nlp)
    leave(window, app.exec())


def leave(window: MainWindow, code: int) -> NoReturn:
    """End the process at once once the event loop has returned.

    Every acknowledged edit is already committed (``synchronous=FULL``) and the
    settings were synced on close; what background threads hold is owed to
    no one (suggestions are recomputed, the spaCy warm-up is a cache, a backup
    under way is a temporary file that is never listed). So the only work
    waited for is the writer (an import or export in flight: all or nothing
    either way), and the interpreter's teardown of spaCy, NumPy and
    SQLAlchemy (0.5-2.5 s) is skipped.
    """
    pool().waitForDone()
    window.project.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
    from annotator.formats.output import open_output

    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.grab().save(buffer, "PNG")  # Qt writes no file itself: the guarded output does
    window.close()
    try:
        with open_output(target, binary=True) as out:
            out.write(png.data())
    except AnnotatorError as exc:
        print(f"annotator: error: {exc}", file=sys.stderr)
        return 1
    return 0
