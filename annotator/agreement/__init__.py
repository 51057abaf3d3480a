"""Inter-annotator agreement: span precision/recall/F1, Cohen's and Fleiss'
kappa and Krippendorff's alpha on token decisions, unitizing alpha on
characters; over a selection and per document.

``measure(project, ...)`` is the entry point of the CLI and the GUI;
``compute(corpus)`` does the work on plain arrays (tests build corpora with
``Corpus.build``); ``write_csv`` writes the table. Every figure states its measure, unit and counts; an
undefined figure is None with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain import Progress, no_progress
from .coding import coding_figures
from .corpus import Corpus, from_project, tokens
from .export import write_csv
from .figures import (
    CHARACTERS,
    COHEN,
    EXACT,
    F1,
    FLEISS,
    KRIPPENDORFF,
    OVERLAP,
    POSITION_EXACT,
    POSITION_OVERLAP,
    PRECISION,
    RECALL,
    TOKENS,
    UNITIZING,
    Agreement,
    DocumentAgreement,
    Figure,
)
from .spans import span_figures
from .unitizing import unitizing_figures

if TYPE_CHECKING:
    from spacy.language import Language

    from ..project import Project

__all__ = [
    "Agreement", "Corpus", "DocumentAgreement", "Figure", "compute", "measure", "write_csv",
    "PRECISION", "RECALL", "F1", "COHEN", "FLEISS", "KRIPPENDORFF", "UNITIZING",
    "EXACT", "OVERLAP", "POSITION_EXACT", "POSITION_OVERLAP", "TOKENS", "CHARACTERS",
]


def measure(project: Project, annotators: Sequence[str] = (), labels: Sequence[str] = (),
            documents: Sequence[str] = (), *, annotated_only: bool = False,
            per_document: bool = True, progress: Progress = no_progress) -> Agreement:
    """Agreement of ``annotators`` (the first is the reference) in a project.

    Seconds on 10,000 documents: run it off the GUI thread. ``progress`` hears
    of each of the five stages and may raise ``Cancelled``.
    """
    progress(0, STAGES)
    corpus = from_project(project, annotators, labels, documents)
    return compute(corpus, annotated_only=annotated_only, per_document=per_document,
                   progress=progress)


STAGES = 5


def compute(corpus: Corpus, *, annotated_only: bool = False, per_document: bool = True,
            nlp: Language | None = None, progress: Progress = no_progress) -> Agreement:
    notes = list(corpus.notes)
    names = corpus.annotators
    if len(names) < 2 or not corpus.texts:
        why = ("agreement needs at least two annotators" if len(names) < 2
               else "no document was worked on by every annotator compared")
        notes.append(why)
        figures = tuple(Figure(m, method, unit, None, {}, None, names, why)
                        for m, method, unit in ((F1, OVERLAP, "span"),
                                                (COHEN, TOKENS, "token-label decision"),
                                                (FLEISS, TOKENS, "token-label decision"),
                                                (KRIPPENDORFF, TOKENS, "token-label decision"),
                                                (UNITIZING, CHARACTERS, "character")))
        return Agreement(names, corpus.labels, len(corpus.texts), figures, (), tuple(notes),
                         annotated_only)
    progress(1, STAGES)
    span, span_docs = span_figures(corpus, per_document)
    progress(2, STAGES)
    tok_doc, tok_start, tok_end = tokens(corpus, nlp)
    progress(3, STAGES)
    coding, coding_docs = coding_figures(corpus, tok_doc, tok_start, tok_end, annotated_only,
                                         per_document)
    progress(4, STAGES)
    unitizing, unitizing_docs = unitizing_figures(corpus, per_document)
    progress(STAGES, STAGES)
    per_doc: tuple[DocumentAgreement, ...] = ()
    if per_document:
        per_doc = tuple(
            DocumentAgreement(corpus.document_ids[d], corpus.keys[d], corpus.titles[d],
                              tuple(span_docs[d] + coding_docs[d] + unitizing_docs[d]))
            for d in range(len(corpus.texts)))
    return Agreement(names, corpus.labels, len(corpus.texts),
                     tuple(span + coding + unitizing), per_doc, tuple(notes), annotated_only)
