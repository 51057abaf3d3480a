"""Token bounds per text SHA-256, kept in the user data folder across runs
and projects.

Agreement tokenizes every article it compares (spaCy: about 2 s for 10,000
articles, most of a first run). A later run, or another project with the same
texts (a colleague's copy, a merge), reads the bounds back instead. Kept in
the user data folder rather than the project: the same texts in several
projects are tokenized once, and a project file holds only the analysts'
work (nothing to migrate, check or merge). A cache only, written by SQLite:
any problem with it (a read-only folder, a damaged or locked file) means
tokenizing again, never an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager

import numpy as np

from .paths import data_dir
from .text import text_sha256

FILE_NAME = "token-cache.sqlite"
_CHUNK = 500  # SHA-256s per query (SQLite's variable limit is higher)


@contextmanager
def _connection() -> Iterator[sqlite3.Connection]:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(folder / FILE_NAME, timeout=1, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS tokens (tokenizer TEXT NOT NULL, "
                     "sha256 TEXT NOT NULL, bounds BLOB NOT NULL, "
                     "PRIMARY KEY (tokenizer, sha256)) WITHOUT ROWID")
        yield conn


def load(tokenizer: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The cached (start, end) int32 rows of those ``texts`` that ``tokenizer`` has cut before."""
    by_hash = {text_sha256(t): t for t in texts}
    hashes = list(by_hash)
    found: dict[str, np.ndarray] = {}
    try:
        with _connection() as conn:
            for first in range(0, len(hashes), _CHUNK):
                chunk = hashes[first:first + _CHUNK]
                rows = conn.execute("SELECT sha256, bounds FROM tokens WHERE tokenizer = ? AND sha256 "
                                    f"IN ({', '.join('?' * len(chunk))})", (tokenizer, *chunk))
                for digest, blob in rows:
                    if isinstance(blob, bytes) and len(blob) % 8 == 0:
                        found[by_hash[digest]] = np.frombuffer(blob, np.int32).reshape(-1, 2)
    except (sqlite3.Error, OSError):
        return {}
    return found


def save(tokenizer: str, bounds: dict[str, np.ndarray]) -> None:
    """Keep the bounds of these texts (in one transaction; nothing on a problem)."""
    rows = [(tokenizer, text_sha256(t), np.ascontiguousarray(b, np.int32).tobytes())
            for t, b in bounds.items()]
    try:
        with _connection() as conn:
            conn.execute("BEGIN")
            conn.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
    except (sqlite3.Error, OSError):
        pass
