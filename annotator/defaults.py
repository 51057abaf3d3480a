"""The default project: made on first run in the user data folder, with the
bundled sample articles, so the app opens on something to annotate."""

from __future__ import annotations

from pathlib import Path

from .formats import import_files
from .paths import default_project_path
from .project import Project
from .resources import SAMPLES_FILE
from .schemes import resolve_scheme

SAMPLE_ANNOTATOR = "sample"


def open_project(path: str | Path | None = None, url: str | None = None, *,
                 readonly: bool = False) -> Project:
    """The project named by a file or a URL, else the default one (made if
    missing, unless ``readonly``)."""
    if url:
        return Project.open(url=url, readonly=readonly)
    if path:
        return Project.open(path, readonly=readonly)
    default = default_project_path()
    if readonly:
        return Project.open(default, readonly=True)
    if not default.exists():
        # Built aside and renamed into place: a crash never leaves half a default.
        draft = default.with_name(default.name + ".new")
        for leftover in draft.parent.glob(draft.name + "*"):
            leftover.unlink()
        with Project.create(draft, resolve_scheme(None)) as project:
            import_files(project, [SAMPLES_FILE], format_name="jsonl", annotator=SAMPLE_ANNOTATOR)
        draft.replace(default)
    return Project.open(default)
