"""Extractive summaries of events and stories, every sentence cited.

An event's summary is 3–5 sentences chosen across all its articles and languages; a story's
is a dated paragraph per main event (the events with most articles, in date order), chosen
together so that no paragraph repeats another. Each sentence cites its article and the
character offsets of the sentence in that article's cleaned text, so ``text ==
article.text[start:end]`` always holds, and carries its language; it is shown as written,
never translated. ``lang`` prefers sentences in that language when they say the same as the
one otherwise chosen (see :mod:`storyline.summary.select`).

Summaries are computed on read from what the store holds (the API caches them on the store's
version token, so a later ingest is reflected at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from storyline.model import Article, Event, Story
from storyline.store.base import Store
from storyline.summary.select import Candidate, Pool, candidates, entity_salience

__all__ = [
    "Cited",
    "Paragraph",
    "Summary",
    "summarize_articles",
    "summarize_event",
    "summarize_story",
]

EVENT_MIN, EVENT_MAX = 3, 5  # sentences of an event summary
MAX_PARAGRAPHS = 6  # main events in a story summary
MAX_ARTICLES = 25  # most central articles of an event read for its summary


@dataclass
class Cited:
    """A summary sentence: ``text == article.text[start:end]`` of ``article_id``."""

    text: str
    article_id: str
    start: int
    end: int
    lang: str
    event_id: str | None = None


@dataclass
class Paragraph:
    event_id: str
    title: str
    date: str | None
    date_is_estimate: bool
    sentences: list[Cited] = field(default_factory=list)


@dataclass
class Summary:
    kind: str  # "event" | "story"
    id: str
    lang: str | None  # the preferred language asked for, if any
    sentences: list[Cited] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)  # stories only

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def article_ids(self) -> set[str]:
        return {s.article_id for s in self.sentences}


# -- reading the candidates ------------------------------------------------------------------
def _article_weights(store: Store, arts: list[Article]) -> dict[str, float]:
    """Cosine of each article's stored vector to the group's mean, scaled to 0..1."""
    name = store.get_meta("encoder")
    vecs = store.get_vectors(f"article:{name}", [a.id for a in arts]) if name else {}
    if len(vecs) < 2:
        return {a.id: 1.0 for a in arts}
    m = np.stack([v / (np.linalg.norm(v) or 1.0) for v in vecs.values()])
    mean = m.mean(axis=0)
    mean /= np.linalg.norm(mean) or 1.0
    sims = dict(zip(vecs, (m @ mean).tolist(), strict=True))
    lo, hi = min(sims.values()), max(sims.values())
    span = (hi - lo) or 1.0
    return {a.id: (sims[a.id] - lo) / span if a.id in sims else 0.5 for a in arts}


def _mentions(store: Store, article_id: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for row in store.article_mentions(article_id):
        for m in (row.get("data") or {}).get("mentions", []):
            try:
                out.append((str(row["entity_id"]), int(m["start"]), int(m["end"])))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def _readable(arts: Sequence[Article]) -> list[Article]:
    """Articles to read: near-duplicates of another member left out (unless all are)."""
    ids = {a.id for a in arts}
    kept = [a for a in arts if not (a.dup_of and a.dup_of in ids)]
    return kept or list(arts)


def _pool_candidates(
    store: Store, arts: Sequence[Article], group: str = ""
) -> list[Candidate]:
    arts = _readable(arts)
    weights = _article_weights(store, arts)
    if len(arts) > MAX_ARTICLES:
        arts = sorted(arts, key=lambda a: -weights[a.id])[:MAX_ARTICLES]
    out: list[Candidate] = []
    for a in arts:
        lang = a.lang.lang if a.lang else "und"
        for c in candidates(a.id, a.text, lang, _mentions(store, a.id), title=a.title):
            c.group = group
            c.article_weight = weights[a.id]
            out.append(c)
    return out


def _cited(c: Candidate, event_id: str | None) -> Cited:
    return Cited(
        text=c.text, article_id=c.article_id, start=c.start, end=c.end, lang=c.lang,
        event_id=event_id,
    )


# -- summaries -------------------------------------------------------------------------------
def summarize_articles(
    store: Store,
    articles: Sequence[Article],
    *,
    lang: str | None = None,
    k: int | None = None,
    kind: str = "event",
    ident: str = "",
) -> Summary:
    """A summary of any group of articles (an event's, or a gold event in an evaluation)."""
    cands = _pool_candidates(store, articles, ident)
    pool = Pool(cands, entity_salience(cands))
    n = k if k is not None else min(EVENT_MAX, max(EVENT_MIN, 2 + len(articles) // 2))
    picked = pool.select(n, prefer_lang=lang)
    event_id = ident if kind == "event" and ident else None
    return Summary(
        kind=kind, id=ident, lang=lang, sentences=[_cited(cands[i], event_id) for i in picked]
    )


def summarize_event(
    store: Store, event: Event, articles: Sequence[Article], *, lang: str | None = None
) -> Summary:
    return summarize_articles(store, articles, lang=lang, kind="event", ident=event.id)


@dataclass
class StoryPart:
    """One event of a story as the summary needs it (a timeline entry, or a gold event)."""

    event_id: str
    title: str
    date: str | None
    date_is_estimate: bool
    articles: list[Article]


def main_parts(parts: Iterable[StoryPart], limit: int = MAX_PARAGRAPHS) -> list[StoryPart]:
    """The events with most articles (ties: the earlier), back in date order."""
    parts = [p for p in parts if p.articles]
    order = {id(p): n for n, p in enumerate(parts)}
    top = sorted(parts, key=lambda p: (-len(_readable(p.articles)), order[id(p)]))[:limit]
    return sorted(top, key=lambda p: (p.date is None, p.date or "", order[id(p)]))


def _first(picked: list[int], cands: list[Candidate], i: int) -> int:
    """Rank of the first pick from ``i``'s article: a paragraph reads article by article."""
    return next(n for n, j in enumerate(picked) if cands[j].article_id == cands[i].article_id)


def summarize_story(
    store: Store, story: Story, parts: Sequence[StoryPart], *, lang: str | None = None
) -> Summary:
    """A dated paragraph per main event, chosen together (no paragraph repeats another)."""
    main = main_parts(parts)
    cands: list[Candidate] = []
    spans: list[tuple[StoryPart, list[int]]] = []
    for p in main:
        mine = _pool_candidates(store, p.articles, p.event_id)
        spans.append((p, list(range(len(cands), len(cands) + len(mine)))))
        cands.extend(mine)
    pool = Pool(cands, entity_salience(cands))
    per = 2 if len(main) <= 3 else 1
    chosen: list[int] = []
    out = Summary(kind="story", id=story.id, lang=lang)
    for p, idx in spans:
        k = per + (1 if len(_readable(p.articles)) >= 4 else 0)
        new = pool.select(k, chosen=chosen, among=idx, prefer_lang=lang)
        chosen.extend(new)
        if not new:
            continue
        para = Paragraph(
            event_id=p.event_id, title=p.title, date=p.date, date_is_estimate=p.date_is_estimate,
            sentences=[
                _cited(cands[i], p.event_id)
                for i in sorted(new, key=lambda i: (_first(new, cands, i), cands[i].start))
            ],
        )
        out.paragraphs.append(para)
        out.sentences.extend(para.sentences)
    return out
