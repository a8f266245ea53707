"""Full-text search vocabulary shared by every store backend: tokens, queries, filters.

Tokens follow the SQLite FTS5 tokenizer the SQLite store indexes with,
``unicode61 remove_diacritics 2 categories 'L* N* Co M*'``: a token is a run of letters,
numbers, private-use characters and combining marks (so Devanagari vowel signs and viramas stay
inside their word, unlike with FTS5's default tokenizer), case-folded, with the accents of
Latin letters removed (``Café`` = ``cafe``). :func:`tokenize` is the pure-Python twin used by the
in-memory store and for highlighting; it agrees with FTS5 on every letter, digit and mark of the
scripts news is written in (a test compares them); the two can differ only on characters newer
than SQLite's Unicode tables.

User queries never raise: :func:`parse_query` turns any string into a :class:`TextQuery`
(an AND of OR-groups of phrases, minus excluded phrases). Syntax, all optional:

* ``word`` — required word (all words must match; the search falls back to *any* word when no
  article has all of them); ``word*`` — prefix (at least two characters before the ``*``);
* ``"a quoted phrase"`` — the words in this order (straight or typographic quotes);
* ``a OR b`` — either (upper-case ``OR``); ``AND`` is implicit and ignored;
* ``-word``, ``-"phrase"``, ``NOT word`` — exclude articles containing it.

Everything else (parentheses, colons, stray quotes, ``^``...) is a separator.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex

from storyline.errors import StorylineError
from storyline.text.clean import normalize_unicode

#: The FTS5 tokenizer of the SQLite store's full-text index.
FTS_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
#: bm25 weight of a title hit relative to a body hit.
TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
#: At most this many phrases of a query are used (a pasted paragraph stays cheap).
MAX_PHRASES = 64
#: Shortest prefix allowed before a ``*``.
MIN_PREFIX = 2

_RUN = regex.compile(r"[\p{L}\p{N}\p{Co}\p{M}]+")
# Combining marks FTS5 (remove_diacritics 2) drops from tokens; other marks are kept.
_DROPPED_MARKS = frozenset(
    chr(c)
    for c in (
        *range(0x300, 0x305), *range(0x306, 0x30D), 0x30F, 0x311, 0x31B,
        *range(0x323, 0x329), 0x32D, 0x32E, 0x330, 0x331,
    )
)  # fmt: skip
# Latin letters whose accents FTS5 keeps although they decompose into dropped marks.
_KEPT_ACCENTS = frozenset("Ǡǡ")
_QUOTES = '"“”„‟«»＂'


class QueryError(StorylineError):
    """A search was asked with invalid options (unknown kind or mode, a malformed date...)."""


@functools.lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """What FTS5's unicode61 (remove_diacritics 2) keeps of one token character."""
    if ch in _DROPPED_MARKS:
        return ""
    decomposed = unicodedata.normalize("NFD", ch)
    if (
        ch not in _KEPT_ACCENTS
        and len(decomposed) > 1
        and (decomposed[0].isascii() or decomposed[0] == "ſ")
        and all(c in _DROPPED_MARKS for c in decomposed[1:])
    ):
        ch = decomposed[0]  # a Latin letter with accents: the bare letter
    folded = ch.casefold()
    if len(folded) == 1:
        return folded
    lower = ch.lower()
    return lower if len(lower) == 1 else ch


def fold(word: str) -> str:
    """The index term of one run of token characters."""
    if word.isascii():
        return word.lower()
    return _fold_word(word)


@functools.lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return "".join(_fold_char(c) for c in word)


