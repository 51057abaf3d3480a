"""How good each suggester is on the project: precision, recall and F1 per label.

The reference is every live span (any origin: a suggestion accepted by an
analyst was reviewed) of the chosen annotators, on documents that have at
least one such span (a document nobody has tagged says nothing about false
positives). Predictions are the suggesters' raw output, rejected ones
included. A suggester is scored only on the labels it can propose, and only
on documents it did not learn from: the consistency suggester ignores the
document's own spans, the trained model skips its training documents.

Matching is exact (same label, start and end) or, with ``overlap``, any
overlap with the same label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain import Progress, SpanFilter, no_progress
from .engine import Engine

if TYPE_CHECKING:
    from ..project import Project

Key = tuple[int, str, int, int]  # document, label, start, end


@dataclass(frozen=True)
class Score:
    """One suggester on one label (``label`` is ``"*"`` for all its labels)."""

    suggester: str
    label: str
    predicted: int
    correct: int  # predictions that match a reference span
    reference: int
    found: int  # reference spans matched by a prediction

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    documents: int
    scores: list[Score] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def evaluate(project: Project, *, enabled: Iterable[str] | None = None,
             annotators: Sequence[str] = (), documents: Sequence[str] = (),
             overlap: bool = False, engine: Engine | None = None,
             progress: Progress = no_progress) -> Evaluation:
    engine = engine or Engine(project)
    suggesters = engine.suggesters(enabled)
    reference: dict[int, set[Key]] = {}
    docs = []
    for document, spans in project.iter_spans(SpanFilter(annotators=tuple(annotators),
                                                         documents=tuple(documents))):
        if spans:
            docs.append(document)
            reference[document.id] = {(s.document_id, s.label, s.start, s.end) for s in spans}
    result = Evaluation(len(docs))
    one_annotator = annotators[0] if len(annotators) == 1 else None
    predicted: dict[str, set[Key]] = {s.name: set() for s in suggesters}
    gold: dict[str, set[Key]] = {s.name: set() for s in suggesters}
    for n, document in enumerate(docs):
        for suggester in suggesters:
            if not suggester.evaluable(document.id):
                continue
            wanted = set(suggester.labels)
            gold[suggester.name] |= {k for k in reference[document.id] if k[1] in wanted}
            predicted[suggester.name] |= {
                (s.document_id, s.label, s.start, s.end)
                for s in engine.raw(document, [suggester], annotator=one_annotator, held_out=True)}
        progress(n + 1, len(docs))
    for suggester in suggesters:
        if not gold[suggester.name] and not predicted[suggester.name]:
            result.notes.append(f"{suggester.name}: proposed nothing, and there are no spans "
                                f"of its labels ({', '.join(suggester.labels)}) to find")
            continue
        labels = sorted({k[1] for k in gold[suggester.name] | predicted[suggester.name]})
        for label in [*labels, "*"]:
            p = {k for k in predicted[suggester.name] if label in ("*", k[1])}
            g = {k for k in gold[suggester.name] if label in ("*", k[1])}
            result.scores.append(_score(suggester.name, label, p, g, overlap))
    return result


def _score(name: str, label: str, predicted: set[Key], gold: set[Key], overlap: bool) -> Score:
    if not overlap:
        both = len(predicted & gold)
        return Score(name, label, len(predicted), both, len(gold), both)
    by_place: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for doc, lab, start, end in gold:
        by_place.setdefault((doc, lab), []).append((start, end))

    def hits(key: Key, others: dict[tuple[int, str], list[tuple[int, int]]]) -> bool:
        return any(a < key[3] and key[2] < b for a, b in others.get((key[0], key[1]), ()))

    pred_place: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for doc, lab, start, end in predicted:
        pred_place.setdefault((doc, lab), []).append((start, end))
    return Score(name, label, len(predicted), sum(hits(k, by_place) for k in predicted),
                 len(gold), sum(hits(k, pred_place) for k in gold))
