"""What keeps the engine's writes safe: one write transaction per batch with the in-memory
state in step with the store, and failure isolation.

* Each batch is deduplicated, annotated, clustered and written inside the store's write
  transaction (:meth:`WriteGuard._locked`). Before anything, the engine compares the store's
  write generation (bumped by every engine write) with its own: if another writer (another
  process, another engine) committed in between, or a write of ours failed and was rolled
  back, it reloads its state from the store. Two concurrent writers therefore never
  overwrite each other's events, stories or entity counters, and a rolled-back article never
  stays in memory as a phantom event member.
* A batch that fails to store is retried article by article; an article that still fails is
  quarantined (``store-error``) so that it cannot block the others.
* :meth:`WriteGuard._events_to_write` writes every event a batch changed, including merged-away
  events (written dead) and events moved by a story merge (written with their new story).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from storyline.cluster.events import EventState
from storyline.cluster.stories import StoryState
from storyline.errors import StoreBusyError
from storyline.ingest.report import IngestReport
from storyline.ingest.screen import reject_article
from storyline.model import Article, MergeLogEntry, Quarantined

if TYPE_CHECKING:
    from storyline.cluster.events import EventClusterer
    from storyline.quotes import Claim
    from storyline.store.base import Store

log = logging.getLogger(__name__)

GENERATION_META = "write_generation"  # bumped by every engine write (see WriteGuard._sync)


class WriteGuard:
    """Mixin of :class:`storyline.engine.Engine` (see the module docstring)."""

    store: Store
    events: EventClusterer
    _gen: int | None

    def _reset_state(self) -> None:
        raise NotImplementedError

    def _place_locked(self, articles: list[Article], vecs: dict[str, np.ndarray],
                      quarantine: list[Quarantined], report: IngestReport,
                      claims: dict[str, list[Claim]] | None = None) -> None:
        raise NotImplementedError

    def _sync(self) -> None:
        """Inside the write transaction: reload when another writer committed since our last
        look (or our last write failed), so concurrent writers never overwrite each other."""
        if self._gen is None or self.store.get_meta(GENERATION_META, 0) != self._gen:
            log.info("store changed under this engine (another writer, or a failed write): "
                     "reloading its state")
            self._reset_state()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The store's write transaction, with the in-memory state in step with the store;
        if the block fails (rolled back), the state is reloaded before its next use."""
        try:
            with self.store.transaction():
                self._sync()
                yield
        except BaseException:
            self._gen = None
            raise

    def _place_batch(
        self,
        articles: list[Article],
        vecs: dict[str, np.ndarray],
        quarantine: list[Quarantined],
        report: IngestReport,
        claims: dict[str, list[Claim]] | None = None,
    ) -> None:
        """Place a batch in one write transaction; if it fails (rolled back), article by
        article, so that one article that cannot be stored does not block the others."""
        try:
            self._place_locked(articles, vecs, quarantine, report, claims)
        except StoreBusyError:
            raise  # not this batch's fault: the run stops, a re-run resumes
        except Exception as exc:
            # a clear line, not a traceback (that one is logged at debug level: -v)
            log.warning("batch of %d articles failed to store (%r); retrying one by one",
                        len(articles), exc, exc_info=log.isEnabledFor(logging.DEBUG))
            failed: list[Quarantined] = []
            for a in articles:
                try:
                    self._place_locked([a], vecs, [], report, claims)
                except StoreBusyError:
                    raise
                except Exception as exc:
                    log.warning("article %s (%s) cannot be stored (%r): quarantined",
                                a.id, a.doc_id, exc, exc_info=log.isEnabledFor(logging.DEBUG))
                    failed.append(reject_article(a, "store-error", f"cannot be stored "
                                                 f"({exc!r:.200}); skipped, please report it"))
            self._place_locked([], {}, quarantine + failed, report)

    def _events_to_write(
        self, merges: list[MergeLogEntry], stories: list[StoryState]
    ) -> list[EventState]:
        """Events whose rows this batch changes: the touched ones, every event named by a
        merge/move/split (a merged-away event must be written dead, or it stays a "ghost"),
        and every event of a changed story (a story merge moves events that are not
        otherwise touched; their rows must name the surviving story)."""
        evs = self.events.events
        out = {e.id: e for e in self.events.touched()}
        for m in merges:
            if m.kind.startswith("event-") or m.kind == "article-move":
                for eid in [m.target, *m.sources, *m.detail.get("events", [])]:
                    if eid in evs:
                        out.setdefault(eid, evs[eid])
        for st in stories:
            for eid in st.events:
                if eid in evs:
                    out.setdefault(eid, evs[eid])
        return [out[k] for k in sorted(out)]

