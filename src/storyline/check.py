"""``storyline check``: verify a store's invariants, and repair what breaks them.

Invariants (each problem found has one of these codes):

* ``article-event``: every article belongs to an existing, live event that lists it;
* ``article-story``: every article's story is its event's story (live, existing);
* ``event-member``: an event lists only articles that name it as their event;
* ``event-story``: a live event is in an existing, live story that lists it, and a story
  lists only live events that name it;
* ``ghost-event`` / ``ghost-story``: nothing merged away (merge log) or left empty is alive;
* ``entity-count``: an entity's counters (mentions per language, per article) equal its
  mention rows (those of the entities merged into it included);
* ``mention-entity``: a mention row names an existing entity;
* ``text-index``: the full-text index holds exactly the stored articles;
* ``vector``: every article has its embedding, and no embedding is left without its article.

:func:`repair` fixes them, with the articles' own event as the ground truth: an article
whose event is gone or dead follows the merge log to the survivor (a new event if none);
events and stories then get their member lists, story ids, languages and date spans from
their articles, empty ones die, entity counters are recomputed from the mention rows, the
full-text index is rebuilt, and embeddings are dropped (orphans) or, with an encoder,
recomputed (missing). Every change is logged in the merge log as ``repair``.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.model import Article, Event, MergeLogEntry, Story
from storyline.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class Problem:
    code: str
    subject: str  # the id the problem is about
    message: str


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    repaired: list[str] = field(default_factory=list)  # what repair() changed

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_code(self) -> dict[str, int]:
        return dict(Counter(p.code for p in self.problems))

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "counts": self.counts,
            "problems": len(self.problems),
            "by_code": self.by_code(),
            "details": [p.__dict__ for p in self.problems[:200]],
            "repaired": self.repaired,
        }


@dataclass
class _Snapshot:
    articles: dict[str, Article]
    events: dict[str, Event]
    stories: dict[str, Story]
    merged_events: dict[str, str]  # event id -> the event it was merged into (last merge)
    merged_stories: dict[str, str]


def _snapshot(store: Store) -> _Snapshot:
    merged_events: dict[str, str] = {}
    merged_stories: dict[str, str] = {}
    for m in store.merge_log():
        if m.kind == "event-merge":
            for src in m.sources:
                merged_events[str(src)] = m.target
        elif m.kind == "story-merge":
            for src in m.sources:
                merged_stories[str(src)] = m.target
    return _Snapshot(
        articles={a.id: a for a in store.iter_articles()},
        events={e.id: e for e in store.list_events(include_dead=True)},
        stories={s.id: s for s in store.list_stories(include_dead=True)},
        merged_events=merged_events,
        merged_stories=merged_stories,
    )


def _vector_space(store: Store) -> str | None:
    enc = store.get_meta("encoder")
    return f"article:{enc}" if enc else None


def check(store: Store) -> CheckReport:
    """Every invariant of the module docstring, checked over the whole store."""
    snap = _snapshot(store)
    rep = CheckReport(counts={"articles": len(snap.articles), "events": len(snap.events),
                              "stories": len(snap.stories)})
    add = rep.problems.append
    _check_articles(snap, add)
    _check_events(snap, add)
    _check_stories(snap, add)
    _check_entities(store, snap, add, rep.counts)
    for miss in store.text_index_drift():
        add(Problem("text-index", miss.removeprefix("? ") if miss.startswith("?") else miss,
                    "not in the full-text index" if not miss.startswith("?") else miss[2:]))
    space = _vector_space(store)
    if space is not None:
        have = store.vector_ids(space)
        for aid in sorted(set(snap.articles) - have):
            add(Problem("vector", aid, f"article has no vector in {space}"))
        for vid in sorted(have - set(snap.articles)):
            add(Problem("vector", vid, f"vector in {space} of no stored article"))
    return rep


def _check_articles(snap: _Snapshot, add: Callable[[Problem], None]) -> None:
    for a in snap.articles.values():
        ev = snap.events.get(a.event_id or "")
        if ev is None or not ev.alive:
            state = "no event" if a.event_id is None else (
                f"event {a.event_id} " + ("does not exist" if ev is None else "is dead"))
            add(Problem("article-event", a.id, state))
            continue
        if a.id not in ev.article_ids:
            add(Problem("article-event", a.id, f"event {ev.id} does not list it"))
        if a.story_id != ev.story_id:
            add(Problem("article-story", a.id, f"story {a.story_id} but its event {ev.id} is "
                        f"in story {ev.story_id}"))
        st = snap.stories.get(a.story_id or "")
        if st is None or not st.alive:
            add(Problem("article-story", a.id, f"story {a.story_id} is missing or dead"))


def _check_events(snap: _Snapshot, add: Callable[[Problem], None]) -> None:
    for ev in snap.events.values():
        if not ev.alive:
            continue
        if ev.id in snap.merged_events:
            add(Problem("ghost-event", ev.id, f"merged into {snap.merged_events[ev.id]} "
                        "but still alive"))
        if not ev.article_ids:
            add(Problem("ghost-event", ev.id, "alive with no articles"))
        for aid in ev.article_ids:
            a = snap.articles.get(aid)
            if a is None or a.event_id != ev.id:
                add(Problem("event-member", ev.id, f"lists {aid}, which "
                            + ("does not exist" if a is None else f"is in event {a.event_id}")))
        st = snap.stories.get(ev.story_id or "")
        if st is None or not st.alive:
            add(Problem("event-story", ev.id, f"story {ev.story_id} is missing or dead"))
        elif ev.id not in st.event_ids:
            add(Problem("event-story", ev.id, f"story {st.id} does not list it"))


def _check_stories(snap: _Snapshot, add: Callable[[Problem], None]) -> None:
    for st in snap.stories.values():
        if not st.alive:
            continue
        if st.id in snap.merged_stories:
            add(Problem("ghost-story", st.id, f"merged into {snap.merged_stories[st.id]} but "
                        "still alive"))
        live = [e for e in st.event_ids if (ev := snap.events.get(e)) is not None and ev.alive]
        if not live:
            add(Problem("ghost-story", st.id, "alive with no live events"))
        for eid in st.event_ids:
            ev = snap.events.get(eid)
            if ev is None or not ev.alive or ev.story_id != st.id:
                add(Problem("event-story", st.id, f"lists event {eid}, which "
                            + ("does not exist" if ev is None else "is dead" if not ev.alive
                               else f"is in story {ev.story_id}")))


# -- entities --------------------------------------------------------------------------------
def _entity_rows(store: Store) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in store.list_entities(include_dead=True)}


def _closure_owner(rows: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Entity id -> itself and every entity whose merged_into chain passes through it."""
    owners: dict[str, list[str]] = defaultdict(list)
    for eid in rows:
        seen = set()
        cur: str | None = eid
        while cur is not None and cur in rows and cur not in seen:
            seen.add(cur)
            owners[cur].append(eid)
            cur = rows[cur]["data"].get("merged_into")
    return owners


