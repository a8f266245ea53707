"""Online story linking: events → storylines that can run for years.

A story is a chain of events about the same ongoing matter. Time is *not* a barrier (the
seeds' story runs 2020–2022); what links events is:

* salient names: keys carried by a good share of an event's articles, weighted by IDF
  *squared*, so a rare name (a strategist, a cyclone's name) counts far more than a common
  one (a national party, the prime minister). This is what keeps two stories that both
  mention "Congress" apart;
* semantic similarity of event centroids.

``score = w_dense * dense + w_names * names``; an event joins the best story above
``threshold`` or starts a new one. Story ids are stable; story merges are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.events import EventState
from storyline.cluster.features import KeyIDF, names_similarity
from storyline.model import MergeLogEntry

log = logging.getLogger(__name__)


@dataclass
class StoryConfig:
    threshold: float = 0.40
    w_dense: float = 0.45
    w_names: float = 0.65
    event_top: int = 12  # an event is represented by its most salient names
    story_top: int = 24
    min_rare_idf: float = 4.0  # at least one shared salient key this rare is required
    merge_threshold: float = 0.55


@dataclass
class StoryState:
    id: str
    events: list[str] = field(default_factory=list)
    alive: bool = True
    dirty: bool = True


def top_keys(ev: EventState, idf: KeyIDF, k: int) -> dict[str, float]:
    """The event's ``k`` most salient names: tf-idf averaged over its articles."""
    n = max(1, ev.n_unique)
    w = {key: idf(key) * c / n for key, c in ev.keys.items()}
    return dict(sorted(w.items(), key=lambda kv: -kv[1])[:k])


