"""Export and re-import 10,000 documents with 200,000 spans in every format
that reads and writes, timed against the JSONL path (goal: none slower than 3x).

    python -m benchmarks.formats_bench [--documents N] [--spans M]

Data is generated into a temporary folder: news-like text with an emoji and a
CRLF here and there, spans on word boundaries (so DocBin keeps them all).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.formats import ReadOptions, export, import_files
from annotator.project import Project
from annotator.schemes import resolve_scheme

WORDS = ("the regime said protesters thugs attacked peaceful crowd minister claims "
         "economy collapse always never everyone elites corrupt media lies truth "
         "nation flag enemy danger 🙂 café\u0301 民主").split()
LABELS = ["Loaded_Language", "Name_Calling,Labeling", "Doubt", "Flag-Waving",
          "Exaggeration,Minimisation", "propaganda"]
FORMATS = [("jsonl", ".jsonl"), ("semeval", ""), ("brat", ""), ("w3c", ".jsonld"),
           ("labelstudio", ".json"), ("doccano", ".jsonl"), ("docbin", ".spacy")]


def generate(documents: int, spans: int, seed: int = 7) -> list[IncomingDocument]:
    rng = random.Random(seed)
    per_doc = spans // documents
    docs = []
    for n in range(documents):
        parts: list[str] = [f"Article {n}", "\r\n\r\n" if n % 3 == 0 else "\n\n"]
        bounds: list[tuple[int, int]] = []
        at = sum(map(len, parts))
        for w in range(220):
            word = rng.choice(WORDS)
            bounds.append((at, at + len(word)))
            sep = ". " if w % 15 == 14 else (" \r\n" if w % 40 == 39 and n % 3 == 0 else " ")
            parts += [word, sep]
            at += len(word) + len(sep)
        text = "".join(parts).rstrip() + "."
        doc_spans = []
        for _ in range(per_doc):
            i = rng.randrange(len(bounds) - 3)
            j = i + rng.randrange(1, 4)
            doc_spans.append(IncomingSpan(bounds[i][0], bounds[j - 1][1], rng.choice(LABELS),
                                          annotator="ana"))
        docs.append(IncomingDocument(text=text, source="bench", external_id=f"article{n}",
                                     spans=doc_spans))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--spans", type=int, default=200_000)
    args = parser.parse_args()
    scheme = resolve_scheme("semeval2020-propaganda")
    docs = generate(args.documents, args.spans)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Project.create(folder / "source.annotator", scheme) as source:
            report = source.import_documents(docs, annotator="ana")
            print(f"{report.documents_added} documents, {report.spans_added} spans "
                  f"(unique per annotator, label and offsets)")
            results = []
            for fmt, suffix in FORMATS:
                out = folder / f"{fmt}-out{suffix}"
                began = time.perf_counter()
                written = export(source, fmt, out)
                exported = time.perf_counter() - began
                with Project.create(folder / f"{fmt}.annotator", scheme) as target:
                    if fmt == "w3c":  # annotations attach to texts already in the project
                        target.import_documents([IncomingDocument(text=d.text, source="bench",
                                                                  external_id=d.external_id)
                                                 for d in docs], annotator="x")
                    paths = [out, out / "semeval.labels"] if fmt == "semeval" else [out]
                    began = time.perf_counter()
                    imported = import_files(target, paths, format_name=fmt, annotator="ana",
                                            options=ReadOptions())
                    reimported = time.perf_counter() - began
                results.append((fmt, exported, reimported, written.spans, imported.spans_added))
    base = results[0][1] + results[0][2]
    print(f"{'format':<12}{'export s':>10}{'import s':>10}{'total s':>10}{'x JSONL':>9}"
          f"{'spans out':>11}{'spans in':>10}")
    for fmt, exported, reimported, out_spans, in_spans in results:
        total = exported + reimported
        print(f"{fmt:<12}{exported:>10.2f}{reimported:>10.2f}{total:>10.2f}{total / base:>9.2f}"
              f"{out_spans:>11}{in_spans:>10}")


if __name__ == "__main__":
    main()
