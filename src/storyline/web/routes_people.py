"""People: entities, quotes and conflicts, as REST endpoints (``api``) and pages (``ui``).

As elsewhere, each handler copies what it needs out of the store in one
:meth:`WebState.run` call (under the lock) and shapes or renders outside it.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from storyline.api import Storyline
from storyline.api_people import entity_dict
from storyline.entities import ENTITY_TYPES, Entity
from storyline.web.app import state_of
from storyline.web.people import (
    TYPE_NAMES,
    Resolver,
    briefs_for,
    conflict_json,
    display_names,
    entity_links,
    key_entities,
    profile_json,
    quote_entities,
    quote_json,
)
from storyline.web.routes_api import ERRORS, Limit, Offset, State, paged
from storyline.web.views import page
from storyline.web.viz import activity_chart, sparkline

logger = logging.getLogger(__name__)

api = APIRouter(prefix="/api", responses=ERRORS)
ui = APIRouter(include_in_schema=False)

TYPE_PATTERN = "(?i)^(" + "|".join(ENTITY_TYPES) + ")$"
EntityType = Annotated[
    str | None,
    Query(pattern=TYPE_PATTERN, description="PERSON, ORG, PLACE or OTHER (any case)"),
]
EntityRef = Annotated[
    str | None, Query(description="An entity id (n000042), or a name or alias in any script")
]
ALL = 10**9  # "no limit" for Storyline.entities
CO_ARTICLES = 300  # articles looked at for "named together with"


def _entity_row(e: Entity) -> dict[str, Any]:
    return {**entity_dict(e), "links": entity_links(e.id)}


# -- REST ---------------------------------------------------------------------------------------
@api.get("/entities", tags=["people"], summary="Entities (people, organisations, places)")
def list_entities(
    state: State,
    type: EntityType = None,
    lang: Annotated[str | None, Query(description="Only entities named in this language")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Most mentioned first (with ``lang``: most mentioned in that language first).
    ``aliases`` maps a script (``Latn``, ``Deva``...) to the forms seen, most frequent first."""
    items = state.run(lambda sl: sl.entities(type=type or None, lang=lang or None, limit=ALL))
    return paged([_entity_row(e) for e in page(items, limit, offset)], len(items), limit, offset)


@api.get(
    "/entities/{ref}",
    tags=["people"],
    summary="An entity by id, name or alias, with its stories, events and activity",
)
def get_entity(state: State, ref: str) -> dict[str, Any]:
    """``ref`` may be an alias in any script (``Mehra``, ``मेहरा``); a merged-away entity
    answers with the entity it was merged into. ``activity`` maps a date to its articles."""

    def load(sl: Storyline) -> dict[str, Any]:
        p = sl.entity(ref)
        titles = {}
        for sid, _ in p.stories:
            s = sl.store.get_story(sid)
            titles[sid] = s.title if s else sid
        return profile_json(p, titles)

    return state.run(load)


@api.get("/quotes", tags=["people"], summary="Quotes and reported claims with their sources")
def list_quotes(
    state: State,
    story: Annotated[str | None, Query(description="Only claims in this story")] = None,
    event: Annotated[str | None, Query(description="Only claims in this event")] = None,
    entity: EntityRef = None,
    anonymous: Annotated[
        bool | None, Query(description="true: only unnamed sources; false: only named ones")
    ] = None,
    article: Annotated[str | None, Query(description="Only claims in this article")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Newest article first. ``entity`` keeps claims the entity made, or that unnamed
    sources attributed to it made ("party sources"). ``who`` is the display name of the
    source; ``claim`` has the text, kind (``direct``/``reported``), cue and offsets."""
    quotes = state.run(lambda sl: sl.quotes(
        story=story or None, event=event or None, entity=entity or None, anonymous=anonymous,
        article=article or None,
    ))
    return paged([quote_json(q) for q in page(quotes, limit, offset)], len(quotes), limit, offset)


@api.get("/conflicts", tags=["people"], summary="Claims on the same matter that disagree")
def list_conflicts(
    state: State,
    story: Annotated[str | None, Query(description="Claims of this story (one of story/event)")]
    = None,
    event: Annotated[str | None, Query(description="Claims of this event")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Pairs within one event, best first. Each has the subject terms both claims share,
    each side's stance (``against``/``for``/``negated``/``affirmed``) and the deciding
    words. Needs ``story`` or ``event`` (400 otherwise)."""
    found = state.run(lambda sl: sl.conflicts(story=story or None, event=event or None))
    return paged([conflict_json(c) for c in page(found, limit, offset)], len(found), limit,
                 offset)


# -- pages --------------------------------------------------------------------------------------
def _render(request: Request, name: str, context: dict[str, Any]) -> Response:
    return state_of(request).templates.TemplateResponse(request, name, context)


def _matches(e: Entity, needle: str) -> bool:
    return any(needle in f.casefold() for f in [e.name, *e.forms()])


@ui.get("/entities", name="ui_entities")
def entities_page(
    request: Request,
    state: State,
    type: str = "",
    lang: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> Response:
    kind = type.upper() if type.upper() in ENTITY_TYPES else ""
    needle = q.strip().casefold()

    def load(sl: Storyline) -> dict[str, Any]:
        every = sl.entities(type=kind or None, limit=ALL)
        langs: dict[str, int] = {}
        for e in every:
            for code in e.langs:
                langs[code] = langs.get(code, 0) + 1
        shown = [e for e in every if (not lang or e.langs.get(lang))
                 and (not needle or _matches(e, needle))]
        if lang:
            shown.sort(key=lambda e: (-e.langs.get(lang, 0), e.id))
        rows = []
        for e in shown[offset : offset + limit]:
            dates = [d for d, n in sorted(e.dates.items()) for _ in range(n)]
            rows.append({"e": e, "names": display_names(e), "spark": sparkline(dates)})
        return {"rows": rows, "total": len(shown),
                "languages": sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))}

    ctx = state.run(load)
    ctx.update(type=kind, lang=lang, q=q.strip(), limit=limit, offset=offset,
               types=[(t, TYPE_NAMES[t]) for t in ENTITY_TYPES])
    return _render(request, "entities.html", ctx)


@ui.get("/entities/{ref}", name="ui_entity")
def entity_page(request: Request, state: State, ref: str) -> Response:
    def load(sl: Storyline) -> dict[str, Any]:
        p = sl.entity(ref)
        e = p.entity
        stories = [(s, n) for s, n in ((sl.store.get_story(sid), n) for sid, n in p.stories)
                   if s is not None]
        events = [(ev, n) for ev, n in ((sl.store.get_event(eid), n) for eid, n in p.events)
                  if ev is not None]
        quotes = sl.quotes(entity=e.id)
        resolver = Resolver(sl)
        together = [k for k in key_entities(sl, p.article_ids[:CO_ARTICLES], limit=16,
                                            resolver=resolver) if k.entity.id != e.id][:15]
        dated = sum(e.dates.values())
        return {
            "p": p,
            "e": e,
            "names": display_names(e),
            "stories": stories,
            "events": sorted(events, key=lambda en: (en[0].date or "", en[0].id), reverse=True),
            "quotes": quotes,
            "briefs": briefs_for(sl, quotes),
            "ents": quote_entities(sl, quotes, resolver),
            "together": together,
            "chart": activity_chart(p.activity, undated=max(len(p.article_ids) - dated, 0),
                                    width=960, height=150),
        }

    return _render(request, "entity.html", state.run(load))
