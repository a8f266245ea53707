"""JSON Lines (one object per line) and JSON files (an array of objects, or one object).

Known fields map onto :class:`RawDoc`; every other field is kept verbatim in ``extra``.
A malformed line is quarantined with its line number and the rest of the file goes on; a
truncated gzip stream yields what was read and then one ``"truncated"`` item. Lines are read
with a bounded buffer: a line over ``max_line_bytes`` is skipped as it streams by (never held
in memory) and quarantined as ``"too-large"``. Each record passes
:func:`~storyline.ingest.sanitize.load_record` (depth and number limits) and
:func:`~storyline.ingest.sanitize.repair_value` (lone surrogates, control characters): a
repaired record is kept, and the names of its repaired fields go to ``extra["_repaired"]``.
"""

from __future__ import annotations

import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from storyline.errors import InputError
from storyline.ingest.decode import decode_bytes, iso_date, quarantine, sha256_hex
from storyline.ingest.html import html_doc_from_text, normalize_lang
from storyline.ingest.limits import Limits, advice, human, limits
from storyline.ingest.sanitize import load_record, repair_value
from storyline.model import Provenance, Quarantined, RawDoc

log = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "body", "content", "article")
HTML_FIELDS = ("html", "raw_html")  # used (through trafilatura) only when no text field
DATE_FIELDS = ("date", "published", "publish_date", "pubDate")
LANG_FIELDS = ("lang", "language")
SOURCE_FIELDS = ("source", "outlet", "publisher")
_LIST_KEYS = ("articles", "items", "data", "results", "docs", "documents", "records")

_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _first(obj: dict[str, Any], keys: Iterable[str], used: set[str]) -> tuple[str, Any]:
    """First of *keys* present with a non-empty value: (key, value); ("", None) if none."""
    for key in keys:
        value = obj.get(key)
        if value is not None and value != "" and value != []:
            used.add(key)
            return key, value
    return "", None


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(v.strip() for v in value if v.strip())  # list of paragraphs
    return ""


