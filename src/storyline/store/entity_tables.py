"""Entities, their mentions in articles, and claims (who said what): the store's side.

Rows are plain dicts so the store stays independent of the extraction code
(:mod:`storyline.entities`, :mod:`storyline.quotes`), which builds and reads them:

* entity row: ``id, name, type, mentions (int), alive (bool), names (list of alias strings,
  any script), data (dict: the full serialised entity)``;
* mention row: ``article_id, entity_id, count, data (dict: surfaces and offsets)``;
* claim row: ``article_id, seq, speaker_entity (or None), anonymous (bool), data (dict)``.

``SQLiteEntityTables`` and ``MemoryEntityTables`` are mixins of the two store classes; the
SQL tables come with schema migration 3 (``ENTITY_V3``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

EntityRow = dict[str, Any]
MentionRow = dict[str, Any]
ClaimRow = dict[str, Any]

ENTITY_V3 = (
    """CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        type TEXT NOT NULL,
        mentions INTEGER NOT NULL DEFAULT 0,
        alive INTEGER NOT NULL DEFAULT 1,
        data TEXT NOT NULL                          -- JSON: the full entity
    )""",
    "CREATE INDEX entities_rank ON entities(alive, mentions DESC)",
    """CREATE TABLE entity_names (                  -- case-folded aliases, for lookup by name
        name TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        PRIMARY KEY (name, entity_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX entity_names_entity ON entity_names(entity_id)",
    """CREATE TABLE mentions (
        article_id TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        count INTEGER NOT NULL,
        data TEXT NOT NULL,                         -- JSON: surfaces and offsets
        PRIMARY KEY (article_id, entity_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX mentions_entity ON mentions(entity_id)",
    """CREATE TABLE claims (
        article_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        speaker_entity TEXT,
        anonymous INTEGER NOT NULL,
        data TEXT NOT NULL,                         -- JSON: the claim
        PRIMARY KEY (article_id, seq)
    ) WITHOUT ROWID""",
    "CREATE INDEX claims_speaker ON claims(speaker_entity)",
)


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _entity_from(r: sqlite3.Row | dict[str, Any], names: list[str]) -> EntityRow:
    return {
        "id": r["id"],
        "name": r["name"],
        "type": r["type"],
        "mentions": int(r["mentions"]),
        "alive": bool(r["alive"]),
        "names": names,
        "data": json.loads(r["data"]) if isinstance(r["data"], str) else r["data"],
    }


class SQLiteEntityTables:
    """Entity/mention/claim methods of :class:`~storyline.store.sqlite.SQLiteStore`."""

    @property
    def _conn(self) -> sqlite3.Connection:  # this thread's connection, from SQLiteStore
        raise NotImplementedError

    def put_entity(self, row: EntityRow) -> None:
        c = self._conn
        c.execute(
            "INSERT INTO entities(id, name, type, mentions, alive, data) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, "
            "mentions=excluded.mentions, alive=excluded.alive, data=excluded.data",
            (
                row["id"],
                row["name"],
                row["type"],
                int(row.get("mentions", 0)),
                int(bool(row.get("alive", True))),
                json.dumps(row.get("data", {}), ensure_ascii=False),
            ),
        )
        c.execute("DELETE FROM entity_names WHERE entity_id = ?", (row["id"],))
        names = {_fold(n) for n in [row["name"], *row.get("names", [])] if n.strip()}
        c.executemany(
            "INSERT OR IGNORE INTO entity_names(name, entity_id) VALUES (?, ?)",
            [(n, row["id"]) for n in sorted(names)],
        )

    def _names(self, entity_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT name FROM entity_names WHERE entity_id = ? ORDER BY name", (entity_id,)
        )
        return [r[0] for r in rows]

    def get_entity(self, entity_id: str) -> EntityRow | None:
        r = self._conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return _entity_from(r, self._names(entity_id)) if r else None

    def list_entities(
        self, *, type: str | None = None, include_dead: bool = False, limit: int | None = None
    ) -> list[EntityRow]:
        sql = "SELECT * FROM entities WHERE (alive = 1 OR ?) AND (? IS NULL OR type = ?)"
        sql += " ORDER BY mentions DESC, id"
        params: list[Any] = [int(include_dead), type, type]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [_entity_from(r, []) for r in self._conn.execute(sql, params)]

    def find_entities(self, name: str) -> list[EntityRow]:
        rows = self._conn.execute(
            "SELECT e.* FROM entity_names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.name = ? ORDER BY e.alive DESC, e.mentions DESC, e.id",
            (_fold(name),),
        )
        return [_entity_from(r, []) for r in rows]

    def put_mentions(self, article_id: str, rows: Iterable[MentionRow]) -> None:
        self._conn.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        self._conn.executemany(
            "INSERT INTO mentions(article_id, entity_id, count, data) VALUES (?,?,?,?)",
            [
                (
                    article_id,
                    r["entity_id"],
                    int(r["count"]),
                    json.dumps(r.get("data", {}), ensure_ascii=False),
                )
                for r in rows
            ],
        )

    def mentioned_entities(self, article_ids: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {a: [] for a in article_ids}
        ids = list(out)
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            rows = self._conn.execute(
                f"SELECT article_id, entity_id FROM mentions WHERE article_id IN "
                f"({','.join('?' * len(part))}) ORDER BY count DESC, entity_id",
                part,
            )
            for aid, eid in rows:
                out[aid].append(eid)
        return out

    def entity_heads(self, entity_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        # (name, merged_into) of each id, read without decoding the entities' JSON
        wanted = list(entity_ids)
        info: dict[str, tuple[str, str | None]] = {}
        todo = set(wanted)
        while todo:
            part = sorted(todo)[:500]
            todo.difference_update(part)
            rows = self._conn.execute(
                "SELECT id, name, json_extract(data, '$.merged_into') FROM entities "
                f"WHERE id IN ({','.join('?' * len(part))})",
                part,
            )
            for eid, name, into in rows:
                info[eid] = (name, into)
                if into and into not in info:
                    todo.add(into)
        out: dict[str, tuple[str, str]] = {}
        for eid in wanted:
            if eid not in info:
                continue
            head, seen = eid, {eid}
            while True:
                into = info[head][1]
                if not into or into in seen or into not in info:
                    break
                seen.add(into)
                head = into
            out[eid] = (head, info[head][0])
        return out

    def article_mentions(self, article_id: str) -> list[MentionRow]:
        rows = self._conn.execute(
            "SELECT * FROM mentions WHERE article_id = ? ORDER BY count DESC, entity_id",
            (article_id,),
        )
        return [
            {
                "article_id": r["article_id"],
                "entity_id": r["entity_id"],
                "count": r["count"],
                "data": json.loads(r["data"]),
            }
            for r in rows
        ]

    def entity_article_ids(self, entity_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT article_id FROM mentions WHERE entity_id = ? ORDER BY article_id",
            (entity_id,),
        )
        return [r[0] for r in rows]

    def put_claims(self, article_id: str, claims: Iterable[ClaimRow]) -> None:
        self._conn.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
        self._conn.executemany(
            "INSERT INTO claims(article_id, seq, speaker_entity, anonymous, data) "
            "VALUES (?,?,?,?,?)",
            [
                (
                    article_id,
                    i,
                    c.get("speaker_entity"),
                    int(bool(c.get("anonymous"))),
                    json.dumps(c.get("data", {}), ensure_ascii=False),
                )
                for i, c in enumerate(claims)
            ],
        )

    def list_claims(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        speaker: str | None = None,
        anonymous: bool | None = None,
    ) -> list[ClaimRow]:
        sql = "SELECT * FROM claims WHERE (? IS NULL OR speaker_entity = ?)"
        params: list[Any] = [speaker, speaker]
        if anonymous is not None:
            sql += " AND anonymous = ?"
            params.append(int(anonymous))
        if article_ids is None:
            rows = list(self._conn.execute(sql + " ORDER BY article_id, seq", params))
        else:  # by the primary key, in chunks (SQLite caps the number of parameters)
            wanted = sorted(set(article_ids))
            rows = []
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                marks = ",".join("?" * len(part))
                rows.extend(
                    self._conn.execute(f"{sql} AND article_id IN ({marks})", [*params, *part])
                )
            rows.sort(key=lambda r: (r["article_id"], r["seq"]))
        return [
            {
                "article_id": r["article_id"],
                "seq": r["seq"],
                "speaker_entity": r["speaker_entity"],
                "anonymous": bool(r["anonymous"]),
                "data": json.loads(r["data"]),
            }
            for r in rows
        ]


class MemoryEntityTables:
    """The same methods over plain dicts (state lives in the memory store's ``_s``)."""

    _s: Any  # storyline.store.memory._State

    def put_entity(self, row: EntityRow) -> None:
        names = sorted({_fold(n) for n in [row["name"], *row.get("names", [])] if n.strip()})
        self._s.entities[row["id"]] = {
            "id": row["id"],
            "name": row["name"],
            "type": row["type"],
            "mentions": int(row.get("mentions", 0)),
            "alive": bool(row.get("alive", True)),
            "names": names,
            "data": json.loads(json.dumps(row.get("data", {}), ensure_ascii=False)),
        }

    def get_entity(self, entity_id: str) -> EntityRow | None:
        r = self._s.entities.get(entity_id)
        return dict(r) if r else None

    def list_entities(
        self, *, type: str | None = None, include_dead: bool = False, limit: int | None = None
    ) -> list[EntityRow]:
        rows = [
            {**r, "names": []}
            for r in self._s.entities.values()
            if (include_dead or r["alive"]) and (type is None or r["type"] == type)
        ]
        rows.sort(key=lambda r: (-r["mentions"], r["id"]))
        return rows[:limit] if limit is not None else rows

    def find_entities(self, name: str) -> list[EntityRow]:
        key = _fold(name)
        rows = [{**r, "names": []} for r in self._s.entities.values() if key in r["names"]]
        rows.sort(key=lambda r: (not r["alive"], -r["mentions"], r["id"]))
        return rows

    def put_mentions(self, article_id: str, rows: Iterable[MentionRow]) -> None:
        self._s.mentions[article_id] = {
            r["entity_id"]: {
                "article_id": article_id,
                "entity_id": r["entity_id"],
                "count": int(r["count"]),
                "data": json.loads(json.dumps(r.get("data", {}), ensure_ascii=False)),
            }
            for r in rows
        }

    def article_mentions(self, article_id: str) -> list[MentionRow]:
        rows = list(self._s.mentions.get(article_id, {}).values())
        return sorted(rows, key=lambda r: (-r["count"], r["entity_id"]))

    def entity_article_ids(self, entity_id: str) -> list[str]:
        return sorted(a for a, ms in self._s.mentions.items() if entity_id in ms)

    def put_claims(self, article_id: str, claims: Iterable[ClaimRow]) -> None:
        self._s.claims[article_id] = [
            {
                "article_id": article_id,
                "seq": i,
                "speaker_entity": c.get("speaker_entity"),
                "anonymous": bool(c.get("anonymous")),
                "data": json.loads(json.dumps(c.get("data", {}), ensure_ascii=False)),
            }
            for i, c in enumerate(claims)
        ]

    def list_claims(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        speaker: str | None = None,
        anonymous: bool | None = None,
    ) -> list[ClaimRow]:
        wanted = set(article_ids) if article_ids is not None else None
        out = []
        for aid in sorted(self._s.claims):
            if wanted is not None and aid not in wanted:
                continue
            for c in self._s.claims[aid]:
                if speaker is not None and c["speaker_entity"] != speaker:
                    continue
                if anonymous is not None and c["anonymous"] != anonymous:
                    continue
                out.append(dict(c))
        return out
