"""Words a reader sees in counts: ``plural(1, "document")`` is "1 document"."""

from __future__ import annotations

_IRREGULAR = {"match": "matches", "category": "categories", "was": "were"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and ``word`` in the number ``n`` takes (``many``: the plural, when not
    ``word + "s"`` or a known one): "1 document", "2 documents", "0 spans"."""
    if n == 1:
        return f"{n} {word}"
    return f"{n} {many or _IRREGULAR.get(word, word + 's')}"
