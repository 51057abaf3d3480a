"""Shared fixtures: every test gets its own data folder and project files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.project import Project  # noqa: E402
from annotator.schemes import resolve_scheme  # noqa: E402

# Text that trips UTF-16 and CRLF counting: emoji (astral), a combining mark,
# CJK, right-to-left Arabic, NBSP, CRLF line breaks.
TRICKY = "Title 🙂\r\n\r\nThe cafe\u0301 «thugs» 🇺🇦 attacked\u00a0民主 مرحبا regime.\r\nEnd 👍🏽 here."


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "test.annotator"


@pytest.fixture
def project(project_path: Path):
    with Project.create(project_path, resolve_scheme("media-bias")) as p:
        yield p


def write_jsonl(path: Path, *records: dict) -> Path:
    import json

    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path
