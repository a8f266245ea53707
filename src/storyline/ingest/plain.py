"""Plain-text documents: optional `` date YYYY-MM-DD`` header line and optional title line.

The seed format::

     date 2020-06-26 Photo caption or first paragraph...
    <blank>
    Body...

or::

    Headline without final punctuation
    <blank>
    Body...

The ``date`` prefix is stripped and whatever follows it on the same line stays in the text.
A title is recognised only when the first non-empty line is short, does not end like a
sentence and is followed by a blank line; otherwise ``title`` is None and the pipeline derives
one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import Provenance, RawDoc

_DATE_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_SENTENCE_END = tuple(".!?।॥…")
_CLOSERS = "\"'”’»)]›"
# A sentence boundary inside the line: a word of 3+ letters, final punctuation, space, then
# something that starts a sentence. Abbreviations ("Dr. Singh", "U.S. envoy") do not match.
_INNER_BOUNDARY = re.compile(r"\w{3,}[.!?।][\"'”’)]?\s+[\"“'(]?[A-Z\u0900-\u097F]")
MAX_TITLE_WORDS = 20
MAX_TITLE_CHARS = 200


@dataclass
class PlainParts:
    text: str
    title: str | None = None
    date_hint: str | None = None
    date_hint_origin: str | None = None


def looks_like_title(line: str) -> bool:
    """True for a headline-like line: short, not ending like a sentence, one sentence at most."""
    s = line.strip()
    if not s or len(s) > MAX_TITLE_CHARS or len(s.split()) > MAX_TITLE_WORDS:
        return False
    core = s.rstrip(_CLOSERS).rstrip()
    if not core or core.endswith(_SENTENCE_END) or core.endswith((",", ";")):
        return False
    # a trailing quote ends a sentence only after final punctuation: 'PK: "I declined"' is a
    # headline, 'He said "I declined."' is not (handled above through the stripped core)
    return _INNER_BOUNDARY.search(s) is None


def split_plain(text: str) -> PlainParts:
    """Split a plain-text document into date header, title and body."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    date_hint: str | None = None
    origin: str | None = None
    if lines:
        m = _DATE_LINE.match(lines[0])
        if m:
            date_hint = m.group(1)
            origin = f'header line "{m.group(0).rstrip()}"'
            lines[0] = lines[0][m.end():]
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title: str | None = None
    if i + 2 < len(lines) and not lines[i + 1].strip() and looks_like_title(lines[i]):
        rest = "\n".join(lines[i + 2:]).strip()
        if rest:
            title = lines[i].strip()
            lines = lines[i + 2:]
            i = 0
    body = "\n".join(lines[i:]).strip()
    return PlainParts(text=body, title=title, date_hint=date_hint, date_hint_origin=origin)


def plain_doc(text: str, provenance: Provenance, doc_id: str) -> RawDoc:
    """A :class:`RawDoc` for one plain-text document (body may be empty: caller checks)."""
    parts = split_plain(text)
    return RawDoc(text=parts.text, provenance=provenance, doc_id=doc_id, title=parts.title,
                  date_hint=parts.date_hint, date_hint_origin=parts.date_hint_origin)
