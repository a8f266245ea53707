"""A curator's corrections to the clustering, kept for good.

Merging two events, moving an article to another event and merging two stories change the
in-memory clustering state at once and record *must link* pairs (articles for events, events
for stories) that every later re-clustering honours (:mod:`storyline.cluster.events` and
:mod:`storyline.cluster.stories` add them as pairs of similarity ``MUST``; a moved article
also gets *cannot link* pairs with the event it left, as a split does). The pairs are derived
from the merge log when an engine starts (:func:`replay`), so they survive restarts, and an
undo (a merge-log entry of kind ``undo``) drops the pairs of the entry it undoes.
"""

from __future__ import annotations

from collections.abc import Iterable

from storyline.cluster.events import EventClusterer
from storyline.cluster.stories import StoryLinker
from storyline.model import MergeLogEntry

CURATED = "user"  # ``detail["by"]`` of a curator's entry


def merge_pairs(target_members: list[str], source_members: list[str]) -> set[frozenset[str]]:
    """Must-link pairs keeping two groups together: a star from the target's first member."""
    if not target_members:
        return set()
    hub = target_members[0]
    return {frozenset((hub, a)) for a in source_members if a != hub}


def merge_events(ec: EventClusterer, target: str, source: str) -> list[str]:
    """Put ``source``'s articles into ``target`` (``source`` dies). Returns the moved ids."""
    tgt, src = ec.events[target], ec.events[source]
    moved = list(src.members)
    ec.must |= merge_pairs(tgt.members, moved)
    ec.cannot -= {frozenset((a, b)) for a in moved for b in tgt.members}
    ec._rebuild(tgt, [*tgt.members, *moved])
    src.members, src.alive, src.dirty = [], False, True
    for a in moved:
        ec.article_event[a] = target
    return moved


def move_article(ec: EventClusterer, article_id: str, target: str) -> str:
    """Move one article into ``target``; returns the event it left (dead if emptied)."""
    old = ec.article_event[article_id]
    src, tgt = ec.events[old], ec.events[target]
    stay = [a for a in src.members if a != article_id]
    ec.must = {p for p in ec.must if article_id not in p}
    ec.must |= merge_pairs(tgt.members, [article_id])
    ec.cannot |= {frozenset((article_id, b)) for b in stay}
    ec.cannot -= {frozenset((article_id, b)) for b in tgt.members}
    ec._rebuild(tgt, [*tgt.members, article_id])
    if stay:
        ec._rebuild(src, stay)
    else:
        src.members, src.alive, src.dirty = [], False, True
    ec.article_event[article_id] = target
    return old


def merge_stories(sl: StoryLinker, target: str, source: str) -> list[str]:
    """Put ``source``'s events into story ``target`` (``source`` dies). Returns them."""
    tgt, src = sl.stories[target], sl.stories[source]
    moved = [e for e in src.events if e not in tgt.events]
    sl.must |= merge_pairs(tgt.events, moved)
    tgt.events.extend(moved)
    for e in moved:
        sl.event_story[e] = target
        if e in sl.events:
            sl.events[e].dirty = True  # its stored record names its story
    src.events, src.alive, src.dirty, tgt.dirty = [], False, True, True
    return moved


def replay(
    entries: Iterable[MergeLogEntry], ec: EventClusterer, sl: StoryLinker
) -> dict[str, str]:
    """Rebuild the curated pairs from the merge log; returns pinned story titles."""
    entries = list(entries)
    undone = {int(m.detail.get("undoes", -1)) for m in entries if m.kind == "undo"}
    titles: dict[str, str] = {}
    for m in entries:
        if m.seq in undone:
            continue
        d = m.detail
        if m.kind == "event-split":  # a curator's split holds for good
            for a in d.get("articles", []):
                for b in d.get("kept", []):
                    ec.cannot.add(frozenset((a, b)))
        if d.get("by") != CURATED:
            continue
        if m.kind == "event-merge":
            ec.must |= merge_pairs(d.get("kept", []), d.get("articles", []))
        elif m.kind == "article-move":
            for a in d.get("articles", []):
                ec.must = {p for p in ec.must if a not in p}
                ec.must |= merge_pairs(d.get("joined", []), [a])
                ec.cannot |= {frozenset((a, b)) for b in d.get("left", [])}
        elif m.kind == "story-merge":
            sl.must |= merge_pairs(d.get("kept", []), d.get("events", []))
        elif m.kind == "story-rename":
            titles[m.target] = str(d.get("title", ""))
    return titles
