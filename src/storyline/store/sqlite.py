"""The default :class:`Store`: one SQLite file (stdlib ``sqlite3``, WAL, migrations).

Connections, transactions and migrations are in :mod:`storyline.store.sqlite_conn` (every
write method runs in a transaction, so a killed process leaves the last committed state); the
layout and the migrations in :mod:`storyline.store.schema`, the rows in
:mod:`storyline.store.rows`. This module reads and writes the tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from storyline.errors import StoreError
from storyline.model import Article, Event, JoinReason, MergeLogEntry, Quarantined, Story
from storyline.store import fts
from storyline.store.base import Store
from storyline.store.entity_tables import SQLiteEntityTables
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    JOIN_COLUMNS,
    QUARANTINE_COLUMNS,
    STORY_COLUMNS,
    article_from_row,
    article_row,
    event_from_row,
    event_row,
    from_json,
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
from storyline.store.schema import KEY_DOCS_META
from storyline.store.sqlite_conn import SQLiteConnections
from storyline.store.textquery import ArticleBrief, SearchFilters, TextQuery
from storyline.store.watch_tables import SQLiteWatchTables

_IN_CHUNK = 500  # ids per ``IN (...)`` query (well under SQLite's variable limit)
_PAGE = 256  # rows per page when streaming articles and vectors
_VEC_DTYPE = np.dtype("<f4")


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _insert_sql(table: str, columns: Sequence[str], conflict: str = "") -> str:
    cols = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return f"INSERT INTO {table} ({cols}) VALUES ({values}){conflict}"


def _upsert_sql(table: str, columns: Sequence[str], key: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return _insert_sql(table, columns, f" ON CONFLICT({key}) DO UPDATE SET {updates}")


_ARTICLE_INSERT = (
    f"INSERT INTO articles (ingest_seq, {', '.join(ARTICLE_COLUMNS)}) VALUES "
    f"((SELECT coalesce(max(ingest_seq), 0) + 1 FROM articles), "
    f"{', '.join(':' + c for c in ARTICLE_COLUMNS)})"
)
_ARTICLE_UPDATE = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = :{c}" for c in ARTICLE_COLUMNS if c != "id")
    + " WHERE id = :id"
)
_EVENT_UPSERT = _upsert_sql("events", EVENT_COLUMNS, "id")
_STORY_UPSERT = _upsert_sql("stories", STORY_COLUMNS, "id")
_JOIN_REPLACE = _insert_sql("joins", JOIN_COLUMNS).replace("INSERT", "INSERT OR REPLACE", 1)
_QUARANTINE_INSERT = _insert_sql("quarantine", QUARANTINE_COLUMNS, " ON CONFLICT DO NOTHING")


class SQLiteStore(SQLiteConnections, SQLiteEntityTables, SQLiteWatchTables, Store):
    """A store in one SQLite file (``":memory:"`` for a throw-away one).

    ``timeout`` is how long a write waits for another process holding the lock.
    """

    # -- metadata and id sequences ---------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        text = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return default if text is None else from_json(str(text))

    def set_meta(self, key: str, value: Any) -> None:
        text = to_json(value, f"meta value {key!r}")
        with self.transaction():
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, text),
            )

    def next_id(self, kind: str) -> int:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO sequences (kind, n) VALUES (?, 1) "
                "ON CONFLICT(kind) DO UPDATE SET n = n + 1",
                (kind,),
            )
            return int(self._one("SELECT n FROM sequences WHERE kind = ?", (kind,)))

    # -- articles --------------------------------------------------------------------------
    def put_article(self, article: Article) -> bool:
        row = article_row(article)
        with self.transaction():
            if self._one("SELECT 1 FROM articles WHERE id = ?", (article.id,)) is None:
                self._conn.execute(_ARTICLE_INSERT, row)
                return True
            self._conn.execute(_ARTICLE_UPDATE, row)  # keeps ingest_seq
            return False

    def get_article(self, article_id: str) -> Article | None:
        row = self._conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else article_from_row(row)

    def has_raw(self, raw_sha256: str) -> str | None:
        if not raw_sha256:
            return None
        found = self._one(
            "SELECT id FROM articles WHERE raw_sha256 = ? AND raw_sha256 <> '' "
            "ORDER BY ingest_seq LIMIT 1",
            (raw_sha256,),
        )
        return None if found is None else str(found)

    def iter_articles(
        self,
        *,
        event_id: str | None = None,
        story_id: str | None = None,
        lang: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Iterator[Article]:
        filters = [("event_id", event_id), ("story_id", story_id), ("lang", lang)]
        where = "".join(f" AND {column} = ?" for column, value in filters if value is not None)
        params = [value for _, value in filters if value is not None]
        sql = f"SELECT * FROM articles WHERE ingest_seq > ?{where} ORDER BY ingest_seq"
        sql += " LIMIT ? OFFSET ?"
        return self._page_articles(sql, params, limit, max(offset, 0))

    def _page_articles(
        self, sql: str, params: list[Any], limit: int | None, offset: int
    ) -> Iterator[Article]:
        # Keyset pagination on ingest_seq: no statement stays open while the caller holds an
        # article, so the caller may write (even commit) between items.
        remaining = None if limit is None else max(limit, 0)
        last_seq = 0
        while remaining is None or remaining > 0:
            n = _PAGE if remaining is None else min(_PAGE, remaining)
            rows = self._conn.execute(sql, [last_seq, *params, n, offset]).fetchall()
            offset = 0  # applies to the first page only
            yield from (article_from_row(row) for row in rows)
            if len(rows) < n:
                return
            last_seq = rows[-1]["ingest_seq"]
            if remaining is not None:
                remaining -= n

    def story_dates(self, story_ids: Iterable[str]) -> dict[str, list[str | None]]:
        out: dict[str, list[str | None]] = {sid: [] for sid in story_ids}
        ids = list(out)
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            marks = ",".join("?" * len(part))
            rows = self._conn.execute(
                f"SELECT story_id, date_value FROM articles WHERE story_id IN ({marks}) "
                "ORDER BY ingest_seq",
                part,
            ).fetchall()
            for sid, value in rows:
                out[sid].append(value)
        return out

    def count_articles(self) -> int:
        return int(self._one("SELECT count(*) FROM articles"))

    def find_articles_by_doc_id(self, doc_id: str) -> list[Article]:
        """Articles whose input id is ``doc_id``, in ingest order."""
        rows = self._conn.execute(
            "SELECT * FROM articles WHERE doc_id = ? ORDER BY ingest_seq", (doc_id,)
        ).fetchall()
        return [article_from_row(r) for r in rows]

    # -- vectors ---------------------------------------------------------------------------
    def put_vectors(self, space: str, items: dict[str, np.ndarray]) -> None:
        rows = []
        for item_id, value in items.items():
            vec = np.asarray(value, dtype=_VEC_DTYPE)
            if vec.ndim != 1:
                raise StoreError(
                    f"vector for {item_id!r} has shape {vec.shape}; expected one dimension"
                )
            rows.append((space, str(item_id), int(vec.shape[0]), vec.tobytes()))
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO vectors (space, id, dim, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(space, id) DO UPDATE SET dim = excluded.dim, data = excluded.data",
                rows,
            )

    def _vector(self, row: sqlite3.Row) -> np.ndarray:
        vec = np.frombuffer(row["data"], dtype=_VEC_DTYPE).astype(np.float32)
        if vec.shape[0] != row["dim"]:
            raise StoreError(f"store {self._where}: vector {row['id']!r} is damaged")
        return vec

    def get_vectors(self, space: str, ids: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i : i + _IN_CHUNK]
            marks = _marks(len(chunk))
            sql = f"SELECT id, dim, data FROM vectors WHERE space = ? AND id IN ({marks})"
            rows = self._conn.execute(sql, (space, *chunk)).fetchall()
            for row in rows:
                found[row["id"]] = self._vector(row)
        return {i: found[i] for i in wanted if i in found}  # in the order asked

    def iter_vectors(self, space: str) -> Iterator[tuple[str, np.ndarray]]:
        last = ""
        while True:
            rows = self._conn.execute(
                "SELECT id, dim, data FROM vectors WHERE space = ? AND id > ? ORDER BY id LIMIT ?",
                (space, last, _PAGE),
            ).fetchall()
            for row in rows:
                yield row["id"], self._vector(row)
            if len(rows) < _PAGE:
                return
            last = rows[-1]["id"]

    # -- events and stories ----------------------------------------------------------------
    def put_event(self, event: Event) -> None:
        row = event_row(event)
        with self.transaction():
            self._conn.execute(_EVENT_UPSERT, row)

    def get_event(self, event_id: str) -> Event | None:
        row = self._conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return None if row is None else event_from_row(row)

    def list_events(
        self, *, include_dead: bool = False, story_id: str | None = None
    ) -> list[Event]:
        rows = self._conn.execute(
            "SELECT * FROM events WHERE (alive = 1 OR ?) AND (? IS NULL OR story_id = ?) "
            "ORDER BY length(id), id",
            (int(include_dead), story_id, story_id),
        )
        return [event_from_row(r) for r in rows.fetchall()]

    def put_story(self, story: Story) -> None:
        row = story_row(story)
        with self.transaction():
            self._conn.execute(_STORY_UPSERT, row)

    def get_story(self, story_id: str) -> Story | None:
        row = self._conn.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return None if row is None else story_from_row(row)

    def list_stories(self, *, include_dead: bool = False) -> list[Story]:
        where = "" if include_dead else " WHERE alive = 1"
        rows = self._conn.execute(f"SELECT * FROM stories{where} ORDER BY length(id), id")
        return [story_from_row(r) for r in rows.fetchall()]

    # -- explanations and history ----------------------------------------------------------
    def put_join(self, reason: JoinReason) -> None:
        row = join_row(reason)
        with self.transaction():
            # REPLACE deletes the earlier record, so the new one sorts last (rowid order).
            self._conn.execute(_JOIN_REPLACE, row)

    def get_joins(self, event_id: str) -> list[JoinReason]:
        rows = self._conn.execute(
            "SELECT * FROM joins WHERE event_id = ? ORDER BY rowid", (event_id,)
        ).fetchall()
        return [join_from_row(r) for r in rows]

    def append_merge(self, entry: MergeLogEntry) -> MergeLogEntry:
        row = merge_row(entry)
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO merge_log (kind, target, sources, detail, at) "
                "VALUES (:kind, :target, :sources, :detail, :at)",
                row,
            )
            seq = cur.lastrowid
            mentioned = dict.fromkeys([entry.target, *(str(s) for s in entry.sources)])
            self._conn.executemany(
                "INSERT OR IGNORE INTO merge_log_ids (id, seq) VALUES (?, ?)",
                [(i, seq) for i in mentioned],
            )
        return merge_from_row({**row, "seq": seq})

    def merge_log(self, target: str | None = None) -> list[MergeLogEntry]:
        if target is None:
            cur = self._conn.execute("SELECT * FROM merge_log ORDER BY seq")
        else:
            cur = self._conn.execute(
                "SELECT * FROM merge_log WHERE seq IN "
                "(SELECT seq FROM merge_log_ids WHERE id = ?) ORDER BY seq",
                (target,),
            )
        return [merge_from_row(r) for r in cur.fetchall()]

    # -- name-key document frequencies -----------------------------------------------------
    def add_key_counts(self, keys: Iterable[str]) -> None:
        distinct = [(k,) for k in dict.fromkeys(str(k) for k in keys)]
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO key_df (key, n) VALUES (?, 1) "
                "ON CONFLICT(key) DO UPDATE SET n = n + 1",
                distinct,
            )
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                (KEY_DOCS_META,),
            )

    def key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        counts = dict.fromkeys(keys, 0)
        wanted = list(counts)
        for i in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[i : i + _IN_CHUNK]
            rows = self._conn.execute(
                f"SELECT key, n FROM key_df WHERE key IN ({_marks(len(chunk))})", tuple(chunk)
            )
            for key, n in rows.fetchall():
                counts[key] = int(n)
        return counts

    def all_key_counts(self) -> dict[str, int]:
        rows = self._conn.execute("SELECT key, n FROM key_df")
        return {key: int(n) for key, n in rows.fetchall()}

    def key_docs(self) -> int:
        return int(self.get_meta(KEY_DOCS_META, 0))

    # -- quarantine ------------------------------------------------------------------------
    def put_quarantine(self, item: Quarantined) -> bool:
        row = quarantine_row(item)
        with self.transaction():
            return self._conn.execute(_QUARANTINE_INSERT, row).rowcount == 1

    def list_quarantine(self) -> list[Quarantined]:
        rows = self._conn.execute("SELECT * FROM quarantine ORDER BY id").fetchall()
        return [quarantine_from_row(r) for r in rows]

    # -- CLI helpers -----------------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        """Counts for ``storyline status``: events and stories count the alive ones."""
        tables = {
            "articles": "articles",
            "events": "events WHERE alive = 1",
            "stories": "stories WHERE alive = 1",
            "quarantined": "quarantine",
            "vectors": "vectors",
        }
        return {k: int(self._one(f"SELECT count(*) FROM {t}")) for k, t in tables.items()}

    # -- derived views ---------------------------------------------------------------------
    keeps_derived = True  # the ``derived`` table

    def get_derived(self, kind: str, refs: Iterable[str]) -> dict[str, tuple[str, Any]]:
        out: dict[str, tuple[str, Any]] = {}
        ids = list(dict.fromkeys(refs))
        for i in range(0, len(ids), _IN_CHUNK):
            part = ids[i : i + _IN_CHUNK]
            rows = self._conn.execute(
                "SELECT ref, fingerprint, value FROM derived "
                f"WHERE kind = ? AND ref IN ({_marks(len(part))})",
                (kind, *part),
            )
            for ref, fp, value in rows:
                out[ref] = (fp, from_json(value))
        return out

    def put_derived(self, kind: str, items: Mapping[str, tuple[str, Any] | None]) -> None:
        with self.transaction():
            for ref, item in items.items():
                if item is None:
                    self._conn.execute(
                        "DELETE FROM derived WHERE kind = ? AND ref = ?", (kind, ref)
                    )
                    continue
                value = to_json(item[1], f"derived {kind} of {ref}")
                self._conn.execute(
                    "INSERT INTO derived (kind, ref, fingerprint, value) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(kind, ref) DO UPDATE SET fingerprint = excluded.fingerprint, "
                    "value = excluded.value",
                    (kind, ref, item[0], value),
                )

    def derived_fingerprints(self, kind: str) -> dict[str, str]:
        rows = self._conn.execute("SELECT ref, fingerprint FROM derived WHERE kind = ?", (kind,))
        return {str(r[0]): str(r[1]) for r in rows}

    # -- search (SQL in storyline.store.fts) -----------------------------------------------
    def search_text(
        self,
        query: TextQuery,
        *,
        filters: SearchFilters | None = None,
        among: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float]]:
        return fts.search_text(self._conn, query, filters=filters, among=among, limit=limit)

    def filter_article_ids(self, filters: SearchFilters) -> set[str]:
        return fts.filter_article_ids(self._conn, filters)

    def article_briefs(self, ids: Iterable[str]) -> dict[str, ArticleBrief]:
        return fts.article_briefs(self._conn, ids)

    def count_vectors(self, space: str) -> int:
        return int(self._one("SELECT count(*) FROM vectors WHERE space = ?", (space,)))

    def text_index_count(self) -> int:
        return fts.indexed_count(self._conn)

    # -- consistency (storyline check) -----------------------------------------------------
    def vector_ids(self, space: str) -> set[str]:
        rows = self._conn.execute("SELECT id FROM vectors WHERE space = ?", (space,))
        return {r[0] for r in rows.fetchall()}

    def delete_vectors(self, space: str, ids: Iterable[str]) -> None:
        with self.transaction():
            self._conn.executemany(
                "DELETE FROM vectors WHERE space = ? AND id = ?", [(space, i) for i in ids]
            )

    def text_index_drift(self) -> list[str]:
        return fts.drift(self._conn)

    def rebuild_text_index(self) -> None:
        with self.transaction():
            self._conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")

    def mention_counts(self) -> Iterator[tuple[str, str, int]]:
        rows = self._conn.execute("SELECT article_id, entity_id, count FROM mentions")
        for r in rows.fetchall():
            yield r[0], r[1], int(r[2])
