"""Article profiles from the store: what the clusterer loads when it needs older articles.

The clusterer keeps the profiles of recent articles in memory. When a batch touches days it
has not seen in this process (a restarted ingest, articles arriving out of order), or an
event being rebuilt has members that are not in memory, :class:`ProfileSource` builds their
profiles from the stored articles and vectors. Places (``extra["places"]``) are computed at
ingest and stored with the article, so reloading never re-parses texts for them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from storyline.annotate import Annotations
from storyline.cluster.events import EventClusterer
from storyline.cluster.features import KeyIDF, LangMeans, day_to_iso
from storyline.cluster.profile import Profile, build_profile
from storyline.cluster.words import WordDF
from storyline.geo import locate
from storyline.model import Article
from storyline.store.base import Store
from storyline.store.textquery import SearchFilters


def lang_of(a: Article) -> str:
    return a.lang.lang if a.lang else "und"


def name_weights(a: Article) -> dict[str, float]:
    """Name keys of an article with sublinear counts (``1 + ln tf``)."""
    tf = a.key_tf or dict.fromkeys(a.keys, 1)
    return {k: 1.0 + math.log(max(1, n)) for k, n in tf.items()}


def locate_articles(articles: Iterable[Article], ann: Annotations | None) -> None:
    """Where each article is about (``extra["places"]``), people's names excluded."""
    for a in articles:
        people = [
            m.surface
            for m in (ann.mentions.get(a.id, []) if ann else [])
            if getattr(m, "type", "") == "PERSON"
        ]
        a.extra["places"] = locate(a.title, a.text, not_places=people).to_dict()


class ProfileSource:
    def __init__(
        self,
        store: Store,
        space: str,
        lang_means: LangMeans,
        words: WordDF,
        idf: KeyIDF,
        events: EventClusterer,
    ) -> None:
        self.store, self.space = store, space
        self.lang_means, self.words, self.idf = lang_means, words, idf
        self.events = events
        self.loaded_days: set[int] = set()

    def profile(self, a: Article, vec: np.ndarray) -> Profile:
        return build_profile(a, vec, self.words, self.idf)

    def _build(self, ids: Iterable[str]) -> list[Profile]:
        ids = list(ids)
        vecs = self.store.get_vectors(self.space, ids)
        out = []
        for aid in ids:
            a = self.store.get_article(aid)
            if a is not None and aid in vecs:
                out.append(self.profile(a, vecs[aid]))
                self.events.article_keys[aid] = name_weights(a)
        return out

    def by_ids(self, ids: list[str]) -> list[Profile]:
        """Profiles of stored articles by id."""
        return self._build(ids)

    def by_days(self, lo: int, hi: int) -> list[Profile]:
        """Profiles of stored articles published on days ``lo``..``hi`` not loaded yet."""
        missing = [d for d in range(lo, hi + 1) if d not in self.loaded_days]
        if not missing:
            return []
        self.loaded_days.update(missing)
        ids = self.store.filter_article_ids(
            SearchFilters(date_from=day_to_iso(min(missing)), date_to=day_to_iso(max(missing)))
        )
        return self._build(sorted(i for i in ids if i not in self.events.index))

    def ensure(self, article_ids: list[str]) -> None:
        """Load the profiles of stored articles that are not in memory."""
        for p in self._build(a for a in article_ids if a not in self.events.index):
            self.events.index.add(p)

    def forget_before(self, day: int) -> None:
        self.events.evict_before(day)
        self.loaded_days = {d for d in self.loaded_days if d >= day}
