"""Near-duplicate articles: MinHash over word shingles with LSH (datasketch).

A wire story reprinted by several outlets, or a syndicated copy with a new
headline and a few edits, shares most of its word 3-grams with the original;
two different stories on one event share few. Documents whose estimated
Jaccard similarity is at least :data:`THRESHOLD` are one story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUM_PERM = 64
SHINGLE = 3  # words
THRESHOLD = 0.5
MIN_WORDS = 30  # shorter texts share too few shingles to be judged
SCHEME = "affine32"  # datasketch's hashing, fixed so stored fingerprints stay comparable
_WORD = re.compile(r"\w+")


def fingerprint(text: str) -> bytes | None:
    """The MinHash of a text's word shingles as bytes, None for a text too short."""
    from datasketch import MinHash

    words = [w.casefold() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch([" ".join(words[i:i + SHINGLE]).encode("utf-8")
                          for i in range(len(words) - SHINGLE + 1)])
    packed: bytes = minhash.hashvalues.astype("<u4").tobytes()
    return packed


class Index:
    """Fingerprints by document id, queried for the near duplicates of a text."""

    def __init__(self, stored: Iterable[tuple[int, bytes]] = ()):
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._hashes: dict[int, object] = {}
        for document_id, value in stored:
            self.add(document_id, value)

    def _minhash(self, value: bytes) -> object:
        import numpy as np
        from datasketch import MinHash

        return MinHash(num_perm=NUM_PERM, scheme=SCHEME,
                       hashvalues=np.frombuffer(value, dtype="<u4").astype(np.uint32))

    def add(self, document_id: int, value: bytes) -> None:
        if len(value) != NUM_PERM * 4 or document_id in self._hashes:
            return  # a fingerprint of another make: not comparable
        minhash = self._minhash(value)
        self._hashes[document_id] = minhash
        self._lsh.insert(document_id, minhash)

    def similar(self, value: bytes) -> list[tuple[float, int]]:
        """(estimated Jaccard, document id) of the near duplicates, most similar first."""
        if len(value) != NUM_PERM * 4:
            return []
        minhash = self._minhash(value)
        found = [(minhash.jaccard(self._hashes[d]), d) for d in self._lsh.query(minhash)]  # type: ignore[attr-defined]
        return sorted(((j, d) for j, d in found if j >= THRESHOLD), key=lambda x: (-x[0], x[1]))
