"""The core's command line. Each subcommand lives in ``annotator/commands``;
the installed ``annotator`` script is ``ui.cli``, which adds ``gui``.

Errors from the core become one line on stderr and exit status 1 (2 for
usage); a traceback is shown only with ``ANNOTATOR_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import AnnotatorError, Cancelled

# Modules defining ``add(subparsers)``; each sets ``func`` on its parser.
COMMAND_MODULES = (
    "annotator.commands.project",
    "annotator.commands.transfer",
    "annotator.commands.suggest",
    "annotator.commands.review",
    "annotator.commands.insights",
    "annotator.commands.check",
    "annotator.commands.documents",
    "annotator.commands.team",
)


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate media bias and framing in news articles.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).add(sub)
    return parser


def main(argv: Sequence[str] | None = None, modules: Sequence[str] = COMMAND_MODULES,
         default: str | None = None) -> int:
    """Run a subcommand. The front end (``ui.cli``) adds its modules and makes
    its window the ``default`` command, run when no subcommand is named."""
    parser = build_parser(modules)
    argv = list(sys.argv[1:] if argv is None else argv)
    if default and (not argv or (argv[0].startswith("-")
                                 and argv[0] not in ("-h", "--help", "--version"))):
        argv = [default, *argv]
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Cancelled:
        print("annotator: cancelled; nothing was written", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `annotator export ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was written", file=sys.stderr)
        return 130
    except AnnotatorError as exc:
        print(f"annotator: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the promise is: never a traceback
        if os.environ.get("ANNOTATOR_DEBUG"):
            raise
        print(f"annotator: internal error: {type(exc).__name__}: {exc} "
              "(set ANNOTATOR_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
