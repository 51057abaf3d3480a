"""What an analyst does with a suggestion: accept it (it becomes a span) or
reject it (it is remembered and not proposed again for that document).
Each is one transaction and one undo step, and returns what it changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from ..changes import NOTHING, Changes, Done
from ..domain import SpanData
from ..models import RejectedSuggestion
from .base import Suggestion
from .engine import suggestions

if TYPE_CHECKING:
    from ..project import Project


def provenance(suggestion: Suggestion) -> dict[str, object]:
    return {"suggester": suggestion.suggester, "score": suggestion.score}


def accept(project: Project, suggestion: Suggestion, annotator: str) -> Done[SpanData]:
    """Make the suggestion a span of ``annotator`` with origin ``suggested``."""
    return project.add_span(suggestion.document_id, annotator, suggestion.label,
                            suggestion.start, suggestion.end, origin="suggested",
                            provenance=provenance(suggestion))


def accept_all(project: Project, document_id: int, suggester: str,
               annotator: str) -> Done[list[SpanData]]:
    """Accept every current suggestion of one suggester in a document (one undo step)."""
    return accept_these(project, document_id, [
        s for s in suggestions(project, document_id, annotator=annotator)
        if s.suggester == suggester], annotator, suggester)


def accept_these(project: Project, document_id: int, chosen: list[Suggestion], annotator: str,
                 suggester: str) -> Done[list[SpanData]]:
    """Accept the given suggestions of one suggester (those shown), one undo step."""
    return project.add_spans(
        document_id, annotator,
        [{"label": s.label, "start": s.start, "end": s.end, "origin": "suggested",
          "provenance": provenance(s)} for s in chosen],
        description=f"Accept {len(chosen)} suggestions of {suggester}")


def reject(project: Project, suggestion: Suggestion, annotator: str) -> Done[None]:
    """Remember the rejection: this label on these characters is not proposed again."""
    if not _put(project, suggestion, annotator, True):
        return Done(None, NOTHING)
    changes = Changes.of([suggestion.document_id], rejections=True)
    project.record("Reject suggestion", suggestion.document_id, changes,
                   undo=lambda: _put(project, suggestion, annotator, False),
                   redo=lambda: _put(project, suggestion, annotator, True))
    return Done(None, changes)


def _put(project: Project, s: Suggestion, annotator: str, rejected: bool) -> bool:
    """Add or remove the rejection row; False when there was nothing to do."""
    where = (RejectedSuggestion.document_id == s.document_id,
             RejectedSuggestion.label == s.label, RejectedSuggestion.start == s.start,
             RejectedSuggestion.end == s.end)
    with project.writing() as session:
        present = session.scalar(select(RejectedSuggestion.id).where(*where).limit(1))
        if rejected and present is None:
            session.add(RejectedSuggestion(document_id=s.document_id, suggester=s.suggester,
                                           label=s.label, start=s.start, end=s.end,
                                           annotator_id=project.annotator_id(session, annotator)))
            return True
        if not rejected and present is not None:
            session.execute(delete(RejectedSuggestion).where(*where))
            return True
        return False
