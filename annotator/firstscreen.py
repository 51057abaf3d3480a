"""The article to show first, read through the stdlib ``sqlite3`` driver while
SQLAlchemy loads (about 0.5 s, more than a bare window takes to show).

A preview only: read-only, in one read transaction, built by the same
``rows`` functions as ``Project``'s reads. Anything unexpected (a project that
needs upgrading, is damaged, locked or not a project) gives None, and the
project then opens the usual way and reports it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .domain import DocumentData, SpanData
from .rows import DOCUMENT_ROW, SPAN_ROW, document_row, span_row
from .schemes import Scheme

_COLUMNS = {"annotator": "a.name", "end": 's."end"'}
_DOCUMENT_SQL = f"SELECT {', '.join(DOCUMENT_ROW)} FROM document WHERE id = ?"
_FIRST_SQL = f"SELECT {', '.join(DOCUMENT_ROW)} FROM document ORDER BY id LIMIT 1"
_SPANS_SQL = (f"SELECT {', '.join(_COLUMNS.get(c, 's.' + c) for c in SPAN_ROW)} "
              "FROM span s JOIN annotator a ON a.id = s.annotator_id "
              "WHERE s.document_id = ? AND s.deleted_at IS NULL ORDER BY s.start, s.\"end\", s.id")


@dataclass(frozen=True)
class FirstScreen:
    scheme: Scheme
    document: DocumentData
    spans: list[SpanData]


def read(path: Path, document_id: int | None) -> FirstScreen | None:
    """The document (else the first one) of the project file at ``path``, or None."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(path.resolve().as_posix())}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=ON")
        conn.execute("BEGIN")
        (raw,) = conn.execute("SELECT value FROM project_info WHERE key = 'scheme'").fetchone()
        scheme = Scheme.from_dict(json.loads(raw))
        row = conn.execute(_DOCUMENT_SQL, (document_id,)).fetchone() if document_id else None
        row = row or conn.execute(_FIRST_SQL).fetchone()
        if row is None:
            return None
        document = document_row(row)
        return FirstScreen(scheme, document,
                           [span_row(r) for r in conn.execute(_SPANS_SQL, (document.id,))])
    except Exception:  # noqa: BLE001 (a preview: the real open names any problem)
        return None
    finally:
        conn.close()
