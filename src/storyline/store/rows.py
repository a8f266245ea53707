"""Rows of the SQLite store: the mapping between model dataclasses and flat rows.

The ``*_row`` / ``*_from_row`` functions turn model objects into flat rows of SQLite-friendly
values (str, int, float, bytes, None) and back. :class:`~storyline.store.memory.MemoryStore`
keeps the same rows, so both backends coerce values identically (numpy scalars become Python
numbers, tuples in ``extra`` become lists) and every read returns a fresh object. The tables
themselves and their migrations are in :mod:`storyline.store.schema`.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from storyline.errors import StoreError
from storyline.model import (
    Article,
    DateInfo,
    Event,
    JoinReason,
    LangInfo,
    MergeLogEntry,
    Provenance,
    Quarantined,
    RemovedLine,
    Story,
    TimeExpression,
)

Row = Mapping[str, Any] | sqlite3.Row
_T = TypeVar("_T")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- JSON ---------------------------------------------------------------------------------


def _json_default(obj: Any) -> Any:
    # numpy scalars and arrays (scores, minhash values) are common in pipeline output.
    item = getattr(obj, "item", None)
    tolist = getattr(obj, "tolist", None)
    if callable(tolist) and getattr(obj, "ndim", 0) > 0:
        return tolist()
    if callable(item):
        return item()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def to_json(value: Any, what: str = "value") -> str:
    """JSON text of ``value``; raises :class:`StoreError` naming ``what`` when impossible."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"cannot store {what}: {exc} (only JSON-compatible values)") from exc
    return _checked({"value": text}, what)["value"]


def _checked(row: dict[str, Any], what: str) -> dict[str, Any]:
    """``row`` unchanged; StoreError if a text holds lone surrogates (not storable as UTF-8)."""
    for key, value in row.items():
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise StoreError(
                    f"cannot store {what}: {key} holds text that is not valid Unicode "
                    f"({exc.reason} at position {exc.start}); clean the text first"
                ) from exc
    return row


def _validated(build: Callable[[_T], dict[str, Any]]) -> Callable[[_T], dict[str, Any]]:
    """Run :func:`_checked` over the row a ``*_row`` function builds."""

    @functools.wraps(build)
    def wrapper(obj: _T) -> dict[str, Any]:
        ident = getattr(obj, "id", None) or getattr(obj, "article_id", "")
        return _checked(build(obj), f"{type(obj).__name__} {ident}".rstrip())

    return wrapper


