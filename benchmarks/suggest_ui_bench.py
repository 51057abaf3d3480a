"""Benchmark: suggestions in the window, off the UI thread.

    python -m benchmarks.suggest_ui_bench [--words 10000 150000]

For each article size (the sample articles' paragraphs repeated): time from
opening the article to its suggestions shown (the first time including the
spaCy load, then warm), the longest the UI thread went without running its
event loop meanwhile (a 10 ms timer's largest gap; goal about 100 ms), and the
UI-thread costs: repainting the article with and without suggestions, and
accepting one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[10_000, 150_000])
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer

    from annotator.domain import IncomingDocument
    from annotator.project import Project
    from annotator.schemes import resolve_scheme
    from benchmarks.suggest_bench import article
    from ui.app import application
    from ui.window import MainWindow

    folder = Path(tempfile.mkdtemp())
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = application()
    project = Project.create(folder / "bench.annotator", resolve_scheme("media-bias"))
    texts = {words: article(words) for words in args.words}
    project.import_documents([IncomingDocument(text=article(300), source="b", external_id="small")]
                             + [IncomingDocument(text=t, source="b", external_id=f"w{w}")
                                for w, t in texts.items()], annotator="bench")
    from ui.settings import open_settings

    window = MainWindow(project, "bench", open_settings())
    window.resize(1400, 900)
    window.show()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)

    def open_and_wait(key: str) -> tuple[float, float, float]:
        """Time to suggestions shown, longest UI stall, and the synchronous open itself."""
        app.processEvents()
        gaps.clear()
        last[0] = began = time.perf_counter()
        window.open_document(project.find_document(key).id)
        opened = time.perf_counter() - began
        assert window.suggestions.wait(120_000), "no suggestions in two minutes"
        return time.perf_counter() - began, max(gaps, default=0.0), opened

    first = True
    for words, text in texts.items():
        cold, cold_gap, opened = open_and_wait(f"w{words}")
        open_and_wait("small")
        warm, warm_gap, _opened = open_and_wait(f"w{words}")
        controller, viewport = window.suggestions, window.article.viewport()
        shown = controller.items
        paint = []
        for items in (shown, []):
            controller.items = items
            began = time.perf_counter()
            for _ in range(20):
                viewport.repaint()
            paint.append((time.perf_counter() - began) / 20)
        controller.items = shown
        accepts = []
        for _ in range(5):
            controller.step(1)
            began = time.perf_counter()
            controller.accept()
            accepts.append(time.perf_counter() - began)
        print(f"{words} words ({len(text)} characters), {len(shown)} suggestions:")
        print(f"  opened to suggestions shown: {cold * 1000:.0f} ms"
              f"{' (spaCy load included)' if first else ''}, longest UI stall {cold_gap * 1000:.0f} ms;"
              f" again (Doc cached): {warm * 1000:.0f} ms, longest stall {warm_gap * 1000:.0f} ms;"
              f" showing the article itself (UI thread, no suggestions): {opened * 1000:.0f} ms")
        print(f"  repaint: {paint[0] * 1000:.1f} ms with suggestions, {paint[1] * 1000:.1f} ms without;"
              f" accept one (Enter): median {statistics.median(accepts) * 1000:.1f} ms")
        first = False
    window.close()
    project.close()


if __name__ == "__main__":
    main()