class _FoldTable(dict[int, str]):
    """``str.translate`` table applying :func:`_fold_char`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


@functools.lru_cache(maxsize=65_536)
def _lower_folds(ch: str) -> bool:
    """Whether ``str.lower`` folds ``ch`` as the index does (into one character). Not the
    capital sigma: in a text, ``str.lower`` makes it final (ς) at the end of a word."""
    low = ch.lower()
    return len(low) == 1 and _fold_char(ch) == low and ch != "\u03a3"


def fold_text(text: str) -> str:
    """``text`` folded character by character as its tokens are: every token's term is a
    substring of the result, so a term that is not in it matches no token (a quick test
    before tokenizing a long text). Texts whose characters all fold as ``str.lower`` folds
    them (English, Hindi: most texts) are folded at C speed."""
    if text.isascii() or all(map(_lower_folds, set(text))):
        return text.lower()
    return text.translate(_FOLD_TABLE)


def token_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, term)`` of every token of ``text`` (offsets into ``text``).

    A run of nothing but dropped accents gives an empty term, as in FTS5 (it takes a position,
    so the words around it are not adjacent, and no query term can match it).
    """
    folded = fold_text(text)
    if len(folded) == len(text):  # folding kept every character: tokenize the folded text
        for m in _RUN.finditer(folded):
            yield m.start(), m.end(), m.group()
        return
    for m in _RUN.finditer(text):
        yield m.start(), m.end(), fold(m.group())


def tokenize(text: str) -> list[str]:
    """Index terms of ``text``, in order."""
    return [term for _, _, term in token_spans(text)]


# -- queries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phrase:
    """Consecutive terms; with ``prefix`` the last one matches any term starting with it."""

    terms: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        quoted = '"' + " ".join(t.replace('"', '""') for t in self.terms) + '"'
        return quoted + "*" if self.prefix else quoted


@dataclass(frozen=True)
class TextQuery:
    """An AND of ``groups`` (each an OR of phrases), minus articles matching ``excluded``."""

    groups: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """The positive phrases (what a hit is highlighted with)."""
        return tuple(p for group in self.groups for p in group)

    def any_phrase(self) -> TextQuery:
        """The same query relaxed to match articles with *any* of the phrases."""
        return TextQuery((self.phrases,), self.excluded) if self.groups else self

    def exclusions(self) -> TextQuery:
        """A query matching the articles this one excludes."""
        return TextQuery((self.excluded,)) if self.excluded else TextQuery()

    def fts5(self) -> str:
        """The FTS5 MATCH expression (empty for an empty query)."""
        if not self.groups:
            return ""
        parts = [
            group[0].fts5() if len(group) == 1 else "(" + " OR ".join(p.fts5() for p in group) + ")"
            for group in self.groups
        ]
        expr = " AND ".join(parts)
        if self.excluded:
            expr = f"({expr}) NOT ({' OR '.join(p.fts5() for p in self.excluded)})"
        return expr


@dataclass
class _Item:
    phrase: Phrase
    negated: bool
    or_before: bool


def _phrase(raw: str, prefix: bool = False) -> Phrase | None:
    terms = tuple(t for t in tokenize(raw) if t)
    if not terms:
        return None
    if prefix and len(terms[-1]) < MIN_PREFIX:
        prefix = False
    return Phrase(terms, prefix)


def _items(text: str) -> Iterator[_Item]:
    negate = pending_or = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _QUOTES:
            close = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -1)
            if close < 0:  # an unclosed quote is just a separator
                i += 1
                continue
            phrase = _phrase(text[i + 1 : close])
            i = close + 1
        elif ch in "-−" and (i == 0 or text[i - 1].isspace()):
            nxt = text[i + 1] if i + 1 < n else ""
            negate = negate or (bool(nxt) and (nxt in _QUOTES or bool(_RUN.match(nxt))))
            i += 1
            continue
        else:
            m = _RUN.match(text, i)
            if m is None:
                i += 1
                continue
            word, i = m.group(), m.end()
            if word in ("AND", "OR", "NOT"):
                pending_or = pending_or or word == "OR"
                negate = negate or word == "NOT"
                continue
            star = i < n and text[i] == "*"
            phrase = _phrase(word, prefix=star)
        if phrase is not None:
            yield _Item(phrase, negate, pending_or)
        negate = pending_or = False


def parse_query(text: str) -> TextQuery:
    """The :class:`TextQuery` of a user's search string (never raises)."""
    groups: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    for count, item in enumerate(_items(normalize_unicode(text or ""))):
        if count >= MAX_PHRASES:
            break
        if item.negated:
            if item.phrase not in excluded:
                excluded.append(item.phrase)
        elif item.or_before and groups:
            if item.phrase not in groups[-1]:
                groups[-1].append(item.phrase)
        elif not any(g == [item.phrase] for g in groups):
            groups.append([item.phrase])
    return TextQuery(tuple(tuple(g) for g in groups), tuple(excluded))


