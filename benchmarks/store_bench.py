"""Import and CSV export at scale, against bare floors (issues 2 and 15).

10,000 articles of about 3 KB with 200,000 spans are written to a JSONL file,
imported into a new project, and all spans exported to CSV. In the same run,
the floors get the same rows already built: a bare stdlib ``sqlite3``
``executemany`` into the same schema in one transaction (and, for reference,
SQLAlchemy Core's), and a bare ``csv.writer``. Goals (issue 15): import <= 3x
the sqlite3 floor, export <= 2x csv.writer.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from annotator.formats import export, import_files
from annotator.models import Annotator, Base, Document, Span, utcnow
from annotator.project import Project
from annotator.schemes import resolve_scheme
from annotator.store import make_engine

DOCS, SPANS_PER_DOC = 10_000, 20


class Timer:
    """Wall and CPU seconds of a block (CPU time is steadier on a shared machine)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def ratio(self, base: Timer) -> str:
        return (f"{self.wall:.2f} s wall / {self.cpu:.2f} s CPU vs {base.wall:.2f} / {base.cpu:.2f}: "
                f"ratio {self.wall / base.wall:.2f} wall, {self.cpu / base.cpu:.2f} CPU")
WORDS = ("the regime said thugs infest a city council vote claims everyone knows "
         "officials denied report 🙂 café naïve according to data shows clearly").split()


def make_corpus(path: Path, labels: list[str]) -> list[dict]:
    rng = random.Random(7)
    records = []
    with path.open("w", encoding="utf-8") as out:
        for n in range(DOCS):
            text = ""
            while len(text) < 3000:
                text += " ".join(rng.choice(WORDS) for _ in range(12)) + ".\n"
            spans = []
            for _ in range(SPANS_PER_DOC):
                start = rng.randrange(0, len(text) - 40)
                spans.append({"start": start, "end": start + rng.randrange(1, 40),
                              "label": rng.choice(labels), "annotator": rng.choice(["ana", "bob"]),
                              "note": ""})
            record = {"id": f"doc{n}", "title": f"Article {n}", "text": text, "meta": {},
                      "spans": spans}
            records.append(record)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records


def bare_insert(url: str, records: list[dict]) -> Timer:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    now = utcnow()
    docs = [{"id": i + 1, "external_id": r["id"], "title": r["title"], "text": r["text"],
             "sha256": hashlib.sha256(r["text"].encode()).hexdigest(), "meta": {},
             "imported_at": now} for i, r in enumerate(records)]
    spans = [{"document_id": i + 1, "annotator_id": 1 if s["annotator"] == "ana" else 2,
              "label": s["label"], "start": s["start"], "end": s["end"], "note": "",
              "attributes": {}, "origin": "imported", "provenance": {}, "created_at": now,
              "updated_at": now} for i, r in enumerate(records) for s in r["spans"]]
    with Timer() as timer, engine.begin() as conn:
        conn.execute(insert(Annotator), [{"id": 1, "name": "ana", "kind": "human", "created_at": now},
                                         {"id": 2, "name": "bob", "kind": "human", "created_at": now}])
        conn.execute(insert(Document), docs)
        conn.execute(insert(Span), spans)
    engine.dispose()
    return timer


def bare_sqlite3(path: Path, records: list[dict]) -> Timer:
    """The floor: the same rows through the stdlib driver, one transaction."""
    import sqlite3

    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    now = utcnow().isoformat(sep=" ")
    docs = [(i + 1, r["id"], r["title"], r["text"], hashlib.sha256(r["text"].encode()).hexdigest(),
             "{}", now) for i, r in enumerate(records)]
    spans = [(i + 1, 1 if s["annotator"] == "ana" else 2, s["label"], s["start"], s["end"], "",
              "{}", "imported", "{}", now, now) for i, r in enumerate(records) for s in r["spans"]]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    with Timer() as timer:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO annotator (id, name, kind, created_at) VALUES (?, ?, 'human', ?)",
                         [(1, "ana", now), (2, "bob", now)])
        conn.executemany("INSERT INTO document (id, external_id, title, text, sha256, meta, imported_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
        conn.executemany('INSERT INTO span (document_id, annotator_id, label, start, "end", note, '
                         "attributes, origin, provenance, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
        conn.execute("COMMIT")
    conn.close()
    return timer


def bare_csv(path: Path, records: list[dict]) -> Timer:
    rows = [(r["id"], r["title"], s["annotator"], s["label"], s["start"], s["end"],
             r["text"][s["start"]:s["end"]], "", "", "imported", "2026-01-01T00:00:00Z",
             "2026-01-01T00:00:00Z", r["text"][max(0, s["start"] - 60):s["end"] + 60])
            for r in records for s in r["spans"]]
    with Timer() as timer, path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("doc_id",) * 13)
        writer.writerows(rows)
    return timer


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        scheme = resolve_scheme(None)
        corpus = folder / "corpus.jsonl"
        records = make_corpus(corpus, [label.key for label in scheme.labels])
        print(f"corpus: {DOCS} documents, {DOCS * SPANS_PER_DOC} spans, "
              f"{corpus.stat().st_size / 1e6:.1f} MB JSONL")

        base_insert = bare_insert(f"sqlite:///{folder / 'bare.db'}", records)
        floor = bare_sqlite3(folder / "floor.db", records)
        with Project.create(folder / "bench.annotator", scheme) as project:
            with Timer() as ours_import:
                imported = import_files(project, [corpus], annotator="bench")
            base_csv = bare_csv(folder / "bare.csv", records)
            with Timer() as ours_export:
                report = export(project, "csv", folder / "spans.csv")
        assert report.spans == imported.spans_added
        print(f"import (read + validate + insert) vs bare sqlite3 executemany: "
              f"{ours_import.ratio(floor)} (goal <= 3)")
        print(f"  (SQLAlchemy Core executemany of the same rows: {base_insert.wall:.2f} s wall / "
              f"{base_insert.cpu:.2f} s CPU)")
        print(f"export CSV (query + sentences + write) vs bare csv.writer: "
              f"{ours_export.ratio(base_csv)} (goal <= 2)")
        return int(ours_import.wall > 3 * floor.wall or ours_export.wall > 2 * base_csv.wall)


if __name__ == "__main__":
    main()
