"""The web UI: server-rendered pages (Jinja2) over the same store as the API.

Each handler copies what its page needs out of the store under the lock (one
:meth:`WebState.run` call), then renders. Story, event and article pages also show the
entities their articles name and the claims (quotes) in them; the entity pages themselves
are in :mod:`storyline.web.routes_people`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any, Literal, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from storyline.api import Storyline, event_date
from storyline.digest import conflicts_of
from storyline.entities import Entity
from storyline.errors import NotFoundError, StorylineError
from storyline.model import MergeLogEntry
from storyline.timeanchor import anchored_times
from storyline.web.app import MAX_OFFSET, WebState, state_of
from storyline.web.people import (
    Resolver,
    article_spans,
    briefs_for,
    claim_index,
    group_quotes,
    highlight,
    key_entities,
    quote_entities,
)
from storyline.web.search import Kind, Mode, SearchParams, marked, run_search
from storyline.web.viz import sparkline, timeline_axis

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
State = Annotated[WebState, Depends(state_of)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
ENTITY_CHOICES = 60  # names suggested by the story list's entity filter
#: Events (with their articles and claims) on one page of a story.
STORY_EVENTS = 40


def render(request: Request, name: str, context: dict[str, Any]) -> Response:
    return state_of(request).templates.TemplateResponse(request, name, context)


def cached_page(request: Request, build: Callable[[], Response]) -> Response:
    """The page ``build()`` renders, kept (``STORYLINE_PAGE_CACHE`` pages) while the store is
    unchanged: a page is the same for every visitor, so a popular one is rendered once per
    store version."""
    state = state_of(request)
    key = (request.url.path, request.url.query, request.scope.get("root_path", ""))
    version = state.sl.store.version()
    body = state.pages.get(key, version)
    if body is not None:
        return HTMLResponse(cast(bytes, body))
    response = build()
    if response.status_code == 200:
        state.pages.put(key, version, bytes(response.body))
    return response


def _langs_of(counts: list[dict[str, int]]) -> list[tuple[str, int]]:
    total: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


def _merged_log(sl: Storyline, ids: list[str]) -> list[MergeLogEntry]:
    """Merge-log entries naming any of *ids*, newest first, each once."""
    seen: dict[int, MergeLogEntry] = {}
    for ref in ids:
        for m in sl.merge_log(ref):
            seen[m.seq] = m
    return sorted(seen.values(), key=lambda m: m.seq, reverse=True)


@router.get("/", name="ui_stories")
def stories_page(
    request: Request,
    state: State,
    lang: str | None = None,
    entity: Annotated[str, Query(max_length=200)] = "",
    sort: Literal["default", "latest", "size", "span"] = "default",
    single: Literal["show", "hide"] = "show",
    limit: Limit = 30,
    offset: Offset = 0,
) -> Response:
    entity = entity.strip()

    def load(sl: Storyline) -> dict[str, Any]:
        shown = sl.stories(lang=lang or None, sort=sort, min_articles=1 if single == "show" else 2)
        found, naming, error = None, {}, None
        if entity:
            try:
                found = sl.entity(entity)
            except NotFoundError as exc:
                error = str(exc)
            naming = dict(found.stories) if found else {}
            shown = [s for s in shown if s.id in naming]
        page = shown[offset : offset + limit]
        dates = sl.story_dates([s.id for s in page])
        rows = [
            {"story": s, "spark": sparkline(dates[s.id]), "naming": naming.get(s.id)}
            for s in page
        ]
        return {
            "rows": rows,
            "total": len(shown),
            "languages": sl.story_languages(),
            "entity_found": found.entity if found else None,
            "entity_error": error,
            "entity_choices": [e.name for e in sl.entities(limit=ENTITY_CHOICES)],
        }

    def page() -> Response:
        ctx = state.run(load)
        ctx.update(lang=lang or "", entity=entity, sort=sort, single=single, limit=limit,
                   offset=offset)
        return render(request, "stories.html", ctx)

    return cached_page(request, page)  # the front page: the most read


@router.get("/stories/{story_id}", name="ui_story")
def story_page(
    request: Request,
    state: State,
    story_id: str,
    lang: Annotated[str, Query(max_length=20)] = "",
    offset: Offset = 0,
) -> Response:
    """A story: summary and axis of the whole story; its timeline and claims shown
    :data:`STORY_EVENTS` events at a time (``offset``: the first event shown), so the
    biggest stories (hundreds of events and claims) stay fast to read and to render."""

    def load(sl: Storyline) -> dict[str, Any]:
        s = sl.story(story_id)
        tl = sl.timeline(story_id)
        first = min(offset, max(0, len(tl) - 1)) // STORY_EVENTS * STORY_EVENTS
        shown = tl[first : first + STORY_EVENTS]
        last_page = first + STORY_EVENTS >= len(tl)
        on_page = {t.event.id for t in shown}
        in_story = {t.event.id for t in tl}
        every = sl.quotes(story=story_id)
        # claims of the events shown (claims outside the story's events: on the last page)
        quotes = [q for q in every if q.event_id in on_page
                  or (last_page and q.event_id not in in_story)]
        ids = [a.id for t in shown for a in t.articles]
        all_ids = [a.id for t in tl for a in t.articles]
        return {
            "story": s,
            "summary": sl.summary(story_id, lang=lang),
            "timeline": tl,
            "shown": shown,
            "first": first,
            "page_of": {t.event.id: n // STORY_EVENTS * STORY_EVENTS for n, t in enumerate(tl)},
            "all_quotes": len(every),
            "merge_log": _merged_log(sl, [story_id, *s.event_ids]),
            "entities": key_entities(sl, all_ids),
            "quotes": quotes,
            "conflicts": conflicts_of(sl, quotes, [t.event for t in shown]),
            "briefs": briefs_for(sl, quotes, *ids),
            "ents": quote_entities(sl, quotes),
            "claims": claim_index(quotes),
        }

    def page() -> Response:
        ctx = state.run(load)
        ctx["per_page"] = STORY_EVENTS
        ctx["axis"] = timeline_axis(ctx["timeline"])
        top = sorted(ctx["story"].keys.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
        ctx["shared_names"] = [k for k, _ in top]
        events = [(t.event.id, t.event.title or t.event.id, t.date) for t in ctx["shown"]]
        ctx["quote_groups"] = group_quotes(ctx["quotes"], events)
        return render(request, "story.html", ctx)

    return cached_page(request, page)


@router.get("/events", name="ui_events")
def events_page(
    request: Request,
    state: State,
    lang: str | None = None,
    story: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    def load(sl: Storyline) -> dict[str, Any]:
        every = sl.events(story_id=story or None)
        shown = [e for e in every if not lang or lang in e.languages]
        return {
            "events": shown[offset : offset + limit],
            "total": len(shown),
            "languages": _langs_of([e.languages for e in every]),
        }

    ctx = state.run(load)
    ctx.update(lang=lang or "", story=story or "", limit=limit, offset=offset)
    return render(request, "events.html", ctx)


@router.get("/events/{event_id}", name="ui_event")
def event_page(
    request: Request, state: State, event_id: str, lang: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    def load(sl: Storyline) -> dict[str, Any]:
        e = sl.event(event_id)
        summary = sl.summary(event_id, lang=lang) if e.alive else None
        story = sl.store.get_story(e.story_id) if e.story_id else None
        articles = list(sl.articles(event_id=event_id))
        date, estimate = event_date(e, articles)  # as on the story timeline
        quotes = sl.quotes(event=event_id)
        return {
            "event": e,
            "summary": summary,
            "date": date,
            "date_is_estimate": estimate,
            "story": story,
            "articles": articles,
            "why": {j.article_id: j for j in sl.explain(event_id)},
            "merge_log": _merged_log(sl, [event_id]),
            "entities": key_entities(sl, [a.id for a in articles]),
            "quotes": quotes,
            "conflicts": conflicts_of(sl, quotes, [e] if e.alive else []),
            "briefs": briefs_for(sl, quotes, *(a.id for a in articles)),
            "ents": quote_entities(sl, quotes),
            "claims": claim_index(quotes),
        }

    return render(request, "event.html", state.run(load))


@router.get("/articles/{ref}", name="ui_article")
def article_page(request: Request, state: State, ref: str) -> Response:
    def href(eid: str) -> str:
        return request.scope.get("root_path", "") + str(
            request.app.url_path_for("ui_entity", ref=eid)
        )

    def load(sl: Storyline) -> dict[str, Any]:
        a = sl.article(ref)
        resolver = Resolver(sl)
        quotes = sl.quotes(article=a.id)
        times, anchor = anchored_times(sl.store, a)
        return {
            "article": a,
            "times": times,
            "times_note": anchor.note,
            "event": sl.store.get_event(a.event_id) if a.event_id else None,
            "story": sl.store.get_story(a.story_id) if a.story_id else None,
            "original": sl.store.get_article(a.dup_of) if a.dup_of else None,
            "spans": article_spans(sl, a.id, a.text, resolver),
            "entities": key_entities(sl, [a.id], resolver=resolver),
            "quotes": quotes,
            "ents": quote_entities(sl, quotes, resolver),
            "briefs": {},
        }

    ctx = state.run(load)
    ctx["text_html"] = highlight(ctx["article"].text, ctx["spans"], href)
    return render(request, "article.html", ctx)


@router.get("/quarantine", name="ui_quarantine")
def quarantine_page(
    request: Request, state: State, limit: Limit = 100, offset: Offset = 0
) -> Response:
    items = state.run(lambda sl: sl.quarantine())
    ctx = {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }
    return render(request, "quarantine.html", ctx)


@router.get("/search", name="ui_search")
def search_page(
    request: Request,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
    kind: Kind = "article",
    mode: Mode = "hybrid",
    lang: str = "",
    source: str = "",
    date_from: str = "",
    date_to: str = "",
    story: str = "",
    event: str = "",
    entity: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
) -> Response:
    params = SearchParams(
        q.strip(), kind, mode, lang, date_from, date_to, source, story, event, entity.strip()
    )
    ctx: dict[str, Any] = {
        "p": params,
        "limit": limit,
        "offset": offset,
        "result": None,
        "error": None,
    }
    if params.q:
        try:
            ctx["result"] = run_search(state, params, limit=limit, offset=offset)
        except StorylineError as exc:  # a bad date filter: show it next to the form
            ctx["error"] = str(exc)
    feed = {k: v for k, v in vars(params).items() if v}
    ctx["feed_query"] = urlencode(feed)
    ctx["marked"] = marked
    ref = params.entity or ""
    ctx["entity_id"] = ctx["entity_name"] = ref
    if ref:  # the active filter's entity, for its chip and facet

        def find(sl: Storyline) -> Entity | None:
            try:
                return sl.entity(ref).entity
            except NotFoundError:
                return None

        found = state.run(find)
        if found is not None:
            ctx.update(entity_id=found.id, entity_name=found.name)
    return render(request, "search.html", ctx)
