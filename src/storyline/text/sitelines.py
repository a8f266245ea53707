"""Site furniture learnt online: lines that repeat across pages of one site.

Menus, banners, cookie notices, paywall messages and footers are the same on every page of a
site, even when they read like sentences. :class:`SiteLines` counts, per site, on how many
pages each line occurred (lines are keyed by a 32-bit hash of their lower-cased words, so no
text is kept). A line found on :data:`FURNITURE_PAGES` or more earlier pages of the same site is
site furniture.

The state stays small: when a site holds more than ``max_keys`` line keys, keys seen on a single
page are forgotten first (a lossy count: a line must come back within the next few thousand
lines of that site to be remembered). It is persisted in the store as one packed vector per
site (space :data:`SPACE`), written in the same transaction as the articles of the batch, and
can be saved to / loaded from a file with :meth:`SiteLines.to_disk` / :meth:`from_disk`.

The site of a document is its URL's host when it has one, else its outlet name, else the shared
pool :data:`NO_SITE` (pages of unknown sites: lines repeating across many of them are furniture
too, e.g. cookie notices).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from storyline.errors import StorylineError

SPACE = "site-lines"
NO_SITE = "*"
FURNITURE_PAGES = 2
MAX_KEYS = 30_000
_MARK = 0x7FC05354  # a quiet-NaN bit pattern heading every packed table


def line_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "little")


def site_of(url: str | None, source_name: str | None) -> str:
    """The site key of a document: URL host (without ``www.``), outlet name, or the pool."""
    if url:
        try:
            host = urlsplit(url if "//" in url else f"//{url}").hostname
        except ValueError:
            host = None
        if host:
            return host.removeprefix("www.")
    if source_name and source_name.strip():
        return source_name.strip().casefold()
    return NO_SITE


class SiteLines:
    """Per-site page counts of line keys (online, bounded)."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self.max_keys = max_keys
        self.sites: dict[str, dict[int, int]] = {}
        self.pages: dict[str, int] = {}
        self.dirty: set[str] = set()
        self._lock = threading.RLock()

    def counts(self, site: str, keys: Iterable[str]) -> list[int]:
        """On how many earlier pages of ``site`` each line key occurred."""
        table = self.sites.get(site, {})
        return [table.get(line_hash(k), 0) if k else 0 for k in keys]

    def lookup_and_observe(self, site: str, keys: Sequence[str]) -> list[int]:
        """:meth:`counts` then :meth:`observe`, as one step (ingest threads share the table)."""
        with self._lock:
            out = self.counts(site, keys)
            self.observe(site, keys)
        return out

    def observe(self, site: str, keys: Iterable[str]) -> None:
        """Count one page of ``site`` holding these line keys."""
        with self._lock:
            table = self.sites.setdefault(site, {})
            for h in {line_hash(k) for k in keys if k}:
                table[h] = table.get(h, 0) + 1
            self.pages[site] = self.pages.get(site, 0) + 1
            self.dirty.add(site)
            if len(table) > self.max_keys:
                self._prune(table)

    def _prune(self, table: dict[int, int]) -> None:
        floor = 1
        while len(table) > self.max_keys * 3 // 4:
            for h in [h for h, c in table.items() if c <= floor]:
                del table[h]
            floor += 1

    # -- persistence -----------------------------------------------------------------------
    def pack(self, site: str) -> np.ndarray:
        """One site's table as a float32 vector of uint32 words: a NaN marker (so that no
        store ever reads it as an embedding), the page count, the key count, then (hash,
        count) pairs."""
        table = self.sites.get(site, {})
        arr = np.empty(3 + 2 * len(table), dtype=np.uint32)
        arr[0], arr[1], arr[2] = _MARK, self.pages.get(site, 0), len(table)
        if table:
            arr[3::2] = np.fromiter(table.keys(), dtype=np.uint32, count=len(table))
            arr[4::2] = np.fromiter(table.values(), dtype=np.uint32, count=len(table))
        return arr.view(np.float32)

    def unpack(self, site: str, vec: np.ndarray) -> None:
        arr = np.asarray(vec, dtype=np.float32).view(np.uint32)
        if len(arr) < 3 or arr[0] != _MARK or len(arr) != 3 + 2 * int(arr[2]):
            raise StorylineError(f"stored site-furniture table for {site!r} is damaged; "
                                 "delete the 'site-lines' vectors to relearn it")
        with self._lock:
            self.pages[site] = int(arr[1])
            self.sites[site] = dict(zip(arr[3::2].tolist(), arr[4::2].tolist(), strict=True))

    def load_packed(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        for site, vec in items:
            self.unpack(site, vec)

    def take_dirty(self) -> dict[str, np.ndarray]:
        """Packed tables of the sites changed since the last call (to write to the store)."""
        with self._lock:
            out = {s: self.pack(s) for s in sorted(self.dirty)}
            self.dirty.clear()
        return out

    def to_disk(self, path: str | Path) -> None:
        data = {"max_keys": self.max_keys, "sites": {
            s: {"pages": self.pages.get(s, 0), "keys": [[h, c] for h, c in t.items()]}
            for s, t in self.sites.items()}}
        Path(path).write_text(json.dumps(data), encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> SiteLines:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        out = cls(int(data.get("max_keys", MAX_KEYS)))
        for s, d in data["sites"].items():
            out.pages[s] = int(d["pages"])
            out.sites[s] = {int(h): int(c) for h, c in d["keys"]}
        return out
