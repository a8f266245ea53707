"""How the engine writes a batch: one transaction with the articles, vectors, events,
stories, join reasons and merge log, and every older article whose event or story a merge
or move of this batch changed. Also the titles of touched events and stories.

A mixin of :class:`storyline.engine.Engine`, kept apart so each module stays readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from storyline.cluster.events import MAX_UNDATED
from storyline.cluster.features import day_to_iso
from storyline.cluster.profile import publication_day
from storyline.cluster.source import lang_of
from storyline.cluster.titles import story_title
from storyline.engine_guard import GENERATION_META
from storyline.ingest.screen import storable
from storyline.model import Article, JoinReason, MergeLogEntry, Quarantined, Story
from storyline.text.sitelines import SPACE as SITE_LINES

if TYPE_CHECKING:
    from storyline.annotate import Annotations, Annotator
    from storyline.cluster.events import EventClusterer, EventState
    from storyline.cluster.features import LangMeans
    from storyline.cluster.model import ClusterModel
    from storyline.cluster.stories import StoryLinker, StoryState
    from storyline.encode.base import Encoder
    from storyline.ingest.report import IngestReport
    from storyline.store.base import Store


class BatchWriter:
    """Mixin of :class:`storyline.engine.Engine` (see the module docstring)."""

    store: Store
    encoder: Encoder
    model: ClusterModel
    events: EventClusterer
    stories: StoryLinker
    lang_means: LangMeans
    annotator: Annotator
    space: str
    sum_space: str
    lang_space: str
    _gen: int | None
    _pending_merges: list[MergeLogEntry]
    _sites_out: dict[str, np.ndarray]
    _langs_touched: set[str]
    _titles: dict[str, tuple[str, str]]
    pinned: dict[str, str]  # story titles a curator gave (storyline.engine_curate)

    def _events_to_write(
        self, merges: list[MergeLogEntry], stories: list[StoryState]
    ) -> list[EventState]:
        raise NotImplementedError

    def _retitle(self, batch_vecs: dict[str, np.ndarray]) -> None:
        """Title each touched event after its most central article (English when nearly so).

        The English preference (within 0.05 of the best cosine) keeps listings readable for
        most users; the title language is kept so a UI can say so.
        """
        for ev in self.events.touched():
            if not ev.alive or not ev.members:
                continue
            if len(ev.members) == 1:
                info = self._titles.get(ev.members[0])
                if info is None:
                    art = self.store.get_article(ev.members[0])
                    info = (art.title, lang_of(art)) if art else ("", "und")
                ev.title, ev.title_lang = info
                continue
            members = ev.members[:200]
            vecs = dict(batch_vecs)
            missing = [m for m in members if m not in vecs]
            if missing:
                vecs.update(self.store.get_vectors(self.space, missing))
            cen = ev.centroid
            scored: list[tuple[float, str]] = []
            for m in members:
                info = self._titles.get(m)
                if info is None:
                    art = self.store.get_article(m)
                    if art is None:
                        continue
                    info = (art.title, art.lang.lang if art.lang else "und")
                    self._titles[m] = info
                if m in vecs and info[0]:
                    v = self.lang_means.centre(info[1], vecs[m])
                    scored.append((float(v @ cen), m))
            if not scored:
                continue
            best = max(scored)[0]
            pick = max(
                scored,
                key=lambda sm: (self._titles[sm[1]][1] == "en" and sm[0] >= best - 0.05, sm[0]),
            )
            ev.title, ev.title_lang = self._titles[pick[1]]

    # writing -----------------------------------------------------------------------------
    def _write(
        self,
        articles: list[Article],
        vecs: dict[str, np.ndarray],
        joins: list[JoinReason],
        quarantine: list[Quarantined],
        report: IngestReport,
        ann: Annotations | None = None,
    ) -> None:
        merges = self._pending_merges
        self._pending_merges = []
        ev_of, st_of = self.events.article_event, self.stories.event_story
        with self.store.transaction():
            if articles and not self.store.get_meta("encoder"):
                self.store.set_meta("encoder", self.encoder.name)
            if articles and self.store.get_meta("cluster_model") != self.model.version:
                self.store.set_meta("cluster_model", self.model.version)
            new_outlets = {
                fold_outlet(a.source_name) for a in articles if a.source_name
            } - self._outlets()
            room = MAX_OUTLETS - len(self._outlets())
            if new_outlets and room > 0:  # outlets are not what a story is about (titles skip them)
                self._outlets().update(sorted(new_outlets)[:room])
                self.store.set_meta(OUTLETS_META, sorted(self._outlets()))
            undated_now = [
                a.id for a in articles if publication_day(a)[0] is None or publication_day(a)[1] > 2
            ]
            if undated_now:  # undated articles are compared with every later batch
                known = [str(x) for x in self.store.get_meta("undated_articles") or []]
                self.store.set_meta("undated_articles", (known + undated_now)[-MAX_UNDATED:])
            for q in quarantine:
                self.store.put_quarantine(storable(q))
            self.store.put_vectors(SITE_LINES, self._sites_out)
            self._sites_out = {}
            if ann is not None:
                self.annotator.write(ann)
            for a in articles:
                a.event_id = ev_of.get(a.id)
                a.story_id = st_of.get(a.event_id) if a.event_id else None
                self.store.put_article(a)
                if not a.dup_of:
                    self.store.add_key_counts(a.keys)
            if articles:
                self.store.put_vectors(self.space, {a.id: vecs[a.id] for a in articles})
                self.store.put_vectors(self.lang_space, self.lang_means.packed(self._langs_touched))
                self.store.put_vectors(
                    "minhash",
                    {
                        a.id: np.asarray(a.minhash, dtype=np.uint32).view(np.float32)
                        for a in articles
                        if a.minhash
                    },
                )
            for j in joins:
                j.event_id = ev_of.get(j.article_id, j.event_id)
                self.store.put_join(j)
            for m in merges:
                self.store.append_merge(m)
            new_ids = {a.id for a in articles}
            moved: set[str] = set()
            touched_stories = [s for s in self.stories.stories.values() if s.dirty]
            for ev in self._events_to_write(merges, touched_stories):
                story_id = st_of.get(ev.id) if ev.alive else None
                e = ev.to_event(story_id)
                e.title = ev.title or e.title
                self.store.put_event(e)
                if ev.alive:
                    self.store.put_vectors(self.sum_space, {ev.id: ev.vec_sum.astype(np.float32)})
            for s in touched_stories:
                self.store.put_story(self._story(s))
            # older articles change event or story only through this batch's merges/moves
            for m in merges:
                if m.kind in ("event-split", "article-move", "undo"):
                    moved.update(m.detail.get("articles", []))
                elif m.kind == "event-move":
                    for eid in m.detail.get("events", []):
                        if eid in self.events.events:
                            moved.update(self.events.events[eid].members)
                elif m.kind == "event-merge" and m.target in self.events.events:
                    moved.update(self.events.events[m.target].members)
                elif m.kind == "story-merge" and m.target in self.stories.stories:
                    for eid in self.stories.stories[m.target].events:
                        if eid in self.events.events:
                            moved.update(self.events.events[eid].members)
            moved -= new_ids
            for aid in sorted(moved):
                old = self.store.get_article(aid)
                if old is None:
                    continue
                ev_id = ev_of.get(aid)
                st_id = st_of.get(ev_id) if ev_id else None
                if old.event_id != ev_id or old.story_id != st_id:
                    old.event_id, old.story_id = ev_id, st_id
                    self.store.put_article(old)
            gen = int(self.store.get_meta(GENERATION_META, 0)) + 1
            self.store.set_meta(GENERATION_META, gen)
        self._gen = gen
        self.events.mark_clean()
        for st in touched_stories:
            st.dirty = False

    def _story(self, s: StoryState) -> Story:
        evs = [self.events.events[e] for e in s.events if e in self.events.events]
        evs = [e for e in evs if e.alive]
        langs: dict[str, int] = {}
        days: list[int] = []
        for e in evs:
            for k, v in e.langs.items():
                langs[k] = langs.get(k, 0) + v
            days.extend(e.days or e.est_days)
        return Story(
            id=s.id,
            event_ids=[e.id for e in evs],
            title=self.pinned.get(s.id) or story_title(evs, self._entity_name),
            languages=langs,
            first_date=day_to_iso(min(days)) if days else None,
            last_date=day_to_iso(max(days)) if days else None,
            keys={},
            alive=s.alive and bool(evs),
        )

    def _entity_name(self, entity_id: str) -> tuple[str, str] | None:
        """(name, type) of an entity for story titles; None for the outlets that publish the
        articles ("The Times of India" is named in its own bylines, not a storyline's actor)."""
        row = self.store.get_entity(entity_id)
        if not row:
            return None
        name = str(row.get("name") or "")
        if fold_outlet(name) in self._outlets():
            return None
        return (name, str(row.get("type") or ""))

    def _outlets(self) -> set[str]:
        names: set[str] | None = getattr(self, "_outlet_names", None)
        if names is None:
            names = self._outlet_names = {
                str(x) for x in self.store.get_meta(OUTLETS_META) or []
            }
        return names


OUTLETS_META = "outlets"  # folded names of the outlets seen (the articles' ``source``)
MAX_OUTLETS = 5000  # the first ones seen are kept (memory and store agree)


def fold_outlet(name: str) -> str:
    """An outlet's name as compared: casefolded, without a leading "the" and punctuation
    ("The Times of India", "times of india" and "Times of India." are one outlet)."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)
