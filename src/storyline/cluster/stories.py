"""Story linking: events → storylines that can run for weeks or years.

Two events belong to one storyline when they are about the same running matter: the scores
of :class:`storyline.cluster.model.StoryModel` combine the events' centred embedding
centroids, their TF-IDF words (same language), their rarest salient names (which link events
years apart: a strategist's name, a cyclone's), and the region they are about. Stories are the
groups of average-link clustering over events, computed like events
(:mod:`storyline.cluster.events`): the region of events that the changed ones can affect is
re-clustered and matched to the existing stories (largest overlap keeps its id); story merges
and events moving between stories are logged.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from storyline.cluster.events import EventState
from storyline.cluster.features import KeyIDF, names_similarity
from storyline.cluster.linkage import MUST, average_link
from storyline.cluster.model import StoryModel
from storyline.cluster.words import cosine, tokens
from storyline.model import MergeLogEntry
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

log = logging.getLogger(__name__)

EVENT_TOP = 12  # an event is represented by its most salient names
MAX_REGION = 3000  # events re-clustered at once at most
REFRESH = 50  # updates between full refreshes of the cached event representations


@dataclass
class StoryState:
    id: str
    events: list[str] = field(default_factory=list)
    alive: bool = True
    dirty: bool = True


def top_keys(ev: EventState, idf: KeyIDF, k: int = EVENT_TOP) -> dict[str, float]:
    """The event's ``k`` most salient names: tf-idf averaged over its articles."""
    n = max(1, ev.n_unique)
    w = {key: idf(key) * c / n for key, c in ev.keys.items() if not key.startswith("@")}
    return dict(sorted(w.items(), key=lambda kv: -kv[1])[:k])


def _unit(w: dict[str, float]) -> dict[str, float]:
    n = math.sqrt(sum(v * v for v in w.values()))
    return {k: v / n for k, v in w.items()} if n else {}


def _sparse(rows: list[dict[str, float]], vocab: dict[str, int] | None = None) -> sp.csr_matrix:
    vocab = {} if vocab is None else vocab
    indptr = [0]
    idx: list[int] = []
    val: list[float] = []
    for r in rows:
        for k, v in r.items():
            idx.append(vocab.setdefault(k, len(vocab)))
            val.append(v)
        indptr.append(len(idx))
    return sp.csr_matrix(
        (np.asarray(val, np.float32), np.asarray(idx, np.int64), np.asarray(indptr, np.int64)),
        shape=(len(rows), max(1, len(vocab))),
    )


def _common(w: str) -> bool:
    return w in LATIN_STOP or w in HINDI_STOP


def _main_lang(ev: EventState) -> str:
    return max(sorted(ev.langs), key=lambda k: ev.langs[k]) if ev.langs else "und"


def _region_of(ev: EventState) -> str | None:
    w = ev.places.get("admin1") or {}
    if not w:
        return None
    pid, top = max(w.items(), key=lambda kv: (kv[1], kv[0]))
    return pid if top / sum(w.values()) >= 0.5 else None


def _days(ev: EventState) -> tuple[int, int] | None:
    d = ev.days or ev.est_days
    return (min(d), max(d)) if d else None


