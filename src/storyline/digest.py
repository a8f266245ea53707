"""Story digests: the costly parts of a story page, computed when a story changes.

A story page shows the story's summary and the conflicting claims of its events; computing
them is most of the page's cost (tens to hundreds of milliseconds for a big story). After an
ingest (:meth:`Storyline.ingest` and friends; ``storyline digests`` for a store built
before) :func:`refresh` computes them for every story and event whose content changed and
keeps them in the store (:meth:`Store.put_derived`), each with a *fingerprint* of what it was
computed from:

* a story's summary (:data:`SUMMARY`, in no preferred language): the story id and, for each
  of its live events, the event's id, title, date and article ids (articles never change
  once stored: their text, vectors, entity mentions and claims are written with them);
* an event's conflicting claims (:data:`CONFLICTS`): the event id and its article ids.

A store that cannot keep them beyond the process (``Store.keeps_derived`` false: the
PostgreSQL store so far) gets none after an ingest; its pages compute everything, as before.
A reader recomputes the fingerprint from the rows it reads anyway and uses the stored value
only when it matches, so a stale or missing digest costs time, never correctness: the page
then computes the value itself, as it always did. :data:`DIGEST_VERSION` is part of every
fingerprint; bump it when the summary or conflict code changes its output.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storyline.api_people import Quote, quote_conflicts
from storyline.model import Event, Story, TimelineEntry
from storyline.quotes.claim import Conflict
from storyline.summary import Cited, Paragraph, StoryPart, Summary, summarize_story

if TYPE_CHECKING:
    from storyline.api import Storyline

log = logging.getLogger(__name__)

DIGEST_VERSION = 1
SUMMARY = "story-summary"
CONFLICTS = "event-conflicts"
WRITE_BATCH = 100  # stories per write transaction of a refresh


def _hash(parts: Any) -> str:
    text = json.dumps([DIGEST_VERSION, parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def event_fingerprint(ev: Event) -> str:
    """What an event's conflicts are computed from: its id and its articles."""
    return _hash([ev.id, sorted(ev.article_ids)])


def story_fingerprint(story: Story, events: Iterable[Event]) -> str:
    """What a story's summary is computed from: its live events (id, title, date, articles)."""
    parts = sorted([e.id, e.title, e.date, sorted(e.article_ids)] for e in events)
    return _hash([story.id, parts])


# -- (de)serialising -------------------------------------------------------------------------
def summary_from_dict(d: dict[str, Any]) -> Summary:
    """The :class:`Summary` that ``Summary.as_dict()`` gave ``d``."""
    paragraphs = [
        Paragraph(**{**p, "sentences": [Cited(**c) for c in p["sentences"]]})
        for p in d.get("paragraphs", [])
    ]
    sentences = [Cited(**c) for c in d.get("sentences", [])]
    flat = [c for p in paragraphs for c in p.sentences]
    if paragraphs and flat == sentences:  # a story summary: the same objects, as built
        sentences = flat
    return Summary(
        kind=d["kind"], id=d["id"], lang=d.get("lang"), sentences=sentences, paragraphs=paragraphs
    )


# -- reading ---------------------------------------------------------------------------------
def compute_story_summary(
    sl: Storyline, story: Story, timeline: Sequence[TimelineEntry]
) -> Summary:
    parts = [
        StoryPart(
            event_id=t.event.id, title=t.event.title, date=t.date,
            date_is_estimate=t.is_estimate, articles=t.articles,
        )
        for t in timeline
    ]  # fmt: skip
    return summarize_story(sl.store, story, parts, lang=None)


def story_summary(sl: Storyline, story: Story, timeline: Sequence[TimelineEntry]) -> Summary:
    """The story's summary in no preferred language: the stored one when it is current."""
    fp = story_fingerprint(story, [t.event for t in timeline])
    hit = sl.store.get_derived(SUMMARY, [story.id]).get(story.id)
    if hit is not None and hit[0] == fp:
        try:
            return summary_from_dict(hit[1])
        except (KeyError, TypeError, ValueError):
            log.warning("story %s: stored summary unreadable; computing it", story.id)
    return compute_story_summary(sl, story, timeline)


