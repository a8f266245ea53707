"""Table layout of the SQLite store and its migrations.

``MIGRATIONS`` is the ordered list of schema steps; step *n* takes a store from schema version
*n - 1* to *n* (the version lives in ``PRAGMA user_version``). Append new steps, never edit
released ones.

The mapping between dataclasses and rows (``*_row`` / ``*_from_row``, the column lists, JSON
helpers) lives in :mod:`storyline.store.rows`; it is re-exported here for existing imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from storyline.store.entity_tables import ENTITY_V3
from storyline.store.fts import FTS_V2
from storyline.store.rows import (
    ARTICLE_COLUMNS,
    EVENT_COLUMNS,
    JOIN_COLUMNS,
    QUARANTINE_COLUMNS,
    STORY_COLUMNS,
    Row,
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
    now_iso,
    quarantine_from_row,
    quarantine_row,
    story_from_row,
    story_row,
    to_json,
)
from storyline.store.watch_tables import WATCH_V5

__all__ = [
    "APPLICATION_ID", "ARTICLE_COLUMNS", "EVENT_COLUMNS", "JOIN_COLUMNS", "KEY_DOCS_META",
    "MIGRATIONS", "QUARANTINE_COLUMNS", "SCHEMA_VERSION", "STORY_COLUMNS", "Migration", "Row",
    "article_from_row", "article_row", "event_from_row", "event_row", "from_json",
    "id_sort_key", "join_from_row", "join_row", "merge_from_row", "merge_row", "now_iso",
    "quarantine_from_row", "quarantine_row", "story_from_row", "story_row", "to_json",
]  # fmt: skip

#: ``PRAGMA application_id`` of a storyline store ("STLN").
APPLICATION_ID = 0x53544C4E

#: Meta key holding the number of documents counted by ``add_key_counts``.
KEY_DOCS_META = "key_docs"


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # executed one by one inside the opening transaction


_V1 = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL              -- JSON
    ) WITHOUT ROWID""",
    """CREATE TABLE sequences (
        kind TEXT PRIMARY KEY,
        n INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        ingest_seq INTEGER NOT NULL UNIQUE,   -- ingest order, kept on update
        doc_id TEXT NOT NULL,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        line INTEGER,
        byte_offset INTEGER,
        raw_sha256 TEXT NOT NULL DEFAULT '',
        encoding TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        raw_text TEXT NOT NULL DEFAULT '',
        url TEXT,
        source_name TEXT,
        lang TEXT,                            -- NULL when the article has no LangInfo
        lang_confidence REAL,
        lang_mixed INTEGER,
        date_value TEXT,
        date_is_estimate INTEGER,             -- NULL when the article has no DateInfo
        date_granularity TEXT,
        date_confidence REAL,
        date_evidence TEXT,
        date_earliest TEXT,
        date_latest TEXT,
        dup_of TEXT,
        event_id TEXT,
        story_id TEXT,
        data TEXT NOT NULL DEFAULT '{}'       -- JSON: removed, lang_shares, times, keys, ...
    )""",
    "CREATE INDEX articles_raw ON articles(raw_sha256, ingest_seq) WHERE raw_sha256 <> ''",
    "CREATE INDEX articles_doc ON articles(doc_id, ingest_seq)",
    "CREATE INDEX articles_event ON articles(event_id, ingest_seq)",
    "CREATE INDEX articles_story ON articles(story_id, ingest_seq)",
    "CREATE INDEX articles_lang ON articles(lang, ingest_seq)",
    "CREATE INDEX articles_dup ON articles(dup_of) WHERE dup_of IS NOT NULL",
    "CREATE INDEX articles_date ON articles(date_value)",
    """CREATE TABLE vectors (
        space TEXT NOT NULL,
        id TEXT NOT NULL,
        dim INTEGER NOT NULL,
        data BLOB NOT NULL,                   -- little-endian float32
        PRIMARY KEY (space, id)
    )""",
    """CREATE TABLE events (
        id TEXT PRIMARY KEY,
        alive INTEGER NOT NULL DEFAULT 1,
        story_id TEXT,
        title TEXT NOT NULL DEFAULT '',
        date TEXT,
        date_is_estimate INTEGER NOT NULL DEFAULT 1,
        first_date TEXT,
        last_date TEXT,
        n_articles INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL DEFAULT '{}'       -- JSON: article_ids, languages, keys
    )""",
    "CREATE INDEX events_story ON events(story_id)",
    "CREATE INDEX events_first_date ON events(first_date)",
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        alive INTEGER NOT NULL DEFAULT 1,
        title TEXT NOT NULL DEFAULT '',
        first_date TEXT,
        last_date TEXT,
        n_events INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL DEFAULT '{}'       -- JSON: event_ids, languages, keys
    )""",
    """CREATE TABLE joins (
        article_id TEXT PRIMARY KEY,          -- one record per article, replaced on re-join
        event_id TEXT NOT NULL,
        score REAL NOT NULL,
        dense REAL NOT NULL,
        names REAL NOT NULL,
        time_gap_days REAL,
        new_event INTEGER NOT NULL,
        best_other TEXT,
        best_other_score REAL
    )""",
    "CREATE INDEX joins_event ON joins(event_id)",
    """CREATE TABLE merge_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        sources TEXT NOT NULL,                -- JSON list of ids
        detail TEXT NOT NULL DEFAULT '{}',    -- JSON
        at TEXT NOT NULL
    )""",
    """CREATE TABLE merge_log_ids (           -- every id an entry mentions (target + sources)
        id TEXT NOT NULL,
        seq INTEGER NOT NULL REFERENCES merge_log(seq) ON DELETE CASCADE,
        PRIMARY KEY (id, seq)
    ) WITHOUT ROWID""",
    """CREATE TABLE key_df (
        key TEXT PRIMARY KEY,
        n INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        message TEXT NOT NULL,
        line INTEGER,
        raw_sha256 TEXT NOT NULL DEFAULT '',
        sample BLOB NOT NULL,
        at TEXT NOT NULL
    )""",
    # NULLs are distinct in UNIQUE indexes, hence the coalesce: a file without line numbers
    # is still quarantined once.
    """CREATE UNIQUE INDEX quarantine_dedup
        ON quarantine(source, coalesce(line, -1), raw_sha256)""",
)

#: Values computed from other rows (a story's summary, an event's conflicting claims), each
#: with the fingerprint of what it was computed from: see :mod:`storyline.digest`.
DERIVED_V6 = (
    """CREATE TABLE derived (
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        value TEXT NOT NULL,                -- JSON
        PRIMARY KEY (kind, ref)
    )""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _V1),
    Migration(2, "full-text index of article titles and texts (FTS5)", FTS_V2),
    Migration(3, "entities, their mentions, and claims (who said what)", ENTITY_V3),
    Migration(
        4,
        "join reasons keep the named score terms that decided them",
        ("ALTER TABLE joins ADD COLUMN detail TEXT NOT NULL DEFAULT '{}'",),
    ),
    Migration(5, "watchlists and their alerts", WATCH_V5),
    Migration(6, "derived views kept with their fingerprint (story digests)", DERIVED_V6),
)

#: The schema version this storyline writes.
SCHEMA_VERSION = MIGRATIONS[-1].version
