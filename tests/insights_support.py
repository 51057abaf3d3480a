"""A small project of articles from three outlets, two annotators and their sessions
(shared by the tests/test_insights_*.py files)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from annotator.domain import IncomingDocument, IncomingSpan
from annotator.insights import process
from annotator.project import Project
from annotator.schemes import resolve_scheme

OUTLETS = {  # outlet -> its loaded words, one in every N words
    "Daily Post": (["slammed", "regime", "rammed through"], 5),
    "Evening Star": (["slammed", "cronies"], 9),
    "The Ledger": (["criticised"], 20),
}
FILLER = "the council said the plan would change how the city pays for its new roads".split()
FRAMES = ("economic", "political", "legality")


def article(rng: random.Random, loaded: list[str], every: int) -> tuple[str, list[tuple[int, int]]]:
    words, spans, text = [], [], ""
    for i in range(40 + rng.randrange(20)):
        if i % every == every - 1 and rng.random() < 0.8:
            word = rng.choice(loaded)
            start = len(text) + (1 if text else 0)
            spans.append((start, start + len(word)))
        else:
            word = rng.choice(FILLER)
        text = f"{text} {word}" if text else word
        words.append(word)
    return text + ".", spans


def build(path: Path, *, per_outlet: int = 8, sessions: bool = True) -> Project:
    """Project at ``path``: 3 outlets x ``per_outlet`` articles (the last outlet
    only 3, a small group), spans by ana (all) and bob (most), frames by ana."""
    rng = random.Random(3)
    docs = []
    n = 0
    for outlet, (loaded, every) in OUTLETS.items():
        count = per_outlet if outlet != "The Ledger" else 3
        for i in range(count):
            text, spans = article(rng, loaded, every)
            month = 1 + n % 3
            incoming = [IncomingSpan(s, e, "loaded-term", annotator="ana") for s, e in spans]
            incoming += [IncomingSpan(s, e, "loaded-term", annotator="bob")
                         for s, e in spans[: max(1, len(spans) - (i % 2))]]
            docs.append(IncomingDocument(
                text=text, source="sample", external_id=f"a{n}", title=f"Article {n}",
                outlet=outlet, author=f"Writer {n % 4}", published=f"2024-{month:02d}-1{n % 9}",
                spans=incoming,
                document_labels={"ana": {"primary-frame": FRAMES[n % 3]}},
                statuses={"ana": "done", "bob": "done"}))
            n += 1
    project = Project.create(path, resolve_scheme(None))
    project.import_documents(docs, annotator="ana")
    if sessions:
        start = datetime(2024, 3, 1, 9, 0)
        for doc in project.document_ids()[:6]:
            for minute in (0, 2, 4):  # four minutes of work on each of six documents
                process.record(project, "ana", doc, start + timedelta(minutes=minute))
            start += timedelta(minutes=30)  # then a break longer than the idle limit
    return project
