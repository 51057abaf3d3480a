"""Suggestions: spans proposed by lexicons, claim cues, consistency with what
the analyst tagged, and a trained span categorizer. Nothing is stored until
an analyst accepts a suggestion.

The UI's entry points::

    suggestions(project, document_id, annotator=...)  # -> list[Suggestion]
    accept(project, suggestion, annotator)            # -> SpanData (undoable)
    reject(project, suggestion, annotator)            # remembered, undoable
    accept_all(project, document_id, suggester, annotator)
    engine(project).status()                          # suggesters, on/off, why not
    set_enabled(project, name, on); add_lexicon(project, path)

``suggestions`` loads spaCy and may take a moment: call it off the UI thread.
"""

from .base import Suggester, Suggestion, Target, Unavailable
from .decisions import accept, accept_all, reject
from .engine import (
    Engine,
    SuggesterStatus,
    add_lexicon,
    engine,
    remove_lexicon,
    set_enabled,
    suggestions,
)

__all__ = [
    "Engine", "Suggester", "SuggesterStatus", "Suggestion", "Target", "Unavailable",
    "accept", "accept_all", "add_lexicon", "engine", "reject", "remove_lexicon",
    "set_enabled", "suggestions",
]
