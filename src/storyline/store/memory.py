"""In-memory :class:`Store` for tests and notebooks.

It keeps the same flat rows as the SQLite backend (see :mod:`storyline.store.schema`), so values
are coerced identically and every read returns a fresh object: mutating a returned article
never changes the store. ``transaction()`` is real: the outermost block snapshots the state and
restores it when the block raises. Stored rows and vectors are never mutated in place (a write
replaces them), so the snapshot only copies the containers, which keeps it cheap. Each write
method validates and converts its input before touching the state, so a single call outside a
transaction is atomic without a snapshot.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import StoreError
from storyline.model import Article, Event, JoinReason, MergeLogEntry, Quarantined, Story
from storyline.store.base import Store
from storyline.store.entity_tables import MemoryEntityTables
from storyline.store.schema import (
    KEY_DOCS_META,
    article_from_row,
    article_row,
    event_from_row,
    event_row,
    from_json,
    id_sort_key,
    join_from_row,
    join_row,
    merge_from_row,
    merge_row,
    quarantine_from_row,
    quarantine_row,
    story_from_row,
    story_row,
    to_json,
)
from storyline.store.textindex import TextIndex
from storyline.store.textquery import ArticleBrief, SearchFilters, TextQuery
from storyline.store.watch_tables import MemoryWatchTables

logger = logging.getLogger(__name__)


@dataclass
class _State:
    meta: dict[str, str] = field(default_factory=dict)  # key -> JSON text
    sequences: dict[str, int] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)  # insertion = ingest order
    raw_index: dict[str, dict[str, None]] = field(default_factory=dict)  # sha -> ordered ids
    vectors: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    stories: dict[str, dict[str, Any]] = field(default_factory=dict)
    joins: dict[str, dict[str, Any]] = field(default_factory=dict)  # article id -> row
    merges: list[dict[str, Any]] = field(default_factory=list)
    merge_seq: int = 0
    key_df: dict[str, int] = field(default_factory=dict)
    quarantine: dict[tuple[str, int, str], dict[str, Any]] = field(default_factory=dict)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    mentions: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    claims: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    watches: dict[str, dict[str, Any]] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)  # replaced, never mutated
    alert_seq: int = 0

    def snapshot(self) -> _State:
        """Copy of the containers; the rows and arrays inside are shared (never mutated)."""
        return _State(
            meta=dict(self.meta),
            sequences=dict(self.sequences),
            articles=dict(self.articles),
            raw_index={sha: dict(ids) for sha, ids in self.raw_index.items()},
            vectors={space: dict(v) for space, v in self.vectors.items()},
            events=dict(self.events),
            stories=dict(self.stories),
            joins=dict(self.joins),
            merges=list(self.merges),
            merge_seq=self.merge_seq,
            key_df=dict(self.key_df),
            quarantine=dict(self.quarantine),
            entities=dict(self.entities),
            mentions=dict(self.mentions),
            claims=dict(self.claims),
            watches=dict(self.watches),
            alerts=self.alerts,
            alert_seq=self.alert_seq,
        )


def _as_vector(item_id: str, value: np.ndarray) -> np.ndarray:
    vec = np.array(value, dtype=np.float32)  # always a copy
    if vec.ndim != 1:
        raise StoreError(f"vector for {item_id!r} has shape {vec.shape}; expected one dimension")
    return vec


class MemoryStore(MemoryEntityTables, MemoryWatchTables, Store):
    """A :class:`Store` that lives in a Python process and vanishes with it."""

    path: Path | None = None
    keeps_derived = True  # as long as the store itself

    def __init__(self) -> None:
        self._s = _State()
        self._depth = 0
        self._snapshot: _State | None = None
        self._text = TextIndex()  # derived from the article rows; see textindex.py

    def __repr__(self) -> str:
        return f"MemoryStore(articles={len(self._s.articles)})"

    # -- lifecycle -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth == 0:
            self._snapshot = self._s.snapshot()
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                assert self._snapshot is not None
                self._s, self._snapshot = self._snapshot, None
                logger.debug("memory store: transaction rolled back")
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self._snapshot = None

    # -- metadata and id sequences ---------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        text = self._s.meta.get(key)
        return default if text is None else from_json(text)

    def set_meta(self, key: str, value: Any) -> None:
        text = to_json(value, f"meta value {key!r}")
        self._s.meta[key] = text

    def next_id(self, kind: str) -> int:
        n = self._s.sequences.get(kind, 0) + 1
        self._s.sequences[kind] = n
        return n

    # -- articles --------------------------------------------------------------------------
    def put_article(self, article: Article) -> bool:
        row = article_row(article)
        old = self._s.articles.get(article.id)
        self._s.articles[article.id] = row  # an existing key keeps its position
        if old is None or old["raw_sha256"] != row["raw_sha256"]:
            if old is not None:
                ids = self._s.raw_index.get(old["raw_sha256"], {})
                ids.pop(article.id, None)
                if not ids:
                    self._s.raw_index.pop(old["raw_sha256"], None)
            if row["raw_sha256"]:
                self._s.raw_index.setdefault(row["raw_sha256"], {})[article.id] = None
        return old is None

    def get_article(self, article_id: str) -> Article | None:
        row = self._s.articles.get(article_id)
        return None if row is None else article_from_row(row)

    def has_raw(self, raw_sha256: str) -> str | None:
        ids = self._s.raw_index.get(raw_sha256) if raw_sha256 else None
        return next(iter(ids), None) if ids else None

    def iter_articles(
        self,
        *,
        event_id: str | None = None,
        story_id: str | None = None,
        lang: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[Article]:
        rows = [
            r
            for r in self._s.articles.values()
            if (event_id is None or r["event_id"] == event_id)
            and (story_id is None or r["story_id"] == story_id)
            and (lang is None or r["lang"] == lang)
        ]
        start = max(offset, 0)
        stop = None if limit is None else start + max(limit, 0)
        return (article_from_row(r) for r in rows[start:stop])

    def count_articles(self) -> int:
        return len(self._s.articles)

    def find_articles_by_doc_id(self, doc_id: str) -> list[Article]:
        """Articles whose input id is ``doc_id``, in ingest order."""
        return [article_from_row(r) for r in self._s.articles.values() if r["doc_id"] == doc_id]

    # -- vectors ---------------------------------------------------------------------------
    def put_vectors(self, space: str, items: dict[str, np.ndarray]) -> None:
        vecs = {str(k): _as_vector(k, v) for k, v in items.items()}
        self._s.vectors.setdefault(space, {}).update(vecs)

    def get_vectors(self, space: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        stored = self._s.vectors.get(space, {})
        return {i: stored[i].copy() for i in dict.fromkeys(ids) if i in stored}

    def iter_vectors(self, space: str) -> Iterator[tuple[str, np.ndarray]]:
        stored = self._s.vectors.get(space, {})
        return ((i, stored[i].copy()) for i in sorted(stored))

    # -- events and stories ----------------------------------------------------------------
    def put_event(self, event: Event) -> None:
        row = event_row(event)
        self._s.events[event.id] = row

    def get_event(self, event_id: str) -> Event | None:
        row = self._s.events.get(event_id)
        return None if row is None else event_from_row(row)

    def list_events(
        self, *, include_dead: bool = False, story_id: str | None = None
    ) -> list[Event]:
        ids = sorted(self._s.events, key=id_sort_key)
        rows = (self._s.events[i] for i in ids)
        return [
            event_from_row(r)
            for r in rows
            if (include_dead or r["alive"]) and (story_id is None or r["story_id"] == story_id)
        ]

    def put_story(self, story: Story) -> None:
        row = story_row(story)
        self._s.stories[story.id] = row

    def get_story(self, story_id: str) -> Story | None:
        row = self._s.stories.get(story_id)
        return None if row is None else story_from_row(row)

    def list_stories(self, *, include_dead: bool = False) -> list[Story]:
        ids = sorted(self._s.stories, key=id_sort_key)
        rows = (self._s.stories[i] for i in ids)
        return [story_from_row(r) for r in rows if include_dead or r["alive"]]

    # -- explanations and history ----------------------------------------------------------
    def put_join(self, reason: JoinReason) -> None:
        row = join_row(reason)
        self._s.joins.pop(reason.article_id, None)  # a replaced record moves to the end
        self._s.joins[reason.article_id] = row

    def get_joins(self, event_id: str) -> list[JoinReason]:
        return [join_from_row(r) for r in self._s.joins.values() if r["event_id"] == event_id]

    def append_merge(self, entry: MergeLogEntry) -> MergeLogEntry:
        row = merge_row(entry)
        self._s.merge_seq += 1
        row["seq"] = self._s.merge_seq
        self._s.merges.append(row)
        return merge_from_row(row)

    def merge_log(self, target: str | None = None) -> list[MergeLogEntry]:
        entries = [merge_from_row(r) for r in self._s.merges]
        if target is None:
            return entries
        return [m for m in entries if m.target == target or target in m.sources]

    # -- name-key document frequencies -----------------------------------------------------
    def add_key_counts(self, keys: Iterable[str]) -> None:
        distinct = dict.fromkeys(str(k) for k in keys)
        for k in distinct:
            self._s.key_df[k] = self._s.key_df.get(k, 0) + 1
        self._s.meta[KEY_DOCS_META] = to_json(self.key_docs() + 1)

    def key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        return {k: self._s.key_df.get(k, 0) for k in dict.fromkeys(keys)}

    def all_key_counts(self) -> dict[str, int]:
        return dict(self._s.key_df)

    def key_docs(self) -> int:
        return int(self.get_meta(KEY_DOCS_META, 0))

    # -- quarantine ------------------------------------------------------------------------
    def put_quarantine(self, item: Quarantined) -> bool:
        row = quarantine_row(item)
        key = (row["source"], -1 if row["line"] is None else row["line"], row["raw_sha256"])
        if key in self._s.quarantine:
            return False
        self._s.quarantine[key] = row
        return True

    def list_quarantine(self) -> list[Quarantined]:
        return [quarantine_from_row(r) for r in self._s.quarantine.values()]

    # -- CLI helpers -----------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        """Counts for ``storyline status``: events and stories count the alive ones."""
        return {
            "articles": len(self._s.articles),
            "events": sum(1 for r in self._s.events.values() if r["alive"]),
            "stories": sum(1 for r in self._s.stories.values() if r["alive"]),
            "quarantined": len(self._s.quarantine),
            "vectors": sum(len(v) for v in self._s.vectors.values()),
        }

    # -- search (inverted index in storyline.store.textindex) ------------------------------
    def search_text(
        self,
        query: TextQuery,
        *,
        filters: SearchFilters | None = None,
        among: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float]]:
        self._text.sync(self._s.articles)
        return self._text.search(query, filters=filters, among=among, limit=limit)

    def filter_article_ids(self, filters: SearchFilters) -> set[str]:
        return {aid for aid, row in self._s.articles.items() if filters.passes(row)}

    def article_briefs(self, ids: Iterable[str]) -> dict[str, ArticleBrief]:
        rows = self._s.articles
        return {i: ArticleBrief.from_row(rows[i]) for i in dict.fromkeys(ids) if i in rows}

    def delete_vectors(self, space: str, ids: Iterable[str]) -> None:
        stored = self._s.vectors.get(space, {})
        for i in ids:
            stored.pop(i, None)

    def mention_counts(self) -> Iterator[tuple[str, str, int]]:
        for aid, rows in list(self._s.mentions.items()):
            for eid, row in rows.items():
                yield aid, eid, int(row["count"])

    def count_vectors(self, space: str) -> int:
        return len(self._s.vectors.get(space, {}))

    def text_index_count(self) -> int:
        self._text.sync(self._s.articles)
        return len(self._text)
