"""Start-up: the last article shown before SQLAlchemy has loaded, and
``annotator gui --time-startup``.

The window's shell shows at once with the article read through the stdlib
driver (``annotator.firstscreen``); SQLAlchemy then loads and the project
opens into the same window, which makes it taggable. ``--time-startup`` prints
to stderr, in milliseconds since the program began, when the window was
painted and when the article was usable.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.firstscreen import read
from annotator.paths import default_project_path

from .settings import project_key

_began = time.perf_counter()  # imported first thing by ui.cli


class Clock:
    """Prints start-up milestones when asked (``--time-startup``)."""

    def __init__(self, on: bool):
        self.on = on

    def mark(self, what: str) -> None:
        if self.on:
            print(f"startup: {what} at {(time.perf_counter() - _began) * 1000:.0f} ms",
                  file=sys.stderr, flush=True)


def preview(window: object, args: argparse.Namespace, settings: QSettings) -> bool:
    """Show the article the window will open, read-only, before the project
    loads; False if there is none to show (the project then opens as usual)."""
    if args.db or getattr(args, "doc", None):
        return False
    location = args.project or settings.value("last_project", "") or str(default_project_path())
    if not Path(location).exists():
        return False
    document_id = settings.value(f"{project_key(str(location))}/document", None, type=int)
    screen = read(Path(location), document_id)
    if screen is None:
        return False
    name = window.annotator  # type: ignore[attr-defined]
    own = [s for s in screen.spans if s.annotator == name]
    others = [s for s in screen.spans if s.annotator != name] \
        if window.others_action.isChecked() else []  # type: ignore[attr-defined]
    window.document = screen.document  # type: ignore[attr-defined]
    window.show_title()  # type: ignore[attr-defined]
    window.document = None  # type: ignore[attr-defined]  (the window has no project yet)
    window.article.show_document(screen.document, screen.scheme, own, others)  # type: ignore[attr-defined]
    return True
