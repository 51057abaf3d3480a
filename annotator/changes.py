"""What an operation changed: the one value every mutation returns.

A front end redraws from it, never from its own copy of the data (Anki's
``OpChanges``). ``Changes`` names the documents and spans touched and which
kinds of data changed; an empty ``document_ids`` with a kind set means "maybe
any document" (an import, a merge, a change seen from outside).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

KINDS = ("spans", "statuses", "document_fields", "document_labels", "gold", "rejections",
         "scheme", "suggesters", "documents", "settings")


@dataclass(frozen=True)
class Changes:
    """Documents and spans touched, and the kinds of data that changed."""

    document_ids: frozenset[int] = frozenset()
    span_ids: frozenset[int] = frozenset()
    spans: bool = False
    statuses: bool = False
    document_fields: bool = False  # title, text, metadata
    document_labels: bool = False
    gold: bool = False
    rejections: bool = False  # adjudicators' and suggestion rejections
    scheme: bool = False
    suggesters: bool = False
    documents: bool = False  # documents added or removed
    settings: bool = False

    @classmethod
    def of(cls, document_ids: Iterable[int] = (), span_ids: Iterable[int] = (), /,
           **kinds: bool) -> Changes:
        """``Changes.of([doc], [span], spans=True)``: ids from any iterables."""
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise TypeError(f"unknown kinds of change: {', '.join(sorted(unknown))}")
        return cls(frozenset(document_ids), frozenset(span_ids), **kinds)

    @classmethod
    def everything(cls) -> Changes:
        """Anything may have changed (another program wrote to the project)."""
        return cls(**{kind: True for kind in KINDS})  # type: ignore[arg-type]

    def merged(self, other: Changes) -> Changes:
        """What this and ``other`` changed together."""
        return Changes(self.document_ids | other.document_ids, self.span_ids | other.span_ids,
                       **{k: getattr(self, k) or getattr(other, k) for k in KINDS})

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k in KINDS if getattr(self, k))

    @property
    def is_empty(self) -> bool:
        return not self.kinds

    def touches(self, document_id: int) -> bool:
        """Whether a view of ``document_id`` may need a redraw."""
        return not self.is_empty and (not self.document_ids or document_id in self.document_ids)


NOTHING = Changes()


@dataclass(frozen=True)
class Done(Generic[T]):
    """An operation's result: its value and what it changed (committed already)."""

    value: T
    changes: Changes


@dataclass(frozen=True)
class UndoStatus:
    """What Undo and Redo would do now (None: nothing)."""

    undo_text: str | None
    redo_text: str | None
