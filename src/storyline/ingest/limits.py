"""Input limits: what one line, record, document or article may hold before it is refused.

Every reader checks its input against the active :class:`Limits`. A record over a limit is
quarantined with reason ``"too-large"`` (or ``"too-deep"``, ``"number-too-large"``) and a
message naming the limit and how to raise it; reading goes on with the next record. The limits
bound time and memory: no single input can make storyline use more than a few hundred MB or
spend minutes on one document.

The defaults suit news (a long article is ~100,000 characters). Change them for one run with
``storyline ingest --limit max_text_chars=500000`` (repeatable), for a process with the
environment variables ``STORYLINE_LIMIT_<NAME>`` (e.g. ``STORYLINE_LIMIT_MAX_DEPTH=100``), or
in Python with ``with using_limits(Limits(max_text_chars=...)):``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from storyline.errors import InputError

_MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-input limits (bytes are counted after decompression)."""

    #: one JSON Lines line
    max_line_bytes: int = 8 * _MIB
    #: one record of a multi-record file: a WARC record, an item of a JSON array
    max_record_bytes: int = 16 * _MIB
    #: a file read whole (plain text, HTML, JSON, RSS/Atom), or stdin in those formats
    max_doc_bytes: int = 32 * _MIB
    #: an HTML page (raw bytes) given to the main-text extractor
    max_html_bytes: int = 8 * _MIB
    #: all the decompressed bytes of one compressed file (a decompression bomb stops here)
    max_decompressed_bytes: int = 16 * 1024 * _MIB
    #: characters of text of one article (title and body) given to the pipeline
    max_text_chars: int = 400_000
    #: nesting depth of a JSON record (objects and arrays)
    max_depth: int = 64
    #: digits in one JSON number
    max_number_digits: int = 100

    def replace(self, **changes: int) -> Limits:
        return dataclasses.replace(self, **changes)


def _from_env() -> Limits:
    changes: dict[str, int] = {}
    for f in dataclasses.fields(Limits):
        raw = os.environ.get(f"STORYLINE_LIMIT_{f.name.upper()}")
        if raw:
            changes[f.name] = _positive(f.name, raw)
    return Limits(**changes)


def _positive(name: str, raw: str) -> int:
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise InputError("bad-limit", f"limit {name} must be a positive whole number, not {raw!r}")
    return value


_active: list[Limits] = []  # the using_limits() blocks in force, innermost last
_lock = threading.Lock()


def limits() -> Limits:
    """The limits in force (innermost ``using_limits`` block, else environment, else
    defaults). Process-wide, so reader and worker threads of one ingest see the same."""
    return _active[-1] if _active else _from_env()


@contextlib.contextmanager
def using_limits(value: Limits) -> Iterator[Limits]:
    """Make *value* the limits in force inside the ``with`` block (the whole process)."""
    with _lock:
        _active.append(value)
    try:
        yield value
    finally:
        with _lock:
            _active.remove(value)


def parse_limits(pairs: Iterable[str], base: Limits | None = None) -> Limits:
    """``["max_depth=100", ...]`` applied to *base* (default: the limits in force)."""
    names = {f.name for f in dataclasses.fields(Limits)}
    changes: dict[str, int] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or name not in names:
            raise InputError(
                "bad-limit",
                f"unknown limit {pair!r}; use NAME=VALUE with NAME one of: "
                + ", ".join(sorted(names)),
            )
        changes[name] = _positive(name, raw)
    return (base or limits()).replace(**changes)


def human(n: int) -> str:
    """``8388608`` -> ``"8 MiB"`` (for messages)."""
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n:,} bytes"


def advice(name: str, fix: str = "split the input") -> str:
    """How to get past limit *name* (the end of every over-the-limit message)."""
    return f"{fix}, or raise the limit: storyline ingest --limit {name}=N"
