"""The compare and adjudicate window on a heavy article (issue 5).

A 1 MB article with 5,000 spans (2,500 each from two annotators: half agree,
a quarter differ in label, a quarter in boundary) is opened in the compare
window offscreen; then decisions (accept, reject) and next-finding keys are
timed from the call to the repainted article. ``--screenshot DIR`` also saves
the compare window and the agreement dialog as PNGs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.project import Project
from annotator.schemes import resolve_scheme

SIZE, PAIRS = 1_000_000, 2_500
WORDS = ("officials slammed the reckless plan while critics called it a farce and the regime "
         "insisted that its sweeping reforms had been welcomed by ordinary citizens").split()


def make_article(rng: random.Random) -> tuple[str, list[IncomingSpan]]:
    parts, length = [], 0
    while length < SIZE:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 20))).capitalize() + "."
        parts.append(sentence + ("\n\n" if rng.random() < 0.2 else " "))
        length += len(parts[-1])
    text = "".join(parts)[:SIZE]
    spans = []
    for _ in range(PAIRS):
        a = rng.randrange(0, len(text) - 40)
        b = a + rng.randrange(3, 30)
        spans.append(IncomingSpan(a, b, "loaded-term", "alice"))
        r = rng.random()
        other = (a, b, "loaded-term") if r < 0.5 else (a, b, "labeling") if r < 0.75 \
            else (a, b + 2, "loaded-term")
        spans.append(IncomingSpan(*other, "bob"))
    return text, spans


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screenshot", type=Path, help="folder for compare.png and agreement.png")
    args = parser.parse_args(argv or [])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as folder:
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        text, spans = make_article(random.Random(5))
        project = Project.create(Path(folder) / "review.annotator", resolve_scheme("media-bias"))
        project.import_documents([IncomingDocument(text=text, source="bench", title="A heavy article",
                                                   external_id="heavy", spans=spans)], annotator="alice")
        app = QApplication.instance() or QApplication([])
        from ui import review
        from ui.settings import open_settings
        from ui.window import MainWindow

        window = MainWindow(project, "alice", open_settings())
        window.resize(1400, 900)
        window.start()
        window.show()
        start = time.perf_counter()
        view = review.open_compare(window, ["alice", "bob"])
        assert view is not None
        while view.document is None:
            app.processEvents()
        view.article.viewport().repaint()
        opened = time.perf_counter() - start
        decide, step = [], []
        for n in range(30):
            started = time.perf_counter()
            view.step(1)
            view.article.viewport().repaint()
            step.append(time.perf_counter() - started)
            started = time.perf_counter()
            view.reject() if n % 3 == 0 else view.accept_annotator(n % 2)
            view.article.viewport().repaint()
            decide.append(time.perf_counter() - started)
        print(f"1 MB article, {len(spans)} spans, {len(view.every)} findings")
        print(f"open the compare window (progress table, article, findings, paint): {opened:.2f} s")
        print(f"decision key to repainted article: median {statistics.median(decide) * 1000:.0f} ms, "
              f"max {max(decide) * 1000:.0f} ms")
        print(f"next finding: median {statistics.median(step) * 1000:.0f} ms")
        if args.screenshot:
            args.screenshot.mkdir(parents=True, exist_ok=True)
            app.processEvents()  # pending layouts
            view.grab().save(str(args.screenshot / "compare.png"))
            from annotator.agreement import measure
            from ui.agreement_view import AgreementDialog

            dialog = AgreementDialog(window, ["alice", "bob"])
            dialog.show()
            dialog.show_result(measure(project, ["alice", "bob"]))
            app.processEvents()
            dialog.grab().save(str(args.screenshot / "agreement.png"))
            dialog.close()
        view.close()
        window.close()
        project.close()


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
