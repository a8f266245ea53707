"""Encoder interface: text -> L2-normalised float32 vectors.

Every encoder has a ``name`` (used as the vector space in the store, so vectors from
different models never mix) and a ``dim``. ``passages`` embeds documents, ``queries``
embeds search queries (asymmetric models such as E5 use different prefixes).
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray:
        """Embed documents; returns an (n, dim) float32 array of unit vectors."""
        ...

    def queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries; returns an (n, dim) float32 array of unit vectors."""
        ...


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEncoder:
    """Deterministic bag-of-character-n-grams encoder (no model, no download).

    Useful for tests of pipeline mechanics and as a last-resort fallback. It is *not*
    cross-lingual: texts in different scripts share almost nothing.
    """

    def __init__(self, dim: int = 256, ngram: int = 4) -> None:
        self.dim = dim
        self.ngram = ngram
        self.name = f"hashing-{dim}-{ngram}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in _TOKEN.findall(text.casefold()):
            padded = f" {tok} "
            for i in range(max(1, len(padded) - self.ngram + 1)):
                h = hashlib.blake2b(padded[i : i + self.ngram].encode(), digest_size=8).digest()
                idx = int.from_bytes(h[:4], "little") % self.dim
                v[idx] += 1.0 if h[4] & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])

    def queries(self, texts: list[str]) -> np.ndarray:
        return self.passages(texts)
