"""Clustering and similarity metrics: B³, pairwise P/R/F1, Pearson r.

Both clusterings are given as ``{item_id: cluster_id}`` over the same items; items missing
from the prediction count as singletons (so an unclustered item is never free recall).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _groups(assign: Mapping[str, str]) -> dict[str, set[str]]:
    g: dict[str, set[str]] = defaultdict(set)
    for item, c in assign.items():
        g[c].add(item)
    return g


def _aligned(gold: Mapping[str, str], pred: Mapping[str, str]) -> dict[str, str]:
    return {i: (pred.get(i) or f"__singleton__{i}") for i in gold}


def bcubed(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """B³ precision/recall/F1 (Bagga & Baldwin), averaged over the gold items."""
    if not gold:
        return PRF(0.0, 0.0, 0.0)
    p_al = _aligned(gold, pred)
    g_groups, p_groups = _groups(gold), _groups(p_al)
    p_sum = r_sum = 0.0
    for item in gold:
        g = g_groups[gold[item]]
        p = p_groups[p_al[item]]
        inter = len(g & p)
        p_sum += inter / len(p)
        r_sum += inter / len(g)
    n = len(gold)
    prec, rec = p_sum / n, r_sum / n
    return PRF(prec, rec, _f1(prec, rec))


def pairwise(gold: Mapping[str, str], pred: Mapping[str, str]) -> PRF:
    """Precision/recall/F1 over the pairs of items put in the same cluster."""
    p_al = _aligned(gold, pred)

    def pairs(groups: dict[str, set[str]]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for members in groups.values():
            ms = sorted(members)
            for i in range(len(ms)):
                for j in range(i + 1, len(ms)):
                    out.add((ms[i], ms[j]))
        return out

    gp, pp = pairs(_groups(gold)), pairs(_groups(p_al))
    tp = len(gp & pp)
    prec = tp / len(pp) if pp else (1.0 if not gp else 0.0)
    rec = tp / len(gp) if gp else (1.0 if not pp else 0.0)
    return PRF(prec, rec, _f1(prec, rec))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    if n < 2 or n != len(ys):
        return float("nan")
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def binary_prf(pred: Sequence[bool], gold: Sequence[bool]) -> PRF:
    tp = sum(1 for p, g in zip(pred, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(pred, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(pred, gold, strict=True) if g and not p)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return PRF(prec, rec, _f1(prec, rec))
