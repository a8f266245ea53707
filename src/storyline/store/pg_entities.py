"""Entities, mentions and claims in the PostgreSQL store (rows as in
:mod:`storyline.store.entity_tables`; the tables come with PostgreSQL schema 1)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from storyline.store.entity_tables import ClaimRow, EntityRow, MentionRow, _entity_from, _fold
from storyline.store.pg_schema import dec, dec_row, enc


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class PostgresEntityTables:
    """Entity/mention/claim methods of :class:`~storyline.store.postgres.PostgresStore`."""

    def _x(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    def transaction(self) -> Any:  # provided by the store
        raise NotImplementedError

    def put_entity(self, row: EntityRow) -> None:
        names = sorted({_fold(n) for n in [row["name"], *row.get("names", [])] if n.strip()})
        with self.transaction():
            self._x(
                "INSERT INTO entities (id, name, type, mentions, alive, data) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                "name = excluded.name, type = excluded.type, mentions = excluded.mentions, "
                "alive = excluded.alive, data = excluded.data",
                [
                    row["id"],
                    enc(row["name"]),
                    row["type"],
                    int(row.get("mentions", 0)),
                    int(bool(row.get("alive", True))),
                    _dumps(row.get("data", {})),
                ],
            )
            self._x("DELETE FROM entity_names WHERE entity_id = %s", [row["id"]])
            self._x(
                "INSERT INTO entity_names (name, entity_id) SELECT n, %s FROM "
                "unnest(%s::text[]) AS n ON CONFLICT DO NOTHING",
                [row["id"], [enc(n) for n in names]],
            )

    def _names(self, entity_id: str) -> list[str]:
        rows = self._x(
            "SELECT name FROM entity_names WHERE entity_id = %s ORDER BY name", [entity_id]
        )
        return [dec(r["name"]) for r in rows.fetchall()]

    def get_entity(self, entity_id: str) -> EntityRow | None:
        r = self._x("SELECT * FROM entities WHERE id = %s", [entity_id]).fetchone()
        return _entity_from(dec_row(r), self._names(entity_id)) if r else None

    def list_entities(
        self, *, type: str | None = None, include_dead: bool = False, limit: int | None = None
    ) -> list[EntityRow]:
        sql = "SELECT * FROM entities WHERE (alive = 1 OR %s) AND (%s::text IS NULL OR type = %s)"
        sql += " ORDER BY mentions DESC, id"
        params: list[Any] = [include_dead, type, type]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(int(limit))
        return [_entity_from(dec_row(r), []) for r in self._x(sql, params).fetchall()]

    def find_entities(self, name: str) -> list[EntityRow]:
        rows = self._x(
            "SELECT e.* FROM entity_names n JOIN entities e ON e.id = n.entity_id "
            "WHERE n.name = %s ORDER BY e.alive DESC, e.mentions DESC, e.id",
            [enc(_fold(name))],
        )
        return [_entity_from(dec_row(r), []) for r in rows.fetchall()]

    def put_mentions(self, article_id: str, rows: Iterable[MentionRow]) -> None:
        values = [(r["entity_id"], int(r["count"]), _dumps(r.get("data", {}))) for r in rows]
        with self.transaction():
            self._x("DELETE FROM mentions WHERE article_id = %s", [article_id])
            if values:
                self._x(
                    "INSERT INTO mentions (article_id, entity_id, count, data) SELECT %s, e, c, d "
                    "FROM unnest(%s::text[], %s::bigint[], %s::text[]) AS t(e, c, d)",
                    [article_id, *(list(col) for col in zip(*values, strict=True))],
                )

    def article_mentions(self, article_id: str) -> list[MentionRow]:
        rows = self._x(
            "SELECT * FROM mentions WHERE article_id = %s ORDER BY count DESC, entity_id",
            [article_id],
        )
        return [
            {
                "article_id": r["article_id"],
                "entity_id": r["entity_id"],
                "count": int(r["count"]),
                "data": json.loads(r["data"]),
            }
            for r in rows.fetchall()
        ]

    def entity_article_ids(self, entity_id: str) -> list[str]:
        rows = self._x(
            "SELECT article_id FROM mentions WHERE entity_id = %s ORDER BY article_id",
            [entity_id],
        )
        return [r["article_id"] for r in rows.fetchall()]

    def put_claims(self, article_id: str, claims: Iterable[ClaimRow]) -> None:
        values = [
            (i, c.get("speaker_entity"), int(bool(c.get("anonymous"))), _dumps(c.get("data", {})))
            for i, c in enumerate(claims)
        ]
        with self.transaction():
            self._x("DELETE FROM claims WHERE article_id = %s", [article_id])
            if values:
                self._x(
                    "INSERT INTO claims (article_id, seq, speaker_entity, anonymous, data) "
                    "SELECT %s, s, e, a, d FROM unnest(%s::int[], %s::text[], %s::int[], "
                    "%s::text[]) AS t(s, e, a, d)",
                    [article_id, *(list(col) for col in zip(*values, strict=True))],
                )

    def list_claims(
        self,
        *,
        article_ids: Iterable[str] | None = None,
        speaker: str | None = None,
        anonymous: bool | None = None,
    ) -> list[ClaimRow]:
        sql = "SELECT * FROM claims WHERE (%s::text IS NULL OR speaker_entity = %s)"
        params: list[Any] = [speaker, speaker]
        if anonymous is not None:
            sql += " AND anonymous = %s"
            params.append(int(anonymous))
        if article_ids is not None:
            sql += " AND article_id = ANY(%s)"
            params.append(sorted(set(article_ids)))
        rows = self._x(sql + " ORDER BY article_id, seq", params).fetchall()
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
