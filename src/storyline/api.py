"""The Python API a notebook user drives.

>>> import storyline
>>> sl = storyline.open("news.db")            # or storyline.open() for an in-memory store
>>> report = sl.ingest(["articles/"])          # folders, files, JSON Lines, HTML, feeds...
>>> for story in sl.stories():
...     print(story.id, story.title)
>>> for entry in sl.timeline(story.id):
...     print(entry.date, entry.is_estimate, entry.event.title)
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

from storyline import digest
from storyline.api_people import PeopleAPI
from storyline.cluster.features import day_number, day_to_iso
from storyline.cluster.model import ClusterModel
from storyline.encode.base import Encoder
from storyline.encode.e5 import get_encoder
from storyline.engine import Engine, IngestReport
from storyline.errors import NotFoundError, StorylineError
from storyline.ingest import iter_inputs, read_stream
from storyline.model import (
    Article,
    Event,
    JoinReason,
    MergeLogEntry,
    Quarantined,
    RawDoc,
    Story,
    TimelineEntry,
)
from storyline.search import Searcher, SearchHit
from storyline.store import open_store
from storyline.store.base import Store
from storyline.summary import StoryPart, Summary, summarize_event, summarize_story
from storyline.watch import Delivery, RunResult, WatchError, add_watch, remove_watch, run_watches

log = logging.getLogger(__name__)
_T = TypeVar("_T")
#: Views (story lists, summaries...) kept while the store is unchanged, least recently used
#: dropped first: a visit to many story pages must not evict the story list.
VIEW_CACHE = 256


class Storyline(PeopleAPI):
    """A store plus the engine that fills it."""

    def __init__(self, store: Store, encoder: Encoder | str = "e5") -> None:
        self.store = store
        self._encoder = get_encoder(encoder) if isinstance(encoder, str) else encoder
        self._engine: Engine | None = None
        self._view_cache: OrderedDict[tuple[object, ...], tuple[object, object]] = OrderedDict()
        self._view_lock = threading.Lock()
        #: run the watchlists after each ingest that added articles (webhooks included)
        self.watch_after_ingest = True
        #: after each ingest that added articles, store the changed stories' digests
        #: (summaries, claim conflicts: storyline.digest), so their pages read them
        self.digests_after_ingest = True
        self.watch_delivery = Delivery()
        #: the clustering model new engines use (None: the shipped one); see storyline.config
        self.cluster_model: ClusterModel | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.store, self._encoder, model=self.cluster_model)
        return self._engine

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ingest ------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        progress: Callable[[int], None] | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Ingest files/folders; bad inputs are quarantined, never fatal.

        ``workers``: threads that prepare the next batches (cleaning, language, dates, names,
        embedding) while the current one is clustered and written (default 1; 0: no overlap).
        """
        if isinstance(paths, str | Path):
            paths = [paths]
        return self._ingest(iter_inputs(paths), progress, workers)

    def refresh_digests(self, *, force: bool = False) -> digest.DigestReport:
        """Compute the summaries and claim conflicts of the stories and events changed since
        the last refresh (every one with ``force``) and keep them in the store, so that
        their pages read them (see :mod:`storyline.digest`). Ingests do it."""
        return digest.refresh(self, force=force)

    def ingest_stream(
        self, stream: BinaryIO, *, name: str = "<stdin>", workers: int | None = None
    ) -> IngestReport:
        return self._ingest(read_stream(stream, name=name), None, workers)

    def ingest_docs(
        self, docs: Iterable[RawDoc | Quarantined], *, workers: int | None = None
    ) -> IngestReport:
        return self._ingest(docs, None, workers)

    def _ingest(
        self,
        docs: Iterable[RawDoc | Quarantined],
        progress: Callable[[int], None] | None,
        workers: int | None,
    ) -> IngestReport:
        if workers is not None:
            if workers < 0:
                raise StorylineError(f"workers must be 0 or more, not {workers}")
            self.engine.workers = workers
        report = self.engine.ingest(docs, progress=progress)
        if report.accepted and self.digests_after_ingest and self.store.keeps_derived:
            try:  # the costly parts of the changed stories' pages, computed once here
                report.timings["digests"] = self.refresh_digests().seconds
            except StorylineError:  # the ingest is committed; pages compute them on read
                log.exception("story digests after ingest failed")
        if report.accepted and self.watch_after_ingest and self.store.list_watches():
            try:
                self.run_watches()
            except StorylineError:  # the ingest is committed; a watchlist failing says so
                log.exception("watchlists after ingest failed")
        return report

    # watchlists --------------------------------------------------------------------------
    def add_watch(
        self,
        name: str,
        *,
        query: str | None = None,
        entity: str | None = None,
        story: str | None = None,
        webhook: str | None = None,
        secret_env: str | None = None,
    ) -> dict[str, Any]:
        """Watch a full-text query, an entity or a story (exactly one of them)."""
        given = [(k, v) for k, v in (("query", query), ("entity", entity), ("story", story)) if v]
        if len(given) != 1:
            raise WatchError("give exactly one of --query, --entity or --story")
        kind, value = given[0]
        return add_watch(
            self.store, name, kind, str(value), webhook=webhook, secret_env=secret_env
        )

    def watches(self) -> list[dict[str, Any]]:
        return self.store.list_watches()

    def watch(self, name: str) -> dict[str, Any]:
        w = self.store.get_watch(name)
        if w is None:
            raise NotFoundError(f"no watchlist {name!r}: `storyline watch list` lists them")
        return w

    def remove_watch(self, name: str) -> None:
        remove_watch(self.store, name)

    def alerts(self, name: str, *, limit: int = 100) -> list[dict[str, Any]]:
        self.watch(name)
        return self.store.list_alerts(name, limit=limit)

    def run_watches(
        self, names: list[str] | None = None, *, deliver: bool = True
    ) -> list[RunResult]:
        """Alerts for what arrived since each watchlist's last run (webhooks POSTed)."""
        return run_watches(self.store, names, deliver=deliver, delivery=self.watch_delivery)

    # reading -----------------------------------------------------------------------------
    def _cached(self, key: tuple[object, ...], build: Callable[[], _T]) -> _T:
        """``build()``, reused while the store is unchanged (see :meth:`Store.version`)."""
        version = self.store.version()
        with self._view_lock:
            hit = self._view_cache.get(key)
            if hit is not None and hit[0] == version:
                self._view_cache.move_to_end(key)
                return cast(_T, hit[1])
        value = build()
        with self._view_lock:
            self._view_cache[key] = (version, value)
            self._view_cache.move_to_end(key)
            while len(self._view_cache) > VIEW_CACHE:
                self._view_cache.popitem(last=False)
        return value

    def stories(
        self, *, lang: str | None = None, sort: str = "default", min_articles: int = 1
    ) -> list[Story]:
        """Live stories.

        ``sort``: ``default`` (stories of two or more articles first, each group by latest
        activity), ``latest`` (latest activity), ``size`` (most articles), ``span`` (longest
        running). ``min_articles`` hides smaller stories (2: no one-article stories).
        """
        if sort not in STORY_SORTS:
            raise StorylineError(f"unknown sort {sort!r}: use one of {', '.join(STORY_SORTS)}")
        every = self._cached(
            ("stories",),
            lambda: sorted(
                self.store.list_stories(), key=lambda s: (s.last_date or "", s.id), reverse=True
            ),
        )

        def build() -> list[Story]:
            out = [
                s
                for s in every
                if (not lang or lang in s.languages) and story_size(s) >= max(1, min_articles)
            ]
            if sort == "default":
                out.sort(key=lambda s: story_size(s) < 2)  # stable: latest first in each group
            elif sort == "size":
                out.sort(key=lambda s: (-story_size(s), -len(s.event_ids)))
            elif sort == "span":
                out.sort(key=lambda s: -story_span_days(s))
            return out

        # a listing of 10,000 stories is filtered and sorted once per store version
        return list(self._cached(("stories", lang or "", sort, max(1, min_articles)), build))

    def story_languages(self) -> list[tuple[str, int]]:
        """Languages over all live stories with their article counts, most first."""

        def build() -> list[tuple[str, int]]:
            total: dict[str, int] = {}
            for s in self.stories():
                for k, v in s.languages.items():
                    total[k] = total.get(k, 0) + v
            return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))

        return list(self._cached(("story-languages",), build))

    def entity_heads(self, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """For each entity id: the live entity it was merged into (or itself) and its name;
        kept while the store is unchanged, so search facets do not read them again."""
        known: dict[str, tuple[str, str] | None] = self._cached(("entity-heads",), dict)
        ids = list(entity_ids)
        missing = [e for e in ids if e not in known]
        if missing:
            found = self.store.entity_heads(missing)
            known.update({e: found.get(e) for e in missing})
        return {e: h for e in ids if (h := known.get(e)) is not None}

    def story_dates(self, story_ids: list[str]) -> dict[str, list[str | None]]:
        """Each story's article dates (in ingest order), without reading the articles."""
        return self.store.story_dates(story_ids)

    def story(self, story_id: str) -> Story:
        s = self.store.get_story(story_id)
        if s is None:
            raise NotFoundError(f"no story {story_id!r}: `storyline stories` lists them")
        return s

    def events(self, *, story_id: str | None = None) -> list[Event]:
        evs = self.store.list_events(story_id=story_id or None)
        return sorted(evs, key=lambda e: (e.date or "", e.id), reverse=True)

    def event(self, event_id: str) -> Event:
        e = self.store.get_event(event_id)
        if e is None:
            raise NotFoundError(f"no event {event_id!r}: `storyline events` lists them")
        return e

    def explain(self, event_id: str) -> list[JoinReason]:
        """Why each article is in the event (the similarities that decided)."""
        return self.store.get_joins(event_id)

    def split_event(self, event_id: str, article_refs: list[str], *, reason: str = "") -> Event:
        """Split articles off an event into a new one (logged as ``event-split``)."""
        ids = [self.article(r).id for r in article_refs]
        new_id = self.engine.split(event_id, ids, reason)
        return self.event(new_id)

    # corrections (logged in the merge log, kept by later ingests, undoable) ---------------
    def merge_events(self, target: str, source: str, *, reason: str = "") -> Event:
        """Merge event ``source`` into ``target``."""
        self.engine.merge_events(target, source, reason)
        return self.event(target)

    def move_article(self, ref: str, event_id: str, *, reason: str = "") -> Event:
        """Move an article (storyline or input id) into event ``event_id``."""
        self.engine.move_article(self.article(ref).id, event_id, reason)
        return self.event(event_id)

    def merge_stories(self, target: str, source: str, *, reason: str = "") -> Story:
        """Merge story ``source`` into ``target``."""
        self.engine.merge_stories(target, source, reason)
        return self.story(target)

    def rename_story(self, story_id: str, title: str) -> Story:
        """Give a story a title of your own (kept by later ingests)."""
        self.engine.rename_story(story_id, title)
        return self.story(story_id)

    def undo(self, seq: int) -> MergeLogEntry:
        """Undo a correction by its merge-log ``seq``; returns the ``undo`` entry."""
        return self.engine.undo(seq)

    def article(self, ref: str) -> Article:
        """An article by storyline id or by the input's own id (file name, JSON ``id``)."""
        a = self.store.get_article(ref)
        if a is None:
            found = self.store.find_articles_by_doc_id(ref)
            if found:
                return found[0]
            raise NotFoundError(f"no article {ref!r} (neither a storyline id nor an input id)")
        return a

    def articles(self, **filters: str | int | None) -> Iterator[Article]:
        return self.store.iter_articles(**filters)  # type: ignore[arg-type]

    def merge_log(self, ref: str | None = None) -> list[MergeLogEntry]:
        return self.store.merge_log(ref)

    def quarantine(self) -> list[Quarantined]:
        return self.store.list_quarantine()

    def search(
        self,
        query: str,
        *,
        kind: str = "article",
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        story: str | None = None,
        event: str | None = None,
        entity: str | None = None,
        mode: str = "hybrid",
        limit: int = 20,
        offset: int = 0,
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Search articles, events or stories (``kind``), best first.

        ``mode``: ``"hybrid"`` (default: full-text and semantic rankings fused), ``"text"``
        (words and ``"phrases"`` in titles and texts; no model is loaded) or ``"semantic"``
        (closeness of meaning, across languages). Query syntax: words (all required, else
        any), ``"a phrase"``, ``prefix*``, ``a OR b``, ``-excluded``; any other punctuation is
        ignored, so user input never fails. Filters: ``lang`` (ISO code), ``date_from`` /
        ``date_to`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; estimated publication dates
        count), ``source`` (part of the outlet name or input path/URL), ``story`` and
        ``event`` ids. Pages with ``limit`` / ``offset``. Snippets are HTML-safe with the
        query's words in ``<mark>``; ``snippets=False`` leaves them (and ``title_html``) to
        :meth:`fill_snippets` (for hits read only for their facets).
        """
        return self._search_with().search(
            query,
            kind=kind,
            lang=lang,
            date_from=date_from,
            date_to=date_to,
            source=source,
            story=story,
            event=event,
            entity=entity,
            mode=mode,
            limit=limit,
            offset=offset,
            snippets=snippets,
        )

    def fill_snippets(self, hits: list[SearchHit], query: str) -> list[SearchHit]:
        """Snippets and highlighted titles for hits found with ``search(..., snippets=False)``."""
        return self._search_with().fill_snippets(hits, query)

    def _search_with(self) -> Searcher:
        searcher: Searcher | None = getattr(self, "_searcher", None)
        if searcher is None:
            searcher = self._searcher = Searcher(self.store, self._encoder)
        return searcher

    def summary(self, ref: str, *, lang: str | None = None) -> Summary:
        """The cited extractive summary of an event or a story (by id); ``lang`` prefers
        sentences in that language when they say the same. Cached until the store changes."""
        lang = (lang or "").strip().lower() or None
        return self._cached(("summary", ref, lang), lambda: self._summary(ref, lang))

    def _summary(self, ref: str, lang: str | None) -> Summary:
        ev = self.store.get_event(ref)
        if ev is not None and ev.alive:
            return summarize_event(
                self.store, ev, list(self.store.iter_articles(event_id=ev.id)), lang=lang
            )
        st = self.store.get_story(ref)
        if st is None or not st.alive:
            raise NotFoundError(
                f"no live event or story {ref!r}: `storyline events` and `storyline stories` "
                "list them"
            )
        timeline = self.timeline(st.id)
        if lang is None:  # the one stored with the story's digest, when current
            return digest.story_summary(self, st, timeline)
        parts = [
            StoryPart(
                event_id=t.event.id,
                title=t.event.title,
                date=t.date,
                date_is_estimate=t.is_estimate,
                articles=t.articles,
            )
            for t in timeline
        ]
        return summarize_story(self.store, st, parts, lang=lang)

    def timeline(self, story_id: str) -> list[TimelineEntry]:
        """The story's events in date order; undated events placed by their best estimate."""
        story = self.story(story_id)
        members: dict[str, list[Article]] = {}
        for a in self.store.iter_articles(story_id=story_id):
            if a.event_id:
                members.setdefault(a.event_id, []).append(a)
        out: list[TimelineEntry] = []
        for eid in story.event_ids:
            ev = self.store.get_event(eid)
            if ev is None or not ev.alive:
                continue
            arts = members.get(eid, [])
            date, estimate = event_date(ev, arts)
            out.append(TimelineEntry(event=ev, date=date, is_estimate=estimate, articles=arts))
        out.sort(key=lambda t: (t.date is None, t.date or "", t.event.id))
        return out


def event_date(ev: Event, articles: list[Article]) -> tuple[str | None, bool]:
    """An event's date: median of its members' given dates, else of their estimates."""
    given = sorted(
        a.date.value for a in articles if a.date and a.date.value and not a.date.is_estimate
    )
    if given:
        return given[len(given) // 2], False
    if ev.date:
        return ev.date, True
    est = [day_number(a.date.value) for a in articles if a.date and a.date.value]
    days = sorted(d for d in est if d is not None)
    if days:
        # keep the coarsest granularity honest: an estimated month stays a month
        vals = sorted(a.date.value for a in articles if a.date and a.date.value)
        mid = vals[len(vals) // 2]
        return (mid if len(mid) < 10 else day_to_iso(days[len(days) // 2])), True
    return None, True


STORY_SORTS = ("default", "latest", "size", "span")


def story_size(s: Story) -> int:
    """Number of articles of a story (its languages hold the counts)."""
    return sum(s.languages.values())


def story_span_days(s: Story) -> int:
    """Days from a story's first to its last event (0 when undated)."""
    try:
        a = dt.date.fromisoformat((s.first_date or "")[:10])
        b = dt.date.fromisoformat((s.last_date or "")[:10])
    except ValueError:
        return 0
    return (b - a).days


def open(path: str | Path | None = None, *, encoder: Encoder | str = "e5") -> Storyline:
    """Open (or create) a store: a SQLite path, ``None`` for memory."""
    return Storyline(open_store(path), encoder)