class StoryLinker:
    def __init__(
        self,
        events: dict[str, EventState],
        idf: KeyIDF,
        config: StoryConfig | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self.cfg = config or StoryConfig()
        self.idf = idf
        self.events = events
        self.stories: dict[str, StoryState] = {}
        self.event_story: dict[str, str] = {}
        self.merges: list[MergeLogEntry] = []
        self._counter = 0
        self._new_id = new_id or self._default_id
        self.begin()

    def begin(self) -> None:
        """Start a linking round: forget cached weights (events and IDF may have changed).

        Within a round, events do not change, so each event's and story's salient names and
        centroid are computed once; an inverted index from rare names to stories limits the
        stories an event is compared with to those it could link to at all.
        """
        self._ew: dict[str, dict[str, float]] = {}
        self._sw: dict[str, dict[str, float]] = {}
        self._cen: dict[str, np.ndarray | None] = {}
        self._by_key: dict[str, set[str]] | None = None

    def _changed(self, st: StoryState) -> None:
        self._sw.pop(st.id, None)
        self._cen.pop(st.id, None)
        if self._by_key is not None and st.alive:
            self._index(st)

    def _index(self, st: StoryState) -> None:
        assert self._by_key is not None
        for k in self._story_weights(st):
            if self.idf(k) >= self.cfg.min_rare_idf:
                self._by_key.setdefault(k, set()).add(st.id)

    def _candidates(self, keys: dict[str, float]) -> list[StoryState]:
        """Live stories sharing a rare salient name with ``keys`` (the only ones that can link)."""
        if self._by_key is None:
            self._by_key = {}
            for st in self.stories.values():
                if st.alive:
                    self._index(st)
        ids: set[str] = set()
        for k in keys:
            ids |= self._by_key.get(k, set())
        return [self.stories[i] for i in sorted(ids) if self.stories[i].alive]

    def _default_id(self) -> str:
        self._counter += 1
        return f"s{self._counter:06d}"

    def add_state(self, story: StoryState) -> None:
        story.dirty = False
        self.stories[story.id] = story
        for e in story.events:
            self.event_story[e] = story.id

    # aggregates --------------------------------------------------------------------------
    def _event_weights(self, ev: EventState) -> dict[str, float]:
        w = self._ew.get(ev.id)
        if w is None:
            w = self._ew[ev.id] = top_keys(ev, self.idf, self.cfg.event_top)
        return w

    def _story_weights(self, st: StoryState) -> dict[str, float]:
        w = self._sw.get(st.id)
        if w is None:
            w = self._sw[st.id] = self._compute_story_weights(st)
        return w

    def _compute_story_weights(self, st: StoryState) -> dict[str, float]:
        acc: dict[str, float] = {}
        for e in st.events:
            ev = self.events.get(e)
            if ev is None or not ev.alive:
                continue
            w = self._event_weights(ev)
            norm = sum(v * v for v in w.values()) ** 0.5 or 1.0
            for k, v in w.items():
                acc[k] = acc.get(k, 0.0) + v / norm
        return dict(sorted(acc.items(), key=lambda kv: -kv[1])[: self.cfg.story_top])

    def _story_centroid(self, st: StoryState) -> np.ndarray | None:
        if st.id not in self._cen:
            self._cen[st.id] = self._compute_centroid(st)
        return self._cen[st.id]

    def _compute_centroid(self, st: StoryState) -> np.ndarray | None:
        vs = [
            self.events[e].centroid for e in st.events if e in self.events and self.events[e].alive
        ]
        if not vs:
            return None
        v = np.sum(vs, axis=0)
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else v

    def similarity(self, ev_w: dict[str, float], ev_vec: np.ndarray, st: StoryState) -> float:
        st_w = self._story_weights(st)
        shared = [k for k in ev_w if k in st_w and self.idf(k) >= self.cfg.min_rare_idf]
        if not shared:
            return float("-inf")
        names = names_similarity(ev_w, st_w)
        cen = self._story_centroid(st)
        dense = float(cen @ ev_vec) if cen is not None else 0.0
        return self.cfg.w_dense * dense + self.cfg.w_names * names

    # learning ----------------------------------------------------------------------------
    def learn_one(self, ev: EventState) -> tuple[str, float | None]:
        """Put a (new) event in a story; returns (story id, score or None if it founded one)."""
        if ev.id in self.event_story:
            return self.event_story[ev.id], None
        ev_w, ev_vec = self._event_weights(ev), ev.centroid
        best: tuple[float, str] | None = None
        for st in self._candidates(ev_w):
            s = self.similarity(ev_w, ev_vec, st)
            if best is None or s > best[0]:
                best = (s, st.id)
        if best is not None and best[0] >= self.cfg.threshold:
            st = self.stories[best[1]]
            st.events.append(ev.id)
            st.dirty = True
            self.event_story[ev.id] = st.id
            self._changed(st)
            return st.id, best[0]
        st = StoryState(id=self._new_id(), events=[ev.id])
        self.stories[st.id] = st
        self.event_story[ev.id] = st.id
        self._changed(st)
        return st.id, None

    def drop_event(self, event_id: str, merged_into: str) -> MergeLogEntry | None:
        """An event was merged away: move its story membership to the survivor."""
        sid = self.event_story.pop(event_id, None)
        if sid is None:
            return None
        st = self.stories[sid]
        st.events = [e for e in st.events if e != event_id]
        st.dirty = True
        self._changed(st)
        target = self.event_story.get(merged_into)
        if not st.events and st.alive:
            st.alive = False
            if target and target != sid:
                entry = MergeLogEntry(
                    kind="story-merge",
                    target=target,
                    sources=[sid],
                    detail={"reason": f"its only event {event_id} merged into {merged_into}"},
                )
                self.merges.append(entry)
                return entry
        return None

    def consolidate(self) -> list[MergeLogEntry]:
        """Merge stories touched since the last call that now share their rare names."""
        out: list[MergeLogEntry] = []
        touched = sorted(
            (s for s in self.stories.values() if s.alive and s.dirty), key=lambda s: s.id
        )
        for st in touched:
            if not st.alive:
                continue
            cen = self._story_centroid(st)
            if cen is None:
                continue
            w = self._story_weights(st)
            for other in self._candidates(w):
                if other.id == st.id or not other.alive or not st.alive:
                    continue
                s = self.similarity(w, cen, other)
                if s >= self.cfg.merge_threshold:
                    keep, gone = sorted([st, other], key=lambda x: x.id)
                    keep.events.extend(gone.events)
                    for e in gone.events:
                        self.event_story[e] = keep.id
                    gone.events = []
                    gone.alive = False
                    gone.dirty = keep.dirty = True
                    self._changed(gone)
                    self._changed(keep)
                    entry = MergeLogEntry(
                        kind="story-merge",
                        target=keep.id,
                        sources=[gone.id],
                        detail={"score": round(s, 4), "reason": "shared rare names and content"},
                    )
                    self.merges.append(entry)
                    out.append(entry)
        return out
