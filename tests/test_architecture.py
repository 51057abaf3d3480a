"""Boundaries that keep the app healthy: the core never loads Qt, the Qt pin holds."""

from __future__ import annotations

import importlib.metadata
import pkgutil
import subprocess
import sys

import annotator


def test_the_core_never_imports_qt_nor_ui() -> None:
    modules = [m.name for m in pkgutil.walk_packages(annotator.__path__, "annotator.")
               if ".migrations" not in m.name]
    script = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
              "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'ui', 'shiboken6'))\n"
              "print(','.join(bad))")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_spacy_is_not_imported_by_the_cli_start_up_path() -> None:
    script = "import sys, annotator.cli as c; c.build_parser(); print('spacy' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.stdout.strip() == "False", run.stderr


def test_pyside6_is_below_6_12_while_python_3_11_is_supported() -> None:
    version = importlib.metadata.version("PySide6-Essentials")
    major, minor = (int(x) for x in version.split(".")[:2])
    assert (major, minor) < (6, 12) or sys.version_info >= (3, 12), version


def test_thousands_of_void_qt_calls_do_not_corrupt_none() -> None:
    # PySide6 6.12.0 on Python 3.11 aborts here with "none_dealloc".
    script = (
        "from PySide6.QtGui import QTextCharFormat, QColor, QGuiApplication\n"
        "import sys\napp = QGuiApplication(sys.argv)\nf = QTextCharFormat(); c = QColor('red')\n"
        "for _ in range(200_000):\n    f.setBackground(c)\nprint('ok')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={"QT_QPA_PLATFORM": "offscreen", **__import__("os").environ})
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-500:]
