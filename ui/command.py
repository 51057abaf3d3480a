"""gui: the desktop window, a subcommand the front end adds to the core's CLI."""

from __future__ import annotations

import argparse

from annotator.commands import add_project_options
from annotator.errors import AnnotatorError


def add(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the annotation window (the default command)")
    add_project_options(p)
    p.add_argument("--screenshot", metavar="PNG",
                   help="render the main window offscreen (1400x900) to PNG and exit")
    p.add_argument("--doc", metavar="ID", help="open this document (external or row id)")
    p.add_argument("--read-only", action="store_true",
                   help="open the project without changing it (for a file on read-only media)")
    p.add_argument("--time-startup", action="store_true",
                   help="print when the window is painted and when the article is usable")
    p.set_defaults(func=gui)


def gui(args: argparse.Namespace) -> int:
    from .headless import prepare

    problem = prepare(screenshot=bool(args.screenshot))  # before Qt, which would abort
    if problem:
        raise AnnotatorError(problem)
    from .app import run  # Qt only loads for this command

    return run(args)
