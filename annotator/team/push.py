"""``team push``: a local project file into a team project, in one transaction."""

from __future__ import annotations

from pathlib import Path

from ..domain import ImportReport, Progress, no_progress
from ..merge import read_project
from ..project import Project
from . import roles


def push(source: Path, project: Project, progress: Progress = no_progress) -> ImportReport:
    """Upload every document of ``source`` with its spans, statuses, document
    labels, rejections and gold layer (annotators keep their names: add them
    to the team to let them log in). Only an admin pushes; documents already
    on the server (same text) get only the spans they lack."""
    me = roles.current_user(project)  # refuses a project that is not on a server
    roles.require_admin(project, "push a project")
    return project.import_documents(read_project(source), annotator=me, progress=progress)
