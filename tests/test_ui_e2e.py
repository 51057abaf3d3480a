"""End to end under a real X server: real mouse and key events (xdotool) tag
a word in the running app, and the span is then in the project file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.domain import IncomingDocument
from annotator.project import Project
from annotator.schemes import resolve_scheme

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xdotool")),
                       reason="needs the Xvfb and xdotool binaries"),
]
ROOT = Path(__file__).resolve().parent.parent
WORD = "Antidisestablishmentarianism"  # long words: a click rarely lands on a space


def poll(check, timeout: float, step: float = 0.1):
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


def test_double_click_and_shortcut_under_x(tmp_path):
    path = tmp_path / "e2e.annotator"
    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([IncomingDocument(text=" ".join([WORD] * 400), source="t",
                                                   title="Long words")], annotator="alice")
    config = tmp_path / "config"
    (config / "media-bias-annotator").mkdir(parents=True)
    (config / "media-bias-annotator" / "annotator.ini").write_text("[General]\nannotator=alice\n")
    xvfb, display = start_xvfb()
    env = {**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb",
           "XDG_CONFIG_HOME": str(config), "ANNOTATOR_DATA_DIR": str(tmp_path / "data")}
    app = None
    try:
        app = subprocess.Popen([sys.executable, "-m", "ui.cli", "gui", "--project", str(path)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        window = poll(lambda: xdotool(env, "search", "--onlyvisible", "--name", "Media Bias Annotator"), 30)
        if not window:
            app.kill()
            pytest.fail("the main window did not appear: " + app.communicate()[1].decode()[-2000:])
        window = window.splitlines()[0]
        geometry = dict(line.split("=") for line in
                        xdotool(env, "getwindowgeometry", "--shell", window).splitlines())
        x0, y0 = int(geometry["X"]), int(geometry["Y"])
        width, height = int(geometry["WIDTH"]), int(geometry["HEIGHT"])
        with Project.open(path) as project:
            for attempt in range(6):  # a click may land between words: move and retry
                x = x0 + width // 2 + attempt * 11
                y = y0 + height // 3 + attempt * 7
                xdotool(env, "mousemove", "--sync", str(x), str(y))
                xdotool(env, "click", "--repeat", "2", "--delay", "60", "1")
                time.sleep(0.3)
                xdotool(env, "key", "1")
                spans = poll(lambda: project.spans(1), 5)
                if spans:
                    break
            assert spans, "no span reached the database"
            (span,) = spans
            text = project.document(1).text
            assert (span.annotator, span.label) == ("alice", "loaded-term")
            assert text[span.start:span.end] == WORD
            assert span.start % (len(WORD) + 1) == 0
        xdotool(env, "key", "ctrl+q")  # quit: the window state is saved on the way out
        assert app.wait(15) == 0
        saved = (config / "media-bias-annotator" / "annotator.ini").read_text()
        assert "geometry=" in saved and str(path) in saved
    finally:
        for process in (app, xvfb):
            if process is not None:
                process.terminate()  # Xvfb removes its lock file on SIGTERM
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
