"""The local ingest engine: documents → articles → events → stories, batch by batch.

Each batch (default 64 documents) is processed in memory and written to the store in ONE
transaction: articles, vectors, events, stories, join reasons, merge log, key counts and
quarantined inputs. A process killed mid-batch therefore leaves the store at the previous
batch boundary, and re-running the same ingest skips what was committed (documents are
recognised by the hash of their raw bytes) and completes the rest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from storyline.annotate import Annotations, Annotator
from storyline.cluster.dedup import DuplicateIndex
from storyline.cluster.events import EventClusterer, EventConfig, EventState, Item
from storyline.cluster.features import KeyIDF, LangMeans, background_mean, day_number, day_to_iso
from storyline.cluster.items import article_item, item_day, lang_of
from storyline.cluster.stories import StoryConfig, StoryLinker, StoryState
from storyline.encode.base import Encoder
from storyline.errors import InputError, StoreError
from storyline.model import Article, JoinReason, MergeLogEntry, Quarantined, RawDoc, Story
from storyline.pipeline.base import Pipeline
from storyline.pipeline.embedtext import embed_text
from storyline.pipeline.stages import article_from_raw, default_pipeline
from storyline.store.base import Store
from storyline.text.sitelines import SPACE as SITE_LINES
from storyline.text.sitelines import SiteLines

log = logging.getLogger(__name__)

FLOATING_MAX = 256  # the most recent undated articles, re-seated after each batch


@dataclass
class IngestReport:
    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    quarantined: int = 0
    new_events: int = 0
    new_stories: int = 0
    merges: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[Quarantined] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        d = {k: v for k, v in self.__dict__.items() if k != "problems"}
        d["problems"] = [
            {"source": q.source, "line": q.line, "reason": q.reason, "message": q.message}
            for q in self.problems
        ]
        return d


class Engine:
    """Stateful local engine bound to one store and one encoder."""

    def __init__(
        self,
        store: Store,
        encoder: Encoder,
        *,
        pipeline: Pipeline | None = None,
        event_config: EventConfig | None = None,
        story_config: StoryConfig | None = None,
        batch_size: int = 64,
        entity_keys: bool = True,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.sites = SiteLines()  # text-dump furniture learnt per site, persisted per batch
        self.sites.load_packed(store.iter_vectors(SITE_LINES))
        self.pipeline = pipeline or default_pipeline(self.sites)
        self.batch_size = batch_size
        self.space = f"article:{encoder.name}"
        self.sum_space = f"event-sum:{encoder.name}"
        self.mean = background_mean(encoder.name, encoder.dim)
        self.lang_space = f"lang-sum:{encoder.name}"
        self.lang_means = LangMeans(self.mean)
        used = store.get_meta("encoder")
        if used and used != encoder.name:
            raise StoreError(
                f"this store was built with encoder {used!r}, not {encoder.name!r}; "
                f"use the same encoder or start a new store"
            )
        self.idf = KeyIDF(store.all_key_counts(), store.key_docs())
        self.events = EventClusterer(self.idf, event_config)
        self.events.set_id_factory(lambda: f"e{store.next_id('event'):06d}")
        self.stories = StoryLinker(
            self.events.events,
            self.idf,
            story_config,
            new_id=lambda: f"s{store.next_id('story'):06d}",
        )
        self.dups = DuplicateIndex()
        self.annotator = Annotator(store, entity_keys=entity_keys)
        self._titles: dict[str, tuple[str, str]] = {}
        self._pending_merges: list[MergeLogEntry] = []
        self._langs_touched: set[str] = set()
        self._floating: dict[str, tuple[int, Item]] = {}  # undated articles, by batch seen
        self._batch_no = 0
        self._load_state()

    # state -------------------------------------------------------------------------------
    def _load_state(self) -> None:
        evs = self.store.list_events()
        sums = self.store.get_vectors(self.sum_space, [e.id for e in evs])
        for e in evs:
            days = [
                d
                for d in (day_number(e.first_date), day_number(e.date), day_number(e.last_date))
                if d is not None
            ]
            st = EventState(
                id=e.id,
                vec_sum=sums.get(e.id, np.zeros(self.encoder.dim, dtype=np.float32)),
                members=list(e.article_ids),
                days=[] if e.date_is_estimate else days,
                est_days=days if e.date_is_estimate else [],
            )
            st.keys.update({k: float(v) for k, v in e.keys.items()})
            st.langs.update(e.languages)
            st.n_unique = len(e.article_ids)
            st.title = e.title
            self.events.add_state(st)
        for s in self.store.list_stories():
            self.stories.add_state(StoryState(id=s.id, events=list(s.event_ids)))
        self.lang_means.load_packed(self.store.iter_vectors(self.lang_space))
        for aid, sig in self.store.iter_vectors("minhash"):
            self.dups.add(aid, [int(x) for x in sig.view(np.uint32)])

    # ingest ------------------------------------------------------------------------------
    def ingest(
        self,
        docs: Iterable[RawDoc | Quarantined],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        report = IngestReport()
        t0 = time.perf_counter()
        batch: list[RawDoc | Quarantined] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= self.batch_size:
                self._batch(batch, report)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            self._batch(batch, report)
            if progress:
                progress(len(batch))
        report.seconds = time.perf_counter() - t0
        report.timings.update({f"stage:{k}": v for k, v in self.pipeline.timings.items()})
        return report

    def _timed(self, report: IngestReport, name: str, t0: float) -> float:
        now = time.perf_counter()
        report.timings[name] = report.timings.get(name, 0.0) + now - t0
        return now

    def _batch(self, docs: list[RawDoc | Quarantined], report: IngestReport) -> None:
        t = time.perf_counter()
        quarantine: list[Quarantined] = []
        articles: list[Article] = []
        seen_ids: set[str] = set()
        for doc in docs:
            report.read += 1
            if isinstance(doc, Quarantined):
                quarantine.append(doc)
                continue
            if self.store.has_raw(doc.provenance.raw_sha256):
                report.duplicates += 1
                continue
            try:
                a = self.pipeline.run(article_from_raw(doc))
            except InputError as exc:
                quarantine.append(
                    Quarantined(
                        source=doc.provenance.source,
                        reason=exc.reason,
                        message=exc.message,
                        line=doc.provenance.line,
                        raw_sha256=doc.provenance.raw_sha256,
                        sample=doc.text[:200].encode("utf-8"),
                    )
                )
                continue
            if a.id in seen_ids or self.store.get_article(a.id) is not None:
                report.duplicates += 1
                continue
            seen_ids.add(a.id)
            articles.append(a)
        t = self._timed(report, "pipeline", t)

        vecs = self._embed(articles)
        t = self._timed(report, "embed", t)

        for a in articles:
            hit = self.dups.find(a.minhash)
            if hit is not None:
                a.dup_of = hit[0]
                a.extra["dup_similarity"] = round(hit[1], 3)
                report.near_duplicates += 1
            self.dups.add(a.id, a.minhash)
        t = self._timed(report, "dedup", t)

        ann = self.annotator.annotate(articles)
        t = self._timed(report, "entities+claims", t)

        joins = self._cluster(articles, vecs, report)
        t = self._timed(report, "cluster", t)

        self._write(articles, vecs, joins, quarantine, report, ann)
        self._timed(report, "store", t)
        report.accepted += len(articles)
        report.quarantined += len(quarantine)
        report.problems.extend(quarantine)

    def _embed(self, articles: list[Article]) -> dict[str, np.ndarray]:
        if not articles:
            return {}
        have = self.store.get_vectors(self.space, [a.id for a in articles])
        todo = [a for a in articles if a.id not in have]
        if todo:
            out = self.encoder.passages([embed_text(a.title, a.text) for a in todo])
            for a, v in zip(todo, out, strict=True):
                have[a.id] = v.astype(np.float32)
        return have

    def place(self, articles: list[Article], vecs: dict[str, np.ndarray]) -> IngestReport:
        """Cluster and store articles whose pipeline and embedding are done (re-clustering)."""
        report = IngestReport()
        joins = self._cluster(articles, vecs, report)
        self._write(articles, vecs, joins, [], report)
        report.accepted = len(articles)
        return report

    def _cluster(
        self, articles: list[Article], vecs: dict[str, np.ndarray], report: IngestReport
    ) -> list[JoinReason]:
        joins: list[JoinReason] = []
        # the batch updates the per-language means first, so it is centred by what it brings
        for a in articles:
            if not a.dup_of:
                self.lang_means.update(a.lang.lang if a.lang else "und", vecs[a.id])
        self._langs_touched = {a.lang.lang if a.lang else "und" for a in articles}
        # originals before their syndicated copies, then by date: the copy follows its original
        order = sorted(
            articles, key=lambda a: (a.dup_of is not None, item_day(a)[0] or 10**9, a.id)
        )
        for a in order:
            lang = a.lang.lang if a.lang else "und"
            item = article_item(a, self.lang_means.centre(lang, vecs[a.id]))
            if not a.dup_of:
                self.idf.add(a.keys)
            r = self.events.learn_one(item)
            ev = self.events.events[r.event_id]
            self._titles[a.id] = (a.title, item.lang)
            if r.new_event:
                report.new_events += 1
                ev.title = a.title
                ev.title_lang = item.lang
            joins.append(r)
            if (item.day is None or item.tolerance > 3) and not a.dup_of:
                self._floating[a.id] = (self._batch_no, item)
        merges = self.events.consolidate()
        if len(self._floating) > FLOATING_MAX:  # keep the most recent ones
            keep = sorted(self._floating, key=lambda k: self._floating[k][0])[-FLOATING_MAX:]
            self._floating = {k: self._floating[k] for k in keep}
        merges.extend(self.events.reseat([it for _, it in self._floating.values()]))
        self._batch_no += 1
        self._retitle(vecs)
        for m in merges:
            for gone in m.sources:
                sm = self.stories.drop_event(gone, m.target)
                if sm is not None:
                    merges.append(sm)
        self.stories.begin()
        for ev in sorted(self.events.touched(), key=lambda e: e.id):
            if ev.alive and ev.id not in self.stories.event_story:
                _sid, _score = self.stories.learn_one(ev)
                if _score is None:
                    report.new_stories += 1
            elif ev.alive:
                self.stories.stories[self.stories.event_story[ev.id]].dirty = True
        merges.extend(self.stories.consolidate())
        report.merges += len(merges)
        self._pending_merges = merges
        return joins

    def split(self, event_id: str, article_ids: list[str], reason: str = "") -> str:
        """Move ``article_ids`` out of ``event_id`` into a new event (a curator's correction).

        The new event is placed in a story like any new event; the change is written to the
        merge log as an ``event-split`` (with the reason) and can be inspected with
        ``storyline log``. Returns the new event id.
        """
        ev = self.events.events.get(event_id)
        if ev is None or not ev.alive:
            raise StoreError(f"no live event {event_id!r}: `storyline events` lists them")
        moving = [a for a in article_ids if a in ev.members]
        if not moving or len(moving) == len(ev.members):
            raise StoreError(
                f"split needs some but not all of {event_id}'s articles "
                f"({len(ev.members)} members; `storyline event {event_id}` lists them)"
            )
        arts = {a: self.store.get_article(a) for a in moving}
        vecs = self.store.get_vectors(self.space, moving)
        new = self.events.detach(
            event_id,
            [
                article_item(a, self.lang_means.centre(lang_of(a), vecs[a.id]))
                for a in arts.values()
                if a
            ],
        )
        entry = MergeLogEntry(
            kind="event-split",
            target=event_id,
            sources=[new.id],
            detail={"articles": moving, "reason": reason or "split by a user"},
        )
        self.events.merges.append(entry)
        self.stories.begin()
        self.stories.learn_one(new)
        if event_id in self.stories.event_story:
            self.stories.stories[self.stories.event_story[event_id]].dirty = True
        self._retitle({})
        self._pending_merges = [entry]
        self._write([], {}, [], [], IngestReport())
        return new.id

    def _retitle(self, batch_vecs: dict[str, np.ndarray]) -> None:
        """Title each touched event after its most central article (English when nearly so).

        The English preference (within 0.05 of the best cosine) keeps listings readable for
        most users; the title language is kept so a UI can say so.
        """
        for ev in self.events.touched():
            if not ev.alive or len(ev.members) < 2:
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
            for q in quarantine:
                self.store.put_quarantine(q)
            self.store.put_vectors(SITE_LINES, self.sites.take_dirty())
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
            for ev in self.events.touched():
                story_id = st_of.get(ev.id)
                e = ev.to_event(story_id)
                e.title = ev.title or e.title
                self.store.put_event(e)
                if ev.alive:
                    self.store.put_vectors(self.sum_space, {ev.id: ev.vec_sum.astype(np.float32)})
            touched_stories = [s for s in self.stories.stories.values() if s.dirty]
            for s in touched_stories:
                self.store.put_story(self._story(s))
                s.dirty = False
            # older articles change event or story only through this batch's merges/moves
            for m in merges:
                if m.kind in ("event-split", "article-move"):
                    moved.update(m.detail.get("articles", []))
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
        self.events.mark_clean()

    def _story(self, s: StoryState) -> Story:
        evs = [self.events.events[e] for e in s.events if e in self.events.events]
        evs = [e for e in evs if e.alive]
        langs: dict[str, int] = {}
        days: list[int] = []
        for e in evs:
            for k, v in e.langs.items():
                langs[k] = langs.get(k, 0) + v
            days.extend(e.days or e.est_days)
        main = max(evs, key=lambda e: (e.n_unique, e.title_lang == "en"), default=None)
        return Story(
            id=s.id,
            event_ids=[e.id for e in evs],
            title=main.title if main else "",
            languages=langs,
            first_date=day_to_iso(min(days)) if days else None,
            last_date=day_to_iso(max(days)) if days else None,
            keys={},
            alive=s.alive and bool(evs),
        )
