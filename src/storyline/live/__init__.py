"""Live input: fetch web pages and RSS/Atom feeds (``storyline ingest URL``) and follow feeds
(``storyline follow``). See :mod:`storyline.live.net` for the safety rules,
:mod:`storyline.live.polite` for robots.txt and the per-host rate."""

from __future__ import annotations

from storyline.live.follow import FeedRound, follow, parse_every, poll_feed, read_feed_list
from storyline.live.net import FetchError, FetchOptions
from storyline.live.pages import ingest_urls, is_url, url_docs
from storyline.live.polite import Fetcher

__all__ = [
    "FeedRound",
    "FetchError",
    "FetchOptions",
    "Fetcher",
    "follow",
    "ingest_urls",
    "is_url",
    "parse_every",
    "poll_feed",
    "read_feed_list",
    "url_docs",
]
