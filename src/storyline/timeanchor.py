"""Relative dates of an article resolved against the best date its context gives.

``पिछले साल सितंबर`` ("September last year") needs the year the article was written. The
pipeline resolves it against the article's own publication date (a day, a month or a year).
An article without any date can still be placed by its context in the store:

1. its own publication date, when it has at least a year;
2. else its event's date (the articles of an event report one happening, at one time);
3. else the date of the dated article of its story closest to it in meaning (the stored
   article vectors; without vectors, the story's latest dated article).

:func:`anchored_times` returns the article's time expressions resolved against that anchor
and a sentence saying which anchor was used, for the article views (CLI and web).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyline.model import Article, TimeExpression
from storyline.store.base import Store
from storyline.text.dates import find_time_expressions

__all__ = ["Anchor", "anchor_date", "anchored_times"]

_SPACES = ("article:e5", "article:hashing")


@dataclass
class Anchor:
    value: str | None  # ISO day, month or year
    source: str  # "publication date", "event e000003", "article a_…", "none"
    note: str  # one sentence for users


def _story_anchor(store: Store, a: Article) -> Anchor | None:
    if not a.story_id:
        return None
    story = store.get_story(a.story_id)
    if story is None:
        return None
    dated: list[Article] = []
    for eid in story.event_ids:
        ev = store.get_event(eid)
        if ev is None:
            continue
        for aid in ev.article_ids:
            if aid == a.id:
                continue
            other = store.get_article(aid)
            if other is not None and other.date is not None and other.date.value:
                dated.append(other)
    if not dated:
        return None
    best: Article | None = None
    for space in _SPACES:
        vecs = store.get_vectors(space, [a.id, *(o.id for o in dated)])
        if a.id in vecs and len(vecs) > 1:
            q = vecs[a.id] / (np.linalg.norm(vecs[a.id]) or 1.0)
            sims = {oid: float(q @ (v / (np.linalg.norm(v) or 1.0)))
                    for oid, v in vecs.items() if oid != a.id}
            best_id = max(sims, key=lambda k: sims[k])
            best = next(o for o in dated if o.id == best_id)
            break
    how = "the dated article of its story closest in meaning"
    if best is None:
        best = max(dated, key=lambda o: o.date.value if o.date and o.date.value else "")
        how = "the latest dated article of its story"
    value = best.date.value if best.date else None
    return Anchor(value, f"article {best.id}",
                  f"resolved against {value} ({how}, {best.id}; this article has no date)")


def anchor_date(store: Store, a: Article) -> Anchor:
    """The date to resolve ``a``'s relative expressions against (see the module docstring)."""
    if a.date is not None and a.date.value:
        return Anchor(a.date.value, "publication date",
                      f"resolved against the publication date {a.date.value}")
    if a.event_id:
        ev = store.get_event(a.event_id)
        if ev is not None and ev.date:
            return Anchor(ev.date, f"event {ev.id}",
                          f"resolved against {ev.date} (the date of its event {ev.id}; this "
                          "article has no date)")
    return _story_anchor(store, a) or Anchor(None, "none", "no date to resolve against")


def anchored_times(store: Store, a: Article) -> tuple[list[TimeExpression], Anchor]:
    """The article's time expressions resolved against :func:`anchor_date`."""
    anchor = anchor_date(store, a)
    lang = a.lang.lang if a.lang else None
    return find_time_expressions(a.text, pub_date=anchor.value, lang=lang), anchor
