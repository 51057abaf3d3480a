"""What agreement hands out: figures that state their measure, unit and counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Measure names: scripts find figures by these words.
PRECISION, RECALL, F1 = "precision", "recall", "f1"
COHEN, FLEISS = "cohen_kappa", "fleiss_kappa"
KRIPPENDORFF, UNITIZING = "krippendorff_alpha", "unitizing_alpha"

# Span matching methods of precision, recall and F1.
EXACT, OVERLAP = "exact", "overlap"
POSITION_EXACT, POSITION_OVERLAP = "position-exact", "position-overlap"
TOKENS, CHARACTERS = "token", "character"


@dataclass(frozen=True)
class Figure:
    """One agreement figure and its working.

    ``value`` is None when the figure is undefined for these data; ``reason``
    then says why. ``label`` None means all labels together (micro average or
    overall); ``annotators`` are those compared (the reference first).
    """

    measure: str
    method: str
    unit: str
    value: float | None
    counts: Mapping[str, float] = field(default_factory=dict)
    label: str | None = None
    annotators: tuple[str, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "method": self.method, "label": self.label,
                "annotators": list(self.annotators), "value": self.value, "reason": self.reason,
                "unit": self.unit, "counts": dict(self.counts)}


@dataclass(frozen=True)
class DocumentAgreement:
    """The figures of one document (to find where the team disagrees most)."""

    document_id: int
    key: str
    title: str
    figures: tuple[Figure, ...]

    def value(self, measure: str) -> float | None:
        found = next((f for f in self.figures if f.measure == measure and f.label is None), None)
        return found.value if found else None


@dataclass(frozen=True)
class Agreement:
    """Every figure over a selection of documents, annotators and labels."""

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    documents: int
    figures: tuple[Figure, ...]
    per_document: tuple[DocumentAgreement, ...] = ()
    notes: tuple[str, ...] = ()
    annotated_only: bool = False

    @property
    def reference(self) -> str | None:
        return self.annotators[0] if self.annotators else None

    def find(self, measure: str, method: str | None = None, label: str | None = None,
             annotators: tuple[str, ...] | None = None) -> Figure:
        """The one figure matching; KeyError if none."""
        for f in self.figures:
            if f.measure == measure and (method is None or f.method == method) \
                    and f.label == label and (annotators is None or f.annotators == annotators):
                return f
        raise KeyError((measure, method, label, annotators))

    def matrix(self, measure: str = COHEN, label: str | None = None
               ) -> list[list[float | None]]:
        """Pairwise figures as a matrix over ``annotators`` (for a heat map).

        Symmetric measures (Cohen's kappa) fill both halves and 1.0 on the
        diagonal; F1 fills the reference's row and column. Missing: None.
        """
        index = {name: i for i, name in enumerate(self.annotators)}
        size = len(self.annotators)
        grid: list[list[float | None]] = [[None] * size for _ in range(size)]
        for f in self.figures:
            if f.measure == measure and f.label == label and len(f.annotators) == 2 \
                    and f.method in (TOKENS, OVERLAP):
                i, j = index[f.annotators[0]], index[f.annotators[1]]
                grid[i][j] = grid[j][i] = f.value
        if measure == COHEN:
            for i in range(size):
                grid[i][i] = 1.0
        return grid

    def most_disagreed(self, measure: str = UNITIZING) -> list[DocumentAgreement]:
        """Documents by ``measure`` (overall), lowest first; undefined ones last."""
        return sorted(self.per_document,
                      key=lambda d: (d.value(measure) is None, d.value(measure) or 0.0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotators": list(self.annotators), "reference": self.reference,
            "labels": list(self.labels), "documents": self.documents,
            "annotated_only": self.annotated_only, "notes": list(self.notes),
            "figures": [f.as_dict() for f in self.figures],
            "per_document": [{"document_id": d.document_id, "key": d.key, "title": d.title,
                              "figures": [f.as_dict() for f in d.figures]}
                             for d in self.per_document],
        }


def ratio(numerator: float, denominator: float, empty: str) -> tuple[float | None, str]:
    """``numerator / denominator``, or None and the reason ``empty``."""
    if denominator == 0:
        return None, empty
    return float(numerator / denominator), ""
