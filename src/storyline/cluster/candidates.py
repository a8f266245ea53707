"""Candidate pairs for event clustering, computed ahead in time blocks (the Spark job's).

Event clustering only keeps pairs that score at least ``edge_min``, and two articles published
more than ``window_days`` apart are never compared. So the pairs worth scoring can be found
ahead, in parallel, one *day block* at a time: the articles published on day ``d`` (home)
against those of days ``d - window .. d`` (guests), with exact cosines of their
language-centred embeddings. A pair is a candidate when its cosine is at least ``min_cos``
and it is among the home article's ``top_k`` nearest in the block, so there are at most
``top_k`` per article: the pairs and the work grow linearly with the articles (a day's block
is one matrix product).

:class:`Candidates` then tells :meth:`EventClusterer._region
<storyline.cluster.events.EventClusterer._region>` which articles to score against a
frontier: the same decision code (pair scores, region, average-link) on fewer pairs. Articles
without a day-exact date are not in any block: they are always scored, as before. With every
pair above ``edge_min`` among the candidates, the events are exactly the local engine's;
``benchmarks/cluster_cost.py --candidates`` measures how many are missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from storyline.cluster.features import LangMeans
from storyline.cluster.profile import publication_day
from storyline.model import Article

#: (article id, publication day, language, unit embedding) of an article with a day-exact date
Item = tuple[str, int, str, np.ndarray]


@dataclass(frozen=True)
class CandidateSpec:
    window_days: int = 3  # the event model's window (pairs further apart are never scored)
    min_cos: float = 0.1  # centred cosine from which a pair is a candidate ...
    top_k: int = 50  # ... among each article's nearest in its block (bounds the pairs)
    slack_days: int = 4  # a day-exact date is +-2 days: blocks reach this much further


def item_of(a: Article, vec: np.ndarray) -> Item | None:
    """The article as a block member, or ``None`` without a day-exact date (the profile's
    ``dated``)."""
    day, tol = publication_day(a)
    if day is None or tol > 2.0:
        return None
    return a.id, day, a.lang.lang if a.lang else "und", np.asarray(vec, np.float32)


def language_means(
    sums: dict[str, tuple[np.ndarray, int]], prior: np.ndarray
) -> dict[str, np.ndarray]:
    """Each language's mean embedding from its (vector sum, count), shrunk towards ``prior``
    as the engine's :class:`~storyline.cluster.features.LangMeans` does."""
    lm = LangMeans(prior)
    for lang, (total, n) in sums.items():
        lm.sums[lang], lm.counts[lang] = total.astype(np.float32), n
    return {lang: lm.mean(lang) for lang in sums}


def day_keys(item: Item, spec: CandidateSpec) -> Iterator[tuple[int, tuple[bool, Item]]]:
    """``(block day, (is home, item))``: an article is at home on its own day and a guest of
    the blocks of the following days that may compare with it."""
    day = item[1]
    yield day, (True, item)
    for d in range(1, spec.window_days + spec.slack_days + 1):
        yield day + d, (False, item)


def centre(items: list[Item], means: dict[str, np.ndarray]) -> np.ndarray:
    """Unit vectors of ``items``, centred by their language's mean (as pair scores are)."""
    if not items:
        return np.zeros((0, 0), np.float32)
    x = np.stack([it[3] for it in items]).astype(np.float32)
    for k, it in enumerate(items):
        m = means.get(it[2])
        if m is not None:
            x[k] -= m
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return x / n


def block_pairs(
    members: Iterable[tuple[bool, Item]], means: dict[str, np.ndarray], spec: CandidateSpec
) -> list[tuple[str, str]]:
    """Candidate pairs of one day block (home articles against home and guests)."""
    members = list(members)
    home = sorted((it for h, it in members if h), key=lambda it: it[0])
    if not home:
        return []
    guests = sorted((it for h, it in members if not h), key=lambda it: it[0])
    cols = home + guests
    a, b = centre(home, means), centre(cols, means)
    cos = a @ b.T
    days_a = np.array([it[1] for it in home])
    days_b = np.array([it[1] for it in cols])
    cos[np.abs(days_a[:, None] - days_b[None, :]) > spec.window_days + spec.slack_days] = -2.0
    cos[np.arange(len(home)), np.arange(len(home))] = -2.0  # not its own neighbour
    keep = cos >= spec.min_cos
    if cos.shape[1] > spec.top_k:  # at most each article's top_k nearest (bounded per article)
        top = np.argpartition(-cos, spec.top_k - 1, axis=1)[:, : spec.top_k]
        near = np.zeros_like(keep)
        near[np.repeat(np.arange(len(home)), spec.top_k), top.ravel()] = True
        keep &= near
    out = []
    for i, j in zip(*np.nonzero(keep), strict=True):
        x, y = home[int(i)][0], cols[int(j)][0]
        out.append((x, y) if x < y else (y, x))
    return out


class Candidates:
    """Candidate neighbours by article, for the articles the blocks covered."""

    def __init__(self, pairs: Iterable[tuple[str, str]], covered: Iterable[str]) -> None:
        self.covered = set(covered)
        self.nbr: dict[str, set[str]] = {}
        self.pairs = 0
        for x, y in pairs:
            if y not in self.nbr.setdefault(x, set()):
                self.pairs += 1
            self.nbr[x].add(y)
            self.nbr.setdefault(y, set()).add(x)

    def covers(self, aid: str) -> bool:
        return aid in self.covered

    def near(self, ids: Iterable[str]) -> set[str] | None:
        """The candidate neighbours of ``ids``; ``None`` when one of them was not covered
        (then every article must be scored)."""
        out: set[str] = set()
        for a in ids:
            if a not in self.covered:
                return None
            out |= self.nbr.get(a, set())
        return out


def local_candidates(
    articles: Iterable[tuple[Article, np.ndarray]], prior: np.ndarray, spec: CandidateSpec
) -> Candidates:
    """:class:`Candidates` of ``articles`` (with their embeddings) computed in this process,
    block by block, as the Spark job computes them on executors."""
    items = [it for it in (item_of(a, v) for a, v in articles) if it is not None]
    sums: dict[str, tuple[np.ndarray, int]] = {}
    for it in items:
        total, n = sums.get(it[2], (np.zeros_like(it[3]), 0))
        sums[it[2]] = (total + it[3], n + 1)
    return day_block_candidates(items, language_means(sums, prior), spec)


def day_block_candidates(
    items: list[Item], means: dict[str, np.ndarray], spec: CandidateSpec
) -> Candidates:
    """:class:`Candidates` of ``items``, one day block after the other."""
    blocks: dict[int, list[tuple[bool, Item]]] = {}
    for it in items:
        for day, member in day_keys(it, spec):
            blocks.setdefault(day, []).append(member)
    pairs = [p for members in blocks.values() for p in block_pairs(members, means, spec)]
    return Candidates(pairs, (it[0] for it in items))