def _mention_totals(store: Store, rows: dict[str, dict[str, Any]],
                    langs: dict[str, str]) -> tuple[dict[str, dict[str, int]],
                                                    dict[str, Counter[str]], list[str]]:
    """Per entity (closure): articles -> mention count, and mentions per language."""
    own_articles: dict[str, dict[str, int]] = defaultdict(dict)
    unknown: list[str] = []
    for aid, eid, n in store.mention_counts():
        if eid not in rows:
            unknown.append(f"{aid}:{eid}")
            continue
        own_articles[eid][aid] = own_articles[eid].get(aid, 0) + n
    owners = _closure_owner(rows)
    articles: dict[str, dict[str, int]] = {}
    by_lang: dict[str, Counter[str]] = {}
    for eid in rows:
        acc: dict[str, int] = {}
        lc: Counter[str] = Counter()
        for member in owners.get(eid, [eid]):
            for aid, n in own_articles.get(member, {}).items():
                acc[aid] = acc.get(aid, 0) + n
                lc[langs.get(aid, "und")] += n
        articles[eid], by_lang[eid] = acc, lc
    return articles, by_lang, unknown


def _check_entities(store: Store, snap: _Snapshot, add: Callable[[Problem], None],
                    counts: dict[str, int]) -> None:
    rows = _entity_rows(store)
    counts["entities"] = len(rows)
    langs = {a.id: (a.lang.lang if a.lang else "und") for a in snap.articles.values()}
    articles, _, unknown = _mention_totals(store, rows, langs)
    for ref in unknown:
        add(Problem("mention-entity", ref, "mention row of an entity that does not exist"))
    for eid, row in rows.items():
        want = articles[eid]
        have = {k: int(v) for k, v in row["data"].get("articles", {}).items()}
        total = sum(want.values())
        if int(row["mentions"]) != total or have != want:
            diff = sorted(set(have.items()) ^ set(want.items()))[:3]
            add(Problem("entity-count", eid, f"counts {row['mentions']} mentions, its mention "
                        f"rows {total} (first differences: {diff})"))


