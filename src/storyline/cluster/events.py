"""Event clustering: articles that report the same happening, across languages.

Every pair of articles published within a few days of each other gets a learned score
(:mod:`storyline.cluster.pairs`, weights in :mod:`storyline.cluster.model`), and events are
the groups of average-link clustering over those scores (:mod:`storyline.cluster.linkage`):
two groups merge when their articles are, on average, similar enough.

Online and order-independent. When articles arrive, the clusterer takes the *region* they
touch: the connected component of the graph of pairs scoring at least ``edge_min`` around them
(widened in time until it is closed). Average-link never merges across components, so
re-clustering that region from scratch gives exactly what clustering everything at once
would, whatever the arrival order. The new groups are then matched to the events that
already exist (largest overlap keeps its id), so ids are stable; every change to an existing
event is logged (``event-merge``, ``article-move``). A curator's split is kept as
"cannot link" pairs that later re-clustering respects; a curator's merge or move as "must
link" pairs (:mod:`storyline.cluster.curate`), whose articles always enter a region together.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.candidates import Candidates
from storyline.cluster.features import day_to_iso
from storyline.cluster.linkage import CANNOT, MUST, average_link_scores
from storyline.cluster.model import EventModel
from storyline.cluster.pairs import Block, PairIndex, event_terms
from storyline.cluster.profile import Profile
from storyline.model import Event, JoinReason, MergeLogEntry

log = logging.getLogger(__name__)

MAX_REGION = 4000  # articles re-clustered at once at most (beyond: the nearest days only)
MAX_UNDATED = 1500  # undated articles compared with each batch (the most recent)
WORD_TOP = 60  # words an event keeps for story linking


@dataclass
class EventState:
    id: str
    vec_sum: np.ndarray
    members: list[str] = field(default_factory=list)
    keys: Counter[str] = field(default_factory=Counter)  # name key -> summed tf weight
    words: dict[str, float] = field(default_factory=dict)  # summed TF-IDF of members (top)
    days: list[int] = field(default_factory=list)  # members' day-exact dates
    est_days: list[int] = field(default_factory=list)  # members' coarse estimates
    langs: Counter[str] = field(default_factory=Counter)
    places: dict[str, dict[str, float]] = field(default_factory=dict)
    headline: Counter[str] = field(default_factory=Counter)  # members' title words
    title: str = ""
    title_lang: str = ""
    n_unique: int = 0
    alive: bool = True
    dirty: bool = True

    @property
    def centroid(self) -> np.ndarray:
        n = float(np.linalg.norm(self.vec_sum))
        return self.vec_sum / n if n > 0 else self.vec_sum

    def span(self) -> tuple[int, int] | None:
        return (min(self.days), max(self.days)) if self.days else None

    def to_event(self, story_id: str | None = None) -> Event:
        days = sorted(self.days) or sorted(self.est_days)
        keys = {k: round(float(c), 4) for k, c in self.keys.items()}
        keys.update({f"w:{k}": round(float(v), 4) for k, v in self.words.items()})
        for level, w in self.places.items():
            keys.update({f"p:{level}:{k}": round(float(v), 4) for k, v in w.items()})
        return Event(
            id=self.id,
            article_ids=list(self.members),
            title=self.title,
            date=day_to_iso(days[len(days) // 2]) if days else None,
            date_is_estimate=not self.days,
            first_date=day_to_iso(days[0]) if days else None,
            last_date=day_to_iso(days[-1]) if days else None,
            languages=dict(self.langs),
            keys=keys,
            story_id=story_id,
            alive=self.alive,
        )


def split_keys(
    keys: dict[str, float],
) -> tuple[dict[str, float], dict[str, float], dict[str, dict[str, float]]]:
    """An event's stored keys -> (name keys, words, places by level)."""
    names: dict[str, float] = {}
    words: dict[str, float] = {}
    places: dict[str, dict[str, float]] = {}
    for k, v in keys.items():
        if k.startswith("w:"):
            words[k[2:]] = float(v)
        elif k.startswith("p:"):
            _, level, pid = k.split(":", 2)
            places.setdefault(level, {})[pid] = float(v)
        else:
            names[k] = float(v)
    return names, words, places


