"""The online event clusterer on small synthetic inputs: joins, time, re-seating, splits."""

from __future__ import annotations

import numpy as np

from storyline.cluster.events import EventClusterer, EventConfig, Item
from storyline.cluster.features import KeyIDF

DIM = 16


def vec(*hot: int, w: tuple[float, ...] = (), noise: float = 0.0, seed: int = 0) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    for n, h in enumerate(hot):
        v[h] = w[n] if n < len(w) else 1.0
    if noise:
        v += np.random.default_rng(seed).normal(0, noise, DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def item(i: str, v: np.ndarray, day: int | None, keys: dict[str, float] | None = None) -> Item:
    return Item(i, v, keys or {}, day, 0.0, "en")


def test_far_apart_articles_found_separate_events() -> None:
    ec = EventClusterer(KeyIDF(), EventConfig())
    a = ec.learn_one(item("a", vec(0), 738000))
    b = ec.learn_one(item("b", vec(0, noise=0.05), 738001))
    c = ec.learn_one(item("c", vec(0, noise=0.05, seed=1), 738030))  # a month later
    assert a.new_event and not b.new_event and b.event_id == a.event_id
    assert c.new_event and c.event_id != a.event_id


def test_undated_early_article_is_reseated_when_its_event_arrives() -> None:
    ec = EventClusterer(KeyIDF(), EventConfig())
    # two sibling events a week apart; the undated article is about the second one
    e1 = [item(f"x{i}", vec(0, 1, w=(1, 0.6), noise=0.02, seed=i), 738000) for i in range(3)]
    for it in e1:
        ec.learn_one(it)
    undated = item("u", vec(0, 1, 2, w=(1, 0.3, 0.5)), None)
    first = ec.learn_one(undated)
    assert first.event_id == ec.article_event["x0"]  # only the sibling exists yet
    e2 = [item(f"y{i}", vec(0, 2, w=(1, 0.8), noise=0.02, seed=9 + i), 738007) for i in range(3)]
    for it in e2:
        ec.learn_one(it)
    ec.consolidate()
    moves = ec.reseat([undated])
    assert [m.kind for m in moves] == ["article-move"]
    assert ec.article_event["u"] == ec.article_event["y0"] != ec.article_event["x0"]
    assert moves[0].detail["articles"] == ["u"]
    assert ec.reseat([undated]) == []  # settled: a second pass moves nothing


def test_detach_restores_the_event_it_leaves() -> None:
    ec = EventClusterer(KeyIDF(), EventConfig())
    its = [item(f"a{i}", vec(0, noise=0.05, seed=i), 738000, {"k": 1.0}) for i in range(3)]
    for it in its:
        ec.learn_one(it)
    ev = ec.events[ec.article_event["a0"]]
    before = ev.vec_sum.copy()
    new = ec.detach(ev.id, [its[2]])
    assert new.members == ["a2"] and ev.members == ["a0", "a1"]
    assert np.allclose(ev.vec_sum, before - its[2].vec)
    assert ev.keys["k"] == 2.0 and ev.n_unique == 2


def test_estimated_event_years_away_is_never_merged() -> None:
    ec = EventClusterer(KeyIDF(), EventConfig())
    a = ec.learn_one(item("a", vec(0), 738000))
    est = Item("b", vec(0), {}, 738000 + 660, 15.0, "en")  # a month estimate, ~2 years on
    b = ec.learn_one(est)
    assert b.new_event
    assert ec.consolidate() == []  # a lone estimated article keeps its own event
    assert ec.article_event["a"] == a.event_id != ec.article_event["b"]