# -- filters ------------------------------------------------------------------------------

_DATE = regex.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_bounds(value: str | None) -> tuple[str, str] | None:
    """First and last day a (possibly coarse) date value covers: ``2020-06`` covers
    ``2020-06-01`` .. ``2020-06-31`` (an upper bound for string comparison, not a real day)."""
    if not value:
        return None
    if len(value) == 4:
        return value + "-01-01", value + "-12-31"
    if len(value) == 7:
        return value + "-01", value + "-31"
    return value[:10], value[:10]


def _check_date(value: str | None, what: str) -> tuple[str, str] | None:
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    m = _DATE.fullmatch(text)
    ok = m is not None
    if m is not None:
        year, month, day = (int(g) if g else 1 for g in m.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            ok = False
    if not ok:
        raise QueryError(f"{what} {text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
    return date_bounds(text)


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on the articles a search may return.

    ``date_from``/``date_to`` take ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a month or year
    covers all its days) and compare with the article's publication date, estimated dates
    included; an article whose (coarse) date overlaps the range passes, an undated one does
    not. ``source`` is a case-insensitive substring of the outlet name or of the input path/URL.
    """

    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    story_id: str | None = None
    event_id: str | None = None
    _from: str | None = field(default=None, init=False, repr=False, compare=False)
    _to: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        low = _check_date(self.date_from, "date_from")
        high = _check_date(self.date_to, "date_to")
        object.__setattr__(self, "_from", low[0] if low else None)
        object.__setattr__(self, "_to", high[1] if high else None)
        if self._from and self._to and self._from > self._to:
            raise QueryError(f"date_from {self.date_from} is after date_to {self.date_to}")
        for name in ("lang", "source", "story_id", "event_id"):
            value = getattr(self, name)
            if value is not None and not str(value).strip():
                object.__setattr__(self, name, None)

    @property
    def first_day(self) -> str | None:
        """Lower bound (``YYYY-MM-DD``) an article's date range must reach, if any."""
        return self._from

    @property
    def last_day(self) -> str | None:
        """Upper bound (``YYYY-MM-DD``, possibly day 31) an article's date must start by."""
        return self._to

    @property
    def empty(self) -> bool:
        return not any((self.lang, self._from, self._to, self.source, self.story_id, self.event_id))

    def passes(self, row: Any) -> bool:
        """Whether an article row (the store's flat row of an article) passes."""
        if self.lang is not None and row["lang"] != self.lang:
            return False
        if self.story_id is not None and row["story_id"] != self.story_id:
            return False
        if self.event_id is not None and row["event_id"] != self.event_id:
            return False
        if self._from or self._to:
            bounds = date_bounds(row["date_value"])
            if bounds is None:
                return False
            if self._from and bounds[1] < self._from:
                return False
            if self._to and bounds[0] > self._to:
                return False
        if self.source is not None:
            return contains(row["source_name"], self.source) or contains(row["source"], self.source)
        return True


def contains(haystack: str | None, needle: str | None) -> bool:
    """Case-insensitive substring test (the SQLite store registers it as a SQL function)."""
    if haystack is None or needle is None:
        return False
    return needle.casefold() in haystack.casefold()


@dataclass(frozen=True)
class ArticleBrief:
    """The light part of an article a search needs to filter, group and show a hit."""

    id: str
    title: str
    lang: str | None
    date: str | None
    date_is_estimate: bool | None
    source_name: str | None
    source: str
    event_id: str | None
    story_id: str | None
    dup_of: str | None

    @classmethod
    def from_row(cls, row: Any) -> ArticleBrief:
        estimate = row["date_is_estimate"]
        return cls(
            id=row["id"],
            title=row["title"],
            lang=row["lang"],
            date=row["date_value"],
            date_is_estimate=None if estimate is None else bool(estimate),
            source_name=row["source_name"],
            source=row["source"],
            event_id=row["event_id"],
            story_id=row["story_id"],
            dup_of=row["dup_of"],
        )


#: Article columns :meth:`ArticleBrief.from_row` reads.
BRIEF_COLUMNS: tuple[str, ...] = (
    "id", "title", "lang", "date_value", "date_is_estimate", "source_name", "source",
    "event_id", "story_id", "dup_of",
)  # fmt: skip
