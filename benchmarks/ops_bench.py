"""Changes from outside the window (``python -m benchmarks ops``; not a test).

* latency: another connection commits a span; time until the open window
  draws it (the change feed polls ``PRAGMA data_version``), median and max;
* idle cost: the window open on a 1,000-document project, nothing happening,
  CPU time of the process over wall time for ``--idle`` seconds.

Runs offscreen. Goals: latency at most 1 s, idle under 1% of one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks ops")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measured")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.domain import IncomingDocument
    from annotator.project import Project
    from annotator.schemes import resolve_scheme
    from ui.app import application
    from ui.settings import open_settings
    from ui.window import MainWindow

    folder = Path(tempfile.mkdtemp(prefix="ops-bench-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = application()
    path = folder / "ops.annotator"
    words = "the council slammed the plan while residents rallied against towers".split()
    with Project.create(path, resolve_scheme("media-bias")) as project:
        project.import_documents([
            IncomingDocument(text=f"Article {n}. " + " ".join(words * 20), source="bench",
                             title=f"Article {n}") for n in range(1000)], annotator="bench")
    project = Project.open(path)
    window = MainWindow(open_settings(), "bench", project)
    window.resize(1400, 900)
    window.show()
    window.start()
    QApplication.processEvents()
    doc_id = window.document.id if window.document else 1
    text = project.document(doc_id).text
    starts = [i for i in range(1, len(text) - 5) if text[i - 1] == " "]

    latencies = []
    with Project.open(path) as other:
        for n in range(args.changes):
            time.sleep(0.2)  # changes arrive at any moment of the poll interval
            t0 = time.perf_counter()
            span = other.add_span(doc_id, "bench", "loaded-term", starts[n], starts[n] + 3).value
            while span.id not in {s.id for s in window.own}:
                app.processEvents()
                time.sleep(0.001)
                if time.perf_counter() - t0 > 5:
                    raise SystemExit("an outside change did not show within 5 s")
            latencies.append(time.perf_counter() - t0)
    print(f"outside change to drawn: median {statistics.median(latencies) * 1000:6.0f} ms"
          f"  (max {max(latencies) * 1000:.0f}, {len(latencies)} changes)")

    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:  # settle: the last redraws, a presence heartbeat
        app.processEvents()
        time.sleep(0.01)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    QTimer.singleShot(int(args.idle * 1000), app.quit)
    app.exec()  # the real event loop, idle but for its timers
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    print(f"idle, window open, feed polling:  {cpu * 100:5.2f}% of one core  ({args.idle:.0f} s)")
    window.close()
    project.close()
    late = max(latencies) > 1.0
    if late or cpu >= 0.01:
        print("GOAL MISSED: " + ("latency above 1 s " if late else "") +
              ("idle above 1%" if cpu >= 0.01 else ""))
    return 1 if late or cpu >= 0.01 else 0


if __name__ == "__main__":
    raise SystemExit(main())
