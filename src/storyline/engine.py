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
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from storyline.annotate import Annotations, Annotator
from storyline.cluster.candidates import Candidates
from storyline.cluster.curate import replay
from storyline.cluster.dedup import DuplicateIndex
from storyline.cluster.events import MAX_UNDATED, EventClusterer, EventState, split_keys
from storyline.cluster.features import KeyIDF, LangMeans, background_mean, day_number
from storyline.cluster.model import ClusterModel, default_model
from storyline.cluster.source import ProfileSource, lang_of, locate_articles, name_weights
from storyline.cluster.stories import StoryLinker, StoryState
from storyline.cluster.words import word_df
from storyline.encode.base import Encoder
from storyline.engine_curate import CurateMixin
from storyline.engine_guard import GENERATION_META, WriteGuard
from storyline.engine_write import BatchWriter
from storyline.errors import StoreError
from storyline.ingest.report import IngestReport
from storyline.model import Article, JoinReason, MergeLogEntry, Quarantined, RawDoc
from storyline.pipeline.base import Pipeline
from storyline.pipeline.prefetch import Prepared, batched, ordered_map, prepare_batch
from storyline.pipeline.stages import default_pipeline
from storyline.quotes import Claim
from storyline.store.base import Store
from storyline.text.sitelines import SPACE as SITE_LINES
from storyline.text.sitelines import SiteLines

log = logging.getLogger(__name__)

#: An article prepared elsewhere: its vector and its claims (None: extract them here).
PreparedArticle = tuple[Article, np.ndarray, list[Claim] | None]

MAX_PROFILES = 30_000  # article profiles kept in memory (older days are reloaded on demand)
KEEP_DAYS = 60  # on eviction, profiles this many days before the newest are kept


