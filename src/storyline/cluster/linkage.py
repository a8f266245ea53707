"""Average-link agglomerative clustering over a sparse similarity graph.

Pairs missing from the graph count as similarity 0. Two groups merge while the average
similarity over all their cross pairs is at least ``threshold``; the best pair of groups merges
first, ties broken by the smallest member index, so the result does not depend on the order
in which nodes or edges were given. A pair with a very negative similarity (a curator's
"these are different") keeps its two groups apart for good.

Complexity: O(E log E) for E edges, with a heap of group pairs and lazy invalidation. Two
implementations of the same steps give the same groups, float for float: adjacency dicts for
sparse graphs (event regions), and numpy rows for dense ones (story regions, where nearly
every pair of a few thousand events is an edge and the dict updates dominated the cost).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import numpy as np

CANNOT = -1.0e6  # similarity of a pair that must never end up in one group
MUST = 1.0e3  # similarity of a pair a curator put together (a CANNOT pair still wins)
DENSE_MIN_DEGREE = 16  # average edges per node from which the numpy rows are faster
DENSE_MAX_NODES = 8000  # ... and up to which the n x n matrices fit comfortably in memory

_Heap = list[tuple[float, int, int, int, int]]


def average_link(
    n: int, edges: Iterable[tuple[int, int, float]], threshold: float
) -> list[list[int]]:
    """Groups of ``range(n)`` (each sorted, groups ordered by their smallest member)."""
    edges = list(edges)
    if n <= DENSE_MAX_NODES and len(edges) >= DENSE_MIN_DEGREE * n:
        return _average_link_dense(n, edges, threshold)
    return _average_link_sparse(n, edges, threshold)


def _average_link_sparse(
    n: int, edges: list[tuple[int, int, float]], threshold: float
) -> list[list[int]]:
    nbr: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, s in edges:
        if i == j:
            continue
        nbr[i][j] = nbr[i].get(j, 0.0) + s
        nbr[j][i] = nbr[j].get(i, 0.0) + s
    size = [1] * n
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    version = [0] * n
    heap: _Heap = []
    for i in range(n):
        for j, s in nbr[i].items():
            if i < j and s >= threshold:
                heapq.heappush(heap, (-s, i, j, 0, 0))
    while heap:
        negs, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        if -negs < threshold:
            break
        # merge b into a (a is the smaller representative)
        for k, s in nbr[b].items():
            if k == a:
                continue
            nbr[a][k] = nbr[a].get(k, 0.0) + s
            nbr[k][a] = nbr[a][k]
            del nbr[k][b]
        nbr[a].pop(b, None)
        nbr[b] = {}
        size[a] += size[b]
        members[a].extend(members.pop(b))
        version[a] += 1
        for k, s in nbr[a].items():
            avg = s / (size[a] * size[k])
            if avg >= threshold:
                lo, hi = (a, k) if a < k else (k, a)
                heapq.heappush(heap, (-avg, lo, hi, version[lo], version[hi]))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def average_link_scores(
    scores: np.ndarray,
    edge_min: float,
    threshold: float,
    extra: Iterable[tuple[int, int, float]] = (),
) -> list[list[int]]:
    """:func:`average_link` over the pairs ``i < j`` of the square matrix ``scores`` that score
    at least ``edge_min`` (``scores[i, j]`` for both directions), then the ``extra`` edges
    (a curator's must- and cannot-links), without building a Python tuple per pair."""
    n = len(scores)
    up = np.triu(scores >= edge_min, 1)
    extra = list(extra)
    if n <= DENSE_MAX_NODES and int(up.sum()) + len(extra) >= DENSE_MIN_DEGREE * n:
        total = np.where(up, scores, 0.0).astype(np.float64)
        total += total.T  # one side is 0.0 wherever the other is set: exact
        return _dense_groups(total, up | up.T, extra, threshold)
    iu, ju = np.nonzero(up)
    pairs = zip(iu.tolist(), ju.tolist(), scores[iu, ju].astype(np.float64).tolist(), strict=True)
    return _average_link_sparse(n, [*pairs, *extra], threshold)


def _average_link_dense(
    n: int, edges: list[tuple[int, int, float]], threshold: float
) -> list[list[int]]:
    """:func:`_average_link_sparse` with the adjacency as an ``n x n`` sum matrix and a
    presence mask: the same additions in the same order, the same heap entries."""
    total = np.zeros((n, n), np.float64)  # summed similarity of two groups (by representative)
    linked = np.zeros((n, n), bool)  # the dicts' keys: the pair has an edge
    arr = np.array(edges, np.float64).reshape(-1, 3)
    ii, jj, ss = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2]
    off = ii != jj
    ii, jj, ss = ii[off], jj[off], ss[off]
    key = np.sort(np.minimum(ii, jj) * n + np.maximum(ii, jj))
    if (key[1:] == key[:-1]).any():  # repeated pairs add up in the order given
        return _dense_groups(total, linked, [(i, j, s) for i, j, s in edges], threshold)
    total[ii, jj] = ss  # one edge per pair: 0.0 + s is s
    total[jj, ii] = ss
    linked[ii, jj] = True
    linked[jj, ii] = True
    return _dense_groups(total, linked, [], threshold)


def _dense_groups(
    total: np.ndarray,
    linked: np.ndarray,
    extra: list[tuple[int, int, float]],
    threshold: float,
) -> list[list[int]]:
    """The merge loop of :func:`_average_link_sparse` over a symmetric sum matrix ``total``
    and its presence mask ``linked`` (both updated in place), after adding ``extra`` edges in
    order."""
    n = len(total)
    for i, j, s in extra:
        if i != j:
            total[i, j] = total[j, i] = float(total[i, j]) + s
            linked[i, j] = linked[j, i] = True
    size = np.ones(n, np.float64)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    version = [0] * n
    iu, ju = np.nonzero(np.triu(linked & (total >= threshold), 1))
    heap: _Heap = [
        (-s, i, j, 0, 0)
        for i, j, s in zip(iu.tolist(), ju.tolist(), total[iu, ju].tolist(), strict=True)
    ]
    heapq.heapify(heap)
    while heap:
        negs, a, b, va, vb = heapq.heappop(heap)
        if a not in members or b not in members or version[a] != va or version[b] != vb:
            continue
        if -negs < threshold:
            break
        # merge b into a (a is the smaller representative)
        moved = linked[b].copy()
        moved[a] = False
        ks = np.nonzero(moved)[0]
        row = total[a, ks] + total[b, ks]
        total[a, ks] = row
        total[ks, a] = row
        linked[a, ks] = True
        linked[ks, a] = True
        linked[b, :] = False
        linked[:, b] = False
        size[a] += size[b]
        members[a].extend(members.pop(b))
        version[a] += 1
        ks = np.nonzero(linked[a])[0]
        avg = total[a, ks] / (size[a] * size[ks])
        keep = avg >= threshold
        va = version[a]
        for k, v in zip(ks[keep].tolist(), avg[keep].tolist(), strict=True):
            if a < k:
                heapq.heappush(heap, (-v, a, k, va, version[k]))
            else:
                heapq.heappush(heap, (-v, k, a, version[k], va))
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def components(n: int, edges: Iterable[tuple[int, int]]) -> list[int]:
    """Connected-component label of each node (union-find)."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return [find(i) for i in range(n)]
