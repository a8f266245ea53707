"""Semantic search over the stored article vectors: exact below ``ANN_MIN``, HNSW above.

:class:`VectorIndex` serves one space (``article:<encoder name>``, written by the ingest
engine). Up to :data:`~storyline.search.ann.ANN_MIN` vectors it keeps them as one float32
matrix in memory and multiplies it by the query vector: exact, and a few milliseconds per
query. From there on it uses an approximate HNSW index (:mod:`storyline.search.ann`) saved
next to the store file and extended with the vectors ingested since (no rebuild); a filtered
search over a small subset is still exact. The index follows the number of vectors in the
space, which is how ingest shows up (article vectors are keyed by content hash and never
rewritten).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from pathlib import Path

import numpy as np

from storyline.search import ann
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
        self._ann: ann.AnnIndex | None = None
        self._sample = np.zeros((0, 0), dtype=np.float32)  # for the median similarity

    def __len__(self) -> int:
        self.refresh()
        return len(self._ann) if self._ann is not None else len(self._ids)

    @property
    def dim(self) -> int:
        return self._ann.dim if self._ann is not None else int(self._matrix.shape[1])

    def refresh(self) -> None:
        """Reload the matrix (or extend the approximate index) if vectors were added."""
        count = self.store.count_vectors(self.space)
        if count == self._count:
            return
        with self._lock:
            if count == self._count:
                return
            if count >= ann.ANN_MIN and ann.available():
                self._refresh_ann(count)
                return
            self._ann = None
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
        if self._ann is not None:
            return self._search_ann(query, k=k, allowed=allowed, floor=floor)
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

    # -- the approximate index (large spaces) ----------------------------------------------
    def _ann_path(self) -> Path | None:
        if self.store.path is None:
            return None
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in self.space)
        return self.store.path.with_name(f"{self.store.path.name}.{safe}.ann")

    def _refresh_ann(self, count: int) -> None:
        """Load the saved index and add the vectors it lacks (or build it)."""
        path = self._ann_path()
        idx = self._ann or (ann.AnnIndex.load(path) if path is not None else None)
        stored = self.store.vector_ids(self.space)
        if idx is not None and not set(idx.row) <= stored:
            idx = None  # vectors were removed: rebuild
        missing = sorted(stored - set(idx.row)) if idx is not None else sorted(stored)
        for start in range(0, len(missing), 20_000):
            chunk = missing[start : start + 20_000]
            vecs = self.store.get_vectors(self.space, chunk)
            kept = [i for i in chunk if i in vecs]
            if not kept:
                continue
            if idx is None:
                idx = ann.AnnIndex(path, dim=int(vecs[kept[0]].shape[0]))
            kept = [i for i in kept if vecs[i].shape[0] == idx.dim]
            idx.add(kept, np.stack([vecs[i] for i in kept]))
        if idx is None:
            return
        if missing:
            logger.info("approximate index of %s: %d vectors (%d added)", self.space,
                        len(idx), len(missing))
            idx.save()
        rng = np.random.default_rng(0)
        pick = rng.choice(len(idx.ids), size=min(1024, len(idx.ids)), replace=False)
        sample = self.store.get_vectors(self.space, [idx.ids[int(i)] for i in pick])
        mat = np.stack(list(sample.values())).astype(np.float32) if sample else \
            np.zeros((0, idx.dim), dtype=np.float32)
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        self._sample = (mat / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        self._ann, self._count = idx, count
        self._ids, self._row, self._matrix = [], {}, np.zeros((0, 0), dtype=np.float32)

    def _search_ann(self, query: np.ndarray, *, k: int, allowed: set[str] | None,
                    floor: float) -> list[tuple[str, float]]:
        idx = self._ann
        assert idx is not None
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if k <= 0 or q.shape[0] != idx.dim:
            return []
        norm = float(np.linalg.norm(q))
        q = q / norm if norm > 0 else q
        if allowed is not None and len(allowed) <= ann.ANN_MIN:
            hits = self._exact_among(q, k, allowed)  # a small subset: exact
        else:
            want = k if allowed is None else 4 * k
            hits = idx.search(q, want)
            if allowed is not None:
                hits = [h for h in hits if h[0] in allowed]
                if len(hits) < k:
                    hits = [h for h in idx.search(q, 32 * k) if h[0] in allowed]
            hits = sorted(hits, key=lambda h: (-h[1], h[0]))[:k]
        if floor > 0 and hits and len(self._sample):
            baseline = float(np.median(self._sample @ q))
            cut = baseline + floor * (hits[0][1] - baseline)
            hits = [h for h in hits if h[1] >= cut]
        return hits

    def _exact_among(self, q: np.ndarray, k: int, allowed: set[str]) -> list[tuple[str, float]]:
        vecs = self.store.get_vectors(self.space, sorted(allowed))
        if not vecs:
            return []
        ids = list(vecs)
        mat = np.stack([vecs[i] for i in ids]).astype(np.float32)
        norms = np.linalg.norm(mat, axis=1)
        sims = (mat @ q) / np.where(norms > 0, norms, 1.0)
        k = min(k, len(ids))
        top = np.argpartition(-sims, k - 1)[:k]
        return sorted(((ids[int(r)], float(sims[r])) for r in top), key=lambda h: (-h[1], h[0]))
