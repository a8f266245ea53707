"""Semantic search: brute-force cosine similarity over the stored article vectors.

:class:`VectorIndex` keeps the vectors of one space (``article:<encoder name>``, written by the
ingest engine) as one float32 matrix in memory and multiplies it by the query vector: exact
(no approximate index, so no recall loss) and fast enough up to ~100k articles (384-d e5
vectors: 150 MB of memory and a few milliseconds per query). Bigger stores want an ANN index
(e.g. sqlite-vec or FAISS). The matrix is reloaded when the number of vectors in the space
changes, which is how ingest shows up (article vectors are keyed by content hash and never
rewritten).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

import numpy as np

from storyline.store.base import Store

logger = logging.getLogger(__name__)


class VectorIndex:
    """Cached matrix of one vector space of a store."""

    def __init__(self, store: Store, space: str) -> None:
        self.store = store
        self.space = space
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._count = -1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        self.refresh()
        return len(self._ids)

    @property
    def dim(self) -> int:
        return int(self._matrix.shape[1])

    def refresh(self) -> None:
        """Reload the matrix if vectors were added since it was loaded."""
        count = self.store.count_vectors(self.space)
        if count == self._count:
            return
        with self._lock:
            if count == self._count:
                return
            items = list(self.store.iter_vectors(self.space))
            dims = Counter(v.shape[0] for _, v in items)
            dim = dims.most_common(1)[0][0] if dims else 0
            if len(dims) > 1:
                logger.warning(
                    "vector space %s mixes dimensions %s; using the %d-d vectors",
                    self.space,
                    sorted(dims),
                    dim,
                )
            kept = [(i, v) for i, v in items if v.shape[0] == dim]
            matrix = (
                np.stack([v for _, v in kept]).astype(np.float32)
                if kept
                else np.zeros((0, dim), dtype=np.float32)
            )
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)
            self._ids = [i for i, _ in kept]
            self._row = {i: n for n, i in enumerate(self._ids)}
            self._matrix = matrix
            self._count = count
            logger.debug("loaded %d vectors of %s", len(self._ids), self.space)

    def search(
        self,
        query: np.ndarray,
        *,
        k: int,
        allowed: set[str] | None = None,
        floor: float = 0.0,
    ) -> list[tuple[str, float]]:
        """The ``k`` most similar ids (cosine, best first), among ``allowed`` when given.

        With ``floor`` > 0, only ids whose similarity is at least that fraction of the way
        from the median similarity of the whole space (what an unrelated article scores) to
        the best one: a relative cut that works whatever the encoder's similarity scale.
        """
        self.refresh()
        ids, matrix = self._ids, self._matrix
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if k <= 0 or not ids or q.shape[0] != matrix.shape[1]:
            if ids and q.shape[0] != matrix.shape[1]:
                logger.warning(
                    "query vector has %d dimensions, space %s has %d",
                    q.shape[0],
                    self.space,
                    matrix.shape[1],
                )
            return []
        norm = float(np.linalg.norm(q))
        sims = matrix @ (q / norm if norm > 0 else q)
        baseline = float(np.median(sims)) if floor > 0 else 0.0
        if allowed is not None:
            rows = np.fromiter((self._row[i] for i in allowed if i in self._row), dtype=np.int64)
            if rows.size == 0:
                return []
            masked = np.full(sims.shape, -np.inf, dtype=np.float32)
            masked[rows] = sims[rows]
            sims = masked
            k = min(k, int(rows.size))
        k = min(k, sims.shape[0])
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]  # best first; ties in id order
        hits = [(ids[int(r)], float(sims[r])) for r in top]
        if floor > 0 and hits:
            cut = baseline + floor * (hits[0][1] - baseline)
            hits = [h for h in hits if h[1] >= cut]
        return hits
