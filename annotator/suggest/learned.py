"""Learned suggester: a spaCy span categorizer trained on the project's spans.

:func:`train` fits a ``spancat`` pipe (blank English tokenizer, CPU) on live
spans of chosen annotators (or the gold layer), one example per sentence, and
saves the pipeline in a folder, by default beside the project file
(``<project>.models/spancat``). The folder's ``meta.json`` records what it
was trained on under ``"annotator"``. :class:`SpancatSuggester` loads it and
proposes spans scoring at least a threshold. Spans longer than
:data:`MAX_TOKENS` tokens (whole claims) are left to the claim-cue suggester:
the n-gram candidates would grow too many.
"""

from __future__ import annotations

import random
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select

from ..domain import Progress, SpanFilter, no_progress
from ..errors import AnnotatorError, ProjectError
from ..models import Annotator
from ..schemes import Scheme
from ..wording import agree, plural
from .base import Suggester, Suggestion, Target, Unavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import SpanCategorizer
    from spacy.tokens import Doc

    from ..project import Project

    Sentence = tuple[Doc, list[tuple[str, int, int]]]  # with its spans: (label, start, end) in it

NAME = "spancat"
SPANS_KEY = "sc"
MAX_TOKENS = 8
MIN_SPANS = 2  # a label with fewer training spans is left out
UPDATES = 20_000  # examples seen in training, spread over the epochs (minutes on CPU)


def model_dir(project: Project) -> Path | None:
    """Default model folder of a project file (None for a database URL)."""
    if "://" in project.location:
        return None
    path = Path(project.location)
    return path.with_name(path.name + ".models") / NAME


@dataclass
class TrainReport:
    output: Path
    labels: dict[str, int]  # label -> training spans
    examples: int
    epochs: int
    seconds: float
    loss: float
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        labels = ", ".join(f"{k} ({n})" for k, n in self.labels.items())
        return (f"trained on {plural(sum(self.labels.values()), 'span')} in "
                f"{plural(self.examples, 'sentence')} "
                f"({labels}), {self.epochs} epochs in {self.seconds:.1f} s, final loss "
                f"{self.loss:.3f}; saved to {self.output}")


def gold_annotators(project: Project) -> list[str]:
    with project.reading() as s:
        return list(s.scalars(select(Annotator.name).where(Annotator.kind == "gold")))


