"""Agreement over 10,000 documents, 5 annotators, 500,000 spans: all measures.

    python -m benchmarks.agreement_bench [--documents N] [--keep PATH]

Builds a project in a temporary folder (not timed), then times
``agreement.measure`` (reading the project, tokenizing, every measure, per
document figures) and its parts. The goal is at most 5 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

WORDS = ("the mayor council said regime proposal slammed cronies rammed through budget "
         "officials claimed critics warned that would be a disaster for families and "
         "businesses across region while supporters praised plan as bold step forward "
         "according to report published on Tuesday by local newspaper").split()
ANNOTATORS = ("ana", "bob", "cat", "dan", "eve")


def article(rng: random.Random, words: int) -> str:
    out = []
    for i in range(words):
        word = rng.choice(WORDS)
        out.append(word.capitalize() if i % 17 == 0 else word)
        if i % 17 == 16:
            out[-1] += "."
    return " ".join(out)


def build(path: Path, documents: int, spans_per_annotator: int, seed: int = 7) -> int:
    from annotator.domain import IncomingDocument, IncomingSpan
    from annotator.project import Project
    from annotator.schemes import resolve_scheme

    rng = random.Random(seed)
    scheme = resolve_scheme("media-bias")
    labels = [lab.key for lab in scheme.labels]
    docs = []
    total = 0
    for n in range(documents):
        text = article(rng, rng.randint(300, 500))
        spans = []
        truth = [(rng.randrange(0, len(text) - 60), rng.randint(5, 50), rng.choice(labels))
                 for _ in range(spans_per_annotator)]
        for name in ANNOTATORS:
            for start, length, label in truth:
                if rng.random() < 0.2:  # a different span altogether
                    start, length, label = (rng.randrange(0, len(text) - 60), rng.randint(5, 50),
                                            rng.choice(labels))
                start = max(0, start + rng.choice((0, 0, 0, -3, 2)))
                spans.append(IncomingSpan(start, start + length, label, annotator=name))
        total += len(spans)
        docs.append(IncomingDocument(text=text, source="bench", external_id=f"doc{n}",
                                     spans=spans))
    with Project.create(path, scheme) as project:
        project.import_documents(docs, annotator="ana")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--spans-per-annotator", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the project at this path")
    parser.add_argument("--reuse", type=Path,
                        help="measure this project (built before with --keep)")
    args = parser.parse_args()
    from annotator import agreement
    from annotator.agreement.coding import coding_figures
    from annotator.agreement.corpus import clear_token_cache, from_project, tokens
    from annotator.agreement.spans import span_figures
    from annotator.agreement.unitizing import unitizing_figures
    from annotator.nlp import pipeline
    from annotator.project import Project

    with tempfile.TemporaryDirectory() as folder:
        path = args.reuse or args.keep or Path(folder) / "bench.annotator"
        if not args.reuse:
            t0 = time.perf_counter()
            spans = build(path, args.documents, args.spans_per_annotator)
            print(f"built {args.documents} documents, {len(ANNOTATORS)} annotators, {spans} "
                  f"spans in {time.perf_counter() - t0:.1f} s (not timed)")
        pipeline()  # spaCy's import is a one-off start-up cost, not agreement's
        with Project.open(path) as project:
            cold, warm = [], []
            for _ in range(args.runs):
                clear_token_cache()
                t0 = time.perf_counter()
                result = agreement.measure(project)
                cold.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                agreement.measure(project)
                warm.append(time.perf_counter() - t0)
            parts = {}
            t = time.perf_counter()
            corpus = from_project(project)
            parts["read project"] = time.perf_counter() - t
        clear_token_cache()
        t = time.perf_counter()
        tok = tokens(corpus)
        parts["tokenize (uncached)"] = time.perf_counter() - t
        t = time.perf_counter()
        span_figures(corpus, True)
        parts["span P/R/F1"] = time.perf_counter() - t
        t = time.perf_counter()
        coding_figures(corpus, *tok, False, True)
        parts["kappa, alpha"] = time.perf_counter() - t
        t = time.perf_counter()
        unitizing_figures(corpus, True)
        parts["alpha_U"] = time.perf_counter() - t
    print(f"all measures with per-document figures (goal <= 5 s), best / median of {args.runs}:")
    print(f"  first time (tokenizing): {min(cold):.2f} / {statistics.median(cold):.2f} s")
    print(f"  again, tokens cached:    {min(warm):.2f} / {statistics.median(warm):.2f} s")
    print("parts of one more run:")
    for name, seconds in parts.items():
        print(f"  {name}: {seconds:.2f} s")
    print(f"{len(tok[0])} tokens; {len(result.figures)} figures, {len(result.per_document)} "
          f"documents; alpha_U overall {result.find('unitizing_alpha').value:.4f}, "
          f"Krippendorff alpha {result.find('krippendorff_alpha').value:.4f}")


if __name__ == "__main__":
    main()
