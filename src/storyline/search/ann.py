"""Approximate nearest neighbours for large stores: an HNSW graph (usearch) on disk.

Chosen by measurement (``python benchmarks/vectors.py``, 1,000,000 synthetic 384-d vectors;
see the README): usearch's HNSW with half-precision vectors answered a top-10 query in a few
milliseconds, built fastest among the HNSW libraries tried, keeps its
graph in one file that is memory-mapped when loaded, and takes new vectors without a rebuild.
faiss IVF needed more probes (slower) for the same recall, sqlite-vec is brute force, and
numpy brute force grows linearly (~100 ms per query at a million vectors).

An :class:`AnnIndex` maps its own row numbers to article ids (kept in a ``.ids`` file next
to the graph). :class:`~storyline.search.vector.VectorIndex` uses it once a space holds
``ANN_MIN`` vectors; below that, exact brute force is as fast.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: Vectors in a space from which the approximate index is used (brute force below).
ANN_MIN = 50_000
CONNECTIVITY = 16
EXPANSION_ADD = 128
#: Candidates a query keeps (a search-time setting: no rebuild). One 1,000,000-vector build
#: (``benchmarks/vectors.py --product --ef-search 64,96,128,192,256``) gave recall@10 0.894,
#: 0.950, 0.967, 0.988, 0.994 with p95 0.9 to 2.1 ms: 256 clears 0.95 with a margin.
EXPANSION_SEARCH = 256
DTYPE = "f16"
VERSION = 1


def available() -> bool:
    try:
        import usearch.index  # noqa: F401
    except ImportError:  # pragma: no cover - a declared dependency
        return False
    return True


def _new(dim: int, expansion_search: int) -> Any:
    from usearch.index import Index

    return Index(ndim=dim, metric="cos", dtype=DTYPE, connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=expansion_search)


class AnnIndex:
    """An HNSW index of unit vectors, with the ids of its rows; saved to *path*.

    *expansion_search* (the candidate list of a query) is a search-time setting: it can be
    changed on a built or loaded index without rebuilding it.
    """

    def __init__(self, path: Path | None, *, dim: int,
                 expansion_search: int = EXPANSION_SEARCH) -> None:
        self.path = path
        self.dim = dim
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self._index = _new(dim, expansion_search)
        self._lock = threading.Lock()

    @property
    def expansion_search(self) -> int:
        return int(self._index.expansion_search)

    @expansion_search.setter
    def expansion_search(self, value: int) -> None:
        if value < 1:
            raise ValueError(f"expansion_search must be at least 1, not {value}")
        self._index.expansion_search = int(value)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add rows (*vectors* need not be normalised: the metric is cosine)."""
        if not len(ids):
            return
        vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        with self._lock:
            start = len(self.ids)
            keys = np.arange(start, start + len(ids), dtype=np.uint64)
            self._index.add(keys, vecs, threads=os.cpu_count() or 1)
            self.ids.extend(ids)
            self.row.update((i, start + n) for n, i in enumerate(ids))

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The *k* nearest rows: ``(id, cosine similarity)``, best first."""
        if not self.ids or k <= 0:
            return []
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        found = self._index.search(q, min(k, len(self.ids)))
        return [(self.ids[int(key)], 1.0 - float(dist))
                for key, dist in zip(found.keys, found.distances, strict=True)]

    # -- disk ------------------------------------------------------------------------------
    def save(self) -> None:
        """Write the graph and the ids (to temporary names first, then renamed)."""
        if self.path is None:
            return
        with self._lock:
            tmp = self.path.with_name(self.path.name + ".tmp")
            self._index.save(str(tmp))
            meta = {"version": VERSION, "dim": self.dim, "dtype": DTYPE, "ids": self.ids}
            ids_tmp = self.path.with_name(self.path.name + ".ids.tmp")
            ids_tmp.write_text(json.dumps(meta), encoding="utf-8")
            os.replace(tmp, self.path)
            os.replace(ids_tmp, self.path.with_name(self.path.name + ".ids"))

    @classmethod
    def load(cls, path: Path, *, expansion_search: int = EXPANSION_SEARCH) -> AnnIndex | None:
        """The index saved at *path*, or None when missing or unreadable (rebuilt then)."""
        ids_path = path.with_name(path.name + ".ids")
        try:
            meta = json.loads(ids_path.read_text(encoding="utf-8"))
            if meta.get("version") != VERSION or meta.get("dtype") != DTYPE:
                return None
            idx = cls(path, dim=int(meta["dim"]), expansion_search=expansion_search)
            idx._index.load(str(path))
            idx.expansion_search = expansion_search
            if len(idx._index) != len(meta["ids"]):
                raise ValueError("graph and ids differ in size")
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            logger.info("approximate index %s not usable (%s): it will be rebuilt", path, exc)
            return None
        idx.ids = list(meta["ids"])
        idx.row = {i: n for n, i in enumerate(idx.ids)}
        return idx
