"""The approximate vector index: used above ANN_MIN, saved beside the store, extended with new
vectors without a rebuild, exact for small filtered subsets, and close to brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from storyline.search import ann
from storyline.search.vector import VectorIndex
from storyline.store.sqlite import SQLiteStore

SPACE = "article:test"


def vectors(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 50), dim)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, dim)).astype(
        np.float32)
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def exact_top(x: np.ndarray, q: np.ndarray, k: int) -> list[int]:
    sims = x @ q
    return [int(i) for i in np.argsort(-sims)[:k]]


def test_ann_index_matches_brute_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ann, "ANN_MIN", 100)
    store = SQLiteStore(tmp_path / "v.db")
    x = vectors(3000)
    store.put_vectors(SPACE, {f"a{i:05d}": v for i, v in enumerate(x)})
    index = VectorIndex(store, SPACE)
    queries = vectors(50, seed=1)
    found = 0
    for q in queries:
        hits = index.search(q, k=10)
        assert index._ann is not None and len(hits) == 10
        found += len({int(h[0][1:]) for h in hits} & set(exact_top(x, q, 10)))
    assert found / 500 >= 0.95
    path = index._ann_path()
    assert path is not None and path.exists()

    # new vectors are added to the saved index, which a new process loads
    more = vectors(200, seed=2)
    store.put_vectors(SPACE, {f"b{i:05d}": v for i, v in enumerate(more)})
    again = VectorIndex(store, SPACE)
    assert len(again) == 3200
    assert again.search(more[7], k=1)[0][0] == "b00007"

    # a small filtered subset is searched exactly
    allowed = {f"a{i:05d}" for i in range(0, 3000, 7)}
    hits = again.search(queries[0], k=5, allowed=allowed)
    want = [f"a{i:05d}" for i in exact_top(x, queries[0], 3000) if f"a{i:05d}" in allowed][:5]
    assert [h[0] for h in hits] == want
    store.close()


def test_damaged_index_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ann, "ANN_MIN", 10)
    store = SQLiteStore(tmp_path / "v.db")
    x = vectors(300)
    store.put_vectors(SPACE, {f"a{i:05d}": v for i, v in enumerate(x)})
    index = VectorIndex(store, SPACE)
    assert len(index) == 300
    path = index._ann_path()
    assert path is not None
    path.write_bytes(b"garbage")
    again = VectorIndex(store, SPACE)
    assert again.search(x[3], k=1)[0][0] == "a00003"
    store.close()


def test_search_expansion_is_set_without_a_rebuild(tmp_path: Path) -> None:
    """expansion_search is a search-time setting: changed on a built or loaded index (the
    vectors benchmark measures several on one build); a wider search never finds less."""
    x = vectors(4000, seed=3)
    idx = ann.AnnIndex(tmp_path / "g.ann", dim=x.shape[1], expansion_search=4)
    idx.add([f"a{i}" for i in range(len(x))], x)
    queries = vectors(40, seed=4)

    def recall() -> float:
        hit = 0
        for q in queries:
            want = {f"a{i}" for i in exact_top(x, q, 10)}
            hit += len(want & {i for i, _ in idx.search(q, 10)})
        return hit / (10 * len(queries))

    narrow = recall()
    idx.expansion_search = 256
    assert idx.expansion_search == 256
    assert recall() >= narrow and recall() > 0.97
    idx.save()
    loaded = ann.AnnIndex.load(tmp_path / "g.ann", expansion_search=32)
    assert loaded is not None and loaded.expansion_search == 32
    default = ann.AnnIndex.load(tmp_path / "g.ann")
    assert default is not None and default.expansion_search == ann.EXPANSION_SEARCH
    with pytest.raises(ValueError, match="at least 1"):
        idx.expansion_search = 0
