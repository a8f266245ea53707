"""Events, stories, join reasons, the merge log, name-key counts and quarantine in the
PostgreSQL store (a part of :class:`~storyline.store.postgres.PostgresStore`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from storyline.model import Event, JoinReason, MergeLogEntry, Quarantined, Story
from storyline.store.base import Store
from storyline.store.pg_schema import dec_row, enc_row
from storyline.store.schema import (
    EVENT_COLUMNS,
    JOIN_COLUMNS,
    KEY_DOCS_META,
    QUARANTINE_COLUMNS,
    STORY_COLUMNS,
    event_from_row,
    event_row,
    join_from_row,
    join_row,
    merge_from_row,
    merge_row,
    quarantine_from_row,
    quarantine_row,
    story_from_row,
    story_row,
)


def named(columns: Sequence[str]) -> str:
    """``%(column)s`` placeholders of ``columns``."""
    return ", ".join(f"%({c})s" for c in columns)


def upsert(table: str, columns: Sequence[str], key: str) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({named(columns)}) "
        f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
    )


_EVENT_UPSERT = upsert("events", EVENT_COLUMNS, "id")
_STORY_UPSERT = upsert("stories", STORY_COLUMNS, "id")
_QUARANTINE_INSERT = (
    f"INSERT INTO quarantine ({', '.join(QUARANTINE_COLUMNS)}) "
    f"VALUES ({named(QUARANTINE_COLUMNS)}) ON CONFLICT DO NOTHING"
)


class PostgresRecordTables(Store):
    """Record methods of :class:`~storyline.store.postgres.PostgresStore`."""

    def _x(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    def _one(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    def transaction(self) -> Any:  # provided by the store
        raise NotImplementedError

    # -- events and stories ----------------------------------------------------------------
    def put_event(self, event: Event) -> None:
        with self.transaction():
            self._x(_EVENT_UPSERT, enc_row(event_row(event)))

    def get_event(self, event_id: str) -> Event | None:
        row = self._x("SELECT * FROM events WHERE id = %s", [event_id]).fetchone()
        return None if row is None else event_from_row(dec_row(row))

    def list_events(
        self, *, include_dead: bool = False, story_id: str | None = None
    ) -> list[Event]:
        rows = self._x(
            "SELECT * FROM events WHERE (alive = 1 OR %s) AND (%s::text IS NULL OR story_id = %s)"
            " ORDER BY length(id), id",
            [include_dead, story_id, story_id],
        ).fetchall()
        return [event_from_row(dec_row(r)) for r in rows]

    def put_story(self, story: Story) -> None:
        with self.transaction():
            self._x(_STORY_UPSERT, enc_row(story_row(story)))

    def get_story(self, story_id: str) -> Story | None:
        row = self._x("SELECT * FROM stories WHERE id = %s", [story_id]).fetchone()
        return None if row is None else story_from_row(dec_row(row))

    def list_stories(self, *, include_dead: bool = False) -> list[Story]:
        where = "" if include_dead else " WHERE alive = 1"
        rows = self._x(f"SELECT * FROM stories{where} ORDER BY length(id), id")
        return [story_from_row(dec_row(r)) for r in rows.fetchall()]

    # -- explanations and history ----------------------------------------------------------
    def put_join(self, reason: JoinReason) -> None:
        row = enc_row(join_row(reason))
        with self.transaction():
            self._x("DELETE FROM joins WHERE article_id = %s", [reason.article_id])
            self._x(
                f"INSERT INTO joins ({', '.join(JOIN_COLUMNS)}) VALUES ({named(JOIN_COLUMNS)})",
                row,
            )

    def get_joins(self, event_id: str) -> list[JoinReason]:
        rows = self._x(
            f"SELECT {', '.join(JOIN_COLUMNS)} FROM joins WHERE event_id = %s ORDER BY seq",
            [event_id],
        ).fetchall()
        return [join_from_row(dec_row(r)) for r in rows]

    def append_merge(self, entry: MergeLogEntry) -> MergeLogEntry:
        row = enc_row(merge_row(entry))
        with self.transaction():
            seq = self._one(
                "INSERT INTO merge_log (kind, target, sources, detail, at) VALUES "
                "(%(kind)s, %(target)s, %(sources)s, %(detail)s, %(at)s) RETURNING seq",
                row,
            )
            mentioned = list(dict.fromkeys([entry.target, *(str(s) for s in entry.sources)]))
            self._x(
                "INSERT INTO merge_log_ids (id, seq) SELECT x, %s FROM unnest(%s::text[]) AS x "
                "ON CONFLICT DO NOTHING",
                [seq, mentioned],
            )
        return merge_from_row(dec_row({**row, "seq": int(seq)}))

    def merge_log(self, target: str | None = None) -> list[MergeLogEntry]:
        if target is None:
            rows = self._x("SELECT * FROM merge_log ORDER BY seq").fetchall()
        else:
            rows = self._x(
                "SELECT * FROM merge_log WHERE seq IN "
                "(SELECT seq FROM merge_log_ids WHERE id = %s) ORDER BY seq",
                [target],
            ).fetchall()
        return [merge_from_row(dec_row(r)) for r in rows]

    # -- name-key document frequencies -----------------------------------------------------
    def add_key_counts(self, keys: Iterable[str]) -> None:
        distinct = sorted(dict.fromkeys(str(k) for k in keys))  # sorted: no lock-order deadlock
        with self.transaction():
            if distinct:
                self._x(
                    "INSERT INTO key_df (key, n) SELECT k, 1 FROM unnest(%s::text[]) AS k "
                    "ON CONFLICT (key) DO UPDATE SET n = key_df.n + 1",
                    [distinct],
                )
            self._x(
                "INSERT INTO meta (key, value) VALUES (%s, '1') ON CONFLICT (key) "
                "DO UPDATE SET value = (meta.value::bigint + 1)::text",
                [KEY_DOCS_META],
            )

    def key_counts(self, keys: Iterable[str]) -> dict[str, int]:
        counts = dict.fromkeys(keys, 0)
        rows = self._x("SELECT key, n FROM key_df WHERE key = ANY(%s)", [list(counts)])
        for r in rows.fetchall():
            counts[r["key"]] = int(r["n"])
        return counts

    def all_key_counts(self) -> dict[str, int]:
        return {r["key"]: int(r["n"]) for r in self._x("SELECT key, n FROM key_df").fetchall()}

    def key_docs(self) -> int:
        return int(self.get_meta(KEY_DOCS_META, 0))

    # -- quarantine ------------------------------------------------------------------------
    def put_quarantine(self, item: Quarantined) -> bool:
        row = enc_row(quarantine_row(item))
        with self.transaction():
            return bool(self._x(_QUARANTINE_INSERT, row).rowcount == 1)

    def list_quarantine(self) -> list[Quarantined]:
        rows = self._x("SELECT * FROM quarantine ORDER BY id").fetchall()
        return [quarantine_from_row(dec_row(r)) for r in rows]
