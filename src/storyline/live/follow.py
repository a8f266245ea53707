"""Follow RSS/Atom feeds: poll, fetch new items, ingest them.

Each round asks every feed with a conditional GET (``If-None-Match`` with the last ``ETag``,
``If-Modified-Since`` with the last ``Last-Modified``); a ``304 Not Modified`` costs nothing
more. The items of a changed feed that were not seen before are expanded into their pages
(:mod:`storyline.live.pages`) and ingested through the normal path (quarantine with reasons,
idempotent re-ingest, watchlists after the ingest).

A feed's state (validators, the ids of the items already handled, failures) is kept in the
store (meta key ``follow:<feed URL>``) and written after the ingest commits: a restart does not
fetch again what is stored, and a process killed mid-round fetches that round again (ingest
skips what it already has). An item whose page failed for a transient reason (timeout, 5xx,
429) is tried again next round, and after :data:`MAX_TRIES` rounds its feed text is ingested.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline.errors import StorylineError
from storyline.ingest.feeds import iter_feed
from storyline.ingest.report import IngestReport
from storyline.live.net import FetchError
from storyline.live.pages import Item, expand_item, item_key, response_kind
from storyline.live.polite import Fetcher
from storyline.model import Quarantined, RawDoc
from storyline.store.schema import now_iso

if TYPE_CHECKING:
    from storyline.api import Storyline

log = logging.getLogger(__name__)

STATE_PREFIX = "follow:"
MAX_SEEN = 5000  # item ids remembered per feed (besides those still in the feed)
MAX_TRIES = 3  # rounds a page may fail transiently before its feed text is ingested
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


class FollowError(StorylineError):
    """A feed list or polling interval that cannot be used."""


def parse_every(text: str) -> float:
    """``"15m"`` -> 900.0 (units s, m, h, d; a bare number is seconds)."""
    m = _DURATION.match(str(text))
    if not m:
        raise FollowError(f"bad interval {text!r}: write a number with a unit, e.g. 90s, 15m, 2h")
    seconds = float(m.group(1)) * _UNIT[(m.group(2) or "s").lower()]
    if seconds < 1:
        raise FollowError(f"interval {text!r} is under a second; polling that often is "
                          "impolite: use 1m or more")
    return seconds


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs of a FEEDS.txt: one per line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as err:
        raise FollowError(f"cannot read the feed list {path} ({err.strerror or err}); give a "
                          "text file with one feed URL per line") from None
    except UnicodeDecodeError:
        raise FollowError(f"the feed list {path} is not UTF-8 text") from None
    urls: list[str] = []
    for n, line in enumerate(lines, 1):
        url = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not url:
            continue
        if not url.lower().startswith(("http://", "https://")):
            raise FollowError(f"{path}:{n}: {url!r} is not an http(s) URL; one feed URL per "
                              "line, # starts a comment")
        if url not in urls:
            urls.append(url)
    return urls


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=dict)
    checked_at: str | None = None
    changed_at: str | None = None
    last_status: str | None = None
    failures: int = 0  # rounds in a row that failed

    @classmethod
    def load(cls, store: Any, url: str) -> FeedState:
        raw = store.get_meta(STATE_PREFIX + url) or {}
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in raw.items() if k in names and k != "url"}, url=url)

    def save(self, store: Any) -> None:
        store.set_meta(STATE_PREFIX + self.url, {k: v for k, v in self.__dict__.items()})


@dataclass
class FeedRound:
    """What one poll of one feed did."""

    url: str
    status: str  # "new" | "unchanged" | "not-modified" | "error"
    items: int = 0
    new: int = 0
    deferred: int = 0  # items whose page failed transiently: next round
    report: IngestReport | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "report"}
        d["ingest"] = self.report.as_dict() if self.report else None
        return d

    def line(self) -> str:
        if self.status == "error":
            return f"{self.url}: error: {self.error}"
        if self.status == "not-modified":
            return f"{self.url}: not modified"
        r = self.report
        ingested = (f"; {r.accepted} accepted, {r.duplicates} duplicate, {r.quarantined} "
                    f"quarantined" if r else "")
        later = f", {self.deferred} for the next round" if self.deferred else ""
        return f"{self.url}: {self.items} items, {self.new} new{later}{ingested}"


def poll_feed(sl: Storyline, fetcher: Fetcher, url: str, *, pages: bool = True) -> FeedRound:
    """One conditional GET of feed *url*; new items fetched and ingested into *sl*."""
    store = sl.store
    state = FeedState.load(store, url)
    state.checked_at = now_iso()
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        resp = fetcher.get(url, headers=headers)
        if resp.status == 304:
            state.last_status, state.failures = "not-modified", 0
            state.save(store)
            return FeedRound(url, "not-modified")
        if not 200 <= resp.status < 300:
            raise FetchError(f"http-{resp.status}", f"HTTP {resp.status}", url=url,
                             transient=resp.status >= 500 or resp.status == 429)
        if response_kind(resp) != "feed":
            raise FetchError("not-a-feed", f"{resp.url} is not an RSS/Atom feed "
                             f"({resp.content_type or 'no type'}); `storyline ingest URL` "
                             "takes a single page", url=url)
    except FetchError as err:
        state.last_status, state.failures = f"error: {err.reason}", state.failures + 1
        state.save(store)
        return FeedRound(url, "error", error=err.message)
    items = list(iter_feed(resp.body, resp.url, resp.url))
    seen = set(state.seen)
    keys = [item_key(i) for i in items]
    fresh = [(k, i) for k, i in zip(keys, items, strict=True) if k not in seen]
    docs: list[Item] = []
    done: list[str] = []
    deferred = 0
    for key, item in fresh:
        if isinstance(item, RawDoc):
            item.extra["fetched_at"] = resp.fetched_at
            if store.find_articles_by_doc_id(item.doc_id):
                done.append(key)  # stored by an earlier run that stopped before saving state
                continue
        tries = state.tries.get(key, 0) + 1
        got = expand_item(fetcher, item, pages=pages, give_up=tries >= MAX_TRIES)
        if got.item is None:
            state.tries[key] = tries
            deferred += 1
            log.info("page of %s failed (%s); again next round", key, got.error)
            continue
        docs.append(got.item)
        done.append(key)
    report = sl.ingest_docs(docs) if docs else None
    for key in done:
        state.tries.pop(key, None)
    current = set(keys)
    kept = [k for k in state.seen if k not in current][-MAX_SEEN:]
    state.seen = kept + [k for k in keys if k in seen or k in done]
    state.etag = resp.headers.get("etag") or None
    state.last_modified = resp.headers.get("last-modified") or None
    state.last_status, state.failures = "ok", 0
    if fresh:
        state.changed_at = state.checked_at
    state.save(store)
    broken = items[0] if len(items) == 1 and isinstance(items[0], Quarantined) else None
    if broken is not None and broken.reason in ("bad-xml", "no-text"):  # the whole feed
        return FeedRound(url, "error", items=0, report=report, error=broken.message)
    return FeedRound(url, "new" if done else "unchanged", items=len(items), new=len(done),
                     deferred=deferred, report=report)


def follow(sl: Storyline, fetcher: Fetcher, feeds: Iterable[str], *, every: float,
           once: bool = False, pages: bool = True,
           on_round: Callable[[list[FeedRound]], None] = lambda rounds: None,
           sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll *feeds* every *every* seconds (once with ``once``); returns the rounds run."""
    urls = list(feeds)
    if not urls:
        raise FollowError("no feeds to follow: give a FEEDS.txt (one URL per line) or list "
                          "them under [follow] feeds in storyline.toml")
    rounds = 0
    while True:
        started = time.monotonic()
        on_round([poll_feed(sl, fetcher, u, pages=pages) for u in urls])
        rounds += 1
        if once:
            return rounds
        sleep(max(0.0, every - (time.monotonic() - started)))


def feed_states(store: Any, urls: Iterable[str]) -> list[dict[str, Any]]:
    """The saved state of each feed (what ``storyline follow --status`` prints)."""
    out = []
    for url in urls:
        s = FeedState.load(store, url)
        out.append({"url": url, "checked_at": s.checked_at, "changed_at": s.changed_at,
                    "status": s.last_status, "seen": len(s.seen), "waiting": len(s.tries),
                    "failures": s.failures, "etag": s.etag, "last_modified": s.last_modified})
    return out
