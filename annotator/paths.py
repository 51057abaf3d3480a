"""Where the default project lives (platformdirs), how it is first made, and
who annotates when nobody says."""

from __future__ import annotations

import getpass
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


def default_annotator() -> str:
    """The login name (``analyst`` where there is none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"
