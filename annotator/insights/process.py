"""How the annotation went: sessions, pace and agreement over time.

The window calls :func:`record` whenever the analyst acts on a document
(opens it, tags, marks it done). A session is a stretch of work on one
document; it grows with each action and ends at the last one, and a pause
longer than :data:`IDLE_MINUTES` starts a new session, so idle time is never
counted. Only these times are stored, in the project file; nothing is sent
anywhere.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ..models import AnnotationSession, Annotator, DocumentStatus, Span, utcnow

if TYPE_CHECKING:
    from ..agreement import Agreement
    from ..project import Project

IDLE_MINUTES = 5
MADE_BY_HAND = ("manual", "suggested")  # spans an annotator made in the app (not imported)


def record(project: Project, annotator: str, document_id: int, at: datetime | None = None,
           idle_minutes: float = IDLE_MINUTES) -> None:
    """Note that ``annotator`` is working on ``document_id`` now (one small transaction).

    Within the idle limit, the annotator's last session grows to ``at``: the
    same document's goes on; another document's ends here, as the analyst
    moves on, and a new one starts.
    """
    at = at or utcnow()
    idle = timedelta(minutes=idle_minutes)
    with project.writing() as s:
        rater = project.annotator_id(s, annotator)
        last = s.scalar(select(AnnotationSession).where(AnnotationSession.annotator_id == rater)
                        .order_by(AnnotationSession.ended_at.desc()).limit(1))
        if last is not None and timedelta(0) <= at - last.ended_at <= idle:  # recent: go on
            last.ended_at = at
            if last.document_id == document_id:
                return
        s.add(AnnotationSession(annotator_id=rater, document_id=document_id, started_at=at,
                                ended_at=at))


@dataclass(frozen=True)
class Pace:
    """One annotator's work: what they finished and how fast."""

    annotator: str
    documents_done: int
    hours: float  # recorded session time
    spans: int  # live spans they made in the app (manual or accepted suggestions)
    spans_per_hour: float | None
    median_minutes: float | None  # per finished document with recorded time
    timed_documents: int  # finished documents with recorded time
    reason: str = ""  # why a figure is None

    def as_dict(self) -> dict[str, Any]:
        return {"annotator": self.annotator, "documents_done": self.documents_done,
                "hours": round(self.hours, 3), "spans": self.spans,
                "spans_per_hour": self.spans_per_hour, "median_minutes_per_document":
                self.median_minutes, "timed_documents": self.timed_documents,
                "reason": self.reason}


def pace(project: Project) -> list[Pace]:
    """Per human annotator: documents done, spans per hour, median time per document."""
    with project.reading() as s:
        people = s.execute(select(Annotator.id, Annotator.name).where(Annotator.kind == "human")
                           .order_by(Annotator.name)).all()
        done = dict(s.execute(select(DocumentStatus.annotator_id, func.count())
                              .where(DocumentStatus.status == "done")
                              .group_by(DocumentStatus.annotator_id)).all())
        finished = set(s.execute(select(DocumentStatus.annotator_id, DocumentStatus.document_id)
                                 .where(DocumentStatus.status == "done")).all())
        made = dict(s.execute(select(Span.annotator_id, func.count())
                              .where(Span.deleted_at.is_(None), Span.origin.in_(MADE_BY_HAND))
                              .group_by(Span.annotator_id)).all())
        sessions = s.execute(select(AnnotationSession.annotator_id, AnnotationSession.document_id,
                                    AnnotationSession.started_at, AnnotationSession.ended_at)).all()
    seconds: dict[int, float] = {}
    per_document: dict[tuple[int, int], float] = {}
    for rater, doc, start, end in sessions:
        length = (end - start).total_seconds()
        seconds[rater] = seconds.get(rater, 0.0) + length
        per_document[(rater, doc)] = per_document.get((rater, doc), 0.0) + length
    result = []
    for rater, name in people:
        hours = seconds.get(rater, 0.0) / 3600
        times = [t / 60 for (r, d), t in per_document.items() if r == rater and (r, d) in finished
                 and t > 0]
        reasons = []
        if not hours:
            reasons.append("no recorded annotation time")
        if not times:
            reasons.append("no finished document with recorded time")
        result.append(Pace(name, done.get(rater, 0), hours, made.get(rater, 0),
                           made.get(rater, 0) / hours if hours else None,
                           statistics.median(times) if times else None, len(times),
                           "; ".join(reasons)))
    return result


@dataclass(frozen=True)
class Period:
    """Agreement over the documents finished in one month."""

    month: str
    documents: int
    value: float | None  # span F1, overlap, all labels, every annotator against the reference
    reason: str = ""


def agreement_over_time(project: Project, result: Agreement | None = None
                        ) -> tuple[list[Period], str]:
    """Span F1 (overlap, all labels) of the documents finished each month: the
    month the last of the compared annotators marked the document done.

    Built from the per-document figures of one agreement measure (``result``,
    measured over every human annotator if not given): the overlap credits and
    span counts add up over documents and annotator pairs, so a month's F1 is
    the pooled F1 of its documents. Returns the months, or why there are none.
    """
    from ..agreement import F1, OVERLAP, measure

    result = result or measure(project, per_document=True)
    chosen = result.annotators
    if len(chosen) < 2:
        return [], "not enough data: agreement over time needs at least two annotators"
    with project.reading() as s:
        rows = s.execute(select(DocumentStatus.document_id, Annotator.name,
                                DocumentStatus.updated_at).join(Annotator)
                         .where(DocumentStatus.status == "done",
                                Annotator.name.in_(chosen))).all()
    finished: dict[int, tuple[set[str], datetime]] = {}
    for doc, name, when in rows:
        names, latest = finished.get(doc, (set(), when))
        names.add(name)
        finished[doc] = (names, max(latest, when))
    sums: dict[str, list[float]] = {}  # month -> documents, p credit, r credit, ref, other spans
    for document in result.per_document:
        if document.document_id not in finished:
            continue
        names, when = finished[document.document_id]
        if len(names) < len(chosen):
            continue
        total = sums.setdefault(when.strftime("%Y-%m"), [0, 0.0, 0.0, 0, 0])
        total[0] += 1
        for f in document.figures:
            if f.measure == F1 and f.method == OVERLAP:
                total[1] += f.counts["precision_credit"]
                total[2] += f.counts["recall_credit"]
                total[3] += f.counts["reference_spans"]
                total[4] += f.counts["other_spans"]
    if not sums:
        return [], ("not enough data: no document was marked done by every annotator "
                    f"compared ({', '.join(chosen)})")
    periods = []
    for month in sorted(sums):
        documents, p_credit, r_credit, reference, other = sums[month]
        if not reference or not other:
            periods.append(Period(month, int(documents), None, "no spans to compare"))
            continue
        precision, recall = p_credit / other, r_credit / reference
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        periods.append(Period(month, int(documents), f1))
    return periods, ""
