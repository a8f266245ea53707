"""Fetch one URL politely and safely.

* Only ``http`` and ``https``; no proxy (the environment's proxy variables are not read), so
  a request goes to the host named in the URL and nowhere else.
* Every address a host name resolves to is checked before connecting, and the connection is
  made to a checked address (a DNS answer that changes between check and use cannot slip a
  private address in). Loopback, private, link-local, multicast, reserved and other
  non-global addresses are refused unless ``allow_private`` (``--allow-private``). Each
  redirect hop is checked the same way; at most ``max_redirects`` hops are followed.
* A timeout for connecting and for each read, and a deadline for the whole response.
* A size limit: a ``Content-Length`` over it is refused before reading, and the body (after
  gzip decompression) stops at the limit, whatever the server says.

Errors are :class:`FetchError` with a short ``reason`` code (what the quarantine keeps), a
message that says what to do, and ``transient`` set when trying again later may succeed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from storyline import __version__
from storyline.errors import StorylineError
from storyline.ingest.limits import human, limits
from storyline.store.schema import now_iso

USER_AGENT = f"storyline/{__version__} (news story tracker; +https://pypi.org/project/storyline/)"
ROBOTS_AGENT = "storyline"  # the product token robots.txt rules are matched against
REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


class FetchError(StorylineError):
    """A URL could not be fetched (refused, unreachable, too large, an HTTP error...)."""

    def __init__(self, reason: str, message: str, *, url: str = "", status: int | None = None,
                 transient: bool = False) -> None:
        super().__init__(message)
        self.reason, self.message, self.url = reason, message, url
        self.status, self.transient = status, transient


@dataclass
class FetchOptions:
    """How to fetch: timeouts (seconds), size, redirects, addresses, politeness."""

    timeout: float = 20.0  # to connect, and for each read
    deadline: float = 120.0  # for a whole response, however slowly it trickles in
    max_bytes: int | None = None  # default: the ingest limit max_doc_bytes
    max_redirects: int = 5
    allow_private: bool = False
    rate: float = 1.0  # seconds between two requests to one host (robots Crawl-delay wins)
    user_agent: str = USER_AGENT

    def body_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else limits().max_doc_bytes


@dataclass
class Response:
    url: str  # the final URL, after redirects
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    fetched_at: str = field(default_factory=now_iso)
    redirects: list[str] = field(default_factory=list)  # the URLs redirected from

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value.strip(" \"'"):
                return value.strip(" \"'")
        return None


# -- addresses ---------------------------------------------------------------------------------
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_problem(ip: IP) -> str | None:
    """Why *ip* is not a public internet address (``"loopback"``, ``"private"``...), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None:
            return address_problem(inner)
    checks = (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
              ("private", ip.is_private), ("multicast", ip.is_multicast),
              ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved))
    for name, bad in checks:
        if bad:
            return name
    return None if ip.is_global else "non-public"


def resolve(host: str, port: int) -> list[tuple[Any, ...]]:
    """``getaddrinfo`` for a TCP connection; an unknown host is a :class:`FetchError`."""
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise FetchError("dns", f"cannot resolve host {host!r} ({err}); check the URL",
                         transient=True) from None


def _connector(allow_private: bool) -> Callable[..., socket.socket]:
    """A ``socket.create_connection`` that checks every resolved address first."""

    def create_connection(address: tuple[str, int], timeout: Any = None,
                          source_address: Any = None, *args: Any) -> socket.socket:
        host, port = address
        infos = resolve(host, port)
        if not infos:
            raise FetchError("dns", f"host {host!r} has no address; check the URL")
        if not allow_private:
            for info in infos:
                ip = ipaddress.ip_address(str(info[4][0]).split("%")[0])
                problem = address_problem(ip)
                if problem:
                    raise FetchError(
                        "private-address",
                        f"{host} resolves to {ip}, a {problem} address: refused (storyline "
                        "fetches from public addresses only; pass --allow-private to fetch "
                        "from this machine or a private network)")
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as err:
                sock.close()
                last = err
        raise last or OSError(f"cannot connect to {host}:{port}")

    return create_connection


