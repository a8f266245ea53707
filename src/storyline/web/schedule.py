"""Watchlists on a schedule while ``storyline serve`` runs (a daemon thread)."""

from __future__ import annotations

import logging
import threading

from storyline.errors import StorylineError
from storyline.web.app import WebState

logger = logging.getLogger(__name__)


class WatchScheduler:
    """Runs the watchlists every ``every`` seconds, under the state's write lock."""

    def __init__(self, state: WebState, every: float) -> None:
        self.state, self.every = state, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> None:
        if self.every <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="storyline-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def tick(self) -> None:
        """One run of every watchlist (what the thread does each period)."""
        with self.state.lock:
            if self.state.sl.store.list_watches():
                self.state.sl.run_watches()
        self.runs += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.tick()
            except StorylineError:
                logger.exception("scheduled watchlist run failed")
            except Exception:  # keep the schedule alive whatever one run met
                logger.exception("scheduled watchlist run crashed")
