"""What keeps the server safe: bind check, bearer token, same-origin writes, body size limit.

* :func:`check_bind` refuses a non-loopback address when writes are enabled and no token is
  configured (anyone who can reach the port could otherwise write to the store).
* :func:`require_writer` guards every write endpoint: ``403`` on a read-only server or a
  cross-site browser request, ``401`` without the right ``Authorization: Bearer`` token.
* :class:`BodyLimitMiddleware` rejects request bodies over the limit with ``413`` before the
  application reads them (``Content-Length``) or as soon as a streamed body goes over.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.errors import StorylineError

if TYPE_CHECKING:
    from storyline.web.app import WebState

logger = logging.getLogger(__name__)

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

bearer = HTTPBearer(auto_error=False, description="The token given to `storyline serve --token`")


class ServeError(StorylineError):
    """The server cannot start with these settings (unsafe bind, bad token, bad limit)."""


def is_local_host(host: str) -> bool:
    """True for loopback addresses and names (127.0.0.0/8, ::1, localhost)."""
    name = host.strip().strip("[]").lower()
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, token: str | None, read_only: bool = False) -> None:
    """Raise :class:`ServeError` when serving on *host* would expose writes to others."""
    if token is not None and not token.strip():
        raise ServeError(
            "the token is empty; give a long random string (e.g. `openssl rand -hex 24`)"
        )
    if is_local_host(host) or token or read_only:
        return
    raise ServeError(
        f"refusing to serve on {host}: it is reachable from other machines and the ingest "
        "endpoints would be open to anyone. Give a token (--token or $STORYLINE_TOKEN), add "
        "--read-only, or bind 127.0.0.1."
    )


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def _same_origin(request: Request) -> bool:
    """False when a browser says the request comes from another site (CSRF on localhost)."""
    if request.headers.get("sec-fetch-site", "") in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("origin")
    if origin is None:  # not a browser form/fetch: curl, scripts, the test client
        return True
    if origin == "null":  # sandboxed frame, file:// page, privacy redirect
        return False
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


def require_writer(
    request: Request,
    cred: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
) -> None:
    """Dependency of every write endpoint."""
    state = _state(request)
    if state.read_only:
        raise HTTPException(
            403, "this server is read-only (started with --read-only); writes are disabled"
        )
    if not _same_origin(request):
        raise HTTPException(
            403, "cross-site write refused: post from the storyline page itself or a script"
        )
    if state.token is None:
        return
    given = (cred.credentials if cred else "").encode()
    if not hmac.compare_digest(given, state.token.encode()):
        raise HTTPException(
            401,
            "missing or wrong bearer token: send 'Authorization: Bearer <token>' with the "
            "token the server was started with (--token or $STORYLINE_TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )


def too_large_message(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return (
        f"request body is over the server's limit of {mb:.3g} MB ({limit} bytes); split the "
        "upload into smaller files or restart the server with a larger --max-body-mb"
    )


class BodyLimitMiddleware:
    """Pure ASGI middleware: answer 413 (JSON) for bodies over ``limit`` bytes.

    A declared ``Content-Length`` over the limit is refused before the app runs. A streamed
    body is counted as it arrives; once over, the 413 is sent at once, the app sees a client
    disconnect and whatever it tries to send afterwards is dropped.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _reject(self, send: Send) -> None:
        start, body = _json_error(413, "too_large", too_large_message(self.limit))
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    logger.info("refused %s %s: body %d bytes", scope["method"], scope["path"],
                                declared)
                    await self._reject(send)
                    return
        seen = 0
        rejected = False
        started = False

        async def limited_receive() -> Message:
            nonlocal seen, rejected
            if rejected:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    rejected = True
                    if not started:
                        logger.info("refused %s %s: streamed body over %d bytes",
                                    scope["method"], scope["path"], self.limit)
                        await self._reject(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if rejected:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not rejected:
                raise
            logger.debug("request aborted after its body went over the limit", exc_info=True)


def _json_error(status: int, code: str, message: str) -> tuple[dict[str, Any], bytes]:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    return start, body


def host_of(header: str) -> str:
    """The host part of a ``Host`` header: ``[::1]:8000`` → ``::1``, ``a.b:80`` → ``a.b``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostGuardMiddleware:
    """Answer 400 to requests whose ``Host`` header is not one of ``allowed`` names.

    A server bound to loopback accepts only loopback names, so a web page on another domain
    that resolves to 127.0.0.1 (DNS rebinding) cannot talk to it.
    """

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {host_of(h) if h.startswith("[") else h.lower() for h in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope.get("headers", []):
            if name == b"host":
                header = value.decode("latin-1")
                break
        host = host_of(header)
        if host in self.allowed or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        logger.warning("refused request for host %r (not one of %s)", header, sorted(self.allowed))
        start, body = _json_error(
            400, "bad_request",
            f"host {header!r} is not served here; open the server by its loopback address "
            "(e.g. http://127.0.0.1:8000/)",
        )
        await send(start)
        await send({"type": "http.response.body", "body": body})


# Pages are served from this origin only: no inline scripts or styles, no third-party
# resources. /docs sets its own policy (its inline Swagger UI setup allowed by hash; see
# storyline.web.docs).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def security_headers(path: str) -> list[tuple[str, str]]:
    """The headers every response carries (/docs sets its own content policy)."""
    out = [("x-content-type-options", "nosniff"), ("referrer-policy", "same-origin")]
    if not path.startswith(("/docs", "/redoc")):
        out += [("content-security-policy", CSP), ("x-frame-options", "DENY")]
    return out


class SecurityHeadersMiddleware:
    """Add nosniff, referrer and content-security headers to every response (it is the
    outermost middleware, so the host guard's 400 and the body limit's 413 get them too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.encode(), v.encode()) for k, v in security_headers(scope["path"])]

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)
