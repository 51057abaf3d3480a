"""Typed errors of the core. The edges (CLI, dialogs) turn them into messages."""

from __future__ import annotations

from typing import TypedDict


class AnnotatorError(Exception):
    """Base of every error the core raises on purpose."""


class ProjectError(AnnotatorError):
    """A project file cannot be opened, created or upgraded."""


class SchemeError(AnnotatorError):
    """A label scheme is invalid; the message names the file and the key."""


class Where(TypedDict):
    """Where bad input is, as :class:`FormatError`'s keywords: ``FormatError(message, **where)``."""

    file: str | None
    line: int | None


class FormatError(AnnotatorError):
    """Input data is malformed. Carries where: file, line (or record)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        self.reason = message
        where = file or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


class EditError(AnnotatorError):
    """A user edit is not allowed (another annotator's span, bad offsets...)."""


class Cancelled(AnnotatorError):
    """Long work was cancelled by the user; nothing was written."""


class ProjectReadOnlyError(ProjectError):
    """A project cannot be opened for writing: the file or its folder is read-only
    (the message says how to open it read-only)."""


class DamagedRecordError(ProjectError):
    """A row of the project holds a value no version of the app writes (a blob or
    NULL where text belongs). Raised naming the record; :class:`~annotator.project.Project`
    re-raises it with the file in front."""


class PasswordRequired(ProjectError):
    """A database server asks for a password that neither the URL, ``~/.pgpass``
    nor ``PGPASSWORD`` gave; the edge prompts for it and tries again."""


class ConflictError(EditError):
    """Someone else changed the same record since it was read: nothing was
    written and nothing merged; reload and decide again."""
