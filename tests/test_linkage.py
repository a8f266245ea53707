"""The numpy (dense) average-link gives the groups of the dict (sparse) one, exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from storyline.cluster import linkage as lk


def _graph(rng: random.Random) -> tuple[np.ndarray, list[tuple[int, int, float]], float, float]:
    n = rng.randint(1, 45)
    # few distinct values: many exact ties, which the merge order must break the same way
    pool = [0.1, 0.2, 0.3, 0.5]
    scores = np.array(
        [[rng.choice([*pool, rng.random()]) for _ in range(n)] for _ in range(n)], np.float32
    )  # not symmetric: only the upper triangle counts
    extra = [
        (rng.randrange(n), rng.randrange(n), rng.choice([lk.CANNOT, lk.MUST, 0.7]))
        for _ in range(rng.randint(0, 6))
    ]  # curated pairs, possibly repeating a scored pair or a node with itself
    edge_min, threshold = rng.choice([(0.2, 0.3), (0.1, 0.25), (0.0, 0.3), (0.3, 0.3)])
    return scores, extra, edge_min, threshold


@pytest.mark.parametrize("seed", range(6))
def test_dense_and_matrix_entry_points_match_the_dict_implementation(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        scores, extra, edge_min, threshold = _graph(rng)
        n = len(scores)
        iu, ju = np.nonzero(np.triu(scores >= edge_min, 1))
        edges = [(int(i), int(j), float(scores[i, j])) for i, j in zip(iu, ju, strict=True)]
        edges += extra
        want = lk._average_link_sparse(n, edges, threshold)
        assert sorted(k for g in want for k in g) == list(range(n))
        assert lk._average_link_dense(n, edges, threshold) == want
        assert lk.average_link(n, edges, threshold) == want
        assert lk.average_link_scores(scores, edge_min, threshold, extra) == want


def test_matrix_entry_point_takes_the_dense_path_on_dense_graphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 8)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    scores = x @ x.T  # about half the pairs are edges
    used: list[str] = []
    real_dense, real_sparse = lk._dense_groups, lk._average_link_sparse
    monkeypatch.setattr(lk, "_dense_groups", lambda *a: used.append("dense") or real_dense(*a))
    monkeypatch.setattr(
        lk, "_average_link_sparse", lambda *a: used.append("sparse") or real_sparse(*a)
    )
    got = lk.average_link_scores(scores, 0.0, 0.4, [(0, 1, lk.CANNOT)])
    assert used == ["dense"]
    iu, ju = np.nonzero(np.triu(scores >= 0.0, 1))
    edges = [(int(i), int(j), float(scores[i, j])) for i, j in zip(iu, ju, strict=True)]
    assert real_sparse(300, [*edges, (0, 1, lk.CANNOT)], 0.4) == got
    assert not any(0 in g and 1 in g for g in got)
