"""A curator's corrections through the engine: merge events or stories, move an article,
rename a story, undo. Each one is one write transaction, logged in the merge log with
``detail["by"] = "user"`` and kept by later ingests (see :mod:`storyline.cluster.curate`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storyline.cluster import curate
from storyline.cluster.curate import CURATED
from storyline.errors import StoreError
from storyline.ingest.report import IngestReport
from storyline.model import MergeLogEntry

if TYPE_CHECKING:
    from storyline.cluster.events import EventClusterer, EventState
    from storyline.cluster.stories import StoryLinker, StoryState
    from storyline.store.base import Store

UNDOABLE = ("event-merge", "article-move", "story-merge", "story-rename", "event-split")


class CurateMixin:
    """Methods of :class:`storyline.engine.Engine` (which provides the state used here)."""

    store: Store
    events: EventClusterer
    stories: StoryLinker
    pinned: dict[str, str]
    _pending_merges: list[MergeLogEntry]

    if TYPE_CHECKING:  # provided by Engine / WriteGuard

        def _locked(self) -> Any: ...
        def _write(self, *args: Any) -> None: ...
        def _retitle(self, batch_vecs: dict[str, Any]) -> None: ...

    def _live_event(self, event_id: str) -> EventState:
        ev = self.events.events.get(event_id)
        if ev is None or not ev.alive:
            raise StoreError(f"no live event {event_id!r}: `storyline events` lists them")
        self.profiles_ensure(ev.members)
        return ev

    def profiles_ensure(self, ids: list[str]) -> None:
        profiles = getattr(self, "profiles", None)
        if profiles is not None:
            profiles.ensure(ids)

    def _live_story(self, story_id: str) -> StoryState:
        st = self.stories.stories.get(story_id)
        if st is None or not st.alive:
            raise StoreError(f"no live story {story_id!r}: `storyline stories` lists them")
        return st

    def _commit_entry(self, entry: MergeLogEntry, touched_events: list[str]) -> MergeLogEntry:
        entry.detail["by"] = CURATED
        self._retitle({})
        self._pending_merges = [entry, *self.stories.update(touched_events)]
        self._write([], {}, [], [], IngestReport())
        return self.store.merge_log(entry.target)[-1] if entry.target else entry

    def merge_events(self, target: str, source: str, reason: str = "") -> MergeLogEntry:
        """Merge event ``source`` into ``target`` (the pair is never split again by ingests)."""
        with self._locked():
            if target == source:
                raise StoreError("merge needs two different events")
            tgt, src = self._live_event(target), self._live_event(source)
            kept = list(tgt.members)
            moved = curate.merge_events(self.events, tgt.id, src.id)
            entry = MergeLogEntry(
                kind="event-merge", target=target, sources=[source],
                detail={"articles": moved, "kept": kept, "reason": reason or "merged by a user"},
            )
            return self._commit_entry(entry, [target, source])

    def move_article(self, article_id: str, target: str, reason: str = "") -> MergeLogEntry:
        """Move an article into event ``target`` (it stays there through later ingests)."""
        with self._locked():
            old = self.events.article_event.get(article_id)
            if old is None:
                raise StoreError(f"article {article_id!r} is in no event")
            if old == target:
                raise StoreError(f"article {article_id} is already in {target}")
            tgt = self._live_event(target)
            self._live_event(old)
            joined = list(tgt.members)
            left = [a for a in self.events.events[old].members if a != article_id]
            curate.move_article(self.events, article_id, target)
            entry = MergeLogEntry(
                kind="article-move", target=target, sources=[old],
                detail={"articles": [article_id], "joined": joined, "left": left,
                        "reason": reason or "moved by a user"},
            )
            return self._commit_entry(entry, [target, old])

    def merge_stories(self, target: str, source: str, reason: str = "") -> MergeLogEntry:
        """Merge story ``source`` into ``target`` (its events stay in ``target``)."""
        with self._locked():
            if target == source:
                raise StoreError("merge needs two different stories")
            tgt, src = self._live_story(target), self._live_story(source)
            kept = list(tgt.events)
            moved = curate.merge_stories(self.stories, tgt.id, src.id)
            entry = MergeLogEntry(
                kind="story-merge", target=target, sources=[source],
                detail={"events": moved, "kept": kept, "reason": reason or "merged by a user"},
            )
            return self._commit_entry(entry, [])

    def rename_story(self, story_id: str, title: str) -> MergeLogEntry:
        """Pin a story's title (later ingests keep it)."""
        title = " ".join((title or "").split())
        if not title or len(title) > 300:
            raise StoreError("a story title needs 1-300 characters")
        with self._locked():
            st = self._live_story(story_id)
            old = self.store.get_story(story_id)
            self.pinned[story_id] = title
            st.dirty = True
            entry = MergeLogEntry(
                kind="story-rename", target=story_id, sources=[],
                detail={"title": title, "old": old.title if old else ""},
            )
            return self._commit_entry(entry, [])

    def undo(self, seq: int) -> MergeLogEntry:
        """Undo a curator's correction (merge, move, split, rename) by its merge-log seq."""
        with self._locked():
            log = self.store.merge_log()
            entry = next((m for m in log if m.seq == seq), None)
            if entry is None or entry.kind not in UNDOABLE or (
                entry.detail.get("by") != CURATED and entry.kind != "event-split"
            ):
                raise StoreError(
                    f"merge-log entry {seq} is not a correction made by a user "
                    "(`storyline log` lists them; only merges, moves, splits and renames "
                    "made with storyline's commands can be undone)"
                )
            if any(m.kind == "undo" and m.detail.get("undoes") == seq for m in log):
                raise StoreError(f"merge-log entry {seq} is already undone")
            articles, events = self._reverse(entry)
            undo = MergeLogEntry(
                kind="undo", target=entry.target, sources=list(entry.sources),
                detail={"undoes": seq, "kind": entry.kind, "articles": articles},
            )
            self.events.must.clear()
            self.events.cannot.clear()
            self.stories.must.clear()
            self.pinned = curate.replay([*log, MergeLogEntry(
                kind="undo", target="", sources=[], detail={"undoes": seq}, seq=-1,
            )], self.events, self.stories)
            return self._commit_entry(undo, events)

    def _reverse(self, m: MergeLogEntry) -> tuple[list[str], list[str]]:
        """Undo the state change of ``m``; returns (articles moved, events touched)."""
        ec, d = self.events, m.detail
        if m.kind == "story-rename":
            self.pinned.pop(m.target, None)
            if m.target in self.stories.stories:
                self.stories.stories[m.target].dirty = True
            return [], []
        if m.kind == "story-merge":
            src = self.stories.stories.get(m.sources[0])
            moved = [e for e in d.get("events", []) if e in ec.events and ec.events[e].alive]
            if src is None or not moved:
                raise StoreError(f"story {m.sources[0]} cannot be restored")
            tgt = self.stories.stories.get(m.target)
            if tgt is not None:
                tgt.events = [e for e in tgt.events if e not in moved]
                tgt.dirty = True
            src.events, src.alive, src.dirty = list(moved), True, True
            for e in moved:
                self.stories.event_story[e] = src.id
                ec.events[e].dirty = True
            arts = [a for e in moved for a in ec.events[e].members]
            return arts, []
        if m.kind == "event-split":  # merge the split-off event back
            off = m.sources[0]
            self._live_event(off)
            self._live_event(m.target)
            moved = curate.merge_events(ec, m.target, off)
            return moved, [m.target, off]
        if m.kind == "event-merge":
            moved = [a for a in d.get("articles", []) if ec.article_event.get(a) == m.target]
            self._live_event(m.target)
            if not moved or len(moved) == len(ec.events[m.target].members):
                raise StoreError(f"event {m.target} changed since; nothing to split back")
            new = ec.split(m.target, moved)
            ec.cannot -= {frozenset((a, b)) for a in moved for b in ec.events[m.target].members}
            return moved, [m.target, new.id]
        # article-move: back to the event it left (or a new one if that one is gone)
        (aid,) = d.get("articles", [])[:1] or [""]
        if ec.article_event.get(aid) != m.target:
            raise StoreError(f"article {aid} is no longer in {m.target}; nothing to move back")
        self._live_event(m.target)
        back = m.sources[0]
        if back in ec.events and ec.events[back].alive:
            curate.move_article(ec, aid, back)
            return [aid], [m.target, back]
        new = ec.split(m.target, [aid])
        return [aid], [m.target, new.id]
