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
    from ..errors import PasswordRequired

    readonly = getattr(args, "read_only", False)
    try:
        return open_project(args.project, args.db, readonly=readonly)
    except PasswordRequired:
        if not args.db or not sys.stdin.isatty():
            raise
        return open_project(None, with_password(args.db), readonly=readonly)


def with_password(url: str) -> str:
    """``url`` with a password asked for on the terminal (kept in memory only)."""
    import getpass

    from sqlalchemy.engine import make_url

    from ..store import display_url

    password = getpass.getpass(f"password for {display_url(url)}: ")
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def annotator_of(project: Project, flag: str | None) -> str:
    """Who an edit is by: ``flag`` or the user name; on a server always the
    database user (``current_user``), and a flag naming anyone else is refused."""
    if project.engine.dialect.name != "postgresql":
        return flag or default_annotator()
    from ..errors import AnnotatorError
    from ..team.roles import current_user

    me = current_user(project)
    if flag and flag != me:
        raise AnnotatorError(f"{project.location}: on a team project your edits are by the "
                             f"database user {me!r}, not {flag!r}")
    return me


def stderr_progress(what: str) -> Progress:
    """Progress on stderr when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        return lambda _done, _total: None

    def report(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{what} {done}/{total}", end=end, file=sys.stderr, flush=True)

    return report
