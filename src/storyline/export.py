"""Export the store as JSON Lines, CSV or Parquet.

Articles: one row per article with its input id (``doc_id``: the JSON Lines ``id`` or the
file name), storyline id, source path, language, date (and whether it is an estimate), title,
URL, outlet, event id and story id. Events and stories: one row each with their members.

``with_`` adds, on request (``storyline export --with text,entities,claims,summary``):

* ``text``: the cleaned text (the offsets of entities, claims and summaries point into it);
* ``entities``: the article's canonical entities, each with ``id``, ``name``, ``type``, the
  ``forms`` written in this article and every mention's ``offsets``;
* ``claims``: who said what, each claim as ``storyline quotes --json`` gives it;
* ``summary``: each event's and story's cited summary (:mod:`storyline.summary`).

CSV cells that hold a list or a mapping are JSON. Parquet keeps them as nested columns
(lists, structs; ``languages`` as a map) and needs an output path: with ``what="all"`` a
folder that receives ``articles.parquet``, ``events.parquet`` and ``stories.parquet``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from storyline.errors import NotFoundError, StorylineError
from storyline.store.base import Store

ARTICLE_FIELDS = [
    "kind",
    "id",
    "article_id",
    "source",
    "line",
    "lang",
    "date",
    "date_is_estimate",
    "title",
    "url",
    "outlet",
    "event_id",
    "story_id",
    "dup_of",
]
EVENT_FIELDS = ["kind", "id", "title", "date", "first_date", "last_date", "story_id",
                "languages", "articles"]
STORY_FIELDS = ["kind", "id", "title", "first_date", "last_date", "languages", "events"]
WITH = ("text", "entities", "claims", "summary")
WHATS = ("all", "articles", "events", "stories")

Summarize = Callable[[str], dict[str, Any]]


class ExportError(StorylineError):
    """An export asked for something that cannot be written."""


def parse_with(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"text,entities"`` (or ``"all"``) -> the extra fields, checked."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else [
        p for v in value for p in v.split(",")]
    names = [p.strip().lower() for p in parts if p.strip()]
    if "all" in names:
        return WITH
    bad = [n for n in names if n not in WITH]
    if bad:
        raise ExportError(f"unknown --with field(s) {', '.join(bad)}; use a comma-separated "
                          f"list of {', '.join(WITH)} (or all)")
    return tuple(n for n in WITH if n in names)


def article_rows(store: Store, with_: Iterable[str] = ()) -> Iterator[dict[str, Any]]:
    extra = set(with_)
    if "entities" in extra:
        from storyline.annotate import article_entities
    for a in store.iter_articles():
        row: dict[str, Any] = {
            "kind": "article",
            "id": a.doc_id,
            "article_id": a.id,
            "source": a.provenance.source,
            "line": a.provenance.line,
            "lang": a.lang.lang if a.lang else None,
            "date": a.date.value if a.date else None,
            "date_is_estimate": a.date.is_estimate if a.date else None,
            "title": a.title,
            "url": a.url,
            "outlet": a.source_name,
            "event_id": a.event_id,
            "story_id": a.story_id,
            "dup_of": a.dup_of,
        }
        if "text" in extra:
            row["text"] = a.text
        if "entities" in extra:
            row["entities"] = article_entities(store, a)
        if "claims" in extra:
            row["claims"] = [{"seq": c["seq"], **c["data"]}
                             for c in store.list_claims(article_ids=[a.id])]
        yield row


def _with_summary(row: dict[str, Any], summarize: Summarize | None) -> dict[str, Any]:
    if summarize is not None:
        try:
            row["summary"] = summarize(row["id"])
        except NotFoundError:  # merged away while exporting
            row["summary"] = None
    return row


def event_rows(store: Store, summarize: Summarize | None = None) -> Iterator[dict[str, Any]]:
    for e in store.list_events():
        yield _with_summary({
            "kind": "event",
            "id": e.id,
            "title": e.title,
            "date": e.date,
            "first_date": e.first_date,
            "last_date": e.last_date,
            "story_id": e.story_id,
            "languages": e.languages,
            "articles": e.article_ids,
        }, summarize)


def story_rows(store: Store, summarize: Summarize | None = None) -> Iterator[dict[str, Any]]:
    for s in store.list_stories():
        yield _with_summary({
            "kind": "story",
            "id": s.id,
            "title": s.title,
            "first_date": s.first_date,
            "last_date": s.last_date,
            "languages": s.languages,
            "events": s.event_ids,
        }, summarize)


def _parts(store: Store, what: str, with_: tuple[str, ...],
           summarize: Summarize | None) -> list[tuple[str, Iterator[dict[str, Any]]]]:
    if what not in WHATS:
        raise ExportError(f"unknown export part {what!r}; use one of {', '.join(WHATS)}")
    if "summary" in with_ and summarize is None:
        raise ExportError("--with summary needs a summarize function, e.g. "
                          "summarize=lambda ref: sl.summary(ref).as_dict()")
    summ = summarize if "summary" in with_ else None
    parts = [("articles", lambda: article_rows(store, with_)),
             ("events", lambda: event_rows(store, summ)),
             ("stories", lambda: story_rows(store, summ))]
    return [(name, make()) for name, make in parts if what in ("all", name)]


def export(store: Store, out: TextIO, *, fmt: str = "jsonl", what: str = "all",
           with_: Iterable[str] = (), summarize: Summarize | None = None) -> int:
    """Write rows to ``out`` as JSON Lines or CSV; returns how many. CSV holds one kind of
    row: articles unless ``what`` is ``"events"`` or ``"stories"``."""
    extra = parse_with(list(with_))
    if fmt == "csv":
        kind = what if what in ("events", "stories") else "articles"
        base = {"articles": ARTICLE_FIELDS, "events": EVENT_FIELDS,
                "stories": STORY_FIELDS}[kind]
        wanted = [f for f in WITH if f in extra and (f == "summary") == (kind != "articles")]
        w = csv.DictWriter(out, fieldnames=base + wanted)
        w.writeheader()
        n = 0
        for _, rows in _parts(store, kind, extra, summarize):
            for row in rows:
                w.writerow({k: json.dumps(v, ensure_ascii=False)
                            if isinstance(v, list | dict) else v for k, v in row.items()})
                n += 1
        return n
    if fmt != "jsonl":
        raise ExportError(f"unknown export format {fmt!r}; use jsonl, csv or parquet")
    n = 0
    for _, rows in _parts(store, what, extra, summarize):
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def export_parquet(store: Store, path: str | Path, *, what: str = "all",
                   with_: Iterable[str] = (), summarize: Summarize | None = None) -> dict[str, int]:
    """Write Parquet: one file for one part, a folder of three files for ``what="all"``.
    Returns the rows written per file."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - a dependency; a broken install says so
        raise ExportError("Parquet export needs pyarrow: pip install pyarrow") from None
    extra = parse_with(list(with_))
    out = Path(path)
    if what == "all":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; --format parquet with --what all writes a "
                              "folder (articles.parquet, events.parquet, stories.parquet); "
                              "give a folder, or one of --what articles|events|stories")
        out.mkdir(parents=True, exist_ok=True)
    elif out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name for --what {what}")
    counts: dict[str, int] = {}
    for name, rows in _parts(store, what, extra, summarize):
        table = _table(pa, list(rows), name)
        target = out / f"{name}.parquet" if what == "all" else out
        tmp = target.with_name(target.name + ".part")
        pq.write_table(table, tmp, compression="zstd")
        tmp.replace(target)  # a killed export leaves no half-written file under the name
        counts[str(target)] = table.num_rows
    return counts


def _table(pa: Any, rows: list[dict[str, Any]], name: str) -> Any:
    """A pyarrow table of *rows*: columns in a fixed order, types inferred except
    ``languages`` (a map from language to article count)."""
    base = {"articles": ARTICLE_FIELDS, "events": EVENT_FIELDS, "stories": STORY_FIELDS}[name]
    columns = base + [f for f in WITH if rows and f in rows[0]]
    types = {"languages": pa.map_(pa.string(), pa.int64()), "line": pa.int64(),
             "date": pa.string(), "first_date": pa.string(), "last_date": pa.string(),
             "title": pa.string(), "url": pa.string(), "outlet": pa.string(),
             "lang": pa.string(), "story_id": pa.string(), "event_id": pa.string(),
             "dup_of": pa.string(), "text": pa.string(), "date_is_estimate": pa.bool_()}
    return pa.table({c: pa.array([r.get(c) for r in rows], type=types.get(c))
                     for c in columns})
