"""The agreement table as CSV: one row per figure, overall then per document.

The one writer of ``agreement --csv`` and the GUI's export; cells are
neutralized like every CSV the app writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..formats.csv import Writer
from ..formats.output import open_output
from .figures import Agreement

COLUMNS = ("document", "measure", "method", "label", "annotators", "value", "reason", "unit",
           "counts")


def write_csv(result: Agreement, target: Path | None) -> None:
    """Every figure of ``result`` to ``target`` (None or ``-``: standard output)."""
    rows = [("", f) for f in result.figures] + \
        [(d.key, f) for d in result.per_document for f in d.figures]
    with open_output(target, newline="") as out:
        writer = Writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(
            (document, f.measure, f.method, f.label or "", " ".join(f.annotators),
             "" if f.value is None else f.value, f.reason or "", f.unit,
             json.dumps(dict(f.counts)))
            for document, f in rows)