def conflicts_of(sl: Storyline, quotes: Sequence[Quote], events: Iterable[Event]) -> list[Conflict]:
    """``quote_conflicts(quotes)`` (conflicts looked for within each event, best first), with
    the conflicts of each of ``events`` whose claims are all in ``quotes`` read from its
    digest when the event is unchanged."""
    by_event: dict[str | None, list[Quote]] = {}
    for q in quotes:
        by_event.setdefault(q.event_id, []).append(q)
    known = {e.id: e for e in events}
    wanted = [eid for eid, qs in by_event.items() if eid in known and len(qs) > 1]
    stored = sl.store.get_derived(CONFLICTS, [str(e) for e in wanted]) if wanted else {}
    out: list[Conflict] = []
    for eid, qs in by_event.items():
        hit = stored.get(eid) if eid is not None else None
        if eid is not None and hit is not None and hit[0] == event_fingerprint(known[eid]):
            try:
                out.extend(Conflict.from_dict(d) for d in hit[1])
                continue
            except (KeyError, TypeError, ValueError):
                log.warning("event %s: stored conflicts unreadable; computing them", eid)
        out.extend(quote_conflicts(qs))
    return sorted(out, key=lambda c: -c.score)


# -- refreshing ------------------------------------------------------------------------------
@dataclass
class DigestReport:
    stories: int = 0  # live stories looked at
    summaries: int = 0  # summaries computed and stored
    events: int = 0  # events whose conflicts were computed and stored
    removed: int = 0  # digests of stories/events no longer alive, forgotten
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def refresh(sl: Storyline, *, force: bool = False) -> DigestReport:
    """Compute and store the digest of every live story and event whose fingerprint changed
    (every one with ``force``); forget those of stories and events no longer alive."""
    t0 = time.perf_counter()
    store = sl.store
    report = DigestReport()
    stories = [s for s in store.list_stories() if s.alive]
    events = {e.id: e for e in store.list_events() if e.alive}
    story_fp: dict[str, str] = {}
    event_fp: dict[str, str] = {}
    for s in stories:
        evs = [events[e] for e in s.event_ids if e in events]
        story_fp[s.id] = story_fingerprint(s, evs)
        for e in evs:
            event_fp[e.id] = event_fingerprint(e)
    stored_s = store.derived_fingerprints(SUMMARY)
    stored_e = store.derived_fingerprints(CONFLICTS)
    have_s = {} if force else stored_s
    have_e = {} if force else stored_e
    report.stories = len(stories)
    todo: list[Story] = []
    for s in stories:
        if have_s.get(s.id) != story_fp[s.id] or any(
            have_e.get(e) != event_fp[e] for e in s.event_ids if e in event_fp
        ):
            todo.append(s)
    for i in range(0, len(todo), WRITE_BATCH):
        summaries: dict[str, tuple[str, Any] | None] = {}
        conflicts: dict[str, tuple[str, Any] | None] = {}
        for s in todo[i : i + WRITE_BATCH]:
            tl = sl.timeline(s.id)
            if have_s.get(s.id) != story_fp[s.id]:
                fp = story_fingerprint(s, [t.event for t in tl])
                summaries[s.id] = (fp, compute_story_summary(sl, s, tl).as_dict())
            stale = {t.event.id for t in tl if have_e.get(t.event.id) != event_fp.get(t.event.id)}
            if stale:
                by_event: dict[str | None, list[Quote]] = {}
                for q in sl.quotes(story=s.id):
                    by_event.setdefault(q.event_id, []).append(q)
                for t in tl:
                    if t.event.id in stale:
                        found = quote_conflicts(by_event.get(t.event.id, []))
                        conflicts[t.event.id] = (
                            event_fingerprint(t.event), [c.to_dict() for c in found]
                        )
        with store.transaction():
            store.put_derived(SUMMARY, summaries)
            store.put_derived(CONFLICTS, conflicts)
        report.summaries += len(summaries)
        report.events += len(conflicts)
    gone_s = set(stored_s) - set(story_fp)
    gone_e = set(stored_e) - set(event_fp)
    if gone_s or gone_e:
        with store.transaction():
            store.put_derived(SUMMARY, dict.fromkeys(gone_s))
            store.put_derived(CONFLICTS, dict.fromkeys(gone_e))
    report.removed = len(gone_s) + len(gone_e)
    report.seconds = time.perf_counter() - t0
    return report

