"""Online, cross-lingual event clustering (``learn_one``-style, like river's clusterers).

An *event* is one happening reported by several articles, possibly in several languages.
Articles arrive in any order, in batches, days apart. For each article we score every live
event whose time span is close enough:

``score = w_dense * dense + w_names * names - time_penalty``

* ``dense``: cosine of the centred article embedding and the event centroid;
* ``names``: IDF-weighted cosine of the article's cross-script name keys and the event's;
* time: articles more than ``window_days`` outside the event's span cannot join; within the
  window the score drops linearly with the gap. Undated articles (and coarse estimates) get
  no time penalty but must clear a higher bar (``undated_margin``).

The article joins the best event above ``threshold``, else founds a new one. Ids are
allocated from a store sequence and never renumbered. After each batch,
:meth:`EventClusterer.consolidate` merges events that the batch made indistinguishable (order
effects of online learning); the older id survives and the merge is logged.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.features import KeyIDF, centre, day_to_iso, names_similarity
from storyline.model import Event, JoinReason, MergeLogEntry

log = logging.getLogger(__name__)


#: events scored in full per article (the nearest by dense similarity)
CANDIDATES = 50
#: how far a coarse date estimate (a month) may be from an event's days and still match
ESTIMATE_SLACK_DAYS = 15.0


@dataclass
class EventConfig:
    threshold: float = 0.50
    w_dense: float = 0.75
    w_names: float = 0.35
    window_days: float = 3.0
    max_span_days: float = 10.0
    time_penalty: float = 0.10  # score lost per window of gap
    undated_margin: float = 0.05
    merge_threshold: float = 0.55


@dataclass
class Item:
    """What the clusterer needs to know about one article."""

    id: str
    vec: np.ndarray  # centred, unit norm
    keys: dict[str, float]  # name key -> sublinear term frequency (1 + log tf)
    day: int | None  # ordinal day of the publication date (None: unknown)
    tolerance: float = 0.0  # +- days of uncertainty of ``day`` (estimates)
    lang: str = "und"
    dup_of: str | None = None
    month_days: tuple[tuple[int, int], ...] = ()  # year-less dates the text names (undated)


@dataclass
class EventState:
    id: str
    vec_sum: np.ndarray
    members: list[str] = field(default_factory=list)
    keys: Counter[str] = field(default_factory=Counter)  # key -> summed tf weight
    days: list[int] = field(default_factory=list)  # members' given (or day-exact) dates
    est_days: list[int] = field(default_factory=list)  # members' coarse estimates (month/year)
    langs: Counter[str] = field(default_factory=Counter)
    title: str = ""
    title_lang: str = ""
    n_unique: int = 0  # members that are not syndicated copies (what keys/vectors count)
    alive: bool = True
    dirty: bool = True

    @property
    def centroid(self) -> np.ndarray:
        n = float(np.linalg.norm(self.vec_sum))
        return self.vec_sum / n if n > 0 else self.vec_sum

    def key_weights(self, idf: KeyIDF) -> dict[str, float]:
        n = max(1, self.n_unique)
        return {k: idf(k) * (c / n) for k, c in self.keys.items()}

    def span(self) -> tuple[int, int] | None:
        return (min(self.days), max(self.days)) if self.days else None

    def to_event(self, story_id: str | None = None) -> Event:
        days = sorted(self.days) or sorted(self.est_days)
        return Event(
            id=self.id,
            article_ids=list(self.members),
            title=self.title,
            date=day_to_iso(days[len(days) // 2]) if days else None,
            date_is_estimate=not self.days,
            first_date=day_to_iso(days[0]) if days else None,
            last_date=day_to_iso(days[-1]) if days else None,
            languages=dict(self.langs),
            keys={k: round(float(c), 4) for k, c in self.keys.items()},
            story_id=story_id,
            alive=self.alive,
        )


def names_day_in_span(month_days: tuple[tuple[int, int], ...], span: tuple[int, int]) -> bool:
    """True when a year-less date of the text (``29 août``) falls on the event's days (±1)."""
    lo, hi = span
    years = {dt.date.fromordinal(lo).year, dt.date.fromordinal(hi).year}
    for mo, d in month_days:
        for y in years:
            try:
                day = dt.date(y, mo, d).toordinal()
            except ValueError:
                continue
            if lo - 1 <= day <= hi + 1:
                return True
    return False


