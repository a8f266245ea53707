"""Watchlists and their alerts: the store's side (rows are plain dicts).

* watch row: ``name, kind ("query" | "entity" | "story"), value, created (ISO time),
  cursor (int: articles in the store at the last run; the next run reads those after it),
  config (dict: ``webhook`` URL, ``secret_env`` name of the environment variable holding
  the HMAC secret...)``;
* alert row: ``seq (int, allocated by the store), watch, article_id, at, data (dict: title,
  url, lang, date, event/story ids, why it matched), delivery (dict: webhook status and the
  log of attempts)``. One alert per (watch, article): a watchlist fires once per article.

The SQLite tables come with schema migration 5 (``WATCH_V5``), the PostgreSQL ones with its
schema 2; the memory store keeps the same rows in its state.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

WatchRow = dict[str, Any]
AlertRow = dict[str, Any]

WATCH_V5 = (
    """CREATE TABLE watchlists (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        created TEXT NOT NULL,
        cursor INTEGER NOT NULL DEFAULT 0,
        config TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        watch TEXT NOT NULL,
        article_id TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        delivery TEXT NOT NULL DEFAULT '{}',
        UNIQUE (watch, article_id)
    )""",
)

PG_WATCH_V2 = (
    """CREATE TABLE watchlists (
        name TEXT COLLATE "C" PRIMARY KEY,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        created TEXT NOT NULL,
        cursor BIGINT NOT NULL DEFAULT 0,
        config TEXT NOT NULL DEFAULT '{}'
    )""",
    """CREATE TABLE alerts (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        watch TEXT COLLATE "C" NOT NULL,
        article_id TEXT COLLATE "C" NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        delivery TEXT NOT NULL DEFAULT '{}',
        UNIQUE (watch, article_id)
    )""",
)

_WATCH_COLS = ("name", "kind", "value", "created", "cursor", "config")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _watch_params(row: WatchRow) -> list[Any]:
    return [
        str(row["name"]).replace("\x00", ""),
        str(row["kind"]),
        str(row["value"]).replace("\x00", ""),
        str(row.get("created", "")),
        int(row.get("cursor", 0)),
        _dumps(row.get("config") or {}),
    ]


def _watch_from(r: Any) -> WatchRow:
    d = dict(r)
    d["cursor"] = int(d["cursor"])
    d["config"] = json.loads(d["config"] or "{}")
    return d


def _alert_from(r: Any) -> AlertRow:
    d = dict(r)
    d["seq"] = int(d["seq"])
    d["data"] = json.loads(d["data"] or "{}")
    d["delivery"] = json.loads(d["delivery"] or "{}")
    return d


class _SQLWatchTables:
    """The SQL shared by SQLite and PostgreSQL (``?`` is turned into ``%s`` for the latter)."""

    _mark = "?"

    def _q(self, sql: str, params: Any = ()) -> Any:  # provided by the store
        raise NotImplementedError

    def transaction(self) -> Any:  # provided by the store
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self._mark)

    def put_watch(self, row: WatchRow) -> None:
        cols = ", ".join(_WATCH_COLS)
        marks = ", ".join("?" * len(_WATCH_COLS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in _WATCH_COLS[1:])
        with self.transaction():
            self._q(
                self._sql(
                    f"INSERT INTO watchlists ({cols}) VALUES ({marks}) "
                    f"ON CONFLICT (name) DO UPDATE SET {updates}"
                ),
                _watch_params(row),
            )

    def get_watch(self, name: str) -> WatchRow | None:
        r = self._q(self._sql("SELECT * FROM watchlists WHERE name = ?"), [name]).fetchone()
        return _watch_from(r) if r else None

    def list_watches(self) -> list[WatchRow]:
        rows = self._q("SELECT * FROM watchlists ORDER BY name").fetchall()
        return [_watch_from(r) for r in rows]

    def delete_watch(self, name: str) -> bool:
        with self.transaction():
            self._q(self._sql("DELETE FROM alerts WHERE watch = ?"), [name])
            cur = self._q(self._sql("DELETE FROM watchlists WHERE name = ?"), [name])
            return bool(cur.rowcount)

    def add_alerts(self, watch: str, rows: Iterable[AlertRow]) -> list[AlertRow]:
        out: list[AlertRow] = []
        with self.transaction():
            for row in rows:
                cur = self._q(
                    self._sql(
                        "INSERT INTO alerts (watch, article_id, at, data, delivery) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (watch, article_id) DO NOTHING"
                    ),
                    [
                        watch,
                        str(row["article_id"]),
                        str(row.get("at", "")),
                        _dumps(row.get("data") or {}),
                        _dumps(row.get("delivery") or {}),
                    ],
                )
                if cur.rowcount:
                    r = self._q(
                        self._sql("SELECT * FROM alerts WHERE watch = ? AND article_id = ?"),
                        [watch, str(row["article_id"])],
                    ).fetchone()
                    out.append(_alert_from(r))
        return out

    def list_alerts(self, watch: str, *, limit: int = 100) -> list[AlertRow]:
        rows = self._q(
            self._sql("SELECT * FROM alerts WHERE watch = ? ORDER BY seq DESC LIMIT ?"),
            [watch, int(limit)],
        ).fetchall()
        return [_alert_from(r) for r in rows]

    def set_alert_delivery(self, seq: int, delivery: dict[str, Any]) -> None:
        with self.transaction():
            self._q(
                self._sql("UPDATE alerts SET delivery = ? WHERE seq = ?"),
                [_dumps(delivery), int(seq)],
            )


class SQLiteWatchTables(_SQLWatchTables):
    @property
    def _conn(self) -> sqlite3.Connection:  # this thread's connection, from SQLiteStore
        raise NotImplementedError

    def _q(self, sql: str, params: Any = ()) -> Any:
        return self._conn.execute(sql, params)


class PostgresWatchTables(_SQLWatchTables):
    _mark = "%s"

    def _x(self, sql: str, params: Any = None) -> Any:  # provided by the store
        raise NotImplementedError

    def _q(self, sql: str, params: Any = ()) -> Any:
        return self._x(sql, list(params) if params else None)


class MemoryWatchTables:
    """The same rows in the memory store's state (``self._s.watches`` / ``alerts``)."""

    _s: Any

    def put_watch(self, row: WatchRow) -> None:
        params = _watch_params(row)
        self._s.watches[params[0]] = dict(zip(_WATCH_COLS, params, strict=True))

    def get_watch(self, name: str) -> WatchRow | None:
        r = self._s.watches.get(name)
        return _watch_from(r) if r else None

    def list_watches(self) -> list[WatchRow]:
        return [_watch_from(self._s.watches[k]) for k in sorted(self._s.watches)]

    def delete_watch(self, name: str) -> bool:
        self._s.alerts = [a for a in self._s.alerts if a["watch"] != name]
        return self._s.watches.pop(name, None) is not None

    def add_alerts(self, watch: str, rows: Iterable[AlertRow]) -> list[AlertRow]:
        have = {(a["watch"], a["article_id"]) for a in self._s.alerts}
        out: list[AlertRow] = []
        for row in rows:
            key = (watch, str(row["article_id"]))
            if key in have:
                continue
            have.add(key)
            self._s.alert_seq += 1
            stored = {
                "seq": self._s.alert_seq,
                "watch": watch,
                "article_id": key[1],
                "at": str(row.get("at", "")),
                "data": _dumps(row.get("data") or {}),
                "delivery": _dumps(row.get("delivery") or {}),
            }
            self._s.alerts = [*self._s.alerts, stored]  # never mutated in place (snapshots)
            out.append(_alert_from(stored))
        return out

    def list_alerts(self, watch: str, *, limit: int = 100) -> list[AlertRow]:
        rows = [a for a in reversed(self._s.alerts) if a["watch"] == watch][: max(limit, 0)]
        return [_alert_from(a) for a in rows]

    def set_alert_delivery(self, seq: int, delivery: dict[str, Any]) -> None:
        self._s.alerts = [
            {**a, "delivery": _dumps(delivery)} if a["seq"] == seq else a for a in self._s.alerts
        ]
