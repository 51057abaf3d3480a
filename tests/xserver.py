"""A real X server for the end-to-end tests: Xvfb, xdotool and the app under them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
needs_x = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                       reason="needs the Xvfb and xdotool binaries"),
]


def poll(check: Callable[[], T], timeout: float, step: float = 0.1) -> T | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(step)
    return None


def start_xvfb() -> tuple[subprocess.Popen, int]:
    """Xvfb on a display it picks itself (-displayfd), so runs never collide."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1400x900x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        number = reader.readline().strip()
    if not number.isdigit():
        xvfb.kill()
        pytest.fail("Xvfb did not start")
    return xvfb, int(number)


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                          timeout=10).stdout.strip()


def app_env(tmp_path: Path, display: int, annotator: str) -> dict[str, str]:
    """The app's environment: this display, settings and data in ``tmp_path``."""
    config = tmp_path / "config"
    (config / "media-bias-annotator").mkdir(parents=True, exist_ok=True)
    (config / "media-bias-annotator" / "annotator.ini").write_text(f"[General]\nannotator={annotator}\n")
    return {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb",
            "XDG_CONFIG_HOME": str(config), "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}


@contextmanager
def running_app(tmp_path: Path, project: Path, annotator: str,
                prelude: str = "") -> Iterator[tuple[subprocess.Popen, dict[str, str], str]]:
    """``annotator gui`` on ``project`` under a fresh Xvfb (after ``prelude``,
    Python code, runs in its process): (process, env, main window id)."""
    xvfb, display = start_xvfb()
    env = app_env(tmp_path, display, annotator)
    code = f"{prelude}\nfrom ui.cli import main\nraise SystemExit(main(['gui', '--project', {str(project)!r}]))"
    app = None
    try:
        app = subprocess.Popen([sys.executable, "-c", code],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        window = poll(lambda: xdotool(env, "search", "--onlyvisible", "--name", "Media Bias Annotator"), 30)
        if not window:
            app.kill()
            pytest.fail("the main window did not appear: " + app.communicate()[1].decode()[-2000:])
        yield app, env, window.splitlines()[0]
    finally:
        for process in (app, xvfb):
            if process is not None:
                process.terminate()  # Xvfb removes its lock file on SIGTERM
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    found = dict(line.split("=") for line in
                 xdotool(env, "getwindowgeometry", "--shell", window).splitlines())
    return int(found["X"]), int(found["Y"]), int(found["WIDTH"]), int(found["HEIGHT"])
