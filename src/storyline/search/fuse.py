"""Combining ranked lists: relative-score fusion and event/story aggregation.

Hybrid search fuses the full-text and semantic rankings by *relative score fusion*: each list's
scores are min-max normalised to 0..1 over its candidates and the fused score is their weighted
sum (a hit missing from a list gets 0 there). nDCG@10 with the bundled e5 encoder, where a
query should find the articles of its event in every language (``text``, ``semantic`` and
``hybrid`` as shipped; ``RRF`` = reciprocal-rank fusion, k = 60, of the same candidate lists,
which is what we replaced):

=============================================  =====  ========  ======  =====
set                                            text   semantic  hybrid  RRF
=============================================  =====  ========  ======  =====
sample corpus, 11 event titles as queries      0.607  0.940     0.925   0.767
sample corpus, 20 short keyword queries        0.512  0.882     0.901   0.900
ITN blurbs (3,546, 56 languages), 131 en kw.   0.579  0.671     0.697   0.677
ITN blurbs, 271 ru/fr/de/es keyword queries    0.414  0.546     0.568   0.531
=============================================  =====  ========  ======  =====
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

#: Weight of the full-text ranking in hybrid search (the semantic ranking gets the rest).
TEXT_WEIGHT = 0.3
#: Weights of a group's best, second and third member scores (more evidence ranks higher,
#: but a huge event does not win on size alone).
GROUP_WEIGHTS = (1.0, 0.5, 0.25)


@dataclass
class Scored:
    """An article's score and the lists it was found in."""

    id: str
    score: float
    match: list[str] = field(default_factory=list)


def single(name: str, hits: Iterable[tuple[str, float]]) -> list[Scored]:
    """One ranked list as it is (its own scores)."""
    return [Scored(i, float(s), [name]) for i, s in hits]


def _normalised(hits: Sequence[tuple[str, float]]) -> dict[str, float]:
    if not hits:
        return {}
    values = [s for _, s in hits]
    low, high = min(values), max(values)
    span = high - low
    return {i: (s - low) / span if span > 0 else 1.0 for i, s in hits}


def fuse(
    lists: Sequence[tuple[str, float, Sequence[tuple[str, float]]]],
    bonus: dict[str, float] | None = None,
) -> list[Scored]:
    """Relative score fusion of ``(name, weight, [(id, score), ...])`` lists, best first;
    ``bonus[id]`` is added to that id's fused score.

    An id's ``match`` lists the names of the lists it appears in (in the order given); ties
    keep the order of first appearance.
    """
    out: dict[str, Scored] = {}
    for name, weight, hits in lists:
        for item, value in _normalised(hits).items():
            entry = out.setdefault(item, Scored(item, 0.0))
            entry.score += weight * value
            entry.match.append(name)
    for item, extra in (bonus or {}).items():
        if item in out:
            out[item].score += extra
    first_seen = {i: n for n, i in enumerate(out)}
    return sorted(out.values(), key=lambda e: (-e.score, first_seen[e.id]))


@dataclass
class Group:
    """An event or story ranked by its member articles' scores."""

    id: str
    score: float
    members: list[Scored]  # best first
    match: list[str]


def group_scores(
    hits: Iterable[Scored],
    key: Callable[[str], str | None],
    *,
    skip: Callable[[str, set[str]], bool] | None = None,
    weights: Sequence[float] = GROUP_WEIGHTS,
) -> list[Group]:
    """Groups of ``hits`` (by ``key(article id)``, None = no group), best first.

    A group's score is the weighted sum of its best member scores (``weights``).
    ``skip(article id, ids already in the group)`` leaves an article out (e.g. a syndicated
    copy of a member).
    """
    members: dict[str, list[Scored]] = {}
    for hit in hits:
        gid = key(hit.id)
        if gid is None:
            continue
        group = members.setdefault(gid, [])
        if skip is not None and skip(hit.id, {m.id for m in group}):
            continue
        group.append(hit)
    groups = []
    for gid, items in members.items():
        items.sort(key=lambda h: -h.score)
        score = sum(w * h.score for w, h in zip(weights, items, strict=False))
        match = [m for m in ("text", "semantic") if any(m in h.match for h in items)]
        groups.append(Group(gid, score, items, match))
    first_seen = {g: n for n, g in enumerate(members)}
    groups.sort(key=lambda g: (-g.score, first_seen[g.id]))
    return groups
