"""Near-duplicate (syndication) detection with MinHash + LSH over word shingles.

The same agency copy republished by several outlets differs in headline, boilerplate and a
few words; exact hashing misses it. Each article gets a MinHash signature of its word
5-shingles; an LSH index finds earlier articles whose estimated Jaccard similarity is above
``threshold`` (default 0.7), and the best one is recorded as ``dup_of``.
"""

from __future__ import annotations

import logging
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+", re.UNICODE)
NUM_PERM = 64
SHINGLE = 5


def signature(text: str) -> list[int]:
    """MinHash signature (``NUM_PERM`` unsigned ints) of the text's word 5-shingles."""
    words = [w.casefold() for w in _TOKEN.findall(text)]
    if len(words) < SHINGLE:
        shingles = {" ".join(words).encode("utf-8")} if words else set()
    else:
        shingles = {
            " ".join(words[i : i + SHINGLE]).encode("utf-8")
            for i in range(len(words) - SHINGLE + 1)
        }
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
    if shingles:
        m.update_batch(list(shingles))
    return [int(x) for x in m.hashvalues]


def jaccard(a: list[int], b: list[int]) -> float:
    if not a or not b:
        return 0.0
    return float(np.mean(np.asarray(a, dtype=np.uint32) == np.asarray(b, dtype=np.uint32)))


class DuplicateIndex:
    """In-memory LSH index of article signatures; rebuilt from the store on open."""

    def __init__(self, threshold: float = 0.7) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def _mh(self, sig: list[int]) -> MinHash:
        return MinHash(
            num_perm=NUM_PERM,
            seed=1,
            scheme="affine32",
            hashvalues=np.asarray(sig, dtype=np.uint32),
        )

    def add(self, article_id: str, sig: list[int]) -> None:
        if article_id in self._sigs or not sig:
            return
        self._sigs[article_id] = sig
        self._lsh.insert(article_id, self._mh(sig))

    def find(self, sig: list[int]) -> tuple[str, float] | None:
        """The most similar indexed article above the threshold, with its similarity."""
        if not sig or not self._sigs:
            return None
        best: tuple[str, float] | None = None
        for cand in self._lsh.query(self._mh(sig)):
            s = jaccard(sig, self._sigs[cand])
            if s >= self.threshold and (best is None or s > best[1]):
                best = (cand, s)
        return best
