"""Average-link agglomerative clustering over a sparse similarity graph.

Pairs missing from the graph count as similarity 0. Two groups merge while the average
similarity over all their cross pairs is at least ``threshold``; the best pair of groups merges
first, ties broken by the smallest member index, so the result does not depend on the order
in which nodes or edges were given. A pair with a very negative similarity (a curator's
"these are different") keeps its two groups apart for good.

Complexity: O(E log E) for E edges, with a heap of group pairs and lazy invalidation.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

CANNOT = -1.0e6  # similarity of a pair that must never end up in one group
MUST = 1.0e3  # similarity of a pair a curator put together (a CANNOT pair still wins)


def average_link(
    n: int, edges: Iterable[tuple[int, int, float]], threshold: float
) -> list[list[int]]:
    """Groups of ``range(n)`` (each sorted, groups ordered by their smallest member)."""
    nbr: list[dict[int, float]] = [{} for _ in range(n)]
    for i, j, s in edges:
        if i == j:
            continue
        nbr[i][j] = nbr[i].get(j, 0.0) + s
        nbr[j][i] = nbr[j].get(i, 0.0) + s
    size = [1] * n
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    version = [0] * n
    heap: list[tuple[float, int, int, int, int]] = []
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