def _as_str(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    s = str(value).strip()
    return s or None


def record_doc(obj: dict[str, Any], prov: Provenance, default_id: str, where: str,
               raw: bytes = b"") -> RawDoc | Quarantined:
    """A :class:`RawDoc` from one JSON object; *where* names it in messages ("line 5").

    *raw* is the object's source bytes (kept as the quarantine sample). Strings that cannot
    be stored (lone surrogates, control characters) are repaired field by field first.
    """
    repaired: list[str] = []
    obj = repair_value(obj, "", repaired)
    if repaired:
        log.warning("%s %s: repaired invalid text in %s", prov.source, where, ", ".join(repaired))
    used: set[str] = set()
    _, text_value = _first(obj, TEXT_FIELDS, used)
    text = _as_text(text_value)
    doc: RawDoc | None = None
    url = _as_str(obj.get("url"))
    if not text:
        _, html_value = _first(obj, HTML_FIELDS, used)
        if isinstance(html_value, str) and html_value.strip():
            limit = limits().max_html_bytes
            if len(html_value) > limit:
                return quarantine(prov.source, "too-large", f"{where}: HTML field of "
                                  f"{len(html_value):,} characters, over the {human(limit)} "
                                  f"limit; {advice('max_html_bytes')}", raw[:4096], prov.line)
            try:
                doc = html_doc_from_text(html_value, prov, "", url=url)
            except InputError as err:
                return quarantine(prov.source, err.reason, f"{where}: {err.message}",
                                  raw[:4096], prov.line)
            text = doc.text if doc is not None else ""
    if not text:
        return quarantine(prov.source, "no-text", f"{where} has no text (no non-empty 'text', "
                          "'body', 'content' or 'article' field); add one or drop the record",
                          raw or _raw(obj), prov.line)
    used.update(k for k in ("id", "url", "title") if k in obj)
    doc_id = _as_str(obj.get("id")) if not isinstance(obj.get("id"), bool) else None
    date_key, date_value = _first(obj, DATE_FIELDS, used)
    _, lang_value = _first(obj, LANG_FIELDS, used)
    _, src_value = _first(obj, SOURCE_FIELDS, used)
    if isinstance(src_value, dict):  # NewsAPI style {"id": ..., "name": ...}
        src_value = src_value.get("name")
    date_hint = None
    origin = None
    if date_value is not None and not isinstance(date_value, dict | list):
        date_hint = iso_date(date_value) or _as_str(date_value)
        origin = f"jsonl field '{date_key}': {json.dumps(date_value, ensure_ascii=False)}"
    title = _as_str(obj.get("title"))
    if doc is not None:  # text came from an HTML field: fill gaps from the page
        title = title or doc.title
        url = url or doc.url
        if date_hint is None and doc.date_hint:
            date_hint, origin = doc.date_hint, doc.date_hint_origin
        lang_value = lang_value or doc.lang_hint
        src_value = src_value or doc.source_name
    return RawDoc(text=text, provenance=prov, doc_id=doc_id or default_id, title=title,
                  url=url, source_name=_as_str(src_value), date_hint=date_hint,
                  date_hint_origin=origin,
                  lang_hint=normalize_lang(lang_value) if isinstance(lang_value, str) else None,
                  extra={k: v for k, v in obj.items() if k not in used}
                  | ({"_repaired": repaired[:20]} if repaired else {}))


def _raw(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "replace")


def _line_doc(raw: bytes, lineno: int, offset: int | None, source: str,
              name: str, kind: str, encoding: str | None,
              lim: Limits | None = None) -> RawDoc | Quarantined | None:
    """One JSON Lines line -> document, quarantine item, or None for a blank line."""
    body = raw.rstrip(b"\r\n")
    if lineno == 1:
        body = body.removeprefix(b"\xef\xbb\xbf")
    if not body.strip():
        return None
    if encoding is None:
        try:
            line, encoding = body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                line, encoding = decode_bytes(body)
            except InputError as err:
                return quarantine(source, err.reason, f"line {lineno}: {err.message}", body,
                                  lineno)
    else:
        line = body.decode(encoding)
    try:
        obj = load_record(line, f"line {lineno}", lim)
    except InputError as err:
        return quarantine(source, err.reason, err.message, body, lineno)
    if not isinstance(obj, dict):
        return quarantine(source, "bad-json", f"line {lineno} holds a JSON "
                          f"{type(obj).__name__}, not an object; each line must be one JSON "
                          "object with a 'text' field", body, lineno)
    prov = Provenance(source=source, kind=kind, line=lineno, offset=offset,
                      raw_sha256=sha256_hex(body), encoding=encoding)
    return record_doc(obj, prov, f"{name}:{lineno}", f"line {lineno}", body)


def _skip_line(stream: BinaryIO, chunk: int) -> int:
    """Read and drop the rest of an over-long line (bounded memory); bytes dropped."""
    n = 0
    while True:
        part = stream.readline(chunk)
        n += len(part)
        if not part or part.endswith(b"\n"):
            return n


def iter_jsonl(stream: BinaryIO, source: str, name: str,
               kind: str = "jsonl") -> Iterator[RawDoc | Quarantined]:
    """Stream JSON Lines from *stream* (a file, gzip file or stdin); never raises for bad data.

    Offsets are byte offsets in the (decompressed) stream; lines are 1-based.
    """
    lim = limits()
    lineno = 0
    offset = 0
    try:
        head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        if head.startswith(_UTF16_32_BOMS):  # rare: a whole UTF-16/32 file, decode at once
            data = stream.read(lim.max_doc_bytes + 1)
            if len(data) > lim.max_doc_bytes:
                yield quarantine(source, "too-large", f"UTF-16/32 JSON Lines file over "
                                 f"{human(lim.max_doc_bytes)}; re-save it as UTF-8 (then it "
                                 "is read line by line)", data[:4096])
                return
            yield from _iter_wide(data, source, name, kind, lim)
            return
        while True:
            raw = stream.readline(lim.max_line_bytes + 1)
            if not raw:
                return
            lineno += 1
            if len(raw) > lim.max_line_bytes and not raw.endswith(b"\n"):
                skipped = len(raw) + _skip_line(stream, 1 << 20)
                yield quarantine(source, "too-large", f"line {lineno} is longer than "
                                 f"{human(lim.max_line_bytes)} ({skipped:,} bytes); skipped. "
                                 + advice("max_line_bytes"), raw[:4096], lineno)
                offset += skipped
                continue
            item = _line_doc(raw, lineno, offset, source, name, kind, None, lim)
            offset += len(raw)
            if item is not None:
                yield item
    except EOFError:
        yield quarantine(source, "truncated", f"compressed file ends abruptly after line "
                         f"{lineno}; the {lineno} lines before were read, re-download or "
                         "re-compress the file", b"", lineno + 1)
    except (zlib.error, OSError) as err:
        yield quarantine(source, "bad-gzip", f"compressed data is damaged after line {lineno} "
                         f"({err}); the lines before were read", b"", lineno + 1)


def _iter_wide(data: bytes, source: str, name: str, kind: str,
               lim: Limits) -> Iterator[RawDoc | Quarantined]:
    try:
        text, enc = decode_bytes(data)
    except InputError as err:
        yield quarantine(source, err.reason, err.message, data)
        return
    for lineno, line in enumerate(text.split("\n"), 1):
        raw = line.encode("utf-8", "surrogatepass")
        if len(raw) > lim.max_line_bytes:
            yield quarantine(source, "too-large", f"line {lineno} is longer than "
                             f"{human(lim.max_line_bytes)}; skipped. " + advice("max_line_bytes"),
                             raw[:4096], lineno)
            continue
        item = _line_doc(raw, lineno, None, source, name, kind, "utf-8", lim)
        if item is not None:
            if isinstance(item, RawDoc):
                item.provenance.encoding = enc
            yield item


# a JSON string, or one bracket: enough to find where an array item ends
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]', re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]*")


