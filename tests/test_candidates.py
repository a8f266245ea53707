"""Candidate pairs found ahead in day blocks give the events of a full scan."""

from __future__ import annotations

import numpy as np

from storyline.cluster.candidates import (
    Candidates,
    CandidateSpec,
    Item,
    block_pairs,
    day_block_candidates,
    day_keys,
)
from storyline.cluster.events import EventClusterer
from storyline.cluster.profile import Profile
from test_clusterer import DAY, DIM, MODEL, prof, vec

SPEC = CandidateSpec(window_days=MODEL.window_days, min_cos=0.1, top_k=6)


def item(p: Profile) -> Item:
    assert p.day is not None
    return p.id, p.day, p.lang, p.vec


def groups(ec: EventClusterer) -> set[frozenset[str]]:
    ev = ec.article_event
    return {frozenset(a for a in ev if ev[a] == e) for e in set(ev.values())}


def corpus() -> list[Profile]:
    ps = []
    for g in range(8):  # eight happenings over three weeks, four reports each
        for k in range(4):
            day = DAY + 3 * g + (k % 2)
            ps.append(prof(f"g{g}-{k}", vec(g % DIM, noise=0.25, seed=10 * g + k), day))
    ps.append(prof("u", vec(3, noise=0.2, seed=99), None))  # no date: not in any block
    return ps


def test_blocks_pair_articles_within_the_window_only() -> None:
    a = prof("a", vec(0), DAY)
    b = prof("b", vec(0, noise=0.05), DAY + 2)
    c = prof("c", vec(0, noise=0.05, seed=1), DAY + 30)
    blocks: dict[int, list[tuple[bool, Item]]] = {}
    for p in (a, b, c):
        for day, member in day_keys(item(p), SPEC):
            blocks.setdefault(day, []).append(member)
    pairs = {q for members in blocks.values() for q in block_pairs(members, {}, SPEC)}
    assert pairs == {("a", "b")}
    cands = Candidates(pairs, ["a", "b", "c"])
    assert cands.near(["a"]) == {"b"} and cands.near(["c"]) == set()
    assert cands.near(["a", "x"]) is None  # x was not in any block: scan everything


def test_clustering_with_candidates_equals_the_full_scan_in_any_batches() -> None:
    ps = corpus()
    dated = [p for p in ps if p.day is not None]
    cands = day_block_candidates([item(p) for p in dated], {}, SPEC)
    assert 0 < cands.pairs < len(dated) * (len(dated) - 1) // 2  # fewer pairs are scored
    for batch in (1, 5, len(ps)):
        scan, fast = EventClusterer(MODEL, DIM), EventClusterer(MODEL, DIM)
        fast.candidates = cands
        for i in range(0, len(ps), batch):
            scan.learn(ps[i : i + batch], {})
            fast.learn(ps[i : i + batch], {})
            assert groups(fast) == groups(scan)
        assert any(len(g) > 1 for g in groups(scan))


def test_the_clusterer_really_uses_the_candidates() -> None:
    ps = [p for p in corpus() if p.day is not None]
    none = Candidates([], [p.id for p in ps])  # covered, but no pair worth scoring
    ec = EventClusterer(MODEL, DIM)
    ec.candidates = none
    for p in ps:  # one at a time: a batch is always re-clustered with itself
        ec.learn([p], {})
    assert all(len(g) == 1 for g in groups(ec))


def test_centring_uses_the_language_means() -> None:
    shared = np.full(DIM, 0.6, np.float32)  # a language component both vectors carry
    x = vec(0) + shared
    y = vec(1) + shared
    items: list[Item] = [
        ("x", DAY, "hi", x / np.linalg.norm(x)),
        ("y", DAY, "hi", y / np.linalg.norm(y)),
    ]
    spec = CandidateSpec(window_days=3, min_cos=0.5, top_k=5)
    assert day_block_candidates(items, {}, spec).pairs == 1  # alike through the shared part
    centred = day_block_candidates(items, {"hi": shared / np.linalg.norm(shared)}, spec)
    assert centred.pairs == 0
