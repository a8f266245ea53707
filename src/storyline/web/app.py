"""The FastAPI application: one store, a REST API under ``/api``, a web UI and Atom feeds.

Concurrency: handlers are plain functions that FastAPI runs in its thread pool. On a file
store every thread has its own SQLite connection (WAL): reads run side by side, and with an
ingest, without any lock of ours; SQLite serialises writers, and :class:`WebState`'s lock
serialises this process's ingests (the engine's in-memory state is not shared). A store that
cannot read concurrently (in memory) has every call run under that lock instead.
"""

from __future__ import annotations

import contextlib
import http
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import markupsafe
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.api import Storyline
from storyline.errors import NotFoundError, StorylineError
from storyline.web.guard import (
    BodyLimitMiddleware,
    HostGuardMiddleware,
    SecurityHeadersMiddleware,
    ServeError,
    check_bind,
    is_local_host,
    security_headers,
)
from storyline.web.views import install_template_helpers

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MAX_BODY", "ServeError", "WebState", "check_bind", "create_app", "serve"]

DEFAULT_MAX_BODY = 20 * 1024 * 1024  # bytes
MAX_OFFSET = 1_000_000_000  # the largest offset a listing takes (keeps SQL integers in range)
#: every read under the one lock, as before concurrent readers (benchmarks/load.py compares)
SERIAL_READS = os.environ.get("STORYLINE_WEB_SERIAL") == "1"
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal",
}

T = TypeVar("T")

#: search results kept per store version (0: none); a query repeated while the store is
#: unchanged is answered from here (its facets and snippets are computed once)
SEARCH_CACHE = int(os.environ.get("STORYLINE_SEARCH_CACHE", "256"))
#: Rendered pages kept while the store is unchanged (0: none), least recently used dropped.
PAGE_CACHE = int(os.environ.get("STORYLINE_PAGE_CACHE", "64"))