def _skip_ws(text: str, pos: int) -> int:
    m = _SPACE.match(text, pos)
    return m.end() if m else pos


def _item_end(text: str, pos: int) -> int | None:
    """End offset of the JSON value starting at *pos* (brackets balanced), None if unclosed.

    Linear: strings are skipped by one regex, so brackets inside them do not count.
    """
    if text[pos : pos + 1] not in ("{", "["):
        m = re.compile(r"[^,\]]*").match(text, pos)  # a scalar: up to the next , or ]
        return m.end() if m else None
    depth = 0
    for m in _JSON_TOKEN.finditer(text, pos):
        tok = m.group()
        if tok in "[{":
            depth += 1
        elif tok in "]}":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _array_items(text: str, source: str,
                 lim: Limits) -> Iterator[tuple[int, Any] | Quarantined]:
    """Items of the top-level JSON array in *text*, one by one: ``(index, value)``, or a
    quarantine item for an item over a limit (reading goes on after it) or bad syntax (the
    rest of the file is dropped: its items cannot be told apart)."""
    pos = _skip_ws(text, text.index("[") + 1)
    index = 0
    if text.startswith("]", pos):
        return
    while pos < len(text):
        index += 1
        end = _item_end(text, pos)
        where = f"item {index}"
        chunk = text[pos:end] if end is not None else text[pos:]
        if len(chunk) > lim.max_record_bytes:
            yield quarantine(source, "too-large", f"{where} is longer than "
                             f"{human(lim.max_record_bytes)}; skipped. "
                             + advice("max_record_bytes"), chunk[:4096].encode("utf-8",
                                                                               "replace"))
        else:
            try:
                yield index, load_record(chunk, where, lim)
            except InputError as err:
                yield quarantine(source, err.reason, err.message,
                                 chunk[:4096].encode("utf-8", "replace"))
        if end is None:
            return
        pos = _skip_ws(text, end)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
        elif text.startswith("]", pos):
            return
        else:
            yield quarantine(source, "bad-json", f"expected ',' or ']' after item {index}; "
                             "the rest of the array was skipped, fix the file",
                             text[pos : pos + 200].encode("utf-8", "replace"))
            return


def iter_json(data: bytes, source: str, name: str) -> Iterator[RawDoc | Quarantined]:
    """A ``.json`` file: an array of objects, one object, or (fallback) JSON Lines.

    The items of an array are parsed one by one, so one bad item is quarantined and the
    others are read.
    """
    import io

    lim = limits()
    try:  # UTF-8 first: a stray NUL in one item must not make the whole file "binary"
        text, enc = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, enc = decode_bytes(data)
        except InputError as err:
            yield quarantine(source, err.reason, err.message, data)
            return
    if text.lstrip("\ufeff \t\r\n").startswith("["):
        for got in _array_items(text, source, lim):
            if isinstance(got, Quarantined):
                yield got
                continue
            index, rec = got
            yield _json_record(rec, index, f"item {index}", f"{name}:{index}", source, enc)
        return
    try:
        obj = load_record(text, "the file", lim)
    except InputError as err:
        if err.reason == "bad-json" and text.strip().count("\n") > 0:
            yield from iter_jsonl(io.BufferedReader(io.BytesIO(data)), source, name, "jsonl")
        else:
            yield quarantine(source, err.reason, err.message, data)
        return
    if isinstance(obj, dict) and not any(k in obj for k in TEXT_FIELDS + HTML_FIELDS):
        for key in _LIST_KEYS:  # an API response wrapping the records: {"articles": [...]}
            if isinstance(obj.get(key), list):
                for index, rec in enumerate(obj[key], 1):
                    yield _json_record(rec, index, f"item {index}", f"{name}:{index}", source,
                                       enc)
                return
    yield _json_record(obj, None, "the JSON object", name, source, enc)


def _json_record(rec: Any, index: int | None, where: str, doc_id: str, source: str,
                 enc: str) -> RawDoc | Quarantined:
    if not isinstance(rec, dict):
        return quarantine(source, "bad-json", f"{where} is a JSON {type(rec).__name__}, "
                          "not an object with a 'text' field", _raw(rec))
    raw = _raw(rec)
    prov = Provenance(source=source, kind="json", raw_sha256=sha256_hex(raw), encoding=enc)
    return record_doc(rec, prov, doc_id, where, raw)


def count_lines(stream: BinaryIO) -> int:
    """Number of lines in *stream* (cheap, for progress bars); 0 on damaged data."""
    n = 0
    last = b"\n"
    try:
        while chunk := stream.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    except (EOFError, OSError, zlib.error):
        pass
    return n + (last != b"\n")