def from_json(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def _opt_float(x: Any) -> float | None:
    return None if x is None else float(x)


def _opt_int(x: Any) -> int | None:
    return None if x is None else int(x)


# -- articles -----------------------------------------------------------------------------

ARTICLE_COLUMNS: tuple[str, ...] = (
    "id", "doc_id", "source", "kind", "line", "byte_offset", "raw_sha256", "encoding",
    "title", "text", "raw_text", "url", "source_name",
    "lang", "lang_confidence", "lang_mixed",
    "date_value", "date_is_estimate", "date_granularity", "date_confidence", "date_evidence",
    "date_earliest", "date_latest",
    "dup_of", "event_id", "story_id", "data",
)  # fmt: skip


@_validated
def article_row(a: Article) -> dict[str, Any]:
    """Flat row for ``a`` (without ``ingest_seq``, which the store assigns)."""
    p, lang, date = a.provenance, a.lang, a.date
    data = {
        "removed": [{"text": r.text, "rule": r.rule} for r in a.removed],
        "lang_shares": dict(lang.shares) if lang is not None else {},
        "times": [
            {"text": t.text, "start": int(t.start), "end": int(t.end), "value": t.value,
             "relative": bool(t.relative)}
            for t in a.times
        ],
        "keys": [str(k) for k in a.keys],
        "key_tf": {str(k): int(v) for k, v in a.key_tf.items()},
        "minhash": [int(h) for h in a.minhash],
        "extra": a.extra,
    }  # fmt: skip
    row: dict[str, Any] = {
        "id": a.id,
        "doc_id": a.doc_id,
        "source": p.source,
        "kind": p.kind,
        "line": _opt_int(p.line),
        "byte_offset": _opt_int(p.offset),
        "raw_sha256": p.raw_sha256,
        "encoding": p.encoding,
        "title": a.title,
        "text": a.text,
        "raw_text": a.raw_text,
        "url": a.url,
        "source_name": a.source_name,
        "dup_of": a.dup_of,
        "event_id": a.event_id,
        "story_id": a.story_id,
        "data": to_json(data, f"article {a.id}"),
    }
    row.update(dict.fromkeys(c for c in ARTICLE_COLUMNS if c.startswith(("lang", "date_"))))
    if lang is not None:
        row.update(lang=lang.lang, lang_confidence=float(lang.confidence),
                   lang_mixed=int(bool(lang.mixed)))  # fmt: skip
    if date is not None:
        row.update(date_value=date.value, date_is_estimate=int(bool(date.is_estimate)),
                   date_granularity=date.granularity, date_confidence=float(date.confidence),
                   date_evidence=date.evidence, date_earliest=date.earliest,
                   date_latest=date.latest)  # fmt: skip
    return row


def article_from_row(r: Row) -> Article:
    data = from_json(r["data"], {})
    lang = None
    if r["lang"] is not None:
        lang = LangInfo(
            lang=r["lang"],
            confidence=r["lang_confidence"],
            mixed=bool(r["lang_mixed"]),
            shares=data.get("lang_shares", {}),
        )
    date = None
    if r["date_is_estimate"] is not None:
        date = DateInfo(
            value=r["date_value"],
            confidence=r["date_confidence"],
            is_estimate=bool(r["date_is_estimate"]),
            evidence=r["date_evidence"],
            granularity=r["date_granularity"],
            earliest=r["date_earliest"],
            latest=r["date_latest"],
        )
    return Article(
        id=r["id"],
        doc_id=r["doc_id"],
        provenance=Provenance(
            source=r["source"],
            kind=r["kind"],
            line=r["line"],
            offset=r["byte_offset"],
            raw_sha256=r["raw_sha256"],
            encoding=r["encoding"],
        ),
        title=r["title"],
        text=r["text"],
        raw_text=r["raw_text"],
        url=r["url"],
        source_name=r["source_name"],
        removed=[RemovedLine(**x) for x in data.get("removed", [])],
        lang=lang,
        date=date,
        times=[TimeExpression(**x) for x in data.get("times", [])],
        keys=data.get("keys", []),
        key_tf=data.get("key_tf", {}),
        minhash=data.get("minhash", []),
        dup_of=r["dup_of"],
        event_id=r["event_id"],
        story_id=r["story_id"],
        extra=data.get("extra", {}),
    )


# -- events, stories ----------------------------------------------------------------------

EVENT_COLUMNS: tuple[str, ...] = (
    "id", "alive", "story_id", "title", "date", "date_is_estimate", "first_date", "last_date",
    "n_articles", "data",
)  # fmt: skip

STORY_COLUMNS: tuple[str, ...] = (
    "id", "alive", "title", "first_date", "last_date", "n_events", "data",
)  # fmt: skip


def _weights(d: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in d.items()}


def _counts(d: Mapping[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in d.items()}


@_validated
def event_row(e: Event) -> dict[str, Any]:
    data = {
        "article_ids": [str(x) for x in e.article_ids],
        "languages": _counts(e.languages),
        "keys": _weights(e.keys),
    }
    return {
        "id": e.id,
        "alive": int(bool(e.alive)),
        "story_id": e.story_id,
        "title": e.title,
        "date": e.date,
        "date_is_estimate": int(bool(e.date_is_estimate)),
        "first_date": e.first_date,
        "last_date": e.last_date,
        "n_articles": len(e.article_ids),
        "data": to_json(data, f"event {e.id}"),
    }


def event_from_row(r: Row) -> Event:
    data = from_json(r["data"], {})
    return Event(
        id=r["id"],
        article_ids=data.get("article_ids", []),
        title=r["title"],
        date=r["date"],
        date_is_estimate=bool(r["date_is_estimate"]),
        first_date=r["first_date"],
        last_date=r["last_date"],
        languages=data.get("languages", {}),
        keys=data.get("keys", {}),
        story_id=r["story_id"],
        alive=bool(r["alive"]),
    )


@_validated
def story_row(s: Story) -> dict[str, Any]:
    data = {
        "event_ids": [str(x) for x in s.event_ids],
        "languages": _counts(s.languages),
        "keys": _weights(s.keys),
    }
    return {
        "id": s.id,
        "alive": int(bool(s.alive)),
        "title": s.title,
        "first_date": s.first_date,
        "last_date": s.last_date,
        "n_events": len(s.event_ids),
        "data": to_json(data, f"story {s.id}"),
    }


def story_from_row(r: Row) -> Story:
    data = from_json(r["data"], {})
    return Story(
        id=r["id"],
        event_ids=data.get("event_ids", []),
        title=r["title"],
        languages=data.get("languages", {}),
        first_date=r["first_date"],
        last_date=r["last_date"],
        keys=data.get("keys", {}),
        alive=bool(r["alive"]),
    )


def id_sort_key(ident: str) -> tuple[int, str]:
    """Order of ``e000001``-style ids that stays numeric past the zero padding."""
    return (len(ident), ident)


# -- joins, merge log, quarantine ---------------------------------------------------------

JOIN_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(JoinReason))


@_validated
def join_row(j: JoinReason) -> dict[str, Any]:
    row = {c: getattr(j, c) for c in JOIN_COLUMNS}
    for c in ("score", "dense", "names", "time_gap_days", "best_other_score"):
        row[c] = _opt_float(row[c])
    row["new_event"] = int(bool(j.new_event))
    row["detail"] = to_json(j.detail or {}, "join detail")
    return row


def join_from_row(r: Row) -> JoinReason:
    row = {c: r[c] for c in JOIN_COLUMNS}
    return JoinReason(
        **{**row, "new_event": bool(row["new_event"]), "detail": from_json(row["detail"], {})}
    )


@_validated
def merge_row(m: MergeLogEntry) -> dict[str, Any]:
    """Row without ``seq``; ``at`` is filled with the current time when empty."""
    return {
        "kind": m.kind,
        "target": m.target,
        "sources": to_json([str(s) for s in m.sources], "merge-log sources"),
        "detail": to_json(m.detail, "merge-log detail"),
        "at": m.at or now_iso(),
    }


def merge_from_row(r: Row) -> MergeLogEntry:
    return MergeLogEntry(
        kind=r["kind"],
        target=r["target"],
        sources=from_json(r["sources"], []),
        detail=from_json(r["detail"], {}),
        at=r["at"],
        seq=r["seq"],
    )


QUARANTINE_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Quarantined))


@_validated
def quarantine_row(q: Quarantined) -> dict[str, Any]:
    """Row without the store's own ``id``; ``at`` is filled with the current time when empty."""
    row = {c: getattr(q, c) for c in QUARANTINE_COLUMNS}
    row.update(line=_opt_int(q.line), sample=bytes(q.sample), at=q.at or now_iso())
    return row


def quarantine_from_row(r: Row) -> Quarantined:
    row = {c: r[c] for c in QUARANTINE_COLUMNS}
    return Quarantined(**{**row, "sample": bytes(row["sample"])})
