"""Atom 1.0 feeds (RFC 4287): a story's articles, and a saved search.

Entry ids are ``urn:uuid:`` names derived from storyline's stable ids, so a reader that saw
an entry once recognises it again whatever host name the server is reached by.
"""

from __future__ import annotations

import logging
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from storyline import __version__
from storyline.api import Storyline, event_date
from storyline.model import Article
from storyline.web.app import WebState, state_of
from storyline.web.search import (
    ENTITY_HELP,
    QUERY_HELP,
    Kind,
    Mode,
    SearchParams,
    plain,
    run_search,
)
from storyline.web.views import lang_attr, lang_name

logger = logging.getLogger(__name__)

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "xml:lang"  # the predefined xml prefix needs no declaration
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
MAX_ENTRIES = 200
SUMMARY_CHARS = 400

router = APIRouter(prefix="/feeds", tags=["feeds"])
State = Annotated[WebState, Depends(state_of)]


def atom_id(kind: str, ident: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"storyline:{kind}:{ident}").urn


def rfc3339(value: str | None) -> str | None:
    """``2024-10-26`` / ``2024-10`` / ``2024`` → ``2024-10-26T00:00:00Z`` (None if unusable)."""
    if not value:
        return None
    parts = value[:10].split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    year, month, day = [*parts, "01", "01"][:3]
    if not (month.isdigit() and day.isdigit()):
        return None
    return f"{year}-{int(month):02d}-{int(day):02d}T00:00:00Z"


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


@dataclass
class Entry:
    id: str
    title: str
    updated: str
    link: str
    summary: str = ""
    lang: str = ""
    published: str | None = None
    related: str | None = None
    author: str | None = None
    categories: list[tuple[str, str]] = field(default_factory=list)  # (term, label)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def render_feed(
    *, feed_id: str, title: str, subtitle: str, self_url: str, html_url: str,
    entries: Iterable[Entry], fallback_updated: str,
) -> bytes:
    """An Atom document; ``updated`` is the newest entry's (or *fallback_updated*)."""
    entries = list(entries)
    # Plain tag names under a default xmlns: readers see every element in the Atom namespace.
    root = ET.Element("feed", {"xmlns": ATOM})
    _sub(root, "id", feed_id)
    _sub(root, "title", title)
    if subtitle:
        _sub(root, "subtitle", subtitle)
    _sub(root, "updated", max((e.updated for e in entries), default=fallback_updated))
    _sub(root, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(root, "link", rel="alternate", href=html_url, type="text/html")
    author = _sub(root, "author")
    _sub(author, "name", "storyline")
    _sub(root, "generator", "storyline", version=__version__)
    for e in entries:
        el = _sub(root, "entry")
        if e.lang:
            el.set(XML_LANG, e.lang)
        _sub(el, "id", e.id)
        _sub(el, "title", e.title or "(untitled)")
        _sub(el, "updated", e.updated)
        if e.published:
            _sub(el, "published", e.published)
        _sub(el, "link", rel="alternate", href=e.link, type="text/html")
        if e.related:
            _sub(el, "link", rel="related", href=e.related)
        if e.author:
            _sub(_sub(el, "author"), "name", e.author)
        for term, label in e.categories:
            _sub(el, "category", term=term, label=label)
        if e.summary:
            _sub(el, "summary", e.summary, type="text")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def article_entry(request: Request, a: Article, fallback: str) -> Entry:
    given = a.date.value if a.date and not a.date.is_estimate else None
    estimated = a.date.value if a.date else None
    code = a.lang.lang if a.lang else ""
    cats = [(code, lang_name(code))] if lang_attr(code) else []
    if a.event_id:
        cats.append((a.event_id, "event"))
    url = a.url if a.url and a.url.startswith(("http://", "https://")) else None
    return Entry(
        id=atom_id("article", a.id),
        title=a.title,
        updated=rfc3339(estimated) or fallback,
        published=rfc3339(given),
        link=str(request.url_for("ui_article", ref=a.id)),
        related=url,
        author=a.source_name,
        lang=lang_attr(code),
        summary=_clip(a.text, SUMMARY_CHARS),
        categories=cats,
    )


def _feed_response(body: bytes) -> Response:
    return Response(body, media_type=MEDIA_TYPE)


@router.get("/story/{story_id}.atom", name="feed_story", summary="A story's articles as Atom")
def story_feed(request: Request, state: State, story_id: str) -> Response:
    """One entry per article, newest first (undated articles take their event's date)."""

    def load(sl: Storyline) -> tuple[str, str, list[tuple[Article, str | None]]]:
        s = sl.story(story_id)
        out: list[tuple[Article, str | None]] = []
        for t in sl.timeline(story_id):
            when, _ = event_date(t.event, t.articles)
            out.extend((a, when) for a in t.articles)
        langs = ", ".join(f"{lang_name(k)} {v}" for k, v in sorted(s.languages.items()))
        sub = f"{len(s.event_ids)} events, {sum(s.languages.values())} articles ({langs})"
        return s.title, sub, out

    title, sub, rows = state.run(load)
    fallback = "1970-01-01T00:00:00Z"
    entries = [
        article_entry(request, a, rfc3339(when) or fallback) for a, when in rows
    ]
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    body = render_feed(
        feed_id=atom_id("story", story_id),
        title=title or story_id,
        subtitle=sub,
        self_url=str(request.url),
        html_url=str(request.url_for("ui_story", story_id=story_id)),
        entries=entries[:MAX_ENTRIES],
        fallback_updated=fallback,
    )
    return _feed_response(body)



FEED_HITS = 50
_ROUTE_OF = {"article": ("ui_article", "ref"), "event": ("ui_event", "event_id"),
             "story": ("ui_story", "story_id")}


@router.get("/search.atom", name="feed_search", summary="A saved search as Atom")
def search_feed(
    request: Request,
    state: State,
    q: Annotated[str, Query(min_length=1, max_length=500, description=QUERY_HELP)],
    kind: Kind = "article",
    mode: Mode = "hybrid",
    lang: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    source: str | None = None,
    story: str | None = None,
    event: str | None = None,
    entity: Annotated[str | None, Query(description=ENTITY_HELP)] = None,
) -> Response:
    """The best matches (at most 50), newest first: subscribe to follow a topic."""
    params = SearchParams(q, kind, mode, lang, date_from, date_to, source, story, event, entity)
    hits = run_search(state, params, limit=FEED_HITS, offset=0, entities=False).hits
    fallback = "1970-01-01T00:00:00Z"
    entries = []
    for h in hits:
        route, key = _ROUTE_OF[h.kind]
        code = lang_attr(h.lang)
        entries.append(
            Entry(
                id=atom_id(h.kind, h.id),
                title=h.title,
                updated=rfc3339(h.date) or fallback,
                link=str(request.url_for(route, **{key: h.id})),
                summary=plain(h.snippet),
                lang=code,
                author=h.source,
                categories=[(code, lang_name(code))] if code else [],
            )
        )
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    page = request.url_for("ui_search").include_query_params(**{
        k: v for k, v in vars(params).items() if v
    })
    body = render_feed(
        feed_id=atom_id("search", f"{kind}|{mode}|{q}|{lang}|{date_from}|{date_to}|{source}|"
                        f"{story}|{event}" + (f"|{entity}" if entity else "")),
        title=f"storyline search: {q}",
        subtitle=f"{kind} matches ({mode}), newest first",
        self_url=str(request.url),
        html_url=str(page),
        entries=entries,
        fallback_updated=fallback,
    )
    return _feed_response(body)
