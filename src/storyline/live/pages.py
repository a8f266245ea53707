"""Fetched responses -> documents, through the same readers as files.

An HTML page goes through :func:`storyline.ingest.html.html_doc` (main text, date, language,
canonical URL), a feed through :func:`storyline.ingest.feeds.iter_feed`. A feed's items are
expanded into their article pages when they link to one (``pages=True``): the page is fetched
(robots.txt and the per-host rate respected) and its main text ingested. When the page cannot
be used (robots.txt disallows it, an HTTP error, no article text in it...), the feed item's own
text is ingested instead, with the reason kept in ``extra["page_error"]``; a transient failure
(timeout, HTTP 5xx or 429) is left for the next round of ``storyline follow``.

Every document fetched from the web carries ``extra["fetched_at"]`` and, for pages,
``extra["crawl_date"]`` (an upper bound of its date, never the date itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.ingest.decode import quarantine, sha256_hex
from storyline.ingest.feeds import iter_feed
from storyline.ingest.html import html_doc
from storyline.ingest.readers import _text_item, sniff_format
from storyline.live.net import FetchError, Response
from storyline.live.polite import Fetcher
from storyline.model import Provenance, Quarantined, RawDoc

if TYPE_CHECKING:
    from storyline.api import Storyline
    from storyline.ingest.report import IngestReport

log = logging.getLogger(__name__)

Item = RawDoc | Quarantined
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/feed+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_url(arg: str) -> bool:
    """Does a command-line argument name a web page or feed (rather than a file)?"""
    return arg.strip().lower().startswith(("http://", "https://"))


def response_kind(resp: Response) -> str:
    """``"feed"``, ``"html"``, ``"text"`` or ``"other"``: by content, then by declared type."""
    sniffed = sniff_format(resp.body[:4096])
    if sniffed in ("feed", "html"):
        return sniffed
    ctype = resp.content_type
    if ctype in FEED_TYPES:
        return "feed"
    if ctype in HTML_TYPES:
        return "html"
    if ctype.startswith("text/") or not ctype:
        return "text"
    return "other"


def fetch_error_item(err: FetchError, url: str) -> Quarantined:
    """The quarantine entry for a URL that could not be fetched."""
    return quarantine(url, err.reason, err.message)


def page_doc(resp: Response, doc_id: str) -> Item:
    """One HTML page (or plain-text response) as a document."""
    prov = Provenance(source=resp.url, kind="html", raw_sha256=sha256_hex(resp.body))
    kind = response_kind(resp)
    if kind == "other":
        return quarantine(resp.url, "unsupported-type", f"{resp.url} is "
                          f"{resp.content_type or 'of no declared type'}, not a web page or "
                          "feed; nothing to ingest", resp.body)
    if kind == "text":
        item = _text_item(resp.body, resp.url, doc_id)
    else:
        item = html_doc(resp.body, prov, doc_id, url=resp.url, declared=resp.charset,
                        crawl_date=resp.fetched_at)
    if isinstance(item, RawDoc):
        item.doc_id = doc_id
        item.url = item.url or resp.url
        item.extra["fetched_at"] = resp.fetched_at
        if resp.redirects:
            item.extra["redirected_from"] = resp.redirects
    return item


@dataclass
class Expanded:
    """What became of one feed item."""

    item: Item | None  # None: left for a later round (a transient failure)
    key: str  # the item's identity in the feed (guid, link)
    error: FetchError | None = None


def item_key(item: Item) -> str:
    if isinstance(item, RawDoc):
        return item.doc_id
    return f"quarantined:{item.raw_sha256 or item.message}"


def expand_item(fetcher: Fetcher, item: Item, *, pages: bool = True,
                give_up: bool = False) -> Expanded:
    """The document to ingest for one feed item: its page when it can be fetched, else the
    item itself (``give_up``: even when the page's failure was transient)."""
    key = item_key(item)
    if not isinstance(item, RawDoc) or not pages or not item.url:
        return Expanded(item, key)
    try:
        resp = fetcher.get_ok(item.url)
    except FetchError as err:
        if err.transient and not give_up:
            return Expanded(None, key, err)
        return Expanded(_fallback(item, err.reason, err.message), key, err)
    page = page_doc(resp, item.doc_id)
    if isinstance(page, Quarantined):  # no article text on the page (paywall, video...)
        return Expanded(_fallback(item, page.reason, page.message), key)
    page.title = page.title or item.title
    page.date_hint, page.date_hint_origin, page.date_hint_confidence = _best_date(page, item)
    page.lang_hint = page.lang_hint or item.lang_hint
    page.source_name = page.source_name or item.source_name
    page.extra["feed"] = item.provenance.source
    for k in ("authors", "categories"):
        if k in item.extra:
            page.extra.setdefault(k, item.extra[k])
    return Expanded(page, key)


def _best_date(page: RawDoc, item: RawDoc) -> tuple[str | None, str | None, float | None]:
    """The feed's publication date is given by the publisher for this item: it wins over a
    date guessed from the page, not over one the page states with confidence."""
    if item.date_hint and (not page.date_hint or (page.date_hint_confidence or 0.0) < 0.9):
        return item.date_hint, item.date_hint_origin, item.date_hint_confidence
    return page.date_hint, page.date_hint_origin, page.date_hint_confidence


def _fallback(item: RawDoc, reason: str, message: str) -> RawDoc:
    item.extra["page_error"] = f"{reason}: {message}"
    return item


def url_docs(fetcher: Fetcher, url: str, *, pages: bool = True,
             known: Callable[[str], bool] = lambda _id: False) -> Iterator[Item]:
    """Documents of one URL given on the command line: the page, or the feed's items (each
    expanded into its page). Items whose id *known* says the store has are not fetched again.
    Failures come out as :class:`Quarantined` items, as for files."""
    if known(url):
        return
    try:
        resp = fetcher.get_ok(url)
    except FetchError as err:
        yield fetch_error_item(err, url)
        return
    if response_kind(resp) != "feed":
        yield page_doc(resp, url)
        return
    for item in iter_feed(resp.body, resp.url, resp.url):
        if isinstance(item, RawDoc):
            item.extra["fetched_at"] = resp.fetched_at
            if known(item.doc_id):
                continue
        got = expand_item(fetcher, item, pages=pages, give_up=True)
        if got.item is not None:
            yield got.item


def ingest_urls(sl: Storyline, urls: Iterable[str], *, fetcher: Fetcher | None = None,
                pages: bool = True, workers: int | None = None) -> IngestReport:
    """Fetch and ingest web pages and feeds (``storyline ingest URL``). A page or feed item
    the store already holds (same input id: the URL, or the item's guid) is not fetched
    again and counts as a duplicate."""
    fetcher = fetcher or Fetcher()
    skipped = 0

    def known(doc_id: str) -> bool:
        nonlocal skipped
        if sl.store.find_articles_by_doc_id(doc_id):
            skipped += 1
            return True
        return False

    docs = (d for u in urls for d in url_docs(fetcher, u, pages=pages, known=known))
    report = sl.ingest_docs(docs, workers=workers)
    report.read += skipped
    report.duplicates += skipped
    return report
