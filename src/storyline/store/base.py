"""The one ``Store`` interface every backend implements.

Backends: :class:`~storyline.store.memory.MemoryStore` (tests, notebooks),
:class:`~storyline.store.sqlite.SQLiteStore` (default, single file, WAL, migrations) and
:class:`~storyline.store.postgres.PostgresStore` (a server database, for scale-out).
``tests/test_store_contract.py`` runs the same contract over every backend.

Writes happen inside ``with store.transaction():`` blocks; a backend must make each block
atomic (all or nothing) so that a killed process leaves a consistent store. Nested
``transaction()`` calls join the outer one.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import numpy as np

from storyline.model import (
    Article,
    Event,
    JoinReason,
    MergeLogEntry,
    Quarantined,
    Story,
)
from storyline.store.textquery import ArticleBrief, SearchFilters, TextQuery


class Store(abc.ABC):
    """Persistent state of a storyline installation."""

    #: file backing the store (None for in-memory stores)
    path: Path | None = None
    #: derived values (:meth:`put_derived`) last as long as the store: worth computing after
    #: an ingest (the default keeps them in this process only, lost when a batch job ends)
    keeps_derived: bool = False

    # -- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Atomic write block; nested blocks join the outermost one."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (file handles)."""

    def version(self) -> object:
        """A token that changes whenever the stored data may have changed, by this process
        or another one; readers cache derived views on it. The default never repeats, so
        nothing is cached."""
        return object()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- metadata and id sequences ---------------------------------------------------------
    @abc.abstractmethod
    def get_meta(self, key: str, default: Any = None) -> Any:
        """A JSON-serialisable value stored under ``key``."""

    @abc.abstractmethod
    def set_meta(self, key: str, value: Any) -> None: ...

    @abc.abstractmethod
    def next_id(self, kind: str) -> int:
        """Next integer of the named sequence (1, 2, 3...). Never returns a number twice."""

    # -- articles --------------------------------------------------------------------------
    @abc.abstractmethod
    def put_article(self, article: Article) -> bool:
        """Insert or update an article (keyed by ``article.id``). True if it was new."""

    @abc.abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abc.abstractmethod
    def has_raw(self, raw_sha256: str) -> str | None:
        """Article id of an already-ingested document with these raw bytes, if any."""

    @abc.abstractmethod
    def iter_articles(
        self,
        *,
        event_id: str | None = None,
        story_id: str | None = None,
        lang: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[Article]:
        """Articles in ingest order, optionally filtered."""

    def story_dates(self, story_ids: Iterable[str]) -> dict[str, list[str | None]]:
        """Each story's article dates (``date_value``, in ingest order), without reading the
        articles' texts: what a story list's sparklines need. Backends may do it in one
        query; this default reads the articles."""
        return {
            sid: [a.date.value if a.date else None for a in self.iter_articles(story_id=sid)]
            for sid in story_ids
        }

    @abc.abstractmethod
    def count_articles(self) -> int: ...

    @abc.abstractmethod
    def find_articles_by_doc_id(self, doc_id: str) -> list[Article]:
        """Articles whose input id (JSON Lines ``id``, file name) is ``doc_id``, in ingest order."""

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts: articles, (live) events, (live) stories, quarantined, vectors."""

    # -- vectors (article embeddings, event centroids...) ----------------------------------
    @abc.abstractmethod
    def put_vectors(self, space: str, items: dict[str, np.ndarray]) -> None:
        """Store float32 vectors under ``space`` (e.g. ``"article:e5-small"``), keyed by id."""

    @abc.abstractmethod
    def get_vectors(self, space: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors among ``ids`` (missing ids are simply absent)."""

    @abc.abstractmethod
    def iter_vectors(self, space: str) -> Iterator[tuple[str, np.ndarray]]: ...

    def nearest_vectors(self, space: str, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` vectors of ``space`` most similar to ``query`` (cosine, best first).

        Exact scan by default; the PostgreSQL store answers through pgvector's HNSW index
        (approximate) for article spaces."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        ids, rows = [], []
        for item_id, vec in self.iter_vectors(space):
            if vec.shape == q.shape:
                ids.append(item_id)
                rows.append(vec)
        if not rows or k <= 0:
            return []
        m = np.stack(rows)
        norms = np.linalg.norm(m, axis=1) * (float(np.linalg.norm(q)) or 1.0)
        sims = (m @ q) / np.where(norms > 0, norms, 1.0)
        order = np.lexsort((np.arange(len(ids)), -sims))[:k]
        return [(ids[int(i)], float(sims[i])) for i in order]

    # -- events and stories ----------------------------------------------------------------
    @abc.abstractmethod
    def put_event(self, event: Event) -> None: ...

    @abc.abstractmethod
    def get_event(self, event_id: str) -> Event | None: ...

    @abc.abstractmethod
    def list_events(
        self, *, include_dead: bool = False, story_id: str | None = None
    ) -> list[Event]:
        """Events in id order; ``story_id`` keeps one story's."""

    @abc.abstractmethod
    def put_story(self, story: Story) -> None: ...

    @abc.abstractmethod
    def get_story(self, story_id: str) -> Story | None: ...

    @abc.abstractmethod
    def list_stories(self, *, include_dead: bool = False) -> list[Story]: ...

    # -- explanations and history ----------------------------------------------------------
    @abc.abstractmethod
    def put_join(self, reason: JoinReason) -> None:
        """Record why an article joined an event (replaces an earlier record for the article)."""

    @abc.abstractmethod
    def get_joins(self, event_id: str) -> list[JoinReason]: ...

    @abc.abstractmethod
    def append_merge(self, entry: MergeLogEntry) -> MergeLogEntry:
        """Append to the merge log; returns the entry with ``seq`` and ``at`` filled."""

    @abc.abstractmethod
    def merge_log(self, target: str | None = None) -> list[MergeLogEntry]:
        """Entries in order; with ``target``, those whose target or sources include it."""

    # -- name-key document frequencies (for IDF weighting in clustering) -------------------
    @abc.abstractmethod
    def add_key_counts(self, keys: Iterable[str]) -> None:
        """Count one more document for each distinct key (and one more document in total)."""

    @abc.abstractmethod
    def key_counts(self, keys: Iterable[str]) -> dict[str, int]: ...

    @abc.abstractmethod
    def all_key_counts(self) -> dict[str, int]:
        """Every counted key with its document count (loaded once when ingest starts)."""

    @abc.abstractmethod
    def key_docs(self) -> int:
        """Number of documents counted by :meth:`add_key_counts`."""

    # -- quarantine ------------------------------------------------------------------------
    @abc.abstractmethod
    def put_quarantine(self, item: Quarantined) -> bool:
        """Keep a rejected input; True if new (same source+line+hash is stored once)."""

    @abc.abstractmethod
    def list_quarantine(self) -> list[Quarantined]: ...

    # -- search (full-text index, filters, light article data) -----------------------------
    @abc.abstractmethod
    def search_text(
        self,
        query: TextQuery,
        *,
        filters: SearchFilters | None = None,
        among: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float]]:
        """Articles matching ``query`` in their title or text, best first.

        Returns ``(article id, score)`` with score = -bm25 (higher is better; a title hit
        counts ``TITLE_WEIGHT`` times a body hit); ties in ingest order. ``filters`` restrict
        the articles, ``among`` limits the search to the given ids. Backends must agree on
        hits and scores (the contract tests compare them).
        """

    @abc.abstractmethod
    def filter_article_ids(self, filters: SearchFilters) -> set[str]:
        """Ids of the articles passing ``filters`` (every article when they are empty)."""

    @abc.abstractmethod
    def article_briefs(self, ids: Iterable[str]) -> dict[str, ArticleBrief]:
        """Light data (title, language, date, source, event, story) of the given articles,
        in the order asked; missing ids are absent."""

    @abc.abstractmethod
    def count_vectors(self, space: str) -> int:
        """Number of vectors stored under ``space``."""

    @abc.abstractmethod
    def text_index_count(self) -> int:
        """Number of articles in the full-text index (equals :meth:`count_articles`)."""

    # -- consistency (storyline check) -----------------------------------------------------
    def vector_ids(self, space: str) -> set[str]:
        """Ids that have a vector under ``space``."""
        return {i for i, _ in self.iter_vectors(space)}

    @abc.abstractmethod
    def delete_vectors(self, space: str, ids: Iterable[str]) -> None:
        """Forget the vectors of ``ids`` under ``space`` (missing ids are ignored)."""

    def text_index_drift(self) -> list[str]:
        """Ids of articles missing from (or stale in) the full-text index; ``"?"`` entries
        when the index holds rows of articles that no longer exist. Empty when in step."""
        n, m = self.text_index_count(), self.count_articles()
        return [] if n == m else [f"? index holds {n} rows for {m} articles"]

    def rebuild_text_index(self) -> None:  # noqa: B027 - derived indexes need nothing
        """Rebuild the full-text index from the article rows."""

    @abc.abstractmethod
    def mention_counts(self) -> Iterator[tuple[str, str, int]]:
        """Every mention row as ``(article id, entity id, count)``."""

    # -- entities, mentions, claims (rows documented in store/entity_tables.py) ------------
    @abc.abstractmethod
    def put_entity(self, row: dict[str, Any]) -> None:
        """Insert or replace a canonical entity (its alias names are indexed for lookup)."""

    @abc.abstractmethod
    def get_entity(self, entity_id: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def list_entities(
        self, *, type: str | None = None, include_dead: bool = False, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Entities by mention count, most mentioned first."""

    @abc.abstractmethod
    def find_entities(self, name: str) -> list[dict[str, Any]]:
        """Entities with this name or alias (case-insensitive, any script)."""

    @abc.abstractmethod
    def put_mentions(self, article_id: str, rows: Iterable[dict[str, Any]]) -> None:
        """Replace the entity mentions of one article."""

    @abc.abstractmethod
    def article_mentions(self, article_id: str) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def entity_article_ids(self, entity_id: str) -> list[str]: ...

    def mentioned_entities(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        """The entity ids of each article's mention rows (as stored: merges not followed).
        Backends may read them in one query; this default reads the mention rows."""
        return {a: [r["entity_id"] for r in self.article_mentions(a)] for a in article_ids}

    def entity_heads(self, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """For each entity id, the entity it ended up in (merges followed) and that one's
        name; ids of no entity are left out. Backends may do it without decoding entities."""
        out: dict[str, tuple[str, str]] = {}
        for eid in entity_ids:
            row, seen = self.get_entity(eid), {eid}
            while row is not None:
                nxt = row["data"].get("merged_into")
                if not nxt or nxt in seen:
                    break
                seen.add(nxt)
                more = self.get_entity(nxt)
                if more is None:
                    break
                row = more
            if row is not None:
                out[eid] = (row["id"], row["name"])
        return out

    @abc.abstractmethod
    def put_claims(self, article_id: str, claims: Iterable[dict[str, Any]]) -> None:
        """Replace the claims (quotes, reported speech) of one article."""

    @abc.abstractmethod
    def list_claims(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        speaker: str | None = None,
        anonymous: bool | None = None,
    ) -> list[dict[str, Any]]: ...

    # -- watchlists and alerts (rows documented in store/watch_tables.py) ------------------
    @abc.abstractmethod
    def put_watch(self, row: dict[str, Any]) -> None:
        """Insert or replace a watchlist (keyed by ``name``)."""

    @abc.abstractmethod
    def get_watch(self, name: str) -> dict[str, Any] | None: ...

    @abc.abstractmethod
    def list_watches(self) -> list[dict[str, Any]]:
        """Watchlists by name."""

    @abc.abstractmethod
    def delete_watch(self, name: str) -> bool:
        """Forget a watchlist and its alerts; False if there was none."""

    @abc.abstractmethod
    def add_alerts(self, watch: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Store alerts of ``watch``; an article already alerted is skipped. Returns the
        new alerts with their ``seq`` filled."""

    @abc.abstractmethod
    def list_alerts(self, watch: str, *, limit: int = 100) -> list[dict[str, Any]]:
        """The newest alerts of ``watch`` first."""

    @abc.abstractmethod
    def set_alert_delivery(self, seq: int, delivery: dict[str, Any]) -> None:
        """Record the webhook delivery (status and log of attempts) of an alert."""

    # -- derived views (story digests: storyline.digest) -----------------------------------
    def get_derived(self, kind: str, refs: Iterable[str]) -> dict[str, tuple[str, Any]]:
        """Stored derived values of ``refs`` (a story's summary, an event's conflicts):
        ``{ref: (fingerprint, value)}``, refs without one left out. A reader uses a value only
        when its fingerprint is that of the data it would compute it from now. This default
        keeps them in the process (a backend without a table for them); a fresh object on
        every read."""
        rows = self._derived_rows()
        out: dict[str, tuple[str, Any]] = {}
        for ref in refs:
            hit = rows.get((kind, ref))
            if hit is not None:
                out[ref] = (hit[0], json.loads(hit[1]))
        return out

    def put_derived(self, kind: str, items: Mapping[str, tuple[str, Any] | None]) -> None:
        """Store ``(fingerprint, JSON-compatible value)`` per ref; ``None`` forgets the ref's."""
        rows = self._derived_rows()
        for ref, item in items.items():
            if item is None:
                rows.pop((kind, ref), None)
            else:
                rows[(kind, ref)] = (item[0], json.dumps(item[1], ensure_ascii=False))

    def derived_fingerprints(self, kind: str) -> dict[str, str]:
        """The fingerprint of every stored value of ``kind``, by ref (values not read)."""
        return {ref: fp for (k, ref), (fp, _) in self._derived_rows().items() if k == kind}

    def _derived_rows(self) -> dict[tuple[str, str], tuple[str, str]]:
        rows: dict[tuple[str, str], tuple[str, str]] = self.__dict__.setdefault("_derived", {})
        return rows
