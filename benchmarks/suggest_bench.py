"""Benchmark: lexicon and claim-cue suggestions on a 10,000-word article.

    python -m benchmarks.suggest_bench [--words 10000] [--runs 7]

Reports separately: loading the spaCy pipeline (import + blank English +
sentencizer), building the suggesters (phrase matchers), then per run the
median of tokenizing the article and running both suggesters (goal: 200 ms),
and the whole ``suggestions()`` call on a project (database reads,
consistency suggester, filtering) for comparison.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def article(words: int) -> str:
    """Paragraphs of the bundled sample articles, repeated up to ``words`` words."""
    from annotator.resources import SAMPLES_FILE

    paragraphs = [p for line in SAMPLES_FILE.read_text("utf-8").splitlines()
                  for p in json.loads(line)["text"].split("\n\n") if p.strip()]
    out: list[str] = []
    count = i = 0
    while count < words:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = article(args.words)

    began = time.perf_counter()
    from annotator.nlp import pipeline

    nlp = pipeline()
    load = time.perf_counter() - began

    from annotator.domain import DocumentData
    from annotator.schemes import resolve_scheme
    from annotator.suggest.base import Target
    from annotator.suggest.claims import ClaimSuggester
    from annotator.suggest.lexicon import STARTER_LEXICON, LexiconSuggester

    began = time.perf_counter()
    scheme = resolve_scheme("media-bias")
    suggesters = [LexiconSuggester(nlp, STARTER_LEXICON, scheme), ClaimSuggester(nlp, scheme)]
    build = time.perf_counter() - began

    document = DocumentData(1, None, "bench", text, "")
    timings, found = [], 0
    for _ in range(args.runs):
        began = time.perf_counter()
        target = Target(document, nlp(text))
        found = sum(1 for s in suggesters for _ in s.suggest(target))
        timings.append(time.perf_counter() - began)

    from annotator import suggest
    from annotator.domain import IncomingDocument
    from annotator.project import Project

    with tempfile.TemporaryDirectory() as folder, \
            Project.create(Path(folder) / "bench.annotator", scheme) as project:
        project.import_documents([IncomingDocument(text=text, source="bench")], annotator="a")
        project.add_span(1, "a", "loaded-term", text.index("rammed"), text.index("rammed") + 6)
        suggest.suggestions(project, 1, annotator="a")  # builds the engine
        full = []
        for _ in range(args.runs):
            began = time.perf_counter()
            shown = len(suggest.suggestions(project, 1, annotator="a"))
            full.append(time.perf_counter() - began)

    median = statistics.median(timings)
    print(f"article: {len(text.split())} words, {len(text)} characters")
    print(f"pipeline load (spaCy import, blank:en + sentencizer): {load * 1000:.0f} ms")
    print(f"suggesters built (lexicon + claim-cue matchers): {build * 1000:.0f} ms")
    print(f"lexicon + claim cues, tokenizing included: median {median * 1000:.0f} ms, "
          f"min {min(timings) * 1000:.0f} ms over {args.runs} runs; {found} suggestions "
          f"(goal 200 ms: {'met' if median <= 0.2 else 'MISSED'})")
    print(f"suggestions() on a project (all suggesters, DB, filtering; the tokenized Doc is "
          f"cached): median {statistics.median(full) * 1000:.0f} ms; {shown} shown")


if __name__ == "__main__":
    main()