class Engine(CurateMixin, WriteGuard, BatchWriter):
    """Stateful local engine bound to one store and one encoder."""

    def __init__(
        self,
        store: Store,
        encoder: Encoder,
        *,
        pipeline: Pipeline | None = None,
        model: ClusterModel | None = None,
        batch_size: int = 64,
        entity_keys: bool = True,
        workers: int = 1,
    ) -> None:
        self.store = store
        self.encoder = encoder
        self.sites = SiteLines()  # text-dump furniture learnt per site, persisted per batch
        self.sites.load_packed(store.iter_vectors(SITE_LINES))
        self._site_tables: dict[int, dict[str, np.ndarray]] = {}  # per prepared batch
        self._sites_out: dict[str, np.ndarray] = {}  # to write with the batch being committed
        self.pipeline = pipeline or default_pipeline(self.sites)
        self.batch_size = batch_size
        self.workers = workers  # threads preparing the next batches; 0: all in this thread
        self.space = f"article:{encoder.name}"
        self.sum_space = f"event-sum:{encoder.name}"
        self.mean = background_mean(encoder.name, encoder.dim)
        self.lang_space = f"lang-sum:{encoder.name}"
        used = store.get_meta("encoder")
        if used and used != encoder.name:
            raise StoreError(
                f"this store was built with encoder {used!r}, not {encoder.name!r}; "
                f"use the same encoder or start a new store"
            )
        self.model = model or default_model()
        self.words = word_df()
        self._entity_keys = entity_keys
        self._gen: int | None = None
        self._reset_state()

    # state -------------------------------------------------------------------------------
    def _reset_state(self) -> None:
        """(Re)build the in-memory state from the store: at start, after another writer's
        commit and after a failed (rolled back) write, so nothing of it lingers."""
        store = self.store
        self.lang_means = LangMeans(self.mean)
        self.idf = KeyIDF(store.all_key_counts(), store.key_docs())
        self.events = EventClusterer(self.model.events, self.encoder.dim, self.lang_means.mean)
        self.events.set_id_factory(lambda: f"e{store.next_id('event'):06d}")
        self.profiles = ProfileSource(
            store, self.space, self.lang_means, self.words, self.idf, self.events
        )
        self.events.loader = self.profiles.by_days
        self.events.fetch = self.profiles.by_ids
        self.events.candidates = getattr(self, "_candidates", None)
        self.stories = StoryLinker(
            self.events.events,
            self.idf,
            self.model.stories,
            new_id=lambda: f"s{store.next_id('story'):06d}",
        )
        self.dups = DuplicateIndex()
        self.annotator = Annotator(store, entity_keys=self._entity_keys)
        self._titles: dict[str, tuple[str, str]] = {}
        self._pending_merges: list[MergeLogEntry] = []
        self._langs_touched: set[str] = set()
        self._load_state()
        self._gen = store.get_meta(GENERATION_META, 0)

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
            names, words, places = split_keys(e.keys)
            st = EventState(
                id=e.id,
                vec_sum=sums.get(e.id, np.zeros(self.encoder.dim, dtype=np.float32)),
                members=list(e.article_ids),
                words=words,
                places=places,
                days=[] if e.date_is_estimate else days,
                est_days=days if e.date_is_estimate else [],
            )
            st.keys.update(names)
            st.langs.update(e.languages)
            st.n_unique = len(e.article_ids)
            st.title = e.title
            st.alive = e.alive
            self.events.add_state(st)
        for s in self.store.list_stories():
            self.stories.add_state(StoryState(id=s.id, events=list(s.event_ids)))
        self.lang_means.load_packed(self.store.iter_vectors(self.lang_space))
        for aid, sig in self.store.iter_vectors("minhash"):
            self.dups.add(aid, [int(x) for x in sig.view(np.uint32)])
        undated = self.store.get_meta("undated_articles") or []
        self.profiles.ensure([str(a) for a in undated][-MAX_UNDATED:])
        # a curator's splits, merges and moves hold for good; renamed stories keep their title
        self.pinned = replay(self.store.merge_log(), self.events, self.stories)

    # ingest ------------------------------------------------------------------------------
    def ingest(
        self,
        docs: Iterable[RawDoc | Quarantined],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> IngestReport:
        """Ingest in batches; ``self.workers`` threads prepare the next batches meanwhile."""
        report = IngestReport()
        t0 = time.perf_counter()

        def fresh() -> Iterator[list[RawDoc | Quarantined]]:  # store reads stay in this thread
            for batch in batched(docs, self.batch_size):
                keep = [
                    d
                    for d in batch
                    if isinstance(d, Quarantined) or not self.store.has_raw(d.provenance.raw_sha256)
                ]
                report.read += len(batch) - len(keep)
                report.duplicates += len(batch) - len(keep)
                yield keep

        for prep in ordered_map(self._prepare, fresh(), self.workers):
            self._commit(prep, report)
            if progress:
                progress(prep.read)
        report.seconds = time.perf_counter() - t0
        report.timings.update({f"stage:{k}": v for k, v in self.pipeline.timings.items()})
        return report

    def _timed(self, report: IngestReport, name: str, t0: float) -> float:
        now = time.perf_counter()
        report.timings[name] = report.timings.get(name, 0.0) + now - t0
        return now

    def _prepare(self, docs: list[RawDoc | Quarantined]) -> Prepared:
        prep = prepare_batch(self.pipeline, self.encoder, docs)
        # the site table as this batch left it, written in the batch's own transaction
        self._site_tables[id(prep)] = self.sites.take_dirty()
        return prep

    def _commit(self, prep: Prepared, report: IngestReport) -> None:
        """Near-duplicates, entities, clustering and the one-transaction write of a batch."""
        self._sites_out = self._site_tables.pop(id(prep), {})
        for k, v in prep.timings.items():
            report.timings[k] = report.timings.get(k, 0.0) + v
        report.read += prep.read
        report.duplicates += prep.duplicates
        articles: list[Article] = []
        for a in prep.articles:  # committed by an earlier batch of this run, or an earlier run
            if self.store.get_article(a.id) is not None:
                report.duplicates += 1
            else:
                articles.append(a)
        self._place_batch(articles, prep.vecs, prep.quarantine, report)

    def _is_new(self, a: Article, seen_ids: set[str], report: IngestReport) -> bool:
        if a.id in seen_ids or self.store.get_article(a.id) is not None:
            report.duplicates += 1
            return False
        seen_ids.add(a.id)
        return True

    def ingest_prepared(
        self,
        items: Iterable[PreparedArticle | Quarantined],
        *,
        progress: Callable[[int], None] | None = None,
        candidates: Candidates | None = None,
    ) -> IngestReport:
        """Place articles whose pipeline and embedding ran elsewhere (the Spark job's
        executors run :func:`prepare_doc`, the encoder and the claim extractor; claims are
        ``None`` where extraction failed there): the rest of :meth:`ingest` —
        duplicates, near-duplicates, entities, clustering, one transaction per batch — is
        this engine's own code, so the result is the local ingest's. ``candidates``: the
        article pairs worth scoring, found ahead (:mod:`storyline.cluster.candidates`): event
        clustering scores only those (and the articles they do not cover)."""
        self._candidates = self.events.candidates = candidates
        try:
            return self._ingest_prepared(items, progress)
        finally:
            self._candidates = self.events.candidates = None

    def _ingest_prepared(
        self,
        items: Iterable[PreparedArticle | Quarantined],
        progress: Callable[[int], None] | None,
    ) -> IngestReport:
        report = IngestReport()
        t0 = time.perf_counter()
        batch: list[PreparedArticle | Quarantined] = []

        def flush() -> None:
            articles: list[Article] = []
            seen: set[str] = set()
            for x in batch:
                if isinstance(x, tuple) and self.store.has_raw(x[0].provenance.raw_sha256):
                    report.duplicates += 1
                elif isinstance(x, tuple) and self._is_new(x[0], seen, report):
                    articles.append(x[0])
            vecs = {x[0].id: x[1].astype(np.float32) for x in batch if isinstance(x, tuple)}
            claims = {x[0].id: x[2] for x in batch if isinstance(x, tuple) and x[2] is not None}
            quarantine = [x for x in batch if isinstance(x, Quarantined)]
            report.read += len(batch)
            self._place_batch(
                articles, {a.id: vecs[a.id] for a in articles}, quarantine, report, claims
            )
            if progress:
                progress(len(batch))
            batch.clear()

        for item in items:
            batch.append(item)
            if len(batch) >= self.batch_size:
                flush()
        if batch:
            flush()
        report.seconds = time.perf_counter() - t0
        return report

    def _place_locked(
        self,
        articles: list[Article],
        vecs: dict[str, np.ndarray],
        quarantine: list[Quarantined],
        report: IngestReport,
        claims: dict[str, list[Claim]] | None = None,
    ) -> None:
        part = IngestReport()
        with self._locked():
            fresh = [a for a in articles if self.store.get_article(a.id) is None]
            part.duplicates = len(articles) - len(fresh)  # stored meanwhile by another writer
            t = time.perf_counter()
            for a in fresh:
                hit = self.dups.find(a.minhash)
                if hit is not None:
                    a.dup_of = hit[0]
                    a.extra["dup_similarity"] = round(hit[1], 3)
                    part.near_duplicates += 1
                self.dups.add(a.id, a.minhash)
            t = self._timed(part, "dedup", t)

            ann = self.annotator.annotate(fresh, claims)
            t = self._timed(part, "entities+claims", t)

            locate_articles(fresh, ann)
            t = self._timed(part, "places", t)

            joins = self._cluster(fresh, vecs, part)
            t = self._timed(part, "cluster", t)

            self._write(fresh, vecs, joins, quarantine, part, ann)
            self._timed(part, "store", t)
        part.accepted, part.quarantined, part.problems = len(fresh), len(quarantine), quarantine
        report.add(part)

    def place(
        self,
        articles: list[Article],
        vecs: dict[str, np.ndarray],
        ann: Annotations | None = None,
    ) -> IngestReport:
        """Cluster and store articles whose pipeline and embedding are done (re-clustering)."""
        report = IngestReport()
        with self._locked():
            locate_articles(
                [a for a in articles if "places" not in a.extra or ann is not None], ann
            )
            joins = self._cluster(articles, vecs, report)
            self._write(articles, vecs, joins, [], report)
        report.accepted = len(articles)
        return report

    def _cluster(
        self, articles: list[Article], vecs: dict[str, np.ndarray], report: IngestReport
    ) -> list[JoinReason]:
        # the batch updates the per-language means first, so it is centred by what it brings
        for a in articles:
            if not a.dup_of:
                self.lang_means.update(lang_of(a), vecs[a.id])
        self._langs_touched = {lang_of(a) for a in articles}
        profiles = []
        keys = {}
        for a in articles:
            if not a.dup_of:
                self.idf.add(a.keys)
            profiles.append(self.profiles.profile(a, vecs[a.id]))
            keys[a.id] = name_weights(a)
            self._titles[a.id] = (a.title, lang_of(a))
        before = set(self.events.events)
        merges_before = len(self.events.merges)
        joins = self.events.learn(profiles, keys)
        merges = self.events.merges[merges_before:]
        report.new_events += len(set(self.events.events) - before)
        self._retitle(vecs)
        touched = [e.id for e in self.events.touched()]
        stories_before = set(self.stories.stories)
        merges.extend(self.stories.update(touched))
        report.new_stories += len(set(self.stories.stories) - stories_before)
        report.merges += len(merges)
        self._pending_merges = merges
        self._evict()
        return joins

    def _evict(self) -> None:
        if len(self.events.index) <= MAX_PROFILES:
            return
        days = [p.day for p in self.events.index.profiles if p is not None and p.day is not None]
        if not days:
            return
        self.profiles.forget_before(max(days) - KEEP_DAYS)

    def split(self, event_id: str, article_ids: list[str], reason: str = "") -> str:
        """Move ``article_ids`` out of ``event_id`` into a new event (a curator's correction).

        The new event is placed in a story like any new event; the change is written to the
        merge log as an ``event-split`` (with the reason) and can be inspected with
        ``storyline log``. Returns the new event id.
        """
        with self._locked():  # the write lock first: the state as other writers left it
            return self._split(event_id, article_ids, reason)

    def _split(self, event_id: str, article_ids: list[str], reason: str) -> str:
        ev = self.events.events.get(event_id)
        if ev is None or not ev.alive:
            raise StoreError(f"no live event {event_id!r}: `storyline events` lists them")
        moving = [a for a in article_ids if a in ev.members]
        if not moving or len(moving) == len(ev.members):
            raise StoreError(
                f"split needs some but not all of {event_id}'s articles "
                f"({len(ev.members)} members; `storyline event {event_id}` lists them)"
            )
        self.profiles.ensure(ev.members)
        kept = [a for a in ev.members if a not in set(moving)]
        new = self.events.split(event_id, moving)
        entry = MergeLogEntry(
            kind="event-split",
            target=event_id,
            sources=[new.id],
            detail={"articles": moving, "kept": kept, "reason": reason or "split by a user"},
        )
        self.events.merges.append(entry)
        self._retitle({})
        self._pending_merges = [entry, *self.stories.update([event_id, new.id])]
        self._write([], {}, [], [], IngestReport())
        return new.id
