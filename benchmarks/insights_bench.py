"""Insights over 10,000 documents and 200,000 spans: every grouping, the report, the view.

    python -m benchmarks.insights_bench [--documents N] [--keep PATH] [--reuse PATH]

Builds a project in a temporary folder (not timed): articles of 300-500 words
from 10 outlets, 40 authors, 24 months, half with a story; two annotators
with 10 spans each per document (one to three whole words, as the window
snaps them), frames and slant set, all marked done.
Then times reading the project (tokenizing included), density and share with
1,000-resample bootstrap intervals for every label over every grouping, top
terms and frame distributions (goal: all of it <= 2 s), the HTML report
(goal <= 5 s) and the Insights view (goal: open <= 1 s after the data is read).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from .agreement_bench import article

OUTLETS = [f"Outlet {i}" for i in range(10)]
WORD = re.compile(r"\w+")
SLANTS = ("left", "centre", "right")


def build(path: Path, documents: int, spans_per_annotator: int, seed: int = 11) -> int:
    from annotator.domain import IncomingDocument, IncomingSpan
    from annotator.project import Project
    from annotator.schemes import resolve_scheme

    rng = random.Random(seed)
    scheme = resolve_scheme("media-bias")
    labels = [lab.key for lab in scheme.labels]
    frames = scheme.document_label("primary-frame").choices
    docs, total = [], 0
    for n in range(documents):
        text = article(rng, rng.randint(300, 500))
        bounds = [(m.start(), m.end()) for m in WORD.finditer(text)]
        spans = []
        for name in ("ana", "bob"):
            for _ in range(spans_per_annotator):  # whole words, as the window snaps them
                first = rng.randrange(0, len(bounds) - 3)
                last = first + rng.choice((0, 0, 0, 1, 2))
                spans.append(IncomingSpan(bounds[first][0], bounds[last][1], rng.choice(labels),
                                          annotator=name))
        total += len(spans)
        docs.append(IncomingDocument(
            text=text, source="bench", external_id=f"doc{n}", title=f"Article {n}",
            outlet=OUTLETS[n % len(OUTLETS)], author=f"Author {n % 40}",
            published=f"{2023 + (n % 24) // 12}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            meta={"story": f"story {n % 50}"} if n % 2 else {}, spans=spans,
            document_labels={"ana": {"primary-frame": rng.choice(frames),
                                     "overall-slant": rng.choice(SLANTS)}},
            statuses={"ana": "done", "bob": "done"}))
    with Project.create(path, scheme) as project:
        project.import_documents(docs, annotator="ana")
    return total


class Clock:
    """Wall and CPU seconds of this process (the CPU figure is steadier on a shared machine)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def figures(project: object) -> dict[str, Clock]:
    """Each step of "all groupings" (one run)."""
    from annotator.insights import stats

    parts: dict[str, Clock] = {}
    with Clock() as parts["read the project, count words, find terms"]:
        data = stats.load(project)  # type: ignore[arg-type]
    layer = stats.default_layer(data)[0] or ""
    with Clock() as parts["density + share, 10 labels x 5 groupings, 1,000 resamples"]:
        for by in stats.GROUPINGS:
            stats.grouped(data, by, data.labels, layer)
    with Clock() as parts["top terms + log-odds, 10 labels"]:
        for label in data.labels:
            stats.top_terms(data, label, layer)
    with Clock() as parts["frame and slant distributions"]:
        for key in data.choices:
            stats.distribution(data, key, layer)
    return parts


def view_open(path: Path) -> tuple[float, float]:
    """(seconds to build and draw the view once the data is read, to show the first chart
    after a filter change)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.insights import process, stats
    from annotator.project import Project
    from ui.settings import open_settings
    from ui.window import MainWindow

    app = QApplication.instance() or QApplication([])
    project = Project.open(path)
    window = MainWindow(open_settings(), "ana", project)
    result = (stats.load(project), process.pace(project), process.agreement_over_time(project))
    t = time.perf_counter()
    from ui.insights_view import InsightsView

    def drawn() -> float:
        while view.busy:  # the figures are computed off the UI thread
            app.processEvents()
            time.sleep(0.001)
        view.density.canvas.draw()
        app.processEvents()
        return time.perf_counter() - t

    view = InsightsView(window)
    view.show()
    view._loaded(result)
    opened = drawn()
    t = time.perf_counter()
    view.by.setCurrentText("author")
    changed = drawn()
    view.close()
    window.close()
    project.close()
    return opened, changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--spans-per-annotator", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the project at this path")
    parser.add_argument("--reuse", type=Path, help="measure this project (built with --keep)")
    args, _rest = parser.parse_known_args()
    from annotator.insights import report
    from annotator.nlp import pipeline
    from annotator.project import Project

    with tempfile.TemporaryDirectory() as folder:
        path = args.reuse or args.keep or Path(folder) / "bench.annotator"
        if not args.reuse:
            t0 = time.perf_counter()
            spans = build(path, args.documents, args.spans_per_annotator)
            print(f"built {args.documents} documents, {spans} spans in "
                  f"{time.perf_counter() - t0:.1f} s (not timed)")
        pipeline()  # spaCy's import is a one-off start-up cost
        import matplotlib.figure  # noqa: F401  (the same for matplotlib's)

        runs: list[dict[str, Clock]] = []
        reports: list[Clock] = []
        with Project.open(path) as project:
            for _ in range(args.runs):
                runs.append(figures(project))
            for _ in range(args.runs):
                with Clock() as clock:
                    report.write(project, Path(folder) / "report.html")
                reports.append(clock)
        opened, changed = view_open(path)
    totals = [(sum(c.wall for c in r.values()), sum(c.cpu for c in r.values())) for r in runs]
    print(f"all groupings (goal <= 2 s), wall / CPU, best of {args.runs}: "
          f"{min(t[0] for t in totals):.2f} / {min(t[1] for t in totals):.2f} s "
          f"(median wall {statistics.median(t[0] for t in totals):.2f} s)")
    best = runs[min(range(len(runs)), key=lambda i: totals[i][1])]
    for name, clock in best.items():
        print(f"  {name}: {clock.wall:.2f} / {clock.cpu:.2f} s")
    print(f"report (goal <= 5 s), wall / CPU, best of {args.runs}: "
          f"{min(c.wall for c in reports):.2f} / {min(c.cpu for c in reports):.2f} s")
    print(f"Insights view open once the data is read (goal <= 1 s): {opened:.2f} s; "
          f"regrouped by author: {changed:.2f} s")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
