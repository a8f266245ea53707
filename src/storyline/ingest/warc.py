"""Minimal WARC/1.0 and WARC/1.1 reader (no warcio): HTML ``response``/``resource`` records.

A ``.warc.gz`` is a series of gzip members, one per record; the caller's gzip reader
(:mod:`storyline.ingest.gz`) reads concatenated members, so records are parsed from one
decompressed stream.
Non-HTML payloads, non-2xx responses and other record types (request, metadata, warcinfo...)
are skipped silently. ``WARC-Date`` is when the page was crawled: it is kept as
``extra["crawl_date"]`` and bounds the publication date from above, never replaces it.

Damaged files are read record by record: a record whose ``Content-Length`` is missing,
negative or wrong (the next record's header shows up inside it, or the bytes after it are not
a record boundary) is reported and reading resumes at the next ``WARC/1.x`` header. A record
over ``max_record_bytes`` is skipped as it streams by; a gzip/deflate HTTP body is inflated in
bounded steps, so neither can exhaust memory.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Generator, Iterator
from typing import BinaryIO

from storyline.ingest.decode import iso_date, quarantine, sha256_hex
from storyline.ingest.gz import DecompressedTooLarge
from storyline.ingest.html import html_doc
from storyline.ingest.limits import Limits, advice, human, limits
from storyline.model import Provenance, Quarantined, RawDoc

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _parse_headers(lines: list[bytes]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw in lines:
        key, sep, value = raw.decode("latin-1").partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


def _param(content_type: str, name: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip("\"'") or None
    return None


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos < len(body):
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            break
        size = int(body[pos:eol].split(b";")[0].strip() or b"0", 16)
        if size == 0:
            break
        out += body[eol + 2:eol + 2 + size]
        pos = eol + 2 + size + 2
    return bytes(out)


def _http_payload(block: bytes, max_out: int) -> tuple[int, dict[str, str], bytes] | None:
    """Split an HTTP response into (status, headers, decoded body); None if not HTTP."""
    sep = block.find(b"\r\n\r\n")
    skip = 4
    if sep < 0:
        sep, skip = block.find(b"\n\n"), 2
    if sep < 0 or not block.startswith(b"HTTP/"):
        return None
    head = block[:sep].replace(b"\r\n", b"\n").split(b"\n")
    try:
        status = int(head[0].split()[1])
    except (IndexError, ValueError):
        return None
    headers = _parse_headers(head[1:])
    body = block[sep + skip:]
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    coding = headers.get("content-encoding", "identity").lower().strip()
    if coding in ("gzip", "x-gzip"):
        body = inflate(body, 16 + zlib.MAX_WBITS, max_out)
    elif coding == "deflate":
        try:
            body = inflate(body, zlib.MAX_WBITS, max_out)
        except zlib.error:
            body = inflate(body, -zlib.MAX_WBITS, max_out)
    elif coding not in ("identity", ""):
        raise ValueError(f"unsupported Content-Encoding {coding!r}")
    return status, headers, body


def inflate(data: bytes, wbits: int, max_out: int) -> bytes:
    """Decompress *data* (gzip members / zlib / raw deflate by *wbits*), at most *max_out*
    bytes; raises :class:`DecompressedTooLarge` beyond, ``zlib.error`` on damage."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits)
        chunk = rest
        while chunk:
            out += d.decompress(chunk, max_out + 1 - len(out))
            if len(out) > max_out:
                raise DecompressedTooLarge(f"the HTTP body inflates to more than {human(max_out)}")
            chunk = d.unconsumed_tail
        if not d.eof:
            raise zlib.error("compressed HTTP body ends abruptly")
        rest = d.unused_data if wbits > 16 else b""  # gzip: further members
        if not rest.strip(b"\x00"):
            break
    return bytes(out)