def train(project: Project, *, labels: Sequence[str] = (), annotators: Sequence[str] = (),
          output: Path | None = None, epochs: int | None = None, seed: int = 0,
          progress: Progress = no_progress) -> TrainReport:
    """Train and save a span categorizer; :class:`Cancelled` from ``progress``
    stops it and leaves any earlier model untouched.

    Sentences without spans are sampled down to as many as those with spans.
    ``epochs`` defaults to what keeps training near :data:`UPDATES` examples
    (between 4 and 20 passes).
    """
    import spacy
    from spacy.training import Example
    from spacy.util import minibatch
    from thinc.api import fix_random_seed  # what spacy.util re-exports, untyped there

    began = time.perf_counter()
    output = output or model_dir(project)
    if output is None:
        raise ProjectError("the project is a database URL: name a model folder (--output)")
    for label in labels:
        if not project.scheme.has_label(label):
            raise AnnotatorError(f"no label {label!r} in the project's scheme")
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    notes: list[str] = []
    sentences, counts, documents = _sentences(project, nlp, labels, annotators, notes)
    counts = Counter({k: n for k, n in counts.items() if n >= MIN_SPANS})
    if not counts:
        raise AnnotatorError(f"nothing to learn from: no label has {MIN_SPANS} spans of at most "
                             f"{MAX_TOKENS} tokens (check --labels and --annotator)")
    rng = random.Random(seed)
    positive: list[Sentence] = []
    negative: list[Sentence] = []
    for item in sentences:
        kept = any(label in counts for label, _start, _end in item[1])
        (positive if kept else negative).append(item)
    sentences = positive + rng.sample(negative, min(len(negative), len(positive)))
    epochs = epochs or max(4, min(20, UPDATES // len(sentences)))
    longest = 1
    examples = []
    for doc, spans in sentences:
        reference = doc.copy()
        group = []
        for label, start, end in spans:
            if label in counts:
                span = reference.char_span(start, end, label=label, alignment_mode="expand")
                if span is not None:
                    group.append(span)
                    longest = max(longest, len(span))
        reference.spans[SPANS_KEY] = group
        examples.append(Example(doc, reference))
    spancat = cast("SpanCategorizer", nlp.add_pipe("spancat", config={
        "spans_key": SPANS_KEY,
        "suggester": {"@misc": "spacy.ngram_range_suggester.v1", "min_size": 1,
                      "max_size": longest}}))
    for label in sorted(counts):
        spancat.add_label(label)
    optimizer = nlp.initialize(lambda: examples)
    batches = max(1, (len(examples) + 15) // 16)
    progress(0, epochs * batches)
    loss = 0.0
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for n, batch in enumerate(minibatch(examples, size=16)):  # type: ignore[no-untyped-call]
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.1)
            progress(epoch * batches + n + 1, epochs * batches)
        loss = losses.get("spancat", 0.0)
    nlp.meta["annotator"] = {"labels": dict(sorted(counts.items())), "documents": sorted(documents),
                             "annotators": list(annotators), "epochs": epochs}
    try:
        _save(nlp, output)
    except OSError as exc:
        raise ProjectError(f"cannot save the model to {output}: {exc.strerror or exc}") from None
    return TrainReport(output, dict(sorted(counts.items())), len(examples), epochs,
                       time.perf_counter() - began, loss, notes)


def _sentences(project: Project, nlp: Language, labels: Sequence[str], annotators: Sequence[str],
               notes: list[str]) -> tuple[list[Sentence], Counter[str], set[int]]:
    """Sentences of annotated documents with their spans (sentence offsets)."""
    where = SpanFilter(annotators=tuple(annotators), labels=tuple(labels))
    found: list[tuple[Any, list[tuple[str, int, int]]]] = []
    counts: Counter[str] = Counter()
    documents: set[int] = set()
    too_long = crossing = 0
    for document, spans in project.iter_spans(where):
        if not spans:
            continue
        documents.add(document.id)
        doc = nlp(document.text)
        unique = sorted({(s.label, s.start, s.end) for s in spans}, key=lambda k: (k[1], k[2], k[0]))
        for sent in doc.sents:
            if sent.text.isspace():
                continue
            inside = []
            for label, start, end in unique:
                if start >= sent.start_char and end <= sent.end_char:
                    span = doc.char_span(start, end, alignment_mode="expand")
                    if span is None or len(span) > MAX_TOKENS:
                        too_long += 1
                        continue
                    inside.append((label, start - sent.start_char, end - sent.start_char))
                    counts[label] += 1
                elif start < sent.end_char and end > sent.start_char and start >= sent.start_char:
                    crossing += 1
            found.append((sent.as_doc(), inside))
    if too_long:
        notes.append(f"{plural(too_long, 'span')} longer than {MAX_TOKENS} tokens "
                     f"{agree(too_long, 'was', 'were')} left out")
    if crossing:
        notes.append(f"{plural(crossing, 'span')} crossing a sentence boundary "
                     f"{agree(crossing, 'was', 'were')} left out")
    return found, counts, documents


def _save(nlp: Any, output: Path) -> None:
    """Write beside the target, then swap it in: a failed save keeps the old model."""
    output.parent.mkdir(parents=True, exist_ok=True)
    draft = output.with_name(output.name + ".new")
    shutil.rmtree(draft, ignore_errors=True)
    nlp.to_disk(draft)
    old = output.with_name(output.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    draft.rename(output)
    shutil.rmtree(old, ignore_errors=True)


class SpancatSuggester(Suggester):
    name = NAME
    title = "Trained span categorizer"

    def __init__(self, path: Path, scheme: Scheme, threshold: float):
        import spacy

        try:
            self.nlp = spacy.load(path)
            pipe = cast("SpanCategorizer", self.nlp.get_pipe("spancat"))
        except Exception as exc:  # spaCy raises many kinds for a damaged folder
            raise Unavailable(f"cannot load the trained model {path}: {exc}") from None
        pipe.cfg["threshold"] = threshold
        self.threshold = threshold
        self.path = path
        meta = self.nlp.meta.get("annotator", {})
        self.trained_documents = frozenset(meta.get("documents", []))
        self.labels = tuple(label for label in pipe.labels if scheme.has_label(label))
        if not self.labels:
            raise Unavailable(f"the trained model {path} proposes no label of the scheme")
        self.notes = [f"trained on {plural(len(self.trained_documents), 'document')}; "
                      f"threshold {threshold}"]
        self._last: tuple[tuple[int, str], list[Suggestion]] | None = None

    def evaluable(self, document_id: int) -> bool:
        return document_id not in self.trained_documents

    def suggest(self, target: Target) -> Iterable[Suggestion]:
        key = (target.document.id, target.document.sha256)
        if self._last is None or self._last[0] != key:
            self._last = (key, self._predict(target))
        return self._last[1]

    def _predict(self, target: Target) -> list[Suggestion]:
        doc = self.nlp(target.document.text)
        group = doc.spans.get(SPANS_KEY)
        if group is None:
            return []
        scores = group.attrs.get("scores", [])
        found = sorted(((float(score), span) for span, score in zip(group, scores)
                        if span.label_ in self.labels), key=lambda item: -item[0])
        kept: list[Suggestion] = []
        for score, span in found:  # best first; drop overlaps with a better one of its label
            start, end = span.start_char, span.end_char
            if any(k.label == span.label_ and k.start < end and start < k.end for k in kept):
                continue
            kept.append(Suggestion(target.document.id, self.name, span.label_, start, end,
                                   round(score, 3), f"trained model, score {score:.2f}"))
        return kept
