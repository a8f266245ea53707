"""Cluster a whole set of article profiles at once, with the same code the online engine runs.

Used by the training script (many clusterings of one labelled set with different weights),
by the quality benchmark and by batch back-ends; the online engine reaches the same result
batch by batch (clustering is order-independent by construction, see
:mod:`storyline.cluster.events`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from storyline.cluster.events import EventClusterer
from storyline.cluster.features import KeyIDF, LangMeans, background_mean
from storyline.cluster.model import ClusterModel
from storyline.cluster.profile import Profile
from storyline.cluster.stories import StoryLinker


def cluster_all(
    profiles: Iterable[Profile],
    keys: dict[str, dict[str, float]],
    model: ClusterModel,
    *,
    idf: KeyIDF | None = None,
    stories: bool = True,
    means: Callable[[str], np.ndarray] | None = None,
    encoder_name: str = "e5",
) -> tuple[dict[str, str], dict[str, str], EventClusterer, StoryLinker | None]:
    """(article → event, article → story, the clusterer, the linker) for ``profiles``.

    ``keys`` holds each article's name keys with their (sublinear) counts; ``idf`` their
    rarity (by default learnt from ``keys`` themselves).
    """
    profs = list(profiles)
    dim = len(profs[0].vec) if profs else 1
    if means is None:  # the languages' means over the whole set, as the engine ends up with
        lm = LangMeans(background_mean(encoder_name, dim))
        for p in profs:
            if not p.dup_of:
                lm.update(p.lang, p.vec)
        means = lm.mean
    ec = EventClusterer(model.events, dim, means)
    ec.learn(profs, keys)
    ev_of = {p.id: ec.article_event[p.id] for p in profs}
    if not stories:
        return ev_of, {}, ec, None
    if idf is None:
        idf = KeyIDF()
        for p in profs:
            if not p.dup_of:
                idf.add(keys.get(p.id, {}))
    linker = StoryLinker(ec.events, idf, model.stories)
    linker.update([e.id for e in ec.events.values() if e.alive])
    st_of = {a: linker.event_story[e] for a, e in ev_of.items()}
    return ev_of, st_of, ec, linker