# -- repair ----------------------------------------------------------------------------------
def _follow(start: str, merged: dict[str, str], alive: Callable[[str], bool]) -> str | None:
    seen: set[str] = set()
    cur: str | None = start
    while cur is not None and cur not in seen:
        if alive(cur):
            return cur
        seen.add(cur)
        cur = merged.get(cur)
    return None


def repair(store: Store, *, embed: Callable[[list[Article]], dict[str, np.ndarray]] | None
           = None) -> CheckReport:
    """Fix every problem :func:`check` finds (see the module docstring); returns the check
    made after the repair, with ``repaired`` listing what changed."""
    before = check(store)
    done: list[str] = []
    if before.ok:
        before.repaired = done
        return before
    codes = before.by_code()
    with store.transaction():
        if any(c in codes for c in ("article-event", "article-story", "event-member",
                                    "event-story", "ghost-event", "ghost-story")):
            _repair_membership(store, done)
        if "entity-count" in codes or "mention-entity" in codes:
            _repair_entities(store, done)
        if "vector" in codes:
            _repair_vectors(store, done, embed)
    if "text-index" in codes:
        store.rebuild_text_index()
        done.append("rebuilt the full-text index")
    after = check(store)
    after.repaired = done
    return after


def _repair_membership(store: Store, done: list[str]) -> None:
    snap = _snapshot(store)
    evs, sts = snap.events, snap.stories
    listed: dict[str, list[str]] = defaultdict(list)  # article -> live events listing it
    for ev in evs.values():
        if ev.alive:
            for aid in ev.article_ids:
                listed[aid].append(ev.id)

    def alive_event(eid: str) -> bool:
        return eid in evs and evs[eid].alive and eid not in snap.merged_events

    # 1. each article's event: its own if live, else where the merge log sent it
    event_of: dict[str, str] = {}
    for a in snap.articles.values():
        target = _follow(a.event_id, snap.merged_events, alive_event) if a.event_id else None
        if target is None:
            target = next((e for e in listed.get(a.id, []) if alive_event(e)), None)
        if target is None:
            target = f"e{store.next_id('event'):06d}"
            evs[target] = Event(id=target, title=a.title, story_id=None)
            done.append(f"article {a.id}: new event {target} (its event {a.event_id} is gone)")
        event_of[a.id] = target
    # 2. events' members, languages and spans from their articles; empty ones die
    members: dict[str, list[str]] = defaultdict(list)
    for aid in snap.articles:  # ingest order
        members[event_of[aid]].append(aid)
    changed_events: set[str] = set()
    for ev in evs.values():
        new = members.get(ev.id, [])
        keep = [a for a in ev.article_ids if a in set(new)]
        new = keep + [a for a in new if a not in set(keep)]
        alive = bool(new)
        if new != ev.article_ids or alive != ev.alive:
            if ev.alive and not alive:
                done.append(f"event {ev.id}: no articles left, marked dead")
            elif ev.article_ids != new:
                done.append(f"event {ev.id}: members {len(ev.article_ids)} -> {len(new)}")
            ev.article_ids, ev.alive = new, alive
            _respan(ev, [snap.articles[a] for a in new])
            changed_events.add(ev.id)
    # 3. stories: each live event's own if live, else via the merge log, else a new one
    def alive_story(sid: str) -> bool:
        return sid in sts and sts[sid].alive and sid not in snap.merged_stories

    for ev in evs.values():
        if not ev.alive:
            if ev.story_id is not None:
                ev.story_id = None
                changed_events.add(ev.id)
            continue
        target = _follow(ev.story_id, snap.merged_stories, alive_story) if ev.story_id else None
        if target is None:
            target = next((s.id for s in sts.values() if ev.id in s.event_ids
                           and alive_story(s.id)), None)
        if target is None:
            target = f"s{store.next_id('story'):06d}"
            sts[target] = Story(id=target, title=ev.title)
            done.append(f"event {ev.id}: new story {target} (its story {ev.story_id} is gone)")
        if target != ev.story_id:
            done.append(f"event {ev.id}: story {ev.story_id} -> {target}")
            ev.story_id = target
            changed_events.add(ev.id)
    story_events: dict[str, list[str]] = defaultdict(list)
    for ev in sorted(evs.values(), key=lambda e: (len(e.id), e.id)):
        if ev.alive and ev.story_id:
            story_events[ev.story_id].append(ev.id)
    for st in sts.values():
        new = story_events.get(st.id, [])
        alive = bool(new)
        if new != st.event_ids or alive != st.alive:
            done.append(f"story {st.id}: events {len(st.event_ids)} -> {len(new)}"
                        + ("" if alive else ", marked dead"))
            st.event_ids, st.alive = new, alive
            live = [evs[e] for e in new]
            st.languages = dict(sum((Counter(e.languages) for e in live), Counter()))
            firsts = [e.first_date for e in live if e.first_date]
            lasts = [e.last_date for e in live if e.last_date]
            st.first_date, st.last_date = min(firsts, default=None), max(lasts, default=None)
            store.put_story(st)
    for eid in sorted(changed_events):
        store.put_event(evs[eid])
    # 4. articles' own event and story ids
    for a in snap.articles.values():
        ev = evs[event_of[a.id]]
        if a.event_id != ev.id or a.story_id != ev.story_id:
            a.event_id, a.story_id = ev.id, ev.story_id
            store.put_article(a)
    if done:
        store.append_merge(MergeLogEntry(kind="repair", target="store", sources=[],
                                         detail={"changes": done[:500]}))