def _record_doc(headers: dict[str, str], block: bytes, offset: int, source: str,
                index: int, lim: Limits) -> RawDoc | Quarantined | None:
    rtype = headers.get("warc-type", "").lower()
    ctype = headers.get("content-type", "").lower()
    url = headers.get("warc-target-uri", "").strip("<>") or None
    charset: str | None = None
    if rtype == "response" and ctype.startswith("application/http"):
        try:
            parsed = _http_payload(block, lim.max_record_bytes)
        except DecompressedTooLarge as err:
            return quarantine(source, "too-large", f"WARC record {index} ({url}): {err}; "
                              f"skipped. {advice('max_record_bytes')}", block[:4096])
        except (ValueError, OSError, EOFError, zlib.error) as err:
            return quarantine(source, "undecodable", f"WARC record {index} ({url}): cannot "
                              f"decode the HTTP body ({err}); skipped", block)
        if parsed is None:
            return None
        status, http_headers, payload = parsed
        http_type = http_headers.get("content-type", "").lower()
        if not 200 <= status < 300 or not http_type.startswith(_HTML_TYPES):
            return None
        charset = _param(http_type, "charset")
    elif rtype == "resource" and ctype.startswith(_HTML_TYPES):
        payload, charset = block, _param(ctype, "charset")
    else:
        return None
    record_id = headers.get("warc-record-id", "").strip("<>") or f"{source}#{index}"
    warc_date = headers.get("warc-date", "")
    day = iso_date(warc_date)
    prov = Provenance(source=source, kind="warc", offset=offset, raw_sha256=sha256_hex(block))
    doc = html_doc(payload, prov, record_id, url=url, declared=charset, crawl_date=day or None)
    if isinstance(doc, RawDoc) and url:  # the URL actually crawled; the page's own is kept
        if doc.url and doc.url != url:
            doc.extra["canonical_url"] = doc.url
        doc.url = url
    return doc


_HEADER_LINE = 64 * 1024  # longest WARC header line read
_MAX_HEADERS = 1000
_CHUNK = 1 << 20
# a record boundary: the end of a block, then the next record's version line
_NEXT_RECORD = re.compile(rb"\r?\n\r?\nWARC/1\.[01]\r?\n")
_VERSION_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
_ANY_HEADER = re.compile(rb"WARC/1\.[01]\r?\n")  # resyncing through damage: anywhere


