"""Headless and first start (issue 16, item 1): no display is one clear line,
a screenshot needs no display, a cancelled name dialog says which name is used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog

from ui import headless
from ui.dialogs import ask_first_annotator
from ui_support import dialogs  # noqa: F401 (fixture)

ANNOTATOR = [sys.executable, "-c", "import sys; from ui.cli import main; sys.exit(main())"]
ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    clean.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), **env)
    return subprocess.run([*ANNOTATOR, *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.skipif(sys.platform != "linux", reason="X11 and Wayland displays are Linux's")
@pytest.mark.parametrize("env", [{}, {"DISPLAY": ":97"}, {"QT_QPA_PLATFORM": "xcb"},
                                 {"QT_QPA_PLATFORM": "wayland"}])
def test_no_reachable_display_is_one_line_naming_the_offscreen_platform(tmp_path: Path, env) -> None:
    done = run([], tmp_path, **env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "QT_QPA_PLATFORM=offscreen" in lines[0], done.stderr
    assert lines[0].startswith("annotator: error:")


def test_a_screenshot_needs_no_display_nor_environment_variable(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = run(["gui", "--project", str(tmp_path / "p.annotator"), "--screenshot", str(shot)],
               tmp_path)
    assert done.returncode == 1  # no such project: the error, as a line, not an abort
    assert "p.annotator" in done.stderr and "Traceback" not in done.stderr
    subprocess.run([*ANNOTATOR, "init", str(tmp_path / "p.annotator")], cwd=ROOT, check=True,
                   capture_output=True)
    done = run(["gui", "--project", str(tmp_path / "p.annotator"), "--screenshot", str(shot)],
               tmp_path)
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_platform_the_user_chose_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    assert headless.prepare(screenshot=False) is None
    assert headless.prepare(screenshot=True) is None
    assert os.environ["QT_QPA_PLATFORM"] == "minimal"
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert headless.prepare(screenshot=True) is None and os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_cancelling_the_first_name_dialog_says_which_name_is_used(qtbot, monkeypatch, dialogs) -> None:
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("", False))
    assert ask_first_annotator("ronja") == ("ronja", True)
    assert dialogs and "ronja" in dialogs[0][1] and "Switch annotator" in dialogs[0][1]
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: (" ana ", True))
    assert ask_first_annotator("ronja") == ("ana", False)
