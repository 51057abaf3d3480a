"""What the app remembers between runs (QSettings, INI format in the user's
config folder; tests point ``QSettings.setPath`` at a temporary folder)."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QSettings

ORGANIZATION = "media-bias-annotator"
APPLICATION = "annotator"
RECENT_LIMIT = 8


def open_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def project_key(location: str) -> str:
    """The settings group of one project (its path may hold any character)."""
    return "project-" + hashlib.sha1(location.encode("utf-8")).hexdigest()[:16]


def recent_projects(settings: QSettings) -> list[str]:
    value = settings.value("recent", [])
    if isinstance(value, str):  # a one-item list comes back as a string
        value = [value]
    return [str(v) for v in value or []]


def remember_project(settings: QSettings, location: str) -> None:
    recent = [location] + [p for p in recent_projects(settings) if p != location]
    settings.setValue("recent", recent[:RECENT_LIMIT])
    settings.setValue("last_project", location)