def _respan(ev: Event, arts: Iterable[Article]) -> None:
    langs: Counter[str] = Counter()
    days: list[str] = []
    estimate = True
    for a in arts:
        langs[a.lang.lang if a.lang else "und"] += 1
        if a.date and a.date.value and len(a.date.value) == 10:
            days.append(a.date.value)
            estimate = estimate and a.date.is_estimate
    ev.languages = dict(langs)
    if days:
        days.sort()
        ev.first_date, ev.last_date, ev.date = days[0], days[-1], days[len(days) // 2]
        ev.date_is_estimate = estimate


def _repair_entities(store: Store, done: list[str]) -> None:
    rows = _entity_rows(store)
    snap_langs = {a.id: (a.lang.lang if a.lang else "und") for a in store.iter_articles()}
    articles, by_lang, _unknown = _mention_totals(store, rows, snap_langs)
    for eid, row in rows.items():
        want = articles[eid]
        have = {k: int(v) for k, v in row["data"].get("articles", {}).items()}
        if int(row["mentions"]) == sum(want.values()) and have == want:
            continue
        data = dict(row["data"])
        data["articles"] = dict(sorted(want.items()))
        data["langs"] = dict(by_lang[eid])
        data["mentions"] = sum(want.values())
        done.append(f"entity {eid}: {row['mentions']} -> {data['mentions']} mentions")
        store.put_entity({**row, "mentions": data["mentions"], "data": data,
                          "names": row.get("names") or _names(store, eid)})


def _names(store: Store, eid: str) -> list[str]:
    full = store.get_entity(eid)
    return list(full.get("names", [])) if full else []


def _repair_vectors(store: Store, done: list[str],
                    embed: Callable[[list[Article]], dict[str, np.ndarray]] | None) -> None:
    space = _vector_space(store)
    if space is None:
        return
    ids = {a.id for a in store.iter_articles()}
    have = store.vector_ids(space)
    orphans = sorted(have - ids)
    if orphans:
        store.delete_vectors(space, orphans)
        done.append(f"dropped {len(orphans)} vectors of no article")
    missing = sorted(ids - have)
    if missing and embed is not None:
        arts = [a for a in (store.get_article(i) for i in missing) if a is not None]
        store.put_vectors(space, embed(arts))
        done.append(f"embedded {len(arts)} articles that had no vector")
