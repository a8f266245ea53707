"""Full-text search in the SQLite store: the FTS5 index (schema version 2) and its queries.

``articles_fts`` is an *external-content* FTS5 table over ``articles(title, text)`` keyed by
``ingest_seq`` (stable across updates and ``VACUUM``, unlike the implicit rowid). Triggers keep it
in step with the articles table inside the same transaction as the article write, so a rolled
back or killed transaction leaves both unchanged; the migration indexes the articles already in
the store. Only changes of the title or text re-index an article (moving it to another event
does not). Ranking is FTS5's bm25 with title hits weighted ``TITLE_WEIGHT`` times body hits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from storyline.store.filter_sql import and_all, filter_conditions
from storyline.store.textquery import (
    BODY_WEIGHT,
    BRIEF_COLUMNS,
    FTS_TOKENIZER,
    TITLE_WEIGHT,
    ArticleBrief,
    SearchFilters,
    TextQuery,
    contains,
)

_CHUNK = 500  # ids per ``IN (...)`` list

#: Statements of schema version 2 (run inside the migration's transaction).
FTS_V2: tuple[str, ...] = (
    f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text,
        content = 'articles', content_rowid = 'ingest_seq',
        tokenize = "{FTS_TOKENIZER}"
    )""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text)
        VALUES (new.ingest_seq, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.ingest_seq, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles
    WHEN old.title IS NOT new.title OR old.text IS NOT new.text
        OR old.ingest_seq IS NOT new.ingest_seq
    BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.ingest_seq, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text)
        VALUES (new.ingest_seq, new.title, new.text);
    END""",
    # index what a version-1 store already holds
    "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
)


def _filter_sql(conn: sqlite3.Connection, filters: SearchFilters | None) -> tuple[str, list[Any]]:
    """``AND ...`` conditions on ``articles AS a`` for ``filters``, with their parameters."""
    where, params = filter_conditions(filters, "?")
    if filters is not None and filters.source is not None:
        conn.create_function("storyline_contains", 2, contains, deterministic=True)
        where.append("(storyline_contains(a.source_name, ?) OR storyline_contains(a.source, ?))")
        params.extend([filters.source, filters.source])
    return and_all(where), params


def search_text(
    conn: sqlite3.Connection,
    query: TextQuery,
    *,
    filters: SearchFilters | None = None,
    among: Iterable[str] | None = None,
    limit: int = 100,
) -> list[tuple[str, float]]:
    """``(article id, -bm25)`` of the best matches, best first (ties in ingest order)."""
    expr = query.fts5()
    if not expr or limit <= 0:
        return []
    cond, params = _filter_sql(conn, filters)
    sql = (
        f"SELECT a.id, -bm25(articles_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score, a.ingest_seq "
        "FROM articles_fts JOIN articles AS a ON a.ingest_seq = articles_fts.rowid "
        f"WHERE articles_fts MATCH ?{cond}"
    )
    if among is None:
        rows = conn.execute(
            sql + " ORDER BY score DESC, a.ingest_seq LIMIT ?", [expr, *params, limit]
        ).fetchall()
        return [(str(r[0]), float(r[1])) for r in rows]
    wanted = list(dict.fromkeys(among))
    found: list[tuple[float, int, str]] = []
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        cur = conn.execute(f"{sql} AND a.id IN ({marks})", [expr, *params, *chunk])
        found.extend((-float(r[1]), int(r[2]), str(r[0])) for r in cur.fetchall())
    found.sort()
    return [(aid, -neg) for neg, _, aid in found[:limit]]


def filter_article_ids(conn: sqlite3.Connection, filters: SearchFilters) -> set[str]:
    """Ids of the articles passing ``filters``."""
    cond, params = _filter_sql(conn, filters)
    rows = conn.execute(f"SELECT a.id FROM articles AS a WHERE 1{cond}", params)
    return {str(r[0]) for r in rows.fetchall()}


def article_briefs(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, ArticleBrief]:
    """Briefs of the given articles (missing ids are absent), in the order asked."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, ArticleBrief] = {}
    columns = ", ".join(BRIEF_COLUMNS)
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        rows = conn.execute(
            f"SELECT {columns} FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        for row in rows.fetchall():
            found[row["id"]] = ArticleBrief.from_row(row)
    return {i: found[i] for i in wanted if i in found}


def indexed_count(conn: sqlite3.Connection) -> int:
    """Number of articles in the full-text index (one ``docsize`` row per indexed article)."""
    return int(conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0])


def check_index(conn: sqlite3.Connection) -> None:
    """Raise ``sqlite3.DatabaseError`` unless the index matches the articles table exactly."""
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def drift(conn: sqlite3.Connection) -> list[str]:
    """Articles missing from the index, and ``"?"`` notes for index rows of no article or a
    failed integrity check (the index does not match the texts). Empty when in step."""
    missing = conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN articles_fts_docsize d "
        "ON d.id = a.ingest_seq WHERE d.id IS NULL ORDER BY a.ingest_seq"
    ).fetchall()
    out = [str(r[0]) for r in missing]
    extra = conn.execute(
        "SELECT count(*) FROM articles_fts_docsize d LEFT JOIN articles a "
        "ON a.ingest_seq = d.id WHERE a.id IS NULL"
    ).fetchone()[0]
    if extra:
        out.append(f"? {extra} index rows of no article")
    if not out:
        try:
            check_index(conn)
        except sqlite3.DatabaseError as exc:
            out.append(f"? integrity check: {exc}")
    return out
