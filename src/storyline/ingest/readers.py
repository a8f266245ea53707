"""Input readers: files, folders and stdin -> :class:`RawDoc` or :class:`Quarantined` items.

Formats are chosen by extension (``.gz`` is looked through) and, for unknown extensions and
stdin, by sniffing the first bytes:

========================  ===========================================================
plain text                ``.txt``, ``.md``, no extension, anything that is text
HTML                      ``.html``, ``.htm``, ``.xhtml``
JSON Lines / JSON         ``.jsonl``, ``.ndjson``, ``.json`` (array, object or lines)
RSS / Atom                ``.xml``, ``.rss``, ``.atom``
WARC                      ``.warc``, ``.warc.gz``
========================  ===========================================================

Gzip is detected by its magic number, whatever the name. Bad input never raises: each bad
file, line, item or record becomes one :class:`Quarantined` item and reading goes on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from storyline.errors import InputError
from storyline.ingest.decode import (
    SAMPLE_BYTES,
    check_not_binary,
    decode_bytes,
    quarantine,
    sha256_hex,
)
from storyline.ingest.feeds import iter_feed
from storyline.ingest.gz import GZIP_MAGIC, maybe_gunzip, open_gzip
from storyline.ingest.html import html_doc
from storyline.ingest.jsonl import count_lines, iter_json, iter_jsonl
from storyline.ingest.pathdate import PATH_DATE_CONFIDENCE, path_date
from storyline.ingest.plain import plain_doc
from storyline.ingest.warc import iter_warc
from storyline.model import Provenance, Quarantined, RawDoc

log = logging.getLogger(__name__)

Item = RawDoc | Quarantined

FORMATS = ("text", "html", "jsonl", "json", "feed", "warc")
_EXT = {".txt": "text", ".md": "text", ".text": "text", ".html": "html", ".htm": "html",
        ".xhtml": "html", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
        ".xml": "feed", ".rss": "feed", ".atom": "feed", ".warc": "warc"}
_FMT_ALIASES = {"txt": "text", "plain": "text", "md": "text", "htm": "html",
                "ndjson": "jsonl", "rss": "feed", "atom": "feed", "xml": "feed"}
_SNIFF = 4096
MAX_DOC_BYTES = 256 * 1024 * 1024  # a single-document/in-memory file larger than this is refused
_HTML_START = re.compile(r"<(!doctype\s+html|html|head|body|meta|title|article|div|p)[\s>/]")


def format_for(name: str) -> str | None:
    """Format implied by a file name (``a.jsonl.gz`` -> ``"jsonl"``); None: sniff it."""
    ext = os.path.splitext(name.lower().removesuffix(".gz"))[1]
    return _EXT.get(ext)  # no or unknown extension: sniff


def _head_text(head: bytes) -> str:
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, "ignore")
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def sniff_format(head: bytes) -> str:
    """Guess the format of (decompressed) bytes from their beginning."""
    s = _head_text(head[:_SNIFF]).lstrip().lower()
    if s.startswith("warc/1."):
        return "warc"
    if s.startswith(("{", "[")):
        return "json"
    if s.startswith("<"):
        if s.startswith(("<rss", "<feed", "<rdf:rdf")) or (
                s.startswith("<?xml") and re.search(r"<(rss|feed|rdf:rdf)[\s>]", s)):
            return "feed"
        if _HTML_START.search(s[:1024]) or s.startswith("<!--"):
            return "html"
        if s.startswith("<?xml"):
            return "feed"  # some other XML: the feed reader says what it is
    return "text"


def _bytes_items(data: bytes, fmt: str, source: str, name: str) -> Iterator[Item]:
    """Documents in *data* (already decompressed) of format *fmt*."""
    bad = _precheck(data[:_SNIFF], source, data, fmt)
    if bad is not None:
        yield bad
    elif fmt == "jsonl":
        yield from iter_jsonl(io.BufferedReader(io.BytesIO(data)), source, name)
    elif fmt == "json":
        yield from iter_json(data, source, name)
    elif fmt == "feed" and sniff_format(data) != "html":
        yield from iter_feed(data, source, name)
    elif fmt == "warc":
        yield from iter_warc(io.BufferedReader(io.BytesIO(data)), source)
    elif fmt in ("html", "feed"):  # an .xml/.xhtml file that is really a web page
        yield html_doc(data, Provenance(source=source, kind="html", raw_sha256=sha256_hex(data)),
                       name)
    else:
        yield _text_item(data, source, name)


def _precheck(head: bytes, source: str, data: bytes | None = None,
              fmt: str | None = None) -> Quarantined | None:
    """Quarantine item when *head* shows an empty or binary input, else None."""
    if fmt == "warc":  # WARC payloads may be binary (images): only refuse an empty file
        if head.strip():
            return None
        return quarantine(source, "empty", "file is empty (or only whitespace): nothing to "
                          "ingest", data if data is not None else head)
    try:
        check_not_binary(head)
    except InputError as err:
        return quarantine(source, err.reason, err.message, data if data is not None else head)
    return None


def _text_item(data: bytes, source: str, name: str) -> Item:
    try:
        text, enc = decode_bytes(data)
    except InputError as err:
        return quarantine(source, err.reason, err.message, data)
    prov = Provenance(source=source, kind="text", raw_sha256=sha256_hex(data), encoding=enc)
    doc = plain_doc(text, prov, name)
    if not doc.text:
        return quarantine(source, "no-text", "file holds only a header/title line and no "
                          "article text; nothing to ingest", data)
    return doc


def _open(path: Path) -> BinaryIO:
    """Open *path* for binary reading, transparently decompressing gzip."""
    return maybe_gunzip(path.open("rb"))


def _read_all(stream: BinaryIO, source: str) -> bytes | Quarantined:
    try:
        data = stream.read(MAX_DOC_BYTES + 1)
    except EOFError:
        return quarantine(source, "truncated", "compressed file ends abruptly (truncated "
                          "download?); re-download or re-compress it", b"")
    except (zlib.error, OSError) as err:
        return quarantine(source, "bad-gzip", f"compressed data is damaged ({err}); "
                          "re-download or re-compress the file", b"")
    if len(data) > MAX_DOC_BYTES:
        return quarantine(source, "too-large", f"more than {MAX_DOC_BYTES >> 20} MiB in one "
                          "document; split it or convert it to JSON Lines", data)
    return data


def read_file(path: str | Path) -> Iterator[Item]:
    """Documents of one file (format from its name, else sniffed).

    A document without a date of its own takes a date in the file's path, marked as such
    (:mod:`storyline.ingest.pathdate`).
    """
    from_path = path_date(str(path))
    for item in _read_file(Path(path), str(path)):
        if from_path and isinstance(item, RawDoc) and not item.date_hint:
            item.date_hint = from_path[0]
            item.date_hint_origin = f'file path "{from_path[1]}"'
            item.date_hint_confidence = PATH_DATE_CONFIDENCE
        if isinstance(item, Quarantined) and not item.raw_sha256 and item.line is None:
            item.raw_sha256 = _file_sha256(Path(path))  # a whole-file problem: hash the file
            if not item.sample:
                item.sample = _file_head(Path(path))
        yield item


def _file_head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(SAMPLE_BYTES)
    except OSError:
        return b""


def _read_file(p: Path, source: str) -> Iterator[Item]:
    name = p.name
    fmt = format_for(name)
    try:
        stream = _open(p)
    except FileNotFoundError:
        yield _not_found(source)
        return
    except OSError as err:
        yield quarantine(source, "unreadable", f"cannot read file ({err.strerror or err}); "
                         "check its permissions")
        return
    with stream:
        try:
            head = stream.peek(_SNIFF)[:_SNIFF] if hasattr(stream, "peek") else b""
        except EOFError:
            head = None  # truncated gzip: the read below reports it
        except (zlib.error, OSError) as err:
            yield quarantine(source, "bad-gzip", f"not a readable gzip file ({err}); "
                             "re-compress it", b"")
            return
        if head is not None:
            fmt = fmt or sniff_format(head)
            bad = _precheck(head, source, None, fmt)
            if bad is not None:
                bad.raw_sha256 = ""  # read_file hashes the whole file
                yield bad
                return
            if fmt == "jsonl":
                yield from iter_jsonl(stream, source, name)
                return
            if fmt == "warc":
                yield from iter_warc(stream, source)
                return
        data = _read_all(stream, source)
    if isinstance(data, Quarantined):
        yield data
        return
    yield from _bytes_items(data, fmt or sniff_format(data), source, name)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def _not_found(source: str) -> Quarantined:
    return quarantine(source, "not-found", f"no such file or directory: {source}; "
                      "check the path")


def _hidden(name: str) -> bool:
    return name.startswith(".")


def iter_files(root: Path, *, recursive: bool = True) -> Iterator[Path]:
    """Files under folder *root*, sorted by name, hidden files and folders skipped."""
    seen: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path]:
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                return  # a symlink loop
            seen.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            log.warning("cannot list %s: %s", folder, err)
            return
        for entry in entries:
            if _hidden(entry.name):
                continue
            try:
                if entry.is_dir():
                    if recursive:
                        yield from walk(Path(entry.path))
                elif entry.is_file():
                    yield Path(entry.path)
            except OSError:  # pragma: no cover - vanished while listing
                continue

    yield from walk(root)


def _expand(paths: Iterable[str | Path], recursive: bool) -> Iterator[Path | str]:
    """Files in argument order (folders expanded); ``"-"`` stays as is (stdin)."""
    for path in [paths] if isinstance(paths, str | Path) else paths:
        if str(path) == "-":
            yield "-"
            continue
        p = Path(path)
        if p.is_dir():
            yield from iter_files(p, recursive=recursive)
        else:
            yield p if isinstance(path, Path) else str(path)


def iter_inputs(paths: Iterable[str | Path], *, recursive: bool = True) -> Iterator[Item]:
    """Every document in *paths* (files, folders, ``"-"`` for stdin), in a stable order.

    Folders are walked in sorted name order, skipping hidden files and folders (``.git``).
    Yields a :class:`RawDoc` per document and a :class:`Quarantined` per bad input (missing
    path, binary, empty, undecodable file, malformed line...); never raises for bad input.
    """
    for path in _expand(paths, recursive):
        if path == "-":
            yield from _guarded(read_stream(sys.stdin.buffer), "<stdin>")
            continue
        yield from read_path(path)


def input_files(paths: Iterable[str | Path], *, recursive: bool = True) -> list[str]:
    """The files :func:`iter_inputs` reads, in its order (``"-"`` for stdin stays)."""
    return [str(p) for p in _expand(paths, recursive)]


def read_path(path: str | Path) -> Iterator[Item]:
    """What :func:`iter_inputs` yields for one file path: its documents, bad input quarantined
    (the Spark job reads each file with it on an executor)."""
    p = Path(path)
    if not p.exists():
        yield _not_found(str(path))
        return
    if not p.is_file():
        yield quarantine(str(path), "unreadable", "not a regular file (device, socket or "
                         "pipe); give a file or a folder")
        return
    yield from _guarded(read_file(path), str(path))


def _guarded(items: Iterator[Item], source: str) -> Iterator[Item]:
    """Pass *items* through; an unexpected error ends this file only, as a quarantine item."""
    try:
        yield from items
    except Exception as err:  # a reader bug must not stop a long ingest run
        log.exception("unexpected error while reading %s", source)
        yield quarantine(source, "reader-error", f"unexpected error while reading "
                         f"({type(err).__name__}: {err}); the rest of this file was skipped, "
                         "please report it")


def count_inputs(paths: Iterable[str | Path], *, recursive: bool = True) -> int:
    """Cheap estimate of the number of documents: files, plus lines of JSON Lines files."""
    total = 0
    for path in _expand(paths, recursive):
        if path == "-" or format_for(Path(path).name) != "jsonl":
            total += 1
            continue
        try:
            with _open(Path(path)) as stream:
                total += max(1, count_lines(stream))
        except OSError:
            total += 1
    return total


class _Prefixed(io.RawIOBase):
    """A raw stream that replays *head* and then continues with *rest*."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = io.BytesIO(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._head.readinto(buffer)
        if n:
            return n
        chunk = self._rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def read_stream(stream: BinaryIO, *, name: str = "<stdin>",
                fmt: str | None = None) -> Iterator[Item]:
    """Documents read from a binary stream (stdin); *fmt* is sniffed when None.

    Sniffing: JSON Lines when the first non-blank line starts with ``{``, HTML when it
    looks like HTML, RSS/Atom, WARC, else one plain-text document. JSON Lines and WARC are
    streamed; other formats are read whole.
    """
    if fmt is not None:
        fmt = _FMT_ALIASES.get(fmt.lower(), fmt.lower())
        if fmt not in FORMATS:
            raise InputError("unknown-format", f"unknown input format {fmt!r}; use one of: "
                             + ", ".join(FORMATS))
    head = stream.read(_SNIFF)
    source = name
    raw: BinaryIO = cast(BinaryIO, io.BufferedReader(_Prefixed(head, stream)))
    if head.startswith(GZIP_MAGIC):
        raw = open_gzip(raw)
        try:
            head = raw.peek(_SNIFF)[:_SNIFF]  # type: ignore[attr-defined]
        except (EOFError, zlib.error, OSError):
            damaged = _read_all(raw, source)  # reports a truncated/damaged stream
            if isinstance(damaged, Quarantined):
                yield damaged
                return
            head = damaged[:_SNIFF]  # pragma: no cover - the error repeats on read
    if fmt is None:
        fmt = sniff_format(head)
        if fmt == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            fmt = "jsonl"  # one object per line; a pretty-printed object is still handled
    if fmt in ("jsonl", "warc"):
        bad = _precheck(head, source, None, fmt)
        if bad is not None:
            yield bad
            return
        yield from (iter_jsonl(raw, source, name) if fmt == "jsonl" else iter_warc(raw, source))
        return
    data = _read_all(raw, source)
    if isinstance(data, Quarantined):
        yield data
        return
    yield from _bytes_items(data, fmt, source, name)
