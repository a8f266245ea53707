"""A :class:`Store` in a PostgreSQL database (``--db postgresql://user@host/db``).

For installations that outgrow one SQLite file: several readers and processes on one server
database, bulk loads from the Spark job (:mod:`storyline.scale`). Needs the ``postgres`` extra
(``pip install 'storyline[postgres]'``: psycopg 3).

* Same contract as the SQLite store (``tests/test_store_contract.py`` runs over all three).
* ``transaction()`` is one PostgreSQL transaction; the outermost block takes an advisory lock
  so writers take turns, as with SQLite's write lock (readers never wait). A killed process
  leaves the last committed batch: PostgreSQL rolls back what was not committed.
* Vectors keep their exact float32 bytes, plus a pgvector ``embedding`` with an HNSW index per
  article space (cosine) used by :meth:`nearest_vectors`, when the ``vector`` extension exists.
* Full text: :mod:`storyline.store.pg_search` (``tsvector`` of storyline's tokens, bm25).
* Migrations: :mod:`storyline.store.pg_schema`, applied when the store is opened.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from storyline.errors import StoreError
from storyline.model import Article
from storyline.store import pg_search
from storyline.store.base import Store
from storyline.store.migrate import apply_migrations, check_not_newer
from storyline.store.pg_entities import PostgresEntityTables
from storyline.store.pg_records import PostgresRecordTables
from storyline.store.pg_schema import (
    APPLICATION,
    PG_MIGRATIONS,
    PG_SCHEMA_VERSION,
    SCHEMA_TABLE,
    VECTOR_COLUMN,
    WRITE_LOCK,
    dec_row,
    enc_row,
)
from storyline.store.pg_vectors import PostgresVectorTables
from storyline.store.schema import (
    ARTICLE_COLUMNS,
    article_from_row,
    article_row,
    from_json,
    to_json,
)
from storyline.store.textquery import ArticleBrief, SearchFilters, TextQuery
from storyline.store.watch_tables import PostgresWatchTables

logger = logging.getLogger(__name__)

_PAGE = 256


_ART_COLS = (*ARTICLE_COLUMNS, "tsv", "ntok")
_ARTICLE_INSERT = (
    f"INSERT INTO articles ({', '.join(_ART_COLS)}) VALUES ("
    + ", ".join("%(tsv)s::tsvector" if c == "tsv" else f"%({c})s" for c in _ART_COLS)
    + ")"
)
_ARTICLE_UPDATE = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = %({c})s" for c in ARTICLE_COLUMNS if c != "id")
    + " WHERE id = %(id)s"
)


def redact(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    return re.sub(r"(://[^/:@]+:)[^/@]*@", r"\1***@", url)


def _import_psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(
            "a postgresql:// store needs psycopg 3: pip install 'storyline[postgres]'"
        ) from exc
    return psycopg


class PostgresStore(
    PostgresRecordTables, PostgresEntityTables, PostgresWatchTables, PostgresVectorTables, Store
):
    """A store in one PostgreSQL database (the URL's), shared by any number of processes.

    ``timeout`` is how long a write waits for another process's write transaction.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        psycopg = _import_psycopg()
        from psycopg.rows import dict_row

        self.path = None
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1).replace(
            "postgresql+psycopg2://", "postgresql://", 1
        )
        self._where = redact(self.url)
        self._errors: type[Exception] = psycopg.Error
        self._timeout = timeout
        self._depth = 0
        self._closed = False
        self.has_vector = False
        self._ann: set[str] = set()
        try:
            self._conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to PostgreSQL store {self._where}: {exc}".strip()
                + " (is the server running, and the URL's user, host and database right?)"
            ) from exc
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            raise
        logger.debug("opened store %s (schema %d)", self._where, PG_SCHEMA_VERSION)

    def __repr__(self) -> str:
        return f"PostgresStore({self._where!r})"

    # -- opening ---------------------------------------------------------------------------
    def _x(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        try:
            return self._conn.execute(sql, params)
        except self._errors as exc:
            if self._depth:
                raise  # the transaction turns it into a StoreError after rolling back
            raise StoreError(f"store {self._where}: {exc}") from exc

    def _one(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self._x(sql, params).fetchone()
        return None if row is None else next(iter(row.values()))

    def _schema_version(self) -> int:
        return int(
            self._one(
                "SELECT coalesce(max(version), 0) FROM storyline_schema WHERE application = %s",
                [APPLICATION],
            )
        )

    def _migrate(self) -> None:
        self.has_vector = bool(
            self._one("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")
        )
        with self.transaction():
            self._x(SCHEMA_TABLE)
            version = self._schema_version()
            check_not_newer(self._where, version, PG_SCHEMA_VERSION)
            if version == 0 and self._one(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_name IN ('articles', 'events', 'meta')"
            ):
                raise StoreError(
                    f"database {self._where} already holds tables named like storyline's but "
                    "is not a storyline store. Give an empty database (createdb NAME)."
                )
            apply_migrations(
                self._where,
                version,
                PG_MIGRATIONS,
                self._x,
                lambda v: self._x(
                    "INSERT INTO storyline_schema (application, version) VALUES (%s, %s) "
                    "ON CONFLICT (application) DO UPDATE SET version = excluded.version",
                    [APPLICATION, v],
                ),
            )
            if self.has_vector:
                try:
                    self._x("CREATE EXTENSION IF NOT EXISTS vector")
                    self._x(VECTOR_COLUMN)
                except self._errors as exc:
                    raise StoreError(
                        f"store {self._where}: pgvector is installed but cannot be enabled "
                        f"({exc}); run CREATE EXTENSION vector as a superuser once"
                    ) from exc
        if not self.has_vector:
            logger.warning(
                "store %s: PostgreSQL has no pgvector extension; nearest-neighbour queries "
                "are exact scans (install pgvector for an HNSW index)",
                self._where,
            )

    # -- lifecycle -------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth > 0:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._conn.execute("BEGIN")
            self._conn.execute(f"SET LOCAL lock_timeout = '{int(self._timeout * 1000)}ms'")
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        except self._errors as exc:
            self._rollback()
            raise StoreError(
                f"cannot write to store {self._where}: {exc} (another storyline process may "
                f"be writing to it; waited {self._timeout:g} s). Try again when it has finished."
            ) from exc
        self._depth = 1
        try:
            yield
            self._conn.execute("UPDATE store_version SET n = n + 1 WHERE id = 1")
        except BaseException as exc:
            self._depth = 0
            self._rollback()
            if isinstance(exc, self._errors):
                raise StoreError(
                    f"write to store {self._where} failed and was undone: {exc}"
                ) from exc
            raise
        self._depth = 0
        try:
            self._conn.execute("COMMIT")
        except self._errors as exc:
            self._rollback()
            raise StoreError(f"cannot commit to store {self._where}: {exc}") from exc

    def _rollback(self) -> None:
        try:
            self._conn.execute("ROLLBACK")
        except self._errors:
            logger.exception("store %s: rollback failed", self._where)

    def version(self) -> object:
        """Commits by any process (a counter every write transaction increments)."""
        return self._one("SELECT n FROM store_version WHERE id = 1")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(Exception):
            self._conn.close()

    # -- metadata and id sequences ---------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        text = self._one("SELECT value FROM meta WHERE key = %s", [key])
        return default if text is None else from_json(str(text))

    def set_meta(self, key: str, value: Any) -> None:
        text = to_json(value, f"meta value {key!r}")
        with self.transaction():
            self._x(
                "INSERT INTO meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, text],
            )

    def next_id(self, kind: str) -> int:
        with self.transaction():
            return int(
                self._one(
                    "INSERT INTO sequences (kind, n) VALUES (%s, 1) ON CONFLICT (kind) "
                    "DO UPDATE SET n = sequences.n + 1 RETURNING n",
                    [kind],
                )
            )

    # -- articles --------------------------------------------------------------------------
    def put_article(self, article: Article) -> bool:
        row = enc_row(article_row(article))
        with self.transaction():
            old = self._x("SELECT title, text FROM articles WHERE id = %s", [article.id]).fetchone()
            if old is None:
                row["tsv"], row["ntok"] = pg_search.tsvector_literal(article.title, article.text)
                self._x(_ARTICLE_INSERT, row)
                return True
            self._x(_ARTICLE_UPDATE, row)  # keeps ingest_seq
            if (old["title"], old["text"]) != (row["title"], row["text"]):
                tsv, ntok = pg_search.tsvector_literal(article.title, article.text)
                self._x(
                    "UPDATE articles SET tsv = %s::tsvector, ntok = %s WHERE id = %s",
                    [tsv, ntok, article.id],
                )
            return False

    def get_article(self, article_id: str) -> Article | None:
        row = self._x(f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = %s",
                      [article_id]).fetchone()  # fmt: skip
        return None if row is None else article_from_row(dec_row(row))

    def has_raw(self, raw_sha256: str) -> str | None:
        if not raw_sha256:
            return None
        found = self._one(
            "SELECT id FROM articles WHERE raw_sha256 = %s AND raw_sha256 <> '' "
            "ORDER BY ingest_seq LIMIT 1",
            [raw_sha256],
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
        where = "".join(f" AND {column} = %s" for column, value in filters if value is not None)
        params = [value for _, value in filters if value is not None]
        sql = (
            f"SELECT ingest_seq, {', '.join(ARTICLE_COLUMNS)} FROM articles "
            f"WHERE ingest_seq > %s{where} ORDER BY ingest_seq LIMIT %s OFFSET %s"
        )
        return self._page_articles(sql, params, limit, max(offset, 0))

    def _page_articles(
        self, sql: str, params: list[Any], limit: int | None, offset: int
    ) -> Iterator[Article]:
        remaining = None if limit is None else max(limit, 0)
        last_seq = 0
        while remaining is None or remaining > 0:
            n = _PAGE if remaining is None else min(_PAGE, remaining)
            rows = self._x(sql, [last_seq, *params, n, offset]).fetchall()
            offset = 0
            yield from (article_from_row(dec_row(row)) for row in rows)
            if len(rows) < n:
                return
            last_seq = rows[-1]["ingest_seq"]
            if remaining is not None:
                remaining -= n

    def count_articles(self) -> int:
        return int(self._one("SELECT count(*) FROM articles"))

    def find_articles_by_doc_id(self, doc_id: str) -> list[Article]:
        rows = self._x(
            f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE doc_id = %s "
            "ORDER BY ingest_seq",
            [doc_id],
        ).fetchall()
        return [article_from_row(dec_row(r)) for r in rows]

    def stats(self) -> dict[str, int]:
        tables = {
            "articles": "articles",
            "events": "events WHERE alive = 1",
            "stories": "stories WHERE alive = 1",
            "quarantined": "quarantine",
            "vectors": "vectors",
        }
        return {k: int(self._one(f"SELECT count(*) FROM {t}")) for k, t in tables.items()}

    # -- search ----------------------------------------------------------------------------
    def search_text(
        self,
        query: TextQuery,
        *,
        filters: SearchFilters | None = None,
        among: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float]]:
        return pg_search.search_text(self._conn, query, filters=filters, among=among, limit=limit)

    def filter_article_ids(self, filters: SearchFilters) -> set[str]:
        return pg_search.filter_article_ids(self._conn, filters)

    def article_briefs(self, ids: Iterable[str]) -> dict[str, ArticleBrief]:
        return pg_search.article_briefs(self._conn, list(ids))

    def text_index_count(self) -> int:
        return int(self._one("SELECT count(*) FROM articles WHERE tsv IS NOT NULL"))
