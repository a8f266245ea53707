"""A local web site for the live-input tests: pages, feeds, robots.txt, redirects, errors.

Routes map a path to a handler result ``(status, headers, body)`` or to a callable that gets
the request headers and returns one. Every request is recorded (path, headers, time).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Result = tuple[int, dict[str, str], bytes]
Route = Result | Callable[[dict[str, str]], Result]

TOPICS = [
    ("Riverside bridge opens to traffic", "bridge", "the river crossing"),
    ("City council approves new bus routes", "bus", "the transport plan"),
    ("Heavy rain floods low-lying streets", "rain", "the flooded streets"),
    ("University announces solar campus plan", "solar", "the solar panels"),
]


def article_html(n: int, *, date: str = "2024-03-0{n}") -> bytes:
    """A plausible news page (made-up text) that the HTML reader extracts."""
    title, word, thing = TOPICS[n % len(TOPICS)]
    day = date.format(n=n % 9 + 1)
    paras = "".join(
        f"<p>Officials in Northfield said on {day} that {thing} would change daily life for "
        f"thousands of residents, and that the {word} project number {n} had been discussed "
        f"for more than {k + 3} years before the final vote was taken this week.</p>"
        for k in range(4)
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta property='article:published_time' content='{day}T09:00:00+00:00'>"
        "</head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{paras}</article>"
        "<footer>Copyright Northfield Gazette</footer></body></html>"
    ).encode()


def rss(base: str, items: list[int], *, title: str = "Northfield Gazette") -> bytes:
    entries = "".join(
        f"<item><title>{TOPICS[n % len(TOPICS)][0]}</title><link>{base}/news/{n}.html</link>"
        f"<guid>{base}/news/{n}.html</guid><pubDate>Mon, 0{n % 9 + 1} Mar 2024 09:00:00 GMT"
        f"</pubDate><description>Feed summary of story {n}: officials in Northfield "
        f"discussed the {TOPICS[n % len(TOPICS)][1]} project for years.</description></item>"
        for n in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>{title}</title><language>en</language>{entries}</channel></rss>").encode()


class Site:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict[str, Any]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append({"path": self.path, "headers": headers,
                                      "at": time.monotonic()})
                route = site.routes.get(self.path)
                if route is None:
                    status, extra, body = 404, {}, b"not found"
                elif callable(route):
                    status, extra, body = route(headers)
                else:
                    status, extra, body = route
                self.send_response(status)
                extra = dict(extra)
                if "content-length" not in {k.lower() for k in extra}:
                    extra["Content-Length"] = str(len(body))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8",
             **headers: str) -> None:
        self.routes[path] = (200, {"Content-Type": ctype, **headers}, body)

    def feed(self, path: str, items: list[int], *, etag: str) -> None:
        """An RSS feed that answers 304 to a matching If-None-Match."""
        body = rss(self.base, items)
        stamp = format_datetime(dt.datetime(2024, 3, 1, tzinfo=dt.UTC), usegmt=True)

        def answer(headers: dict[str, str]) -> Result:
            if headers.get("if-none-match") == etag:
                return 304, {"ETag": etag}, b""
            return 200, {"Content-Type": "application/rss+xml", "ETag": etag,
                         "Last-Modified": stamp}, body

        self.routes[path] = answer

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"] == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