# -- one request -------------------------------------------------------------------------------
def split_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL, else a ``bad-url`` error."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as err:
        raise FetchError("bad-url", f"not a valid URL {url!r} ({err})", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("bad-url", f"{url!r}: only http:// and https:// URLs can be fetched",
                         url=url)
    if not parts.hostname:
        raise FetchError("bad-url", f"{url!r} has no host name", url=url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if any(c in path for c in "\r\n \t"):
        path = path.replace(" ", "%20").replace("\t", "%09")
        if "\r" in path or "\n" in path:
            raise FetchError("bad-url", f"{url!r} holds a line break", url=url)
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80), path


def request_once(url: str, opts: FetchOptions, headers: dict[str, str]) -> Response:
    """One GET of *url* (no redirect followed): status, headers and the bounded body."""
    scheme, host, port, path = split_url(url)
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=opts.timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=opts.timeout)
    conn._create_connection = _connector(opts.allow_private)  # type: ignore[attr-defined]
    sent = {"User-Agent": opts.user_agent, "Accept-Encoding": "gzip",
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                      "application/atom+xml,application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5",
            **headers}
    started = time.monotonic()
    try:
        conn.request("GET", path, headers=sent)
        resp = conn.getresponse()
        head = {k.lower(): v for k, v in resp.getheaders()}
        if resp.status in REDIRECTS or resp.status == 304:
            body = b""
        else:
            body = _read_body(resp, head, opts, started, url)
    except FetchError as err:
        err.url = err.url or url
        raise
    except ssl.SSLError as err:
        raise FetchError("tls", f"TLS failed for {host} ({err.reason or err}); the site's "
                         "certificate is not trusted", url=url) from None
    except TimeoutError:
        raise FetchError("timeout", f"{url} did not answer within {opts.timeout:g}s; try again "
                         "later or raise the timeout (--timeout)", url=url,
                         transient=True) from None
    except (OSError, http.client.HTTPException) as err:
        raise FetchError("network", f"cannot fetch {url} ({type(err).__name__}: {err}); "
                         "check the URL or try again later", url=url, transient=True) from None
    finally:
        conn.close()
    return Response(url=url, status=resp.status, headers=head, body=body)


def _read_body(resp: http.client.HTTPResponse, head: dict[str, str], opts: FetchOptions,
               started: float, url: str) -> bytes:
    limit = opts.body_limit()
    too_big = (f"{url}: the response is over the {human(limit)} limit; not fetched (raise it "
               "with --limit max_doc_bytes=N if the page is really that large)")
    length = head.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit:
        raise FetchError("too-large", too_big, url=url)
    gzipped = head.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip")
    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    out = bytearray()
    while True:
        if time.monotonic() - started > opts.deadline:
            raise FetchError("timeout", f"{url}: the response took more than "
                             f"{opts.deadline:g}s; try again later", url=url, transient=True)
        chunk = resp.read1(_CHUNK) if hasattr(resp, "read1") else resp.read(_CHUNK)
        if not chunk:
            break
        if unzip is not None:
            try:
                chunk = unzip.decompress(chunk, limit + 1 - len(out))
            except zlib.error as err:
                raise FetchError("bad-gzip", f"{url}: the gzip body is damaged ({err})",
                                 url=url) from None
            if unzip.unconsumed_tail:
                raise FetchError("too-large", too_big, url=url)
        out += chunk
        if len(out) > limit:
            raise FetchError("too-large", too_big, url=url)
    return bytes(out)


def get(url: str, opts: FetchOptions, *, headers: dict[str, str] | None = None,
        before: Callable[[str], None] | None = None) -> Response:
    """GET *url*, following at most ``opts.max_redirects`` redirects (each hop checked).

    *before* is called with each URL about to be requested (robots.txt and the per-host
    rate hook in there). 304 and error statuses are returned, not raised.
    """
    seen: list[str] = []
    for _ in range(opts.max_redirects + 1):
        if before is not None:
            before(url)
        resp = request_once(url, opts, headers or {})
        if resp.status not in REDIRECTS:
            resp.redirects = seen
            return resp
        location = resp.headers.get("location", "").strip()
        if not location:
            raise FetchError("bad-redirect", f"{url} redirects (HTTP {resp.status}) without a "
                             "Location", url=url, status=resp.status)
        seen.append(url)
        url = urljoin(url, location)
        if url in seen:
            raise FetchError("redirect-loop", f"{seen[0]} redirects in a loop", url=seen[0])
    raise FetchError("too-many-redirects", f"{seen[0]} redirects more than "
                     f"{opts.max_redirects} times; give the final URL", url=seen[0])


def check_status(resp: Response) -> Response:
    """*resp* if it is a success (2xx), else a :class:`FetchError` saying so."""
    if 200 <= resp.status < 300:
        return resp
    transient = resp.status >= 500 or resp.status in (408, 425, 429)
    hint = "try again later" if transient else "check the URL"
    raise FetchError(f"http-{resp.status}", f"{resp.url} answered HTTP {resp.status}; {hint}",
                     url=resp.url, status=resp.status, transient=transient)
