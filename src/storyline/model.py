"""The typed data model: what flows through the pipeline and what the store keeps.

``RawDoc`` is what a reader yields (decoded text plus provenance). Pipeline stages turn it into
an :class:`Article` by filling fields; clustering assigns each article to an :class:`Event`,
events are linked into :class:`Story` objects. Ids are stable strings:

* article ids are content hashes (``a_`` + 16 hex chars of the SHA-256 of the cleaned text),
  so re-ingesting the same article is idempotent;
* event ids (``e000001``) and story ids (``s000001``) are allocated once and never reused or
  renumbered; merges keep the older id and are written to the merge log.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any


def content_hash(text: str) -> str:
    """Hash of a text, insensitive to whitespace and Unicode normalisation differences."""
    norm = " ".join(unicodedata.normalize("NFC", text).split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def article_id_for(text: str) -> str:
    return "a_" + content_hash(text)[:16]


@dataclass
class Provenance:
    """Where a document came from."""

    source: str  # path or URL of the file/feed/stream the document was read from
    kind: str  # "text" | "html" | "jsonl" | "stdin" | ...
    line: int | None = None  # 1-based line number inside the source (JSON Lines)
    offset: int | None = None  # byte offset inside the source
    raw_sha256: str = ""  # hash of the raw bytes of this document
    encoding: str = "utf-8"  # encoding the bytes were decoded with


@dataclass
class RawDoc:
    """A decoded document as produced by a reader, before any cleaning."""

    text: str
    provenance: Provenance
    doc_id: str  # the input's own id: JSONL ``id``, the file name for files
    title: str | None = None
    url: str | None = None
    source_name: str | None = None  # outlet, e.g. "The Indian Express"
    date_hint: str | None = None  # date given by the input (header line, JSON field, HTML meta)
    date_hint_origin: str | None = None  # e.g. "header line", "jsonl field 'date'", "html meta"
    date_hint_confidence: float | None = None  # how sure the reader is (None: given as is)
    lang_hint: str | None = None  # language given by the input
    extra: dict[str, Any] = field(default_factory=dict)  # other JSON fields, kept verbatim


@dataclass
class RemovedLine:
    """A line the cleaner dropped, with the rule that dropped it (kept as evidence)."""

    text: str
    rule: str


@dataclass
class LangInfo:
    lang: str  # ISO 639-1 where one exists, else the detector's code; "und" if unknown
    confidence: float
    mixed: bool = False  # True when a second language holds a substantial share
    shares: dict[str, float] = field(default_factory=dict)  # language -> share of text


@dataclass
class DateInfo:
    """Publication date with evidence.

    ``value`` is ISO ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY`` for coarse estimates);
    ``is_estimate`` is True unless the date was given by the input itself.
    ``earliest``/``latest`` bound the estimate when the text only allows a range.
    """

    value: str | None
    confidence: float
    is_estimate: bool
    evidence: str  # human-readable: which line/field/expression decided
    granularity: str = "day"  # "day" | "month" | "year" | "none"
    earliest: str | None = None
    latest: str | None = None


@dataclass
class TimeExpression:
    """A date-like expression found in the text, resolved when possible."""

    text: str
    start: int  # char offset in the cleaned text
    end: int
    value: str | None  # ISO date (or YYYY-MM / YYYY) when resolved
    relative: bool  # True for "last year", "on Wednesday", "पिछले साल सितंबर"...


@dataclass
class Article:
    id: str
    doc_id: str
    provenance: Provenance
    title: str
    text: str  # cleaned text
    raw_text: str = ""
    url: str | None = None
    source_name: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    lang: LangInfo | None = None
    date: DateInfo | None = None
    times: list[TimeExpression] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # cross-script name keys, most frequent first
    key_tf: dict[str, int] = field(default_factory=dict)  # how often each key occurs
    minhash: list[int] = field(default_factory=list)
    dup_of: str | None = None  # article id of the earlier near-duplicate, when syndicated
    event_id: str | None = None
    story_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class JoinReason:
    """Why an article was put in an event: the similarities that decided."""

    article_id: str
    event_id: str
    score: float
    dense: float  # calibrated dense similarity to the event
    names: float  # shared-name similarity (IDF-weighted)
    time_gap_days: float | None
    new_event: bool  # True when the article founded the event
    best_other: str | None = None  # runner-up event id, if any
    best_other_score: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # the terms that decided, by name


@dataclass
class Event:
    id: str
    article_ids: list[str] = field(default_factory=list)
    title: str = ""
    date: str | None = None  # representative date (median of members' dates)
    date_is_estimate: bool = True
    first_date: str | None = None
    last_date: str | None = None
    languages: dict[str, int] = field(default_factory=dict)
    keys: dict[str, float] = field(default_factory=dict)  # name key -> weight
    story_id: str | None = None
    alive: bool = True  # False once merged into another event


@dataclass
class Story:
    id: str
    event_ids: list[str] = field(default_factory=list)
    title: str = ""
    languages: dict[str, int] = field(default_factory=dict)
    first_date: str | None = None
    last_date: str | None = None
    keys: dict[str, float] = field(default_factory=dict)
    alive: bool = True


@dataclass
class TimelineEntry:
    event: Event
    date: str | None
    is_estimate: bool
    articles: list[Article]


@dataclass
class MergeLogEntry:
    """One structural change: an event/story created, merged, split or an article moved."""

    kind: str  # "event-merge" | "event-split" | "story-merge" | "story-split" | "article-move"
    target: str  # surviving id
    sources: list[str]  # ids merged in / split off
    detail: dict[str, Any] = field(default_factory=dict)
    at: str = ""  # ISO timestamp
    seq: int = 0


@dataclass
class Quarantined:
    source: str
    reason: str  # short code, e.g. "binary", "empty", "undecodable", "bad-json"
    message: str  # one clear line for the user
    line: int | None = None
    raw_sha256: str = ""
    sample: bytes = b""  # first bytes of the offending input (for inspection)
    at: str = ""
