"""Where the default project lives (platformdirs), and how it is first made."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "media-bias-annotator"
PROJECT_SUFFIX = ".annotator"


def data_dir() -> Path:
    """The user data folder (``ANNOTATOR_DATA_DIR`` overrides it, for tests)."""
    override = os.environ.get("ANNOTATOR_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / f"default{PROJECT_SUFFIX}"
