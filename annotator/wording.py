"""Words a reader sees in counts: ``plural(1, "document")`` is "1 document"."""

from __future__ import annotations

_IRREGULAR = {"match": "matches", "category": "categories"}


def plural(n: int, word: str) -> str:
    """``n`` and ``word`` in the number ``n`` takes: "1 document", "2 documents",
    "0 spans", "3 matches"."""
    return f"{n} {word}" if n == 1 else f"{n} {_IRREGULAR.get(word, word + 's')}"


def agree(n: int, one: str, many: str) -> str:
    """The verb form that agrees with ``n``: ``agree(1, "is", "are")`` is "is"."""
    return one if n == 1 else many
