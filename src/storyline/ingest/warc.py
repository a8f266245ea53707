"""Minimal WARC/1.0 and WARC/1.1 reader (no warcio): HTML ``response``/``resource`` records.

A ``.warc.gz`` is a series of gzip members, one per record; the caller's gzip reader
(:mod:`storyline.ingest.gz`) reads concatenated members, so records are parsed from one
decompressed stream.
Non-HTML payloads, non-2xx responses and other record types (request, metadata, warcinfo...)
are skipped silently. ``WARC-Date`` is when the page was crawled: it is kept as
``extra["crawl_date"]`` and bounds the publication date from above, never replaces it.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from storyline.ingest.decode import iso_date, quarantine, sha256_hex
from storyline.ingest.html import html_doc
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


def _http_payload(block: bytes) -> tuple[int, dict[str, str], bytes] | None:
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
    coding = headers.get("content-encoding", "identity").lower()
    if coding in ("gzip", "x-gzip"):
        body = gzip.decompress(body)
    elif coding == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            body = zlib.decompress(body, -zlib.MAX_WBITS)
    elif coding not in ("identity", ""):
        raise ValueError(f"unsupported Content-Encoding {coding!r}")
    return status, headers, body


def _record_doc(headers: dict[str, str], block: bytes, offset: int, source: str,
                index: int) -> RawDoc | Quarantined | None:
    rtype = headers.get("warc-type", "").lower()
    ctype = headers.get("content-type", "").lower()
    url = headers.get("warc-target-uri", "").strip("<>") or None
    charset: str | None = None
    if rtype == "response" and ctype.startswith("application/http"):
        try:
            parsed = _http_payload(block)
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


def iter_warc(stream: BinaryIO, source: str) -> Iterator[RawDoc | Quarantined]:
    """Yield one document per HTML response record of the WARC in *stream*."""
    offset = 0
    index = 0
    try:
        while True:
            line = stream.readline()
            if not line:
                return
            if not line.strip():
                offset += len(line)
                continue
            if not line.startswith(b"WARC/"):
                yield quarantine(source, "bad-warc", f"expected a WARC record header at byte "
                                 f"{offset}; the file is damaged or not WARC", line)
                return
            start = offset
            offset += len(line)
            header_lines: list[bytes] = []
            while True:
                h = stream.readline()
                offset += len(h)
                if not h or not h.strip():
                    break
                header_lines.append(h.rstrip(b"\r\n"))
            headers = _parse_headers(header_lines)
            try:
                length = int(headers.get("content-length", ""))
            except ValueError:
                yield quarantine(source, "bad-warc", f"WARC record at byte {start} has no "
                                 "valid Content-Length; the rest of the file is skipped", line)
                return
            block = stream.read(length)
            offset += len(block)
            index += 1
            if len(block) < length:
                yield quarantine(source, "truncated", f"WARC record {index} at byte {start} "
                                 f"is cut short ({len(block)} of {length} bytes); the records "
                                 "before were read", block)
                return
            item = _record_doc(headers, block, start, source, index)
            if item is not None:
                yield item
    except EOFError:
        yield quarantine(source, "truncated", f"compressed WARC ends abruptly after record "
                         f"{index}; the records before were read", b"")
    except (zlib.error, OSError) as err:
        yield quarantine(source, "bad-gzip", f"compressed WARC is damaged after record {index} "
                         f"({err}); the records before were read", b"")
