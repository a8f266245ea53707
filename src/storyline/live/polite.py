"""Politeness: robots.txt (RFC 9309, through :mod:`urllib.robotparser`) and a per-host rate.

:class:`Fetcher` is what the rest of storyline uses: ``fetcher.get(url)`` checks robots.txt
for the URL's site (fetched once per site and run, itself through the same address and size
checks), waits until the host's turn comes (``rate`` seconds between two requests to one host,
or the site's ``Crawl-delay`` when larger, up to :data:`MAX_CRAWL_DELAY`), then fetches.

robots.txt is kept for a day (10 minutes when it could not be read). Its answers: 2xx is
parsed; 401 and 403 disallow the whole site (as the standard
library does); other 4xx (no robots.txt) allow everything; 5xx or no answer disallow the site
for now (RFC 9309: the site may be down), reported as a transient error.
"""

from __future__ import annotations

import threading
import time
import urllib.robotparser
from collections.abc import Callable
from urllib.parse import urlsplit

from storyline.live.net import (
    ROBOTS_AGENT,
    FetchError,
    FetchOptions,
    Response,
    check_status,
    get,
    split_url,
)

MAX_CRAWL_DELAY = 60.0  # a site asking for more is fetched at this pace
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB
ROBOTS_TTL = 24 * 3600.0  # a site's robots.txt is read again after a day (RFC 9309)
ROBOTS_RETRY = 600.0  # ... or after 10 minutes when it could not be read


class HostRate:
    """At most one request per ``interval`` seconds to each host (thread-safe)."""

    def __init__(self, interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = max(0.0, interval)
        self.per_host: dict[str, float] = {}  # a host's own interval (robots Crawl-delay)
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def slow_down(self, host: str, seconds: float) -> None:
        self.per_host[host] = max(self.per_host.get(host, 0.0), min(seconds, MAX_CRAWL_DELAY))

    def wait(self, host: str) -> float:
        """Block until *host* may be asked again; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next.get(host, now))
            self._next[host] = at + max(self.interval, self.per_host.get(host, 0.0))
        if at > now:
            self._sleep(at - now)
        return at - now


class Robots:
    """robots.txt of each site, fetched once, and its verdict for a URL."""

    def __init__(self, opts: FetchOptions, rate: HostRate) -> None:
        self.opts, self.rate = opts, rate
        self._sites: dict[str, tuple[float, urllib.robotparser.RobotFileParser | FetchError]] = {}

    def check(self, url: str) -> None:
        """Nothing when robots.txt lets storyline fetch *url*; else a ``robots``
        :class:`FetchError`."""
        scheme, host, port, _ = split_url(url)
        site = f"{scheme}://{host}:{port}"
        cached = self._sites.get(site)
        now = time.monotonic()
        if cached is None or now - cached[0] > (ROBOTS_TTL if not isinstance(
                cached[1], FetchError) or not cached[1].transient else ROBOTS_RETRY):
            cached = self._sites[site] = (now, self._load(site, host))
        rules = cached[1]
        if isinstance(rules, FetchError):
            raise FetchError(rules.reason, rules.message, url=url, transient=rules.transient)
        if not rules.can_fetch(ROBOTS_AGENT, url):
            raise FetchError("robots", f"{site}/robots.txt disallows {urlsplit(url).path or '/'} "
                             f"for {ROBOTS_AGENT}; not fetched (respecting the site's wishes)",
                             url=url)

    def _load(self, site: str, host: str) -> urllib.robotparser.RobotFileParser | FetchError:
        parser = urllib.robotparser.RobotFileParser(f"{site}/robots.txt")
        opts = FetchOptions(timeout=self.opts.timeout, deadline=self.opts.deadline,
                            max_bytes=ROBOTS_MAX_BYTES, max_redirects=self.opts.max_redirects,
                            allow_private=self.opts.allow_private,
                            user_agent=self.opts.user_agent)
        try:
            resp = get(f"{site}/robots.txt", opts, before=lambda u: self._pace(u))
        except FetchError as err:
            if err.reason == "too-large":  # read what the RFC asks for; the rest is ignored
                return self._parsed(parser, b"", host)
            if not err.transient:
                return err
            return FetchError("robots-unavailable", f"{site}/robots.txt cannot be read "
                              f"({err.message}); the site is not fetched until it can",
                              transient=True)
        if resp.status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
        elif 400 <= resp.status < 500:
            parser.parse([])
        elif resp.status >= 300:
            return FetchError("robots-unavailable", f"{site}/robots.txt answered HTTP "
                              f"{resp.status}; the site is not fetched until it can be read",
                              transient=True)
        else:
            return self._parsed(parser, resp.body, host)
        return parser

    def _parsed(self, parser: urllib.robotparser.RobotFileParser, body: bytes,
                host: str) -> urllib.robotparser.RobotFileParser:
        parser.parse(body.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay:
            self.rate.slow_down(host, float(delay))
        return parser

    def _pace(self, url: str) -> None:
        self.rate.wait(split_url(url)[1])


class Fetcher:
    """Fetch URLs: robots.txt respected, one host at a polite pace, addresses checked."""

    def __init__(self, opts: FetchOptions | None = None) -> None:
        self.opts = opts or FetchOptions()
        self.rate = HostRate(self.opts.rate)
        self.robots = Robots(self.opts, self.rate)

    def _before(self, url: str) -> None:
        self.robots.check(url)
        self.rate.wait(split_url(url)[1])

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Response:
        """The response to GET *url* (redirects followed; 304 and errors returned)."""
        return get(url, self.opts, headers=headers, before=self._before)

    def get_ok(self, url: str, *, headers: dict[str, str] | None = None) -> Response:
        """Like :meth:`get`, but an HTTP error status is a :class:`FetchError`."""
        return check_status(self.get(url, headers=headers))
