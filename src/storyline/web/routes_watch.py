"""Watchlists over HTTP: their alerts as Atom (``/feeds/watch/NAME.atom``) and the API.

Creating, removing and running watchlists are writes (bearer token when the server has one).
A webhook's secret is never sent over the API: the watchlist names the environment variable
of the server process that holds it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from storyline.api import Storyline
from storyline.web.app import WebState, state_of
from storyline.web.feeds import MEDIA_TYPE, Entry, atom_id, render_feed, rfc3339
from storyline.web.guard import require_writer
from storyline.web.views import lang_attr, lang_name

router = APIRouter()
State = Annotated[WebState, Depends(state_of)]
FALLBACK = "1970-01-01T00:00:00Z"


def _at(value: str) -> str:
    """An alert's ISO time as RFC 3339 (UTC)."""
    return value.replace("+00:00", "Z") if value else FALLBACK


@router.get(
    "/feeds/watch/{name}.atom", name="feed_watch", tags=["feeds"],
    summary="A watchlist's alerts as Atom",
)
def watch_feed(request: Request, state: State, name: str) -> Response:
    """One entry per alert (an article that matched), newest first."""

    def load(sl: Storyline) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return sl.watch(name), sl.alerts(name, limit=200)

    watch, alerts = state.run(load)
    entries = []
    for a in alerts:
        d = a["data"]
        code = lang_attr(d.get("lang"))
        url = d.get("url") if str(d.get("url") or "").startswith(("http://", "https://")) else None
        entries.append(
            Entry(
                id=atom_id("alert", f"{name}:{a['article_id']}"),
                title=str(d.get("title") or a["article_id"]),
                updated=_at(a["at"]),
                published=rfc3339(d.get("date")) if not d.get("date_is_estimate") else None,
                link=str(request.url_for("ui_article", ref=a["article_id"])),
                related=url,
                author=d.get("source"),
                lang=code,
                summary=str(d.get("matched") or ""),
                categories=[(code, lang_name(code))] if code else [],
            )
        )
    body = render_feed(
        feed_id=atom_id("watch", name),
        title=f"storyline watchlist: {name}",
        subtitle=f"new articles: {watch['kind']} {watch['value']}",
        self_url=str(request.url),
        html_url=str(request.url_for("ui_stories")),
        entries=entries,
        fallback_updated=_at(watch.get("created", "")),
    )
    return Response(body, media_type=MEDIA_TYPE)


class WatchIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, examples=["kishor"])
    query: str | None = Field(None, max_length=500)
    entity: str | None = Field(None, max_length=200)
    story: str | None = Field(None, max_length=40)
    webhook: str | None = Field(None, max_length=2000)
    secret_env: str | None = Field(None, max_length=100)


@router.get("/api/watches", tags=["watchlists"], summary="Watchlists")
def list_watches(state: State) -> dict[str, Any]:
    items = state.run(lambda sl: sl.watches())
    return {"total": len(items), "items": items}


@router.get("/api/watches/{name}/alerts", tags=["watchlists"], summary="A watchlist's alerts")
def list_alerts(
    state: State, name: str, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    items = state.run(lambda sl: sl.alerts(name, limit=limit))
    return {"total": len(items), "items": items}


@router.post(
    "/api/watches", tags=["watchlists"], summary="Create a watchlist",
    dependencies=[Depends(require_writer)],
)
def add_watch(state: State, body: WatchIn) -> dict[str, Any]:
    with state.lock:
        return state.sl.add_watch(
            body.name, query=body.query, entity=body.entity, story=body.story,
            webhook=body.webhook, secret_env=body.secret_env,
        )


@router.delete(
    "/api/watches/{name}", tags=["watchlists"], summary="Delete a watchlist and its alerts",
    dependencies=[Depends(require_writer)],
)
def remove_watch(state: State, name: str) -> dict[str, Any]:
    with state.lock:
        state.sl.remove_watch(name)
    return {"removed": name}


@router.post(
    "/api/watches/run", tags=["watchlists"], summary="Run the watchlists now",
    dependencies=[Depends(require_writer)],
)
def run_watches(state: State) -> dict[str, Any]:
    with state.lock:
        results = state.sl.run_watches()
    return {"items": [r.as_dict() for r in results]}
