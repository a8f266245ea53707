"""Event clustering on small synthetic profiles: joins, time, order independence, ids, splits."""

from __future__ import annotations

import random

import numpy as np

from storyline.cluster.events import EventClusterer
from storyline.cluster.linkage import average_link
from storyline.cluster.model import EventModel
from storyline.cluster.pairs import PairIndex, event_terms
from storyline.cluster.profile import Profile

DIM = 16
DAY = 738000


def vec(*hot: int, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    for h in hot:
        v[h] = 1.0
    if noise:
        v += np.random.default_rng(seed).normal(0, noise, DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def prof(
    i: str,
    v: np.ndarray,
    day: int | None,
    *,
    lang: str = "en",
    words: dict[str, float] | None = None,
    hday: int | None = None,
) -> Profile:
    topic = {f"t{int(np.argmax(v))}": 1.0}  # one topic word per dominant dimension
    return Profile(
        id=i,
        vec=v,
        words=topic if words is None else words,
        day=day,
        hday=hday if hday is not None else day,
        lang=lang,
    )


MODEL = EventModel(threshold=0.35, edge_min=0.2, w_dense=0.5, w_words=0.5, w_cross=1.0)


def test_average_link_is_order_free_and_respects_cannot_links() -> None:
    edges = [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.7), (3, 4, 0.9), (2, 3, 0.1)]
    assert average_link(5, edges, 0.5) == [[0, 1, 2], [3, 4]]
    assert average_link(5, list(reversed(edges)), 0.5) == [[0, 1, 2], [3, 4]]
    # a "never" pair keeps 0 and 2 apart even though both are close to 1
    assert average_link(3, [(0, 1, 0.9), (1, 2, 0.9), (0, 2, -1e6)], 0.5) != [[0, 1, 2]]


def test_same_happening_joins_and_a_month_later_does_not() -> None:
    ec = EventClusterer(MODEL, DIM)
    ec.learn([prof("a", vec(0), DAY), prof("b", vec(0, noise=0.05), DAY + 1)], {})
    assert ec.article_event["a"] == ec.article_event["b"]
    ec.learn([prof("c", vec(0, noise=0.05, seed=1), DAY + 30)], {})
    assert ec.article_event["c"] != ec.article_event["a"]


def test_different_topics_stay_apart_and_words_count_within_a_language() -> None:
    ec = EventClusterer(MODEL, DIM)
    ec.learn([prof("a", vec(0), DAY), prof("b", vec(5), DAY)], {})
    assert ec.article_event["a"] != ec.article_event["b"]
    a = prof("x", vec(0, 1), DAY, words={"cyclone": 1.0})
    b = prof("y", vec(1, 2), DAY, words={"cyclone": 1.0})
    t = event_terms(a, b, MODEL)
    assert t["words"] == MODEL.w_words and t["dense"] == MODEL.w_dense * float(a.vec @ b.vec)
    c = prof("z", vec(1, 2), DAY, lang="hi", words={"cyclone": 1.0})
    assert set(event_terms(a, c, MODEL)) == {"dense_cross_lingual"}


def test_block_scores_match_the_explained_terms() -> None:
    rng = random.Random(3)
    ps = [
        prof(
            f"p{k}",
            vec(rng.randrange(4), rng.randrange(4), noise=0.3, seed=k),
            DAY + rng.randrange(5),
            lang=rng.choice(["en", "hi"]),
            words={w: 0.5 for w in rng.sample("abcdefghij", 3 if k % 3 else 8)},
            hday=None,
        )
        for k in range(12)
    ]
    for k, p in enumerate(ps):
        p.source = "outlet-a" if k % 2 else "outlet-b"
    model = EventModel(
        w_names=0.1,
        w_ents=0.1,
        p_src_day=0.15,
        p_src_same=0.05,
        p_place=0.1,
        w_short=0.3,
        short_terms=5,
    )
    idx = PairIndex(DIM)
    for p in ps:
        idx.add(p)
    s = idx.block_scores([p.id for p in ps], model)
    for i in range(len(ps)):
        for j in range(len(ps)):
            if i != j:
                assert abs(s[i, j] - sum(event_terms(ps[i], ps[j], model).values())) < 1e-5


def test_short_texts_lean_on_the_embedding() -> None:
    """Two briefs (fewer distinct terms than ``short_terms``) get ``w_short * dense`` more;
    a brief and a full article, or two full articles, do not."""
    model = EventModel(w_short=0.4, short_terms=4)
    brief = {"quake": 0.8, "chile": 0.6}
    full = {w: 0.3 for w in "abcdefghij"}
    a = prof("a", vec(0, 1), DAY, words=brief)
    b = prof("b", vec(0, 1, noise=0.1), DAY, lang="es", words={"sismo": 1.0})
    c = prof("c", vec(0, 1, noise=0.1), DAY, lang="es", words=full)
    t = event_terms(a, b, model)
    assert t["short_texts"] == model.w_short * float(a.vec @ b.vec)
    assert "short_texts" not in event_terms(a, c, model)
    assert "short_texts" not in event_terms(a, b, EventModel(short_terms=4))  # w_short 0


def test_arrival_order_does_not_change_the_events() -> None:
    rng = np.random.default_rng(0)
    ps = []
    for g in range(6):
        for k in range(4):
            ps.append(prof(f"g{g}-{k}", vec(g, noise=0.25, seed=10 * g + k), DAY + (g % 3)))
    whole = EventClusterer(MODEL, DIM)
    whole.learn(ps, {})
    ref = {
        frozenset(a for a in whole.article_event if whole.article_event[a] == e)
        for e in set(whole.article_event.values())
    }
    for _ in range(3):
        order = list(ps)
        rng.shuffle(order)
        one = EventClusterer(MODEL, DIM)
        for p in order:
            one.learn([p], {})
        got = {
            frozenset(a for a in one.article_event if one.article_event[a] == e)
            for e in set(one.article_event.values())
        }
        assert got == ref
        # ids of merged-away events are dead and logged, live ones hold every article
        live = [e for e in one.events.values() if e.alive]
        assert sum(len(e.members) for e in live) == len(ps)


def test_ids_are_stable_when_an_event_grows() -> None:
    ec = EventClusterer(MODEL, DIM)
    ec.learn([prof("a", vec(0), DAY), prof("b", vec(0, noise=0.05), DAY)], {})
    first = ec.article_event["a"]
    ec.learn([prof("c", vec(0, noise=0.05, seed=2), DAY + 1)], {})
    assert ec.article_event["a"] == ec.article_event["c"] == first


def test_a_split_holds_when_more_articles_arrive() -> None:
    ec = EventClusterer(MODEL, DIM)
    ec.learn([prof("a", vec(0), DAY), prof("b", vec(0, noise=0.05), DAY)], {})
    src = ec.article_event["a"]
    new = ec.split(src, ["b"])
    assert ec.article_event["b"] == new.id
    ec.learn([prof("c", vec(0, noise=0.05, seed=4), DAY)], {})
    assert ec.article_event["a"] != ec.article_event["b"]


def test_undated_articles_are_compared_with_everything_loaded() -> None:
    ec = EventClusterer(MODEL, DIM)
    ec.learn([prof("a", vec(0), DAY), prof("b", vec(0, noise=0.05), DAY)], {})
    ec.learn([prof("u", vec(0, noise=0.05, seed=9), None)], {})
    assert ec.article_event["u"] == ec.article_event["a"]


def test_estimated_dates_years_apart_are_never_compared() -> None:
    a = prof("a", vec(0), DAY)
    b = prof("b", vec(0, noise=0.01), DAY + 700)
    b.tolerance = 15.0  # a month estimate, two years later
    assert event_terms(a, b, MODEL) == {"never": -10.0}
    b.day = DAY + 10  # a month estimate that may hold the day: compared, as undated
    assert "undated" in event_terms(a, b, MODEL)
