"""REST API under ``/api``: listings with ``limit``/``offset``/``total``, details, ingest.

Every handler reads through :meth:`WebState.run`, so store access is serialised (see
:mod:`storyline.web.app`). Ingest reads documents from the request body only: JSON articles
or uploaded files, never a path on the server.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import time
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from storyline import __version__
from storyline.api import Storyline
from storyline.errors import InputError
from storyline.ingest import read_stream
from storyline.ingest.decode import quarantine as quarantined
from storyline.ingest.jsonl import record_doc
from storyline.ingest.limits import human, limits
from storyline.ingest.sanitize import check_depth
from storyline.model import Provenance, Quarantined, RawDoc, Story
from storyline.render import article_dict, timeline_dict
from storyline.web.app import MAX_OFFSET, WebState, state_of
from storyline.web.guard import require_writer
from storyline.web.search import (
    ENTITY_HELP,
    QUERY_HELP,
    Kind,
    Mode,
    SearchParams,
    run_search,
)
from storyline.web.views import (
    event_json,
    join_json,
    merge_json,
    page,
    quarantine_json,
    story_json,
)

logger = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Rejected by storyline (the message says why)"),
        (404, "No such id"),
        (422, "Invalid parameters"),
    )
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    401: {"model": ErrorOut, "description": "Bearer token missing or wrong"},
    403: {"model": ErrorOut, "description": "Read-only server, or a cross-site request"},
    413: {"model": ErrorOut, "description": "Request body over the size limit"},
}

router = APIRouter(prefix="/api", responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip")]
State = Annotated[WebState, Depends(state_of)]


def paged(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"total": total, "limit": limit, "offset": offset, "items": items}


# -- service -------------------------------------------------------------------------------
@router.get("/health", tags=["service"], summary="Liveness and store check")
def health(state: State) -> dict[str, Any]:
    state.run(lambda sl: sl.store.stats())
    return {"status": "ok", "version": __version__}


@router.get("/metrics", tags=["service"], summary="Store counts and server settings")
def metrics(state: State) -> dict[str, Any]:
    stats = state.run(lambda sl: sl.store.stats())
    path = state.sl.store.path
    return {
        "version": __version__,
        "counts": stats,
        "store": path.name if path else None,
        "uptime_s": round(time.time() - state.started, 1),
        "ingest_requests": state.ingest_requests,
        "read_only": state.read_only,
        "token_required": state.token is not None,
        "max_body_bytes": state.max_body,
    }


# -- stories and events --------------------------------------------------------------------
@router.get("/stories", tags=["stories"], summary="Stories (2+ articles first, newest first)")
def list_stories(
    state: State,
    lang: Annotated[str | None, Query(description="Only stories with articles in it")] = None,
    sort: Annotated[
        Literal["default", "latest", "size", "span"],
        Query(description="default: 2+ articles first by latest activity; size; span; latest"),
    ] = "default",
    min_articles: Annotated[
        int, Query(ge=1, le=1_000_000, description="Hide smaller stories (2: no one-article ones)")
    ] = 1,
    entity: Annotated[
        str | None,
        Query(description="Only stories naming this entity (id, name or alias in any script)"),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """With ``entity``, each story also has ``entity_articles``: its articles naming it."""

    def load(sl: Storyline) -> tuple[list[Story], dict[str, int]]:
        stories = sl.stories(lang=lang or None, sort=sort, min_articles=min_articles)
        if not entity:
            return stories, {}
        naming = dict(sl.entity(entity).stories)
        return [s for s in stories if s.id in naming], naming

    items, naming = state.run(load)
    rows = []
    for s in page(items, limit, offset):
        row = story_json(s)
        if entity:
            row["entity_articles"] = naming[s.id]
        rows.append(row)
    return paged(rows, len(items), limit, offset)


LangPref = Annotated[
    str | None,
    Query(max_length=20, description="Prefer summary sentences in this language (ISO code)"),
]


@router.get(
    "/stories/{story_id}", tags=["stories"], summary="A story with its summary and timeline"
)
def get_story(state: State, story_id: str, lang: LangPref = None) -> dict[str, Any]:
    def load(sl: Storyline) -> dict[str, Any]:
        s = sl.story(story_id)
        return {
            **story_json(s),
            "summary": sl.summary(story_id, lang=lang).as_dict(),
            "timeline": [timeline_dict(t) for t in sl.timeline(story_id)],
            "merge_log": [merge_json(m) for m in sl.merge_log(story_id)],
        }

    return state.run(load)


@router.get("/events", tags=["events"], summary="Events, newest first")
def list_events(
    state: State,
    story: Annotated[str | None, Query(description="Only events of this story")] = None,
    lang: Annotated[str | None, Query(description="Only events with articles in it")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    items = state.run(lambda sl: sl.events(story_id=story or None))
    if lang:
        items = [e for e in items if lang in e.languages]
    return paged([event_json(e) for e in page(items, limit, offset)], len(items), limit, offset)


@router.get(
    "/events/{event_id}", tags=["events"], summary="An event, its articles and why they joined"
)
def get_event(state: State, event_id: str, lang: LangPref = None) -> dict[str, Any]:
    def load(sl: Storyline) -> dict[str, Any]:
        e = sl.event(event_id)
        return {
            **event_json(e),
            "summary": sl.summary(event_id, lang=lang).as_dict() if e.alive else None,
            "articles": [article_dict(a, brief=True) for a in sl.articles(event_id=event_id)],
            "why": [join_json(j) for j in sl.explain(event_id)],
            "merge_log": [merge_json(m) for m in sl.merge_log(event_id)],
        }

    return state.run(load)


@router.get(
    "/summary/{ref}",
    tags=["stories"],
    summary="The cited summary of an event or a story",
)
def get_summary(state: State, ref: str, lang: LangPref = None) -> dict[str, Any]:
    """Sentences quoted from the articles, each with ``article_id``, ``start``, ``end``
    (character offsets into the article's cleaned ``text``) and ``lang``; a story's summary
    also has a dated paragraph per main event."""
    return state.run(lambda sl: sl.summary(ref, lang=lang).as_dict())


# -- articles ------------------------------------------------------------------------------
@router.get("/articles", tags=["articles"], summary="Articles in ingest order")
def list_articles(
    state: State,
    event: Annotated[str | None, Query(description="Only articles of this event")] = None,
    story: Annotated[str | None, Query(description="Only articles of this story")] = None,
    lang: Annotated[str | None, Query(description="Only articles in this language")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    filters: dict[str, str | int | None] = {"event_id": event, "story_id": story, "lang": lang}
    filters = {k: v for k, v in filters.items() if v}

    def load(sl: Storyline) -> tuple[list[dict[str, Any]], int]:
        rows = [
            article_dict(a, brief=True) for a in sl.articles(**filters, limit=limit, offset=offset)
        ]
        total = sl.store.count_articles() if not filters else sum(1 for _ in sl.articles(**filters))
        return rows, total

    rows, total = state.run(load)
    return paged(rows, total, limit, offset)


@router.get(
    "/articles/{ref}",
    tags=["articles"],
    summary="An article by storyline id or input id: text, language, date evidence",
)
def get_article(state: State, ref: str) -> dict[str, Any]:
    return article_dict(state.run(lambda sl: sl.article(ref)))


# -- search --------------------------------------------------------------------------------
@router.get("/search", tags=["search"], summary="Search articles, events or stories")
def search(
    state: State,
    q: Annotated[str, Query(min_length=1, max_length=500, description=QUERY_HELP)],
    kind: Annotated[Kind, Query(description="What to return")] = "article",
    mode: Annotated[Mode, Query(description="hybrid, text (no model) or semantic")] = "hybrid",
    lang: Annotated[str | None, Query(description="ISO language code")] = None,
    date_from: Annotated[str | None, Query(description="YYYY-MM-DD, YYYY-MM or YYYY")] = None,
    date_to: Annotated[str | None, Query(description="YYYY-MM-DD, YYYY-MM or YYYY")] = None,
    source: Annotated[str | None, Query(description="Part of the outlet name or URL")] = None,
    story: Annotated[str | None, Query(description="Only within this story")] = None,
    event: Annotated[str | None, Query(description="Only within this event")] = None,
    entity: Annotated[str | None, Query(description=ENTITY_HELP)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Best first, with facets (language, source, month, entity) counted over the first
    ``facet_window`` hits; ``entity_names`` names the entity ids of the entity facet.
    ``snippet`` and ``title_html`` are HTML-safe, query words in ``<mark>``."""
    params = SearchParams(q, kind, mode, lang, date_from, date_to, source, story, event, entity)
    result = run_search(state, params, limit=limit, offset=offset)
    return {
        "query": q,
        "kind": kind,
        "mode": mode,
        "limit": limit,
        "offset": offset,
        "has_more": result.has_more,
        "facet_window": result.window,
        "facets": result.facets,
        "entity_names": result.entity_names,
        "items": [h.to_dict() for h in result.hits],
    }


# -- history and rejects -------------------------------------------------------------------
@router.get("/merge-log", tags=["history"], summary="Merges and splits, newest first")
def merge_log(
    state: State,
    ref: Annotated[str | None, Query(description="Only entries naming this id")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    items = list(reversed(state.run(lambda sl: sl.merge_log(ref or None))))
    return paged([merge_json(m) for m in page(items, limit, offset)], len(items), limit, offset)


@router.get("/quarantine", tags=["history"], summary="Rejected inputs with their reasons")
def quarantine(
    state: State,
    reason: Annotated[str | None, Query(description="Only this reason code")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    items = state.run(lambda sl: sl.quarantine())
    if reason:
        items = [q for q in items if q.reason == reason]
    rows = [quarantine_json(q) for q in page(items, limit, offset)]
    return paged(rows, len(items), limit, offset)


# -- ingest --------------------------------------------------------------------------------
class ArticleIn(BaseModel):
    """One article to ingest; other fields are kept verbatim in the article's ``extra``."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "example": {
                "id": "wire-0001",
                "url": "https://news.example/a/1",
                "title": "Headline",
                "text": "First paragraph.\n\nSecond paragraph.",
                "date": "2024-10-26",
                "lang": "en",
                "source": "Example Daily",
            }
        },
    )
    id: str | None = Field(None, description="Your id (kept as the input id)")
    url: str | None = None
    title: str | None = None
    text: str = Field(min_length=1, description="Article text; paragraphs split by blank lines")
    date: str | None = Field(None, description="Publication date (ISO preferred)")
    lang: str | None = Field(None, description="Language hint; detection still runs")
    source: str | None = Field(None, description="Outlet name")


def _api_docs(items: list[ArticleIn]) -> Iterator[RawDoc | Quarantined]:
    lim = limits()
    for i, item in enumerate(items, 1):
        obj = item.model_dump(exclude_none=True)
        try:  # the limits every reader applies: nesting depth, then the record's size
            check_depth(obj, f"item {i}", lim)
            raw = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode(
                "utf-8", "surrogatepass")
        except InputError as err:
            yield quarantined("api:/api/ingest", err.reason, err.message, b"", i)
            continue
        except ValueError as err:  # e.g. a number too long to print
            yield quarantined("api:/api/ingest", "bad-json", f"item {i}: {err}", b"", i)
            continue
        if len(raw) > lim.max_record_bytes:
            yield quarantined("api:/api/ingest", "too-large", f"item {i} is over the "
                             f"{human(lim.max_record_bytes)} limit for one record", raw[:200], i)
            continue
        sha = hashlib.sha256(raw).hexdigest()
        prov = Provenance(source="api:/api/ingest", kind="api", line=i, raw_sha256=sha)
        yield record_doc(obj, prov, f"api-{sha[:12]}", f"item {i}", raw)


def _ingest(state: WebState, docs: Iterator[RawDoc | Quarantined]) -> dict[str, Any]:
    with state.lock:
        state.ingest_requests += 1
        report = state.sl.ingest_docs(docs)
    logger.info(
        "ingest: %d read, %d accepted, %d quarantined",
        report.read,
        report.accepted,
        report.quarantined,
    )
    return report.as_dict()


@router.post(
    "/ingest",
    tags=["ingest"],
    summary="Ingest a JSON list of articles",
    dependencies=[Depends(require_writer)],
    responses=WRITE_ERRORS,
)
def ingest_json(state: State, articles: list[ArticleIn]) -> dict[str, Any]:
    """Runs the whole pipeline in the request and returns the ingest report.

    Posting the same article again adds nothing (it counts as a duplicate).
    """
    return _ingest(state, _api_docs(articles))


def upload_name(filename: str | None) -> str:
    """``upload:<base name>``: the client's file name, never a path, kept for provenance."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:120]
    return "upload:" + (base if base.strip(".") else "file")


@router.post(
    "/ingest/file",
    tags=["ingest"],
    summary="Ingest uploaded files (JSON Lines, JSON, HTML, RSS/Atom, WARC, text, .gz)",
    dependencies=[Depends(require_writer)],
    responses=WRITE_ERRORS,
)
async def ingest_file(
    request: Request,
    file: Annotated[list[UploadFile], File(description="One or more files")],
    format: Annotated[
        str | None, Form(description="Force a format instead of sniffing it (e.g. jsonl)")
    ] = None,
) -> dict[str, Any]:
    """The files are read from the request body; the format is sniffed from the content."""
    state = state_of(request)
    blobs = [(upload_name(f.filename), await f.read()) for f in file]
    fmt = format or None
    docs = itertools.chain.from_iterable(
        read_stream(io.BytesIO(data), name=name, fmt=fmt) for name, data in blobs
    )
    return await run_in_threadpool(_ingest, state, docs)