class ResultCache:
    """A small least-recently-used cache whose entries hold while the store's version does."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[object, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: object) -> Any:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or hit[0] != version:
                return None
            self._items.move_to_end(key)
            return hit[1]

    def put(self, key: Hashable, version: object, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = (version, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class WebState:
    """What every request handler shares: the store, its lock and the server settings."""

    sl: Storyline
    templates: Jinja2Templates
    token: str | None = None
    read_only: bool = False
    max_body: int = DEFAULT_MAX_BODY
    lock: threading.RLock = field(default_factory=threading.RLock)
    started: float = field(default_factory=time.time)
    ingest_requests: int = 0
    results: ResultCache = field(default_factory=lambda: ResultCache(SEARCH_CACHE))
    pages: ResultCache = field(default_factory=lambda: ResultCache(PAGE_CACHE))

    def run(self, fn: Callable[[Storyline], T]) -> T:
        """Call ``fn(storyline)`` for a read (see the module docstring): side by side with
        other reads and with an ingest on a file store (each thread has its own SQLite
        connection), under the lock on a store that cannot do that (memory)."""
        if getattr(self.sl.store, "concurrent_reads", False) and not SERIAL_READS:
            return fn(self.sl)
        with self.lock:
            return fn(self.sl)


def state_of(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith(("/api/", "/feeds/", "/openapi", "/docs"))


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    details: Any = None,
) -> Response:
    """The one error shape: ``{"error": {"code", "message"}}`` (an HTML page for the UI)."""
    code = ERROR_CODES.get(status, http.HTTPStatus(status).phrase.lower().replace(" ", "_"))
    if not wants_json(request):
        templates = state_of(request).templates
        try:
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status": status, "code": code, "message": message},
                status_code=status,
                headers=headers,
            )
        except Exception:  # the error page itself failed: answer plainly, never loop
            logger.exception("error page for %s could not be rendered", request.url.path)
            text = markupsafe.escape(f"{status} {code}: {message}")
            return HTMLResponse(f"<!doctype html><title>{status}</title><p>{text}</p>",
                                status_code=status, headers=headers)
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return SafeJSONResponse({"error": body}, status_code=status, headers=headers)


class SafeJSONResponse(JSONResponse):
    """JSON whose text can always be sent: a lone surrogate (from a JSON escape such as
    ``"\\ud800"`` in a request) is replaced instead of failing the response with a 500."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":"))
        return text.encode("utf-8", "replace")


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; the API is listed at /docs"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}; see /docs"
        return error_response(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = jsonable_encoder(exc.errors(), exclude={"input", "url", "ctx"})
        parts = []
        for err in errors[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        more = f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""
        return error_response(request, 422, "; ".join(parts) + more, details=errors)

    @app.exception_handler(StorylineError)
    async def storyline_error(request: Request, exc: StorylineError) -> Response:
        status = 404 if isinstance(exc, NotFoundError) else 400
        return error_response(request, status, str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        # this handler runs outside the middleware stack: add the security headers here
        return error_response(
            request, 500, "internal error; the server log has the details (please report it)",
            headers=dict(security_headers(request.url.path)),
        )


def create_app(
    sl: Storyline,
    *,
    token: str | None = None,
    read_only: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    allowed_hosts: list[str] | None = None,
    watch_every: float = 0.0,
) -> FastAPI:
    """The ASGI application serving *sl*.

    ``token``: when set, write endpoints need ``Authorization: Bearer <token>``.
    ``read_only``: write endpoints answer 403. ``max_body``: largest request body in bytes
    (413 above). ``allowed_hosts``: accepted ``Host`` headers (``storyline serve`` sets the
    loopback names when bound locally, which defeats DNS rebinding); None accepts any.
    ``watch_every``: run the watchlists every so many seconds while serving (0: never).
    The caller keeps ownership of *sl* (close it after the server stops).
    """
    if max_body <= 0:
        raise ServeError(f"max_body must be a positive number of bytes, not {max_body}")
    from storyline.web import (
        feeds,
        routes_api,
        routes_curate,
        routes_people,
        routes_ui,
        routes_watch,
    )
    from storyline.web.docs import install_docs
    from storyline.web.schedule import WatchScheduler

    state = WebState(
        sl=sl, templates=Jinja2Templates(directory=str(TEMPLATES)), token=token or None,
        read_only=read_only, max_body=max_body,
    )
    scheduler = WatchScheduler(state, watch_every)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            scheduler.stop()

    templates = state.templates
    install_template_helpers(templates, version=__version__)
    app = FastAPI(
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
        title="storyline",
        version=__version__,
        docs_url=None,  # served from the packaged Swagger UI by install_docs, not a CDN
        redoc_url=None,
        description=(
            "Multilingual news story tracker: stories, events, articles, people (entities, "
            "quotes, conflicting claims), search, ingest. "
            "Listings take `limit`/`offset` and return `total`; errors are "
            '`{"error": {"code", "message"}}`. Write endpoints need a bearer token when the '
            "server has one."
        ),
    )
    app.state.web = state
    app.state.watch_scheduler = scheduler
    _install_error_handlers(app)
    app.include_router(routes_api.router)
    app.include_router(routes_people.api)
    app.include_router(feeds.router)
    app.include_router(routes_ui.router)
    app.include_router(routes_people.ui)
    app.include_router(routes_watch.router)
    app.include_router(routes_curate.api)
    app.include_router(routes_curate.ui)
    install_docs(app)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(BodyLimitMiddleware, limit=max_body)
    if allowed_hosts:
        app.add_middleware(HostGuardMiddleware, allowed=allowed_hosts)
    app.add_middleware(SecurityHeadersMiddleware)  # last added = outermost: on every answer
    return app


def local_host_names(host: str) -> list[str]:
    """Host names to accept when bound to loopback *host*."""
    return sorted({"127.0.0.1", "localhost", "::1", host.strip("[]").lower()})


def serve(
    sl: Storyline,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    read_only: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    log_level: str = "info",
    watch_every: float = 0.0,
) -> None:
    """Run the app with uvicorn until interrupted; refuses unsafe binds (:func:`check_bind`)."""
    import uvicorn

    from storyline.web.multi import limit_blas_threads

    check_bind(host, token=token, read_only=read_only)
    limit_blas_threads()
    hosts = local_host_names(host) if is_local_host(host) else None
    app = create_app(
        sl, token=token, read_only=read_only, max_body=max_body, allowed_hosts=hosts,
        watch_every=watch_every,
    )
    uvicorn.run(app, host=host, port=port, log_level=log_level)
