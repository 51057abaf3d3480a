"""Subcommands of the ``annotator`` command line, and what they share."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..domain import Progress
from ..paths import default_annotator  # noqa: F401 (the subcommands take it from here)

if TYPE_CHECKING:  # SQLAlchemy loads only when a command opens a project
    from ..project import Project


def add_project_options(parser: argparse.ArgumentParser, *, read_only: bool = False) -> None:
    """--project/--db, and for commands that only read, ``--read-only``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--project", metavar="PATH",
                       help="project file (default: the default project in the user data folder)")
    group.add_argument("--db", metavar="URL", help="SQLAlchemy database URL of the project")
    if read_only:
        parser.add_argument("--read-only", action="store_true",
                            help="open the project without writing to it (read-only media)")


def open_from_args(args: argparse.Namespace) -> Project:
    from ..defaults import open_project

    return open_project(args.project, args.db, readonly=getattr(args, "read_only", False))


def stderr_progress(what: str) -> Progress:
    """Progress on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return lambda _done, _total: None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{what} {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report
