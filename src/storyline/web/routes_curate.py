"""Corrections over HTTP: the API (``/api/...``, JSON) and the page buttons (HTML forms).

Every route is a write: refused on a read-only server and for cross-site requests, and it
needs the server's token when it has one — as ``Authorization: Bearer`` for the API, or as
the form's ``token`` field for the buttons (a browser form cannot send the header). Each
correction is logged in the merge log and kept by later ingests; ``undo`` reverts one.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from storyline.web.app import WebState, state_of
from storyline.web.guard import _same_origin as same_origin
from storyline.web.guard import require_writer
from storyline.web.views import event_json, merge_json, story_json

api = APIRouter(prefix="/api", tags=["corrections"], dependencies=[Depends(require_writer)])
ui = APIRouter(include_in_schema=False)
State = Annotated[WebState, Depends(state_of)]


class MergeIn(BaseModel):
    other: str = Field(min_length=1, max_length=40, description="The id merged into this one")
    reason: str = Field("", max_length=500)


class MoveIn(BaseModel):
    event: str = Field(min_length=1, max_length=40, description="The event to move it into")
    reason: str = Field("", max_length=500)


class RenameIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)


@api.post("/events/{event_id}/merge", summary="Merge another event into this one")
def merge_events(state: State, event_id: str, body: MergeIn) -> dict[str, Any]:
    with state.lock:
        return event_json(state.sl.merge_events(event_id, body.other, reason=body.reason))


@api.post("/articles/{ref}/move", summary="Move an article into another event")
def move_article(state: State, ref: str, body: MoveIn) -> dict[str, Any]:
    with state.lock:
        return event_json(state.sl.move_article(ref, body.event, reason=body.reason))


@api.post("/stories/{story_id}/merge", summary="Merge another story into this one")
def merge_stories(state: State, story_id: str, body: MergeIn) -> dict[str, Any]:
    with state.lock:
        return story_json(state.sl.merge_stories(story_id, body.other, reason=body.reason))


@api.post("/stories/{story_id}/rename", summary="Give a story a title of your own")
def rename_story(state: State, story_id: str, body: RenameIn) -> dict[str, Any]:
    with state.lock:
        return story_json(state.sl.rename_story(story_id, body.title))


@api.post("/merge-log/{seq}/undo", summary="Undo a correction")
def undo(state: State, seq: int) -> dict[str, Any]:
    with state.lock:
        return merge_json(state.sl.undo(seq))


# -- page buttons ------------------------------------------------------------------------------
def form_writer(request: Request, token: Annotated[str, Form(max_length=500)] = "") -> None:
    """:func:`require_writer` for a browser form: the token comes in the form."""
    state = state_of(request)
    if state.read_only:
        raise HTTPException(403, "this server is read-only (started with --read-only)")
    if not same_origin(request):
        raise HTTPException(403, "cross-site write refused: use the buttons of this site")
    if state.token is not None and not hmac.compare_digest(token.encode(), state.token.encode()):
        raise HTTPException(401, "missing or wrong write token: type the server's token")


Writer = Depends(form_writer)
Text = Annotated[str, Form(max_length=300)]


def _back(request: Request, name: str, **params: str) -> RedirectResponse:
    url = request.scope.get("root_path", "") + str(request.app.url_path_for(name, **params))
    return RedirectResponse(url, status_code=303)


@ui.post("/events/{event_id}/merge", name="ui_merge_events", dependencies=[Writer])
def ui_merge_events(
    request: Request, state: State, event_id: str, other: Text, reason: Text = ""
) -> RedirectResponse:
    with state.lock:
        state.sl.merge_events(event_id, other.strip(), reason=reason)
    return _back(request, "ui_event", event_id=event_id)


@ui.post("/events/{event_id}/move", name="ui_move_article", dependencies=[Writer])
def ui_move_article(
    request: Request, state: State, event_id: str, article: Text, reason: Text = ""
) -> RedirectResponse:
    with state.lock:
        state.sl.move_article(article.strip(), event_id, reason=reason)
    return _back(request, "ui_event", event_id=event_id)


@ui.post("/stories/{story_id}/merge", name="ui_merge_stories", dependencies=[Writer])
def ui_merge_stories(
    request: Request, state: State, story_id: str, other: Text, reason: Text = ""
) -> RedirectResponse:
    with state.lock:
        state.sl.merge_stories(story_id, other.strip(), reason=reason)
    return _back(request, "ui_story", story_id=story_id)


@ui.post("/stories/{story_id}/rename", name="ui_rename_story", dependencies=[Writer])
def ui_rename_story(
    request: Request, state: State, story_id: str, title: Text
) -> RedirectResponse:
    with state.lock:
        state.sl.rename_story(story_id, title)
    return _back(request, "ui_story", story_id=story_id)


@ui.post("/merge-log/{seq}/undo", name="ui_undo", dependencies=[Writer])
def ui_undo(request: Request, state: State, seq: int, back: Text = "") -> RedirectResponse:
    with state.lock:
        entry = state.sl.undo(seq)
    if back.startswith("/") and not back.startswith("//"):
        return RedirectResponse(back, status_code=303)
    return _back(request, "ui_event", event_id=entry.target) if entry.target.startswith(
        "e") else _back(request, "ui_story", story_id=entry.target)