class _Stream:
    """The WARC byte stream with a position counter and a push-back buffer."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.buf = b""
        self.pos = 0

    def unread(self, data: bytes) -> None:
        self.buf = data + self.buf
        self.pos -= len(data)

    def read(self, n: int) -> bytes:
        if self.buf:
            out, self.buf = self.buf[:n], self.buf[n:]
            if len(out) < n:
                out += self.raw.read(n - len(out))
        else:
            out = self.raw.read(n)
        self.pos += len(out)
        return out

    def readline(self, limit: int) -> bytes:
        if self.buf:
            nl = self.buf.find(b"\n", 0, limit)
            if nl >= 0:
                out, self.buf = self.buf[: nl + 1], self.buf[nl + 1 :]
            elif len(self.buf) >= limit:
                out, self.buf = self.buf[:limit], self.buf[limit:]
            else:
                out, self.buf = self.buf, b""
                out += self.raw.readline(limit - len(out))
        else:
            out = self.raw.readline(limit)
        self.pos += len(out)
        return out


def _resync(s: _Stream, already: bytes = b"") -> int:
    """Skip to the next line that starts a WARC record (left unread); bytes skipped.

    *already* holds bytes just read that may contain the header (they are searched too).
    """
    skipped = 0
    tail = b""
    data = already
    while True:
        hay = tail + data
        m = _ANY_HEADER.search(hay)
        if m is not None:
            start = hay.index(b"WARC/", m.start())
            s.unread(hay[start:])
            return skipped + start - len(tail)
        skipped += len(data)
        tail = hay[-16:]
        data = s.read(_CHUNK)
        if not data:
            return skipped


def _skip_block(s: _Stream, length: int) -> tuple[int, bool]:
    """Skip *length* bytes of a block too large to hold, stopping early at a record boundary
    inside it (the length was wrong). Returns (bytes skipped, whether a boundary cut it)."""
    skipped = 0
    tail = b""
    while skipped < length:
        data = s.read(min(_CHUNK, length - skipped))
        if not data:
            return skipped, False
        hay = tail + data
        m = _NEXT_RECORD.search(hay)
        if m is not None:
            start = hay.index(b"WARC/", m.start())
            s.unread(hay[start:])
            return skipped + start - len(tail), True
        skipped += len(data)
        tail = hay[-16:]
    return skipped, False


def iter_warc(stream: BinaryIO, source: str) -> Iterator[RawDoc | Quarantined]:
    """Yield one document per HTML response record of the WARC in *stream*."""
    lim = limits()
    s = _Stream(stream)
    index = 0
    try:
        while True:
            start = s.pos
            line = s.readline(_HEADER_LINE)
            if not line:
                return
            if not line.strip():
                continue
            if not _VERSION_LINE.match(line):
                skipped = len(line) + _resync(s)
                yield quarantine(source, "bad-warc", f"{skipped:,} bytes at byte {start} are "
                                 "not a WARC record (damaged file?); skipped to the next "
                                 "record header", line[:4096])
                continue
            header_lines: list[bytes] = []
            while len(header_lines) < _MAX_HEADERS:
                h = s.readline(_HEADER_LINE)
                if not h or not h.strip():
                    break
                header_lines.append(h.rstrip(b"\r\n"))
            headers = _parse_headers(header_lines)
            index += 1
            item = yield from _one_record(s, headers, line, start, index, source, lim)
            if item == "eof":
                return
    except EOFError:
        yield quarantine(source, "truncated", f"compressed WARC ends abruptly after record "
                         f"{index}; the records before were read", b"")
    except DecompressedTooLarge as err:
        yield quarantine(source, "too-large", f"compressed WARC: {err}; the records before "
                         f"were read. {advice('max_decompressed_bytes')}", b"")
    except (zlib.error, OSError) as err:
        yield quarantine(source, "bad-gzip", f"compressed WARC is damaged after record {index} "
                         f"({err}); the records before were read", b"")


def _one_record(
    s: _Stream, headers: dict[str, str], line: bytes, start: int, index: int, source: str,
    lim: Limits,
) -> Generator[RawDoc | Quarantined, None, str]:
    """Read the block of record *index* (headers read) and yield its document, if any.

    Returns ``"eof"`` (as the generator's value) when the stream ended inside the record.
    """
    raw_length = headers.get("content-length", "").strip()
    length = int(raw_length) if raw_length.isdigit() and len(raw_length) < 19 else -1
    if length < 0:
        skipped = _resync(s)
        yield quarantine(source, "bad-warc", f"WARC record {index} at byte {start} has no "
                         f"valid Content-Length ({raw_length or 'none'!s:.40}); its {skipped:,} "
                         "bytes were skipped up to the next record", line)
        return ""
    if length > lim.max_record_bytes:
        skipped, cut = _skip_block(s, length)
        if cut:
            yield quarantine(source, "bad-warc", f"WARC record {index} at byte {start} "
                             f"declares {length:,} bytes but the next record starts after "
                             f"{skipped:,}; skipped", line)
            return ""
        if skipped < length:
            yield quarantine(source, "truncated", f"WARC record {index} at byte {start} is cut "
                             f"short ({skipped:,} of {length:,} bytes); the records before "
                             "were read", line)
            return "eof"
        yield quarantine(source, "too-large", f"WARC record {index} at byte {start} holds "
                         f"{length:,} bytes, over the {human(lim.max_record_bytes)} limit; "
                         f"skipped. {advice('max_record_bytes')}", line)
        return ""
    block = s.read(length)
    m = _NEXT_RECORD.search(block)
    if m is not None:  # Content-Length too large: the next record's header is inside
        at = block.index(b"WARC/", m.start())
        s.unread(block[at:])
        block = block[: m.start()]
        log.warning("%s: WARC record %d at byte %d is shorter than its Content-Length",
                    source, index, start)
    elif len(block) < length:
        yield quarantine(source, "truncated", f"WARC record {index} at byte {start} is cut "
                         f"short ({len(block):,} of {length:,} bytes); the records before "
                         "were read", block[:4096])
        return "eof"
    else:
        after = s.read(4)
        rest = after.lstrip(b"\r\n")
        if rest and not b"WARC/".startswith(rest):
            # Content-Length too small: the block goes on; the record is unreliable
            skipped = _resync(s, after)
            yield quarantine(source, "bad-warc", f"WARC record {index} at byte {start}: "
                             f"{skipped:,} bytes follow its Content-Length ({length:,}) "
                             "before the next record; skipped", block[:4096])
            return ""
        s.unread(after)
    try:
        item = _record_doc(headers, block, start, source, index, lim)
    except Exception as err:  # one bad record must not stop the file
        log.exception("WARC record %d of %s failed", index, source)
        item = quarantine(source, "reader-error", f"WARC record {index} at byte {start}: "
                          f"unexpected error ({type(err).__name__}: {err}); skipped, please "
                          "report it", block[:4096])
    if item is not None:
        yield item
    return ""
