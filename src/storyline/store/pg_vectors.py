"""Vectors in the PostgreSQL store: exact float32 bytes, plus a pgvector ``embedding`` with an
HNSW index (cosine) per article space, used by :meth:`nearest_vectors`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from storyline.errors import StoreError
from storyline.store.base import Store

_PAGE = 1024
_VEC_DTYPE = np.dtype("<f4")
#: vector spaces that get an HNSW index (article embeddings of every encoder)
ANN_PREFIX = "article:"


class PostgresVectorTables(Store):
    """Vector methods of :class:`~storyline.store.postgres.PostgresStore`."""

    has_vector: bool
    _ann: set[str]
    _where: str
    _conn: Any

    def _x(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    def _one(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    # -- vectors ---------------------------------------------------------------------------
    def _ensure_ann(self, space: str, dim: int) -> None:
        """An HNSW index (cosine) over the ``dim``-d vectors of ``space``."""
        name = "vectors_hnsw_" + hashlib.sha1(f"{space}\0{dim}".encode()).hexdigest()[:16]
        if name in self._ann:
            return
        literal = "'" + space.replace("'", "''") + "'"
        self._x(
            f"CREATE INDEX IF NOT EXISTS {name} ON vectors USING hnsw "
            f"((embedding::vector({int(dim)})) vector_cosine_ops) "
            f"WHERE space = {literal} AND dim = {int(dim)} AND embedding IS NOT NULL"
        )
        self._ann.add(name)

    def put_vectors(self, space: str, items: dict[str, np.ndarray]) -> None:
        rows = []
        dims: set[int] = set()
        for item_id, value in items.items():
            vec = np.asarray(value, dtype=_VEC_DTYPE)
            if vec.ndim != 1:
                raise StoreError(
                    f"vector for {item_id!r} has shape {vec.shape}; expected one dimension"
                )
            ann = self.has_vector and vec.shape[0] > 0 and bool(np.isfinite(vec).all())
            emb = "[" + ",".join(repr(float(x)) for x in vec) + "]" if ann else None
            if ann and space.startswith(ANN_PREFIX):
                dims.add(int(vec.shape[0]))
            rows.append((space, str(item_id), int(vec.shape[0]), vec.tobytes(), emb))
        if not rows:
            return
        if self.has_vector:
            sql = (
                "INSERT INTO vectors (space, id, dim, data, embedding) "
                "VALUES (%s, %s, %s, %s, %s::vector) ON CONFLICT (space, id) DO UPDATE SET "
                "dim = excluded.dim, data = excluded.data, embedding = excluded.embedding"
            )
        else:
            rows = [r[:4] for r in rows]  # type: ignore[misc]
            sql = (
                "INSERT INTO vectors (space, id, dim, data) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (space, id) DO UPDATE SET dim = excluded.dim, data = excluded.data"
            )
        with self.transaction(), self._conn.cursor() as cur:
            for dim in sorted(dims):
                self._ensure_ann(space, dim)
            cur.executemany(sql, rows)

    def _vector(self, row: dict[str, Any]) -> np.ndarray:
        vec = np.frombuffer(bytes(row["data"]), dtype=_VEC_DTYPE).astype(np.float32)
        if vec.shape[0] != row["dim"]:
            raise StoreError(f"store {self._where}: vector {row['id']!r} is damaged")
        return vec

    def get_vectors(self, space: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(ids))
        rows = self._x(
            "SELECT id, dim, data FROM vectors WHERE space = %s AND id = ANY(%s)", [space, wanted]
        ).fetchall()
        found = {r["id"]: self._vector(r) for r in rows}
        return {i: found[i] for i in wanted if i in found}

    def iter_vectors(self, space: str) -> Iterator[tuple[str, np.ndarray]]:
        last = ""
        while True:
            rows = self._x(
                "SELECT id, dim, data FROM vectors WHERE space = %s AND id > %s "
                "ORDER BY id LIMIT %s",
                [space, last, _PAGE],
            ).fetchall()
            for row in rows:
                yield row["id"], self._vector(row)
            if len(rows) < _PAGE:
                return
            last = rows[-1]["id"]

    def count_vectors(self, space: str) -> int:
        return int(self._one("SELECT count(*) FROM vectors WHERE space = %s", [space]))

    def nearest_vectors(self, space: str, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Approximate cosine neighbours through the space's HNSW index (exact without
        pgvector). Scores are cosine similarities, best first."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if not self.has_vector or not space.startswith(ANN_PREFIX) or k <= 0:
            return super().nearest_vectors(space, q, k)
        dim = int(q.shape[0])
        literal = "[" + ",".join(repr(float(x)) for x in q) + "]"
        rows = self._x(
            f"SELECT id, 1 - (embedding::vector({dim}) <=> %s::vector({dim})) AS sim "
            f"FROM vectors WHERE space = %s AND dim = {dim} AND embedding IS NOT NULL "
            f"ORDER BY embedding::vector({dim}) <=> %s::vector({dim}) LIMIT %s",
            [literal, space, literal, int(k)],
        ).fetchall()
        return [(str(r["id"]), float(r["sim"])) for r in rows]

