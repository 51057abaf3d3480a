"""Boundaries that keep the app healthy: the core never loads Qt, the Qt pin holds."""

from __future__ import annotations

import importlib.metadata
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

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


# Opening a file outside SQLite goes through annotator/files.py (reads) or
# annotator/formats/output.py (writes): closing any descriptor on a live project
# drops SQLite's locks and corrupts it. Reviewed exceptions, with why they are safe:
_FILE_ACCESS_ALLOWED = {
    ("cli.py", "os.open(os.devnull"),  # /dev/null, never a project
    ("formats/folder.py", 'open(path, "w"'),  # write_text: files.check_output(path) first
    ("formats/brat.py", '(folder / "annotation.conf").write_text('),  # inside open_folder's new folder
}
_FILE_ACCESS = re.compile(r"(?<![\w.])(?<!def )open\(|\bos\.(?:open|fdopen)\(|\.open\((?:\)|['\"]|mode=)|"
                          r"(?<!files)\.read_(?:bytes|text)\(|\.write_(?:bytes|text)\(|"
                          r"shutil\.copy|\b(?:gzip|bz2|lzma|io|tarfile|zipfile)\.open\(")


def test_files_are_opened_only_through_the_guard() -> None:
    root = Path(annotator.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in ("files.py", "formats/output.py") or name.startswith("migrations/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if _FILE_ACCESS.search(code) and not any(
                    name == where and snippet in code for where, snippet in _FILE_ACCESS_ALLOWED):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == [], "open files through annotator.files or formats.output:\n" + "\n".join(found)


def test_the_guard_catches_what_it_is_meant_to() -> None:
    assert _FILE_ACCESS.search("data = path.read_bytes()")
    assert _FILE_ACCESS.search("with open(p) as fh:")
    assert _FILE_ACCESS.search("with p.open('rb') as fh:")
    assert _FILE_ACCESS.search("with p.open(mode='rb') as fh:")
    assert _FILE_ACCESS.search("shutil.copyfile(a, b)")
    assert not _FILE_ACCESS.search("files.read_bytes(path)")
    assert not _FILE_ACCESS.search("Project.open(path, readonly=True)")