class EventClusterer:
    """Online event clustering over :class:`Item` objects."""

    def __init__(self, idf: KeyIDF, config: EventConfig | None = None) -> None:
        self.cfg = config or EventConfig()
        self.idf = idf
        self.events: dict[str, EventState] = {}
        self.article_event: dict[str, str] = {}
        self.merges: list[MergeLogEntry] = []
        self._mat: np.ndarray | None = None
        self._mat_ids: list[str] = []
        self._row: dict[str, int] = {}
        self._buf = np.zeros((0, 1), dtype=np.float32)
        self._new_id = self._default_id

    # ids ---------------------------------------------------------------------------------
    _counter = 0

    def _default_id(self) -> str:
        self._counter += 1
        return f"e{self._counter:06d}"

    def set_id_factory(self, factory: object) -> None:
        self._new_id = factory  # type: ignore[assignment]

    # state -------------------------------------------------------------------------------
    def add_state(self, state: EventState) -> None:
        state.dirty = False
        self.events[state.id] = state
        for a in state.members:
            self.article_event[a] = state.id
        self._mat = None

    def _matrix(self) -> tuple[np.ndarray, list[str]]:
        """Centroids of the live events (rows) and their ids, kept up to date in place.

        The matrix lives in a buffer that grows by doubling, so founding an event appends a
        row instead of rebuilding; merges (events dying) rebuild it.
        """
        if self._mat is None:
            live = [e for e in self.events.values() if e.alive]
            if not live:  # nothing to cache yet (the dimension is unknown)
                return np.zeros((0, 1), dtype=np.float32), []
            self._mat_ids = [e.id for e in live]
            self._row = {e: i for i, e in enumerate(self._mat_ids)}
            self._buf = np.zeros((max(64, 2 * len(live)), len(live[0].vec_sum)), dtype=np.float32)
            for i, e in enumerate(live):
                self._buf[i] = e.centroid
            self._mat = self._buf[: len(live)]
        return self._mat, self._mat_ids

    def _update_row(self, ev: EventState) -> None:
        if self._mat is None:
            return
        idx = self._row.get(ev.id)
        if idx is None:  # a new event: append its row
            n = len(self._mat_ids)
            if n >= self._buf.shape[0]:
                grown = np.zeros((2 * self._buf.shape[0], self._buf.shape[1]), dtype=np.float32)
                grown[:n] = self._buf[:n]
                self._buf = grown
            self._mat_ids.append(ev.id)
            self._row[ev.id] = n
            idx = n
            self._mat = self._buf[: n + 1]
        self._mat[idx] = ev.centroid

    # scoring -----------------------------------------------------------------------------
    def _time_term(self, item: Item, ev: EventState) -> float | None:
        """Penalty (>= 0) for the time gap, or None when the article cannot join."""
        span = ev.span()
        if item.day is None or span is None:
            return 0.0
        lo, hi = span
        gap = max(0.0, lo - item.day, item.day - hi) - item.tolerance
        gap = max(0.0, gap)
        if gap > self.cfg.window_days:
            return None
        if max(hi, item.day) - min(lo, item.day) > self.cfg.max_span_days + item.tolerance:
            return None
        return self.cfg.time_penalty * gap / self.cfg.window_days

    def score(self, item: Item, ev: EventState, dense: float) -> tuple[float, float, float | None]:
        """(score, names similarity, gap days) of an item against an event."""
        t = self._time_term(item, ev)
        span = ev.span()
        gap = None
        if item.day is not None and span is not None:
            gap = float(max(0, span[0] - item.day, item.day - span[1]))
        if t is None:  # outside the time window: names need not be compared
            return float("-inf"), 0.0, gap
        names = names_similarity(
            {k: self.idf(k) * w for k, w in item.keys.items()}, ev.key_weights(self.idf)
        )
        s = self.cfg.w_dense * dense + self.cfg.w_names * names - t
        if (item.day is None or span is None or item.tolerance > 0) and not (
            span is not None and names_day_in_span(item.month_days, span)
        ):
            s -= self.cfg.undated_margin
        return s, names, gap

    # learning ----------------------------------------------------------------------------
    def _best(
        self, item: Item
    ) -> tuple[tuple[float, str, float, float, float | None] | None, tuple[float, str] | None]:
        """The best and runner-up events for an item: (score, id, dense, names, gap)."""
        mat, ids = self._matrix()
        best: tuple[float, str, float, float, float | None] | None = None
        second: tuple[float, str] | None = None
        if len(ids):
            dense_all = mat @ item.vec
            k = min(CANDIDATES, len(ids))
            top = np.argpartition(-dense_all, k - 1)[:k] if k < len(ids) else np.arange(len(ids))
            order = top[np.argsort(-dense_all[top])]
            for idx in order:
                ev = self.events[ids[int(idx)]]
                d = float(dense_all[idx])
                s, names, gap = self.score(item, ev, d)
                if best is None or s > best[0]:
                    if best is not None:
                        second = (best[0], best[1])
                    best = (s, ev.id, d, names, gap)
                elif second is None or s > second[0]:
                    second = (s, ev.id)
        return best, second

    def learn_one(self, item: Item) -> JoinReason:
        """Assign one article to an event (joining or founding one); returns the reason."""
        if item.id in self.article_event:
            ev_id = self.article_event[item.id]
            return JoinReason(item.id, ev_id, 1.0, 1.0, 1.0, 0.0, False)
        if item.dup_of and item.dup_of in self.article_event:
            target = self.events[self._resolve(self.article_event[item.dup_of])]
            self._add(target, item)
            return JoinReason(
                item.id,
                target.id,
                1.0,
                1.0,
                1.0,
                0.0,
                False,
                best_other=None,
                best_other_score=None,
            )
        best, second = self._best(item)
        if best is not None and best[0] >= self.cfg.threshold:
            s, ev_id, d, names, gap = best
            self._add(self.events[ev_id], item)
            return JoinReason(
                item.id,
                ev_id,
                round(s, 4),
                round(d, 4),
                round(names, 4),
                gap,
                False,
                second[1] if second else None,
                round(second[0], 4) if second and second[0] > -1e9 else None,
            )
        ev = EventState(id=self._new_id(), vec_sum=np.zeros_like(item.vec))
        self.events[ev.id] = ev
        self._add(ev, item)  # appends its row to the centroid matrix
        return JoinReason(
            item.id,
            ev.id,
            1.0,
            1.0,
            0.0,
            None,
            True,
            best[1] if best else None,
            round(best[0], 4) if best and best[0] > -1e9 else None,
        )

    def _add(self, ev: EventState, item: Item) -> None:
        ev.members.append(item.id)
        if not item.dup_of:  # syndicated copies are counted once
            ev.vec_sum = ev.vec_sum + item.vec
            ev.keys.update(item.keys)
            ev.n_unique += 1
        if item.day is not None and item.tolerance <= 3:
            ev.days.append(item.day)
        elif item.day is not None:
            ev.est_days.append(item.day)
        ev.langs[item.lang] += 1
        ev.dirty = True
        self.article_event[item.id] = ev.id
        self._update_row(ev)

    def _resolve(self, ev_id: str) -> str:
        seen = 0
        while not self.events[ev_id].alive and seen < 100:
            nxt = next((m.target for m in self.merges if ev_id in m.sources), None)
            if nxt is None:
                break
            ev_id, seen = nxt, seen + 1
        return ev_id

    # consolidation -----------------------------------------------------------------------
    def event_similarity(self, a: EventState, b: EventState) -> float:
        """Similarity of two events, ``-inf`` when their dates rule a merge out.

        Events known only by coarse estimates (a month, a year) are compared with that
        slack; an event without any date is compared on content alone but, like an undated
        article, must clear the higher bar (``undated_margin``).
        """
        sa, sb = a.span(), b.span()
        slack = 0.0
        if sa is None and a.est_days:
            sa, slack = (min(a.est_days), max(a.est_days)), ESTIMATE_SLACK_DAYS
        if sb is None and b.est_days:
            sb, slack = (min(b.est_days), max(b.est_days)), ESTIMATE_SLACK_DAYS
        if sa and sb:
            gap = max(0, sb[0] - sa[1], sa[0] - sb[1]) - slack
            if gap > self.cfg.window_days:
                return float("-inf")
            if max(sa[1], sb[1]) - min(sa[0], sb[0]) - slack > self.cfg.max_span_days:
                return float("-inf")
        dense = float(a.centroid @ b.centroid)
        names = names_similarity(a.key_weights(self.idf), b.key_weights(self.idf))
        s = self.cfg.w_dense * dense + self.cfg.w_names * names
        if not (a.days and b.days):
            s -= self.cfg.undated_margin
        return s

    def consolidate(self) -> list[MergeLogEntry]:
        """Merge events touched since the last call that have become the same event."""
        touched = [e for e in self.events.values() if e.alive and e.dirty]
        out: list[MergeLogEntry] = []
        if not touched:
            return out
        mat, ids = self._matrix()
        for ev in sorted(touched, key=lambda e: e.id):
            if not ev.alive:
                continue
            sims = mat @ ev.centroid
            candidates = [ids[int(i)] for i in np.argsort(-sims)[:10]]
            for cand in candidates:
                other = self.events[cand]
                if other.id == ev.id or not other.alive or not ev.alive:
                    continue
                s = self.event_similarity(ev, other)
                # a lone article is judged as if it arrived now, against the grown event
                bar = (
                    min(self.cfg.threshold, self.cfg.merge_threshold)
                    if min(ev.n_unique, other.n_unique) <= 1
                    else self.cfg.merge_threshold
                )
                if s >= bar:
                    keep, gone = sorted([ev, other], key=lambda e: e.id)
                    out.append(self._merge(keep, gone, s))
            mat, ids = self._matrix()
        for ev in touched:
            ev.dirty = ev.dirty and ev.alive
        return out

    def _merge(self, keep: EventState, gone: EventState, score: float) -> MergeLogEntry:
        keep.members.extend(gone.members)
        keep.vec_sum = keep.vec_sum + gone.vec_sum
        keep.keys.update(gone.keys)
        keep.days.extend(gone.days)
        keep.est_days.extend(gone.est_days)
        keep.langs.update(gone.langs)
        keep.n_unique += gone.n_unique
        keep.dirty = True
        gone.alive = False
        gone.dirty = True
        for a in gone.members:
            self.article_event[a] = keep.id
        gone.members = []
        self._mat = None
        entry = MergeLogEntry(
            kind="event-merge",
            target=keep.id,
            sources=[gone.id],
            detail={"score": round(score, 4), "reason": "centroids converged after new articles"},
        )
        self.merges.append(entry)
        log.debug("merged event %s into %s (%.3f)", gone.id, keep.id, score)
        return entry

    def detach(self, event_id: str, items: list[Item]) -> EventState:
        """Take ``items`` out of an event into a new one (their vectors/keys subtracted)."""
        src = self.events[event_id]
        new = EventState(id=self._new_id(), vec_sum=np.zeros_like(src.vec_sum))
        self.events[new.id] = new
        for item in items:
            self._remove(src, item)
            self._add(new, item)
        self._mat = None
        return new

    def _remove(self, ev: EventState, item: Item) -> None:
        ev.members.remove(item.id)
        if not item.dup_of:
            ev.vec_sum = ev.vec_sum - item.vec
            ev.keys.subtract(item.keys)
            ev.keys = Counter({k: v for k, v in ev.keys.items() if v > 1e-9})
            ev.n_unique -= 1
        if item.day is not None and item.tolerance <= 3 and item.day in ev.days:
            ev.days.remove(item.day)
        elif item.day is not None and item.day in ev.est_days:
            ev.est_days.remove(item.day)
        ev.langs[item.lang] -= 1
        if ev.langs[item.lang] <= 0:
            del ev.langs[item.lang]
        ev.dirty = True
        self.article_event.pop(item.id, None)
        self._update_row(ev)

    def reseat(self, items: list[Item], margin: float = 0.02) -> list[MergeLogEntry]:
        """Move loosely placed articles (undated ones) to a clearly better event.

        An undated article that arrived before the dated reports of its event may have
        founded or joined a sibling event; once the others have arrived, it is scored again
        against every event with itself left out of its own, and moves when another event
        beats its own by ``margin``. Each move is logged as ``article-move``.
        """
        out: list[MergeLogEntry] = []
        for item in items:
            cur_id = self.article_event.get(item.id)
            if cur_id is None or item.dup_of:
                continue
            cur = self.events[cur_id]
            if not cur.alive or len(cur.members) < 2:
                continue
            self._remove(cur, item)
            best, _ = self._best(item)
            own_score = (
                best[0] if best is not None and best[1] == cur.id else self._score_of(item, cur)
            )
            if (
                best is not None
                and best[1] != cur.id
                and best[0] >= self.cfg.threshold
                and best[0] > own_score + margin
            ):
                target = self.events[best[1]]
                self._add(target, item)
                entry = MergeLogEntry(
                    kind="article-move",
                    target=target.id,
                    sources=[cur.id],
                    detail={
                        "articles": [item.id],
                        "score": round(best[0], 4),
                        "was": round(own_score, 4),
                        "reason": "undated article re-scored after its event's reports arrived",
                    },
                )
                self.merges.append(entry)
                out.append(entry)
            else:
                self._add(cur, item)
        return out

    def _score_of(self, item: Item, ev: EventState) -> float:
        dense = float(ev.centroid @ item.vec) if ev.n_unique else 0.0
        return self.score(item, ev, dense)[0]

    def touched(self) -> list[EventState]:
        return [e for e in self.events.values() if e.dirty]

    def mark_clean(self) -> None:
        for e in self.events.values():
            e.dirty = False

    @staticmethod
    def centre(vecs: np.ndarray, mean: np.ndarray) -> np.ndarray:
        return centre(vecs, mean)
