"""Export the store as JSON Lines or CSV.

Articles: one line per article with its input id (``doc_id``: the JSON Lines ``id`` or the
file name), storyline id, source path, language, date (and whether it is an estimate), event
id and story id. Events and stories: one line each with their members.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

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


def article_rows(store: Store) -> Iterator[dict[str, Any]]:
    for a in store.iter_articles():
        yield {
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


def event_rows(store: Store) -> Iterator[dict[str, Any]]:
    for e in store.list_events():
        yield {
            "kind": "event",
            "id": e.id,
            "title": e.title,
            "date": e.date,
            "first_date": e.first_date,
            "last_date": e.last_date,
            "story_id": e.story_id,
            "languages": e.languages,
            "articles": e.article_ids,
        }


def story_rows(store: Store) -> Iterator[dict[str, Any]]:
    for s in store.list_stories():
        yield {
            "kind": "story",
            "id": s.id,
            "title": s.title,
            "first_date": s.first_date,
            "last_date": s.last_date,
            "languages": s.languages,
            "events": s.event_ids,
        }


def export(store: Store, out: TextIO, *, fmt: str = "jsonl", what: str = "all") -> int:
    """Write rows to ``out``; returns how many. CSV holds articles only (flat columns)."""
    n = 0
    if fmt == "csv":
        w = csv.DictWriter(out, fieldnames=ARTICLE_FIELDS)
        w.writeheader()
        for row in article_rows(store):
            w.writerow(row)
            n += 1
        return n
    parts = {
        "articles": [article_rows],
        "events": [event_rows],
        "stories": [story_rows],
        "all": [article_rows, event_rows, story_rows],
    }[what]
    for gen in parts:
        for row in gen(store):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n