class EventClusterer:
    """Online event clustering over article :class:`Profile` objects."""

    def __init__(
        self, model: EventModel, dim: int, means: Callable[[str], np.ndarray] | None = None
    ) -> None:
        self.m = model
        self.index = PairIndex(dim, means)
        self.events: dict[str, EventState] = {}
        self.article_event: dict[str, str] = {}
        self.article_keys: dict[str, dict[str, float]] = {}
        self.merges: list[MergeLogEntry] = []
        self.cannot: set[frozenset[str]] = set()
        self.must: set[frozenset[str]] = set()  # a curator's merges and moves
        self.loader: Callable[[int, int], list[Profile]] | None = None  # profiles by days
        self.fetch: Callable[[list[str]], list[Profile]] | None = None  # profiles by ids
        self.candidates: Candidates | None = None  # pairs found ahead (the Spark job's)
        self._counter = 0
        self._new_id: Callable[[], str] = self._default_id

    # ids ---------------------------------------------------------------------------------
    def _default_id(self) -> str:
        self._counter += 1
        return f"e{self._counter:06d}"

    def set_id_factory(self, factory: Callable[[], str]) -> None:
        self._new_id = factory

    # state -------------------------------------------------------------------------------
    def add_state(self, state: EventState) -> None:
        state.dirty = False
        self.events[state.id] = state
        for a in state.members:
            self.article_event[a] = state.id

    def _resolve(self, ev_id: str) -> str:
        """The live event an id stands for (ids of merged-away events are followed)."""
        seen = 0
        while ev_id in self.events and not self.events[ev_id].alive and seen < 100:
            nxt = next((m.target for m in reversed(self.merges) if ev_id in m.sources), None)
            if nxt is None:
                break
            ev_id, seen = nxt, seen + 1
        return ev_id

    def _ensure_days(self, lo: int, hi: int) -> None:
        if self.loader is not None:
            for p in self.loader(lo, hi):
                if p.id not in self.index:
                    self.index.add(p)

    # learning ----------------------------------------------------------------------------
    def learn(self, profiles: list[Profile], keys: dict[str, dict[str, float]]) -> list[JoinReason]:
        """Cluster new articles (and re-cluster the region they touch); returns join reasons
        for the new articles and for older ones whose event changed."""
        fresh = [p for p in profiles if p.id not in self.article_event]
        if not fresh:
            return []
        for p in fresh:
            self.index.add(p)
            self.article_keys[p.id] = keys.get(p.id, {})
        region, scores = self._region([p.id for p in fresh])
        pos = {aid: k for k, aid in enumerate(region)}
        curated: list[tuple[int, int, float]] = []
        for pair in self.cannot:
            a, b = tuple(pair)
            if a in pos and b in pos:
                curated.append((pos[a], pos[b], CANNOT))
        for pair in self.must:
            a, b = tuple(pair)
            if a in pos and b in pos:
                curated.append((pos[a], pos[b], MUST))
        groups = average_link_scores(scores, self.m.edge_min, self.m.threshold, curated)
        return self._reconcile(region, groups, scores, {p.id for p in fresh})

    def _region(self, new_ids: list[str]) -> tuple[list[str], np.ndarray]:
        """Articles whose events the new ones can change, and their pair scores.

        A breadth-first search from the new articles over pairs scoring at least
        ``edge_min``, among the articles published within ``window_days`` of the region; the
        days searched widen until every member's neighbourhood was searched. The region is
        sorted by id, so ties in clustering break the same way whatever the arrival order.
        """
        dated = [self.index.get(i) for i in new_ids]
        days = [p.day for p in dated if p is not None and p.dated and p.day is not None]
        w = self.m.window_days
        lo, hi = (min(days) - w, max(days) + w) if days else (0, 0)
        region: set[str] = set(new_ids)
        for _ in range(64):
            if days:
                self._ensure_days(lo, hi)
            pool = self.index.day_rows(lo, hi) if days else self._recent(MAX_REGION // 2)
            block = list(dict.fromkeys([*new_ids, *self.index.undated()[-MAX_UNDATED:], *pool]))
            region = set(new_ids)
            frontier = sorted(region)
            search = self._searcher(block)
            while frontier and len(region) < MAX_REGION:
                cols, s = search(frontier)
                hits = {cols[j] for j in np.nonzero((s >= self.m.edge_min).any(axis=0))[0]}
                frontier = sorted(hits - region)
                region |= hits
            rdays = [
                p.day
                for p in (self.index.get(a) for a in region)
                if p is not None and p.dated and p.day is not None
            ]
            if not days or not rdays or (min(rdays) - w >= lo and max(rdays) + w <= hi):
                break  # closed: every member's neighbourhood was searched
            lo, hi = min(lo, min(rdays) - w), max(hi, max(rdays) + w)
        ordered = sorted(self._with_must(region))
        log.debug("region of %d new articles: %d articles", len(new_ids), len(ordered))
        return ordered, self.index.block_scores(ordered, self.m)

    def _searcher(self, block: list[str]) -> Callable[[list[str]], tuple[list[str], np.ndarray]]:
        """Scores of a frontier against the articles of ``block`` it may link to: all of them,
        or with :attr:`candidates`, the frontier's candidate neighbours and the articles the
        candidates do not cover (no day-exact date)."""
        cands = self.candidates
        always = {b for b in block if not cands.covers(b)} if cands is not None else set()
        full: list[Block] = []

        def search(frontier: list[str]) -> tuple[list[str], np.ndarray]:
            near = cands.near(frontier) if cands is not None else None
            if near is None:  # no candidates, or an uncovered article: score the whole block
                if not full:
                    full.append(self.index.block(block))
                return block, full[0].scores_from(self.index.block(frontier), self.m)
            cols = [b for b in block if b in near or b in always]
            return cols, self.index.block(cols).scores_from(self.index.block(frontier), self.m)

        return search

    def _with_must(self, region: set[str]) -> set[str]:
        """The region plus every article must-linked to it (a curated pair is re-clustered
        together or not at all)."""
        if not self.must:
            return region
        out = set(region)
        grew = True
        while grew:
            grew = False
            for pair in self.must:
                if pair & out and not pair <= out:
                    out |= pair
                    grew = True
        missing = [a for a in out if a not in self.index]
        if missing and self.fetch is not None:
            for p in self.fetch(missing):
                self.index.add(p)
        return {a for a in out if a in self.index}

    def _recent(self, k: int) -> list[str]:
        """The ``k`` most recently published dated articles in memory."""
        dated = [p for p in self.index.profiles if p is not None and p.dated and p.day is not None]
        dated.sort(key=lambda p: (p.day, p.id), reverse=True)
        return [p.id for p in dated[:k]]

    # reconciliation ----------------------------------------------------------------------
    def _reconcile(
        self, region: list[str], groups: list[list[int]], scores: np.ndarray, fresh: set[str]
    ) -> list[JoinReason]:
        old_of = {aid: self.article_event.get(aid) for aid in region}
        overlaps: list[tuple[int, str, int]] = []
        for g, members in enumerate(groups):
            c = Counter(old_of[region[k]] for k in members if old_of[region[k]])
            overlaps.extend((-n, ev, g) for ev, n in c.items() if ev)
        overlaps.sort(key=lambda t: (t[0], len(t[1]), t[1], t[2]))
        gid: dict[int, str] = {}
        used: set[str] = set()
        for _n, ev, g in overlaps:
            if g not in gid and ev not in used and ev in self.events and self.events[ev].alive:
                gid[g] = ev
                used.add(ev)
        for g in range(len(groups)):
            if g not in gid:
                gid[g] = self._new_id()
        new_of = {region[k]: gid[g] for g, members in enumerate(groups) for k in members}
        # which existing events changed, and how
        touched_old = {ev for ev in old_of.values() if ev}
        changed_events: set[str] = set()
        moves: dict[tuple[str, str], list[str]] = {}
        for aid, old in old_of.items():
            new = new_of[aid]
            if old and old != new:
                moves.setdefault((old, new), []).append(aid)
            if old != new:
                changed_events.update(x for x in (old, new) if x)
        survivors: set[str] = set()  # not reused, but with members beyond the region
        merged_into: dict[str, str | None] = {}  # dead old event -> the event it merged into
        for ev_id in sorted(touched_old - used, key=lambda e: (len(e), e)):
            st = self.events.get(ev_id)
            if st is None or not st.alive:
                continue
            if any(a not in new_of and self.article_event.get(a) == ev_id for a in st.members):
                survivors.add(ev_id)  # killing it would leave those members in a dead event
                continue
            dests = Counter(new_of[a] for a in st.members if a in new_of)
            target = dests.most_common(1)[0][0] if dests else None
            merged_into[ev_id] = target
            st.alive = False
            st.dirty = True
            if target:
                self.merges.append(
                    MergeLogEntry(
                        kind="event-merge",
                        target=target,
                        sources=[ev_id],
                        detail={
                            "articles": sorted(a for a in st.members if new_of.get(a) == target),
                            "reason": "re-clustered with newly arrived articles",
                        },
                    )
                )
        for (old, new), arts in sorted(moves.items()):
            # logged when the old event lives on (articles moved out), or when it died and
            # these articles went elsewhere than the event it merged into
            if old in used or old in survivors or merged_into.get(old, new) != new:
                self.merges.append(
                    MergeLogEntry(
                        kind="article-move",
                        target=new,
                        sources=[old],
                        detail={
                            "articles": sorted(arts),
                            "reason": "re-clustered with newly arrived articles",
                        },
                    )
                )
        # rebuild the states of every event of the region
        by_event: dict[str, list[str]] = {ev: [] for ev in survivors}
        for aid in region:
            by_event.setdefault(new_of[aid], []).append(aid)
        for ev_id, arts in by_event.items():
            st = self.events.get(ev_id)
            if st is None:
                st = self.events[ev_id] = EventState(
                    id=ev_id, vec_sum=np.zeros(self.index.dim, np.float32)
                )
            outside = [
                a for a in st.members if a not in new_of and self.article_event.get(a) == ev_id
            ]
            keep = [*outside, *arts]  # region order: as the articles arrived
            if keep != st.members or ev_id in changed_events or any(a in fresh for a in arts):
                self._rebuild(st, keep)
        for aid, ev in new_of.items():
            self.article_event[aid] = ev
        return self._reasons(
            region, scores, new_of, {a for a, o in old_of.items() if o != new_of[a]}
        )

    def _rebuild(self, st: EventState, members: list[str]) -> None:
        missing = [a for a in members if a not in self.index]
        if missing and self.fetch is not None:
            for fetched in self.fetch(missing):
                self.index.add(fetched)
        st.members = members
        st.alive = True
        st.dirty = True
        st.vec_sum = np.zeros(self.index.dim, np.float32)
        st.keys = Counter()
        words: Counter[str] = Counter()
        st.days, st.est_days = [], []
        st.langs = Counter()
        st.headline = Counter()
        places: dict[str, Counter[str]] = {}
        st.n_unique = 0
        for aid in members:
            p = self.index.get(aid)
            if p is None:
                continue
            st.langs[p.lang] += 1
            st.headline.update(p.headline)
            if p.day is not None:
                (st.days if p.dated else st.est_days).append(p.day)
            if p.dup_of:
                continue
            st.n_unique += 1
            st.vec_sum = st.vec_sum + self.index.centred_vec(aid)
            st.keys.update(self.article_keys.get(aid, {}))
            words.update(p.words)
            for level, w in p.places.items():
                places.setdefault(level, Counter()).update(w)
        st.words = dict(sorted(words.items(), key=lambda kv: -kv[1])[:WORD_TOP])
        st.places = {lv: dict(c.most_common(8)) for lv, c in places.items()}

    def _reasons(
        self, region: list[str], scores: np.ndarray, new_of: dict[str, str], changed: set[str]
    ) -> list[JoinReason]:
        rows = [k for k, aid in enumerate(region) if aid in changed]
        if not rows:
            return []
        groups = sorted(set(new_of.values()))
        gpos = {g: n for n, g in enumerate(groups)}
        member_g = np.array([gpos[new_of[aid]] for aid in region])
        onehot = np.zeros((len(region), len(groups)), np.float32)
        onehot[np.arange(len(region)), member_g] = 1.0
        sizes = onehot.sum(axis=0)
        sub = np.maximum(scores[rows], 0.0)
        sub[np.arange(len(rows)), rows] = 0.0  # an article is not its own mate
        means = sub @ onehot  # (rows x groups) summed positive scores
        out: list[JoinReason] = []
        for n, k in enumerate(rows):
            aid = region[k]
            ev = new_of[aid]
            own_g = member_g[k]
            mates_n = int(sizes[own_g]) - 1
            own = float(means[n, own_g] / mates_n) if mates_n else 1.0
            others = means[n] / sizes
            others[own_g] = -1.0
            best_g = int(np.argmax(others)) if len(groups) > 1 else -1
            other = (
                (float(others[best_g]), groups[best_g])
                if best_g >= 0 and others[best_g] > 0
                else None
            )
            detail: dict[str, object] = {"threshold": self.m.threshold}
            dense = names = 0.0
            gap: float | None = None
            if mates_n:
                row = scores[k].copy()
                row[member_g != own_g] = -np.inf
                row[k] = -np.inf
                best = int(np.argmax(row))
                a, b = self.index.get(aid), self.index.get(region[best])
                if a is not None and b is not None:
                    va, vb = self.index.centred_vec(aid), self.index.centred_vec(region[best])
                    terms = event_terms(a, b, self.m, va, vb)
                    detail["closest"] = region[best]
                    detail["terms"] = {t: round(v, 4) for t, v in terms.items()}
                    dense = float(va @ vb)
                    names = terms.get("words", 0.0) / self.m.w_words if self.m.w_words else 0.0
                    if a.day is not None and b.day is not None:
                        gap = float(abs(a.day - b.day))
                detail["mates"] = mates_n
            out.append(
                JoinReason(
                    article_id=aid,
                    event_id=ev,
                    score=round(own, 4),
                    dense=round(dense, 4),
                    names=round(names, 4),
                    time_gap_days=gap,
                    new_event=not mates_n or self.events[ev].members[:1] == [aid],
                    best_other=other[1] if other else None,
                    best_other_score=round(other[0], 4) if other else None,
                    detail=detail,
                )
            )
        return out

    # curation ----------------------------------------------------------------------------
    def split(self, event_id: str, article_ids: list[str]) -> EventState:
        """Take ``article_ids`` out of an event into a new one, for good (cannot-link)."""
        src = self.events[event_id]
        moving = [a for a in src.members if a in set(article_ids)]
        staying = [a for a in src.members if a not in set(article_ids)]
        for a in moving:
            for b in staying:
                self.cannot.add(frozenset((a, b)))
        new = EventState(id=self._new_id(), vec_sum=np.zeros(self.index.dim, np.float32))
        self.events[new.id] = new
        self._rebuild(src, staying)
        self._rebuild(new, moving)
        for a in moving:
            self.article_event[a] = new.id
        return new

    def touched(self) -> list[EventState]:
        return [e for e in self.events.values() if e.dirty]

    def mark_clean(self) -> None:
        for e in self.events.values():
            e.dirty = False

    def evict_before(self, day: int) -> None:
        """Forget the profiles of articles published before ``day`` (they stay in the store)."""
        for aid in list(self.index.ids()):
            p = self.index.get(aid)
            if p is not None and p.dated and p.day is not None and p.day < day:
                self.index.remove(aid)
