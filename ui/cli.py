"""The ``annotator`` command: the core's subcommands plus ``gui``, the default.

The core (``annotator.cli``) never imports the front end; the front end adds
its one subcommand here, so ``annotator`` with no arguments opens the window.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from annotator import cli

from . import startup  # noqa: F401 (its clock starts here)

COMMAND_MODULES = (*cli.COMMAND_MODULES, "ui.command")


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, COMMAND_MODULES, default="gui")


if __name__ == "__main__":
    sys.exit(main())