class StoryLinker:
    def __init__(
        self,
        events: dict[str, EventState],
        idf: KeyIDF,
        model: StoryModel | None = None,
        new_id: Callable[[], str] | None = None,
    ) -> None:
        self.m = model or StoryModel()
        self.idf = idf
        self.events = events
        self.stories: dict[str, StoryState] = {}
        self.event_story: dict[str, str] = {}
        self.merges: list[MergeLogEntry] = []
        self.must: set[frozenset[str]] = set()  # event pairs a curator put in one story
        self._counter = 0
        self._new_id = new_id or self._default_id
        self._cache: dict[str, tuple[dict[str, float], dict[str, float], str, str | None]] = {}
        self._updates = 0

    def _default_id(self) -> str:
        self._counter += 1
        return f"s{self._counter:06d}"

    def add_state(self, story: StoryState) -> None:
        story.dirty = False
        self.stories[story.id] = story
        for e in story.events:
            self.event_story[e] = story.id

    def begin(self, changed: list[str] | None = None) -> None:
        """Forget cached event representations: of ``changed`` events, or all of them (name
        rarity drifts slowly as articles arrive; every ``REFRESH`` updates all are redone)."""
        self._updates += 1
        if changed is None or self._updates % REFRESH == 0:
            self._cache.clear()
        else:
            for e in changed:
                self._cache.pop(e, None)

    # scoring -----------------------------------------------------------------------------
    def _rep(self, ev: EventState) -> tuple[dict[str, float], dict[str, float], str, str | None]:
        r = self._cache.get(ev.id)
        if r is None:
            r = (_unit(ev.words), top_keys(ev, self.idf), _main_lang(ev), _region_of(ev))
            self._cache[ev.id] = r
        return r

    def terms(self, a: EventState, b: EventState, dense: float | None = None) -> dict[str, float]:
        """Every term of the story score of two events (their sum is the score)."""
        m = self.m
        wa, na, la, ra = self._rep(a)
        wb, nb, lb, rb = self._rep(b)
        if dense is None:
            dense = float(a.centroid @ b.centroid)
        out: dict[str, float] = {}
        if la == lb:
            out["dense"] = m.w_dense * dense
            out["words"] = m.w_words * cosine(wa, wb)
        else:
            out["dense_cross_lingual"] = m.w_cross * dense
        shared_rare = sum(
            self.idf(k) - 3.0 for k in na if k in nb and self.idf(k) >= m.min_name_idf
        )
        if m.w_names and na and nb:
            out["names"] = m.w_names * names_similarity(na, nb)
        sa, sb = _days(a), _days(b)
        if sa and sb:
            gap = max(0, sb[0] - sa[1], sa[0] - sb[1])
            if gap > m.window_days and shared_rare < m.far_names:
                return {"never": -10.0}
        if ra and rb:
            if ra == rb:
                out["same_region"] = m.w_place
            else:
                out["other_region"] = -m.p_place
        return out

    def score(self, a: EventState, b: EventState, dense: float | None = None) -> float:
        return sum(self.terms(a, b, dense).values())

    def block_scores(self, evs: list[EventState]) -> np.ndarray:
        """Story scores of every pair of ``evs`` (vectorised :meth:`terms`; diagonal -10)."""
        if not evs:
            return np.zeros((0, 0), np.float32)
        prep = self._prepare(evs)
        return self._rows(prep, np.arange(len(evs)))

    def _prepare(self, evs: list[EventState]) -> dict[str, Any]:
        """The arrays scoring needs for a set of events, built once per update."""
        m = self.m
        reps = [self._rep(e) for e in evs]
        present = [{k: 1.0 for k in r[1] if self.idf(k) >= m.min_name_idf} for r in reps]
        vocab: dict[str, int] = {}
        bin_m = _sparse(present, vocab)
        wts = _sparse([{k: self.idf(k) - 3.0 for k in p} for p in present], vocab)
        regions = [r[3] for r in reps]
        codes = {k: i for i, k in enumerate(sorted({r for r in regions if r}))}
        spans = [_days(e) for e in evs]
        words = _sparse([r[0] for r in reps])
        names = _sparse([_unit(r[1]) for r in reps])
        prep: dict[str, Any] = {
            "cen": np.stack([e.centroid for e in evs]).astype(np.float32),
            "words": words,
            "words_t": words.T.tocsr(),
            "names": names,
            "names_t": names.T.tocsr(),
            "rare": bin_m,
            "rare_w_t": wts.T.tocsr(),
            "lang": np.array([r[2] for r in reps], dtype=object),
            "region": np.array([codes[r] if r else -1 for r in regions]),
            "lo": np.array([sp[0] if sp else 0 for sp in spans]),
            "hi": np.array([sp[1] if sp else 0 for sp in spans]),
            "has": np.array([sp is not None for sp in spans]),
        }
        if m.w_topic:
            anchors = self._topics(evs)
            prep["topic"] = anchors
            prep["topic_t"] = anchors.T.tocsr()
        return prep

    def _rows(self, p: dict[str, Any], rows: np.ndarray) -> np.ndarray:
        """Scores of the events at ``rows`` (of a prepared set) against the whole set."""
        m = self.m
        dense = p["cen"][rows] @ p["cen"].T
        words = (p["words"][rows] @ p["words_t"]).toarray()
        names = (p["names"][rows] @ p["names_t"]).toarray()
        shared_rare = (p["rare"][rows] @ p["rare_w_t"]).toarray() >= m.far_names
        lang = p["lang"]
        same = lang[rows][:, None] == lang[None, :]
        s = np.where(same, m.w_dense * dense + m.w_words * words, m.w_cross * dense)
        s = s + m.w_names * names
        if m.w_topic:
            s = s + m.w_topic * ((p["topic"][rows] @ p["topic_t"]).toarray() > 0) * same
        rc = p["region"]
        ra, rb = rc[rows][:, None], rc[None, :]
        both = (ra >= 0) & (rb >= 0)
        s = s + np.where(both & (ra == rb), m.w_place, 0.0)
        s = s - np.where(both & (ra != rb), m.p_place, 0.0)
        lo, hi, has = p["lo"], p["hi"], p["has"]
        gap = np.maximum(
            0, np.maximum(lo[None, :] - hi[rows][:, None], lo[rows][:, None] - hi[None, :])
        )
        far = has[rows][:, None] & has[None, :] & (gap > m.window_days) & ~shared_rare
        s = np.where(far, -10.0, s)
        s[np.arange(len(rows)), rows] = -10.0
        return s.astype(np.float32)

    def _topics(self, evs: list[EventState]) -> sp.csr_matrix:
        """Each event's headline words that many headlines of the compared events use (the
        running topic of the day: "lockdown", "migrants"); two events sharing one score
        ``w_topic``."""
        words = [
            {
                w
                for w in (e.headline or tokens(e.title))
                if len(w) >= 4 and w.isalpha() and not _common(w)
            }
            for e in evs
        ]
        df: Counter[str] = Counter()
        for ws in words:
            df.update(ws)
        need = max(3.0, self.m.topic_share * len(evs))
        anchors = [{w for w in ws if df[w] >= need} for ws in words]
        return _sparse([dict.fromkeys(a, 1.0) for a in anchors])

    # learning ----------------------------------------------------------------------------
    def update(self, touched: list[str]) -> list[MergeLogEntry]:
        """Re-link the stories of ``touched`` events (new, changed or merged away)."""
        self.begin(touched)
        live_touched = [e for e in touched if e in self.events and self.events[e].alive]
        for e in touched:  # dead events leave their stories
            if e in self.events and not self.events[e].alive:
                sid = self.event_story.pop(e, None)
                if sid and sid in self.stories:
                    st = self.stories[sid]
                    st.events = [x for x in st.events if x != e]
                    st.dirty = True
        if not live_touched:
            return self._retire_empty()
        for pair in self.must:  # a curator's merge: its events are re-linked together
            if pair & set(live_touched):
                live_touched.extend(e for e in sorted(pair) if e not in live_touched
                                    and e in self.events and self.events[e].alive)
        region, scores = self._region(live_touched)
        iu, ju = np.nonzero(np.triu(scores >= self.m.edge_min, 1))
        edges = [(int(i), int(j), float(scores[i, j])) for i, j in zip(iu, ju, strict=True)]
        pos = {e: k for k, e in enumerate(region)}
        edges += [(pos[a], pos[b], MUST) for a, b in map(sorted, self.must)
                  if a in pos and b in pos]
        groups = average_link(len(region), edges, self.m.threshold)
        out = self._reconcile(region, groups)
        for e in live_touched:  # a grown event changes its story's counts and dates
            sid = self.event_story.get(e)
            if sid in self.stories:
                self.stories[sid].dirty = True
        return out + self._retire_empty()

    def _region(self, touched: list[str]) -> tuple[list[str], np.ndarray]:
        """Touched events plus every live event connected to them by a story edge."""
        tset = set(touched)
        spans = [s for s in (_days(self.events[t]) for t in touched) if s]
        lo = min((s[0] for s in spans), default=None)
        hi = max((s[1] for s in spans), default=None)
        rare: set[str] = set()
        for t in touched:
            rare.update(
                k for k in self._rep(self.events[t])[1] if self.idf(k) >= self.m.min_name_idf
            )
        pool: list[EventState] = [self.events[t] for t in touched]
        for ev in self.events.values():
            if ev.id in tset or not ev.alive or not ev.members:
                continue
            sp = _days(ev)
            near = (
                lo is None
                or hi is None
                or sp is None
                or (sp[1] >= lo - self.m.window_days and sp[0] <= hi + self.m.window_days)
            )
            if near or any(k in rare for k in self._rep(ev)[1]):
                pool.append(ev)
        if len(pool) > MAX_REGION:  # keep the touched ones and the nearest in time
            mid = ((lo or 0) + (hi or 0)) / 2
            rest = sorted(
                pool[len(touched) :], key=lambda e: abs((_days(e) or (mid, mid))[0] - mid)
            )
            pool = pool[: len(touched)] + rest[: MAX_REGION - len(touched)]
        prep = self._prepare(pool)
        region = set(range(len(touched)))
        frontier = np.arange(len(touched))
        while len(frontier) and len(region) < MAX_REGION:
            hits = np.nonzero((self._rows(prep, frontier) >= self.m.edge_min).any(axis=0))[0]
            frontier = np.array(sorted(set(hits.tolist()) - region), dtype=np.int64)
            region |= set(frontier.tolist())
        idx = sorted(region, key=lambda k: pool[k].id)  # id order: ties break the same way
        rows = np.array(idx, dtype=np.int64)
        return [pool[k].id for k in idx], self._rows(prep, rows)[:, rows]

    def _reconcile(self, region: list[str], groups: list[list[int]]) -> list[MergeLogEntry]:
        out: list[MergeLogEntry] = []
        old_of = {e: self.event_story.get(e) for e in region}
        overlaps: list[tuple[int, str, int]] = []
        for g, members in enumerate(groups):
            c = Counter(old_of[region[k]] for k in members if old_of[region[k]])
            overlaps.extend((-n, s, g) for s, n in c.items() if s)
        overlaps.sort(key=lambda t: (t[0], len(t[1]), t[1], t[2]))
        gid: dict[int, str] = {}
        used: set[str] = set()
        for _n, s, g in overlaps:
            if g not in gid and s not in used and s in self.stories and self.stories[s].alive:
                gid[g] = s
                used.add(s)
        for g in range(len(groups)):
            if g not in gid:
                gid[g] = self._new_id()
                self.stories[gid[g]] = StoryState(id=gid[g], events=[])
        new_of = {region[k]: gid[g] for g, members in enumerate(groups) for k in members}
        moved: dict[tuple[str, str], list[str]] = {}
        for e, old in old_of.items():
            new = new_of[e]
            if old and old != new:
                moved.setdefault((old, new), []).append(e)
                st = self.stories.get(old)
                if st is not None:
                    st.events = [x for x in st.events if x != e]
                    st.dirty = True
            if old != new:
                st = self.stories[new]
                st.events.append(e)
                st.dirty = True
                if e in self.events:
                    self.events[e].dirty = True  # its stored record names its story
            self.event_story[e] = new
        for (old, new), evs in sorted(moved.items()):
            # merged away only if nothing is left in it: a story not reused by the region
            # that keeps events outside the region lives on (its events moved out)
            st = self.stories.get(old)
            left = st is not None and any(
                x in self.events and self.events[x].alive for x in st.events
            )
            gone = old not in used and not left
            out.append(
                MergeLogEntry(
                    kind="story-merge" if gone else "event-move",
                    target=new,
                    sources=[old],
                    detail={"events": sorted(evs), "reason": "re-linked with new events"},
                )
            )
        self.merges.extend(out)
        return out

    def _retire_empty(self) -> list[MergeLogEntry]:
        for st in self.stories.values():
            if st.alive and not [e for e in st.events if e in self.events and self.events[e].alive]:
                st.alive = False
                st.dirty = True
        return []
