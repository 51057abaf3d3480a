"""Compare annotators on one document: where they agree and how they differ.

Spans with the same start, end and label form a group. A group every
compared annotator has is an exact agreement. The remaining groups cluster by
overlap; a cluster is

* ``label`` mismatch: one extent, different labels;
* ``boundary`` mismatch: overlapping spans with different extents (labels may
  differ too);
* ``incomplete``: the same span from some annotators, nothing from others;
* ``only-one``: a single annotator marked it.

Agreeing spans are never swallowed by a cluster, and one annotator's stacked
spans (two labels on the same words) stay separate findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .domain import SpanData
from .errors import EditError

if TYPE_CHECKING:
    from .project import Project

EXACT, LABEL, BOUNDARY = "exact", "label", "boundary"
INCOMPLETE, ONLY_ONE = "incomplete", "only-one"
CATEGORIES = (EXACT, LABEL, BOUNDARY, INCOMPLETE, ONLY_ONE)
TITLES = {EXACT: "exact agreement", LABEL: "label mismatch", BOUNDARY: "boundary mismatch",
          INCOMPLETE: "not everyone marked it", ONLY_ONE: "only one annotator"}


@dataclass(frozen=True)
class Disagreement:
    """One place in a document and what the compared annotators did there
    (``category`` exact means they agree: the compare view lists those too)."""

    document_id: int
    category: str
    start: int  # extent of all its spans
    end: int
    spans: tuple[SpanData, ...]
    missing: tuple[str, ...]  # compared annotators with no span here

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(sorted({s.annotator for s in self.spans}))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({s.label for s in self.spans}))

    @property
    def title(self) -> str:
        return TITLES[self.category]


def compare(project: Project, document_id: int, annotators: Sequence[str],
            labels: Sequence[str] = ()) -> list[Disagreement]:
    """Findings of one document, in text order; with ``labels``, those involving
    one of them (a label mismatch shows under either label)."""
    if len(set(annotators)) < 2:
        raise EditError("compare needs at least two different annotators")
    found = find(document_id, project.spans(document_id, annotators), annotators)
    return [f for f in found if not labels or set(f.labels) & set(labels)]


def find(document_id: int, spans: Sequence[SpanData], annotators: Sequence[str]
         ) -> list[Disagreement]:
    groups: dict[tuple[int, int, str], list[SpanData]] = {}
    for span in spans:
        groups.setdefault((span.start, span.end, span.label), []).append(span)
    everyone = set(annotators)
    found: list[Disagreement] = []
    rest: list[tuple[tuple[int, int, str], list[SpanData]]] = []
    for key, members in groups.items():
        if {s.annotator for s in members} >= everyone:
            found.append(Disagreement(document_id, EXACT, key[0], key[1], tuple(members), ()))
        else:
            rest.append((key, members))
    rest.sort(key=lambda item: (item[0][0], -item[0][1], item[0][2]))
    cluster: list[tuple[tuple[int, int, str], list[SpanData]]] = []
    reach = -1
    for item in rest:
        if cluster and item[0][0] >= reach:
            found.append(_classify(document_id, cluster, everyone))
            cluster = []
        cluster.append(item)
        reach = max(reach if len(cluster) > 1 else -1, item[0][1])
    if cluster:
        found.append(_classify(document_id, cluster, everyone))
    found.sort(key=lambda d: (d.start, -d.end, d.category))
    return found


def _classify(document_id: int, cluster: list[tuple[tuple[int, int, str], list[SpanData]]],
              everyone: set[str]) -> Disagreement:
    spans = tuple(s for _, members in cluster for s in members)
    who = {s.annotator for s in spans}
    extents = {(key[0], key[1]) for key, _ in cluster}
    if len(who) == 1:
        category = ONLY_ONE
    elif len(extents) > 1:
        category = BOUNDARY
    elif len(cluster) > 1:
        category = LABEL
    else:
        category = INCOMPLETE
    start = min(s.start for s in spans)
    end = max(s.end for s in spans)
    return Disagreement(document_id, category, start, end, spans, tuple(sorted(everyone - who)))
