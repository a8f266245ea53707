"""HTML-safe snippets and highlighted titles for search hits.

The words of the query are found with the index's own tokenizer (so ``किशोर`` highlights in
``किशोर,`` and ``Cafe`` highlights ``Café``), whole phrases are highlighted as one ``<mark>``,
and every other character is HTML-escaped. A snippet is the window of about
:data:`SNIPPET_WORDS` words holding the most distinct query phrases; texts without a match give
their lead.
"""

from __future__ import annotations

import bisect
import html
import itertools
from collections.abc import Sequence

from storyline.store.textquery import Phrase, fold_text, token_spans

#: Words in a snippet.
SNIPPET_WORDS = 32
#: Words of context kept before the first match of a snippet.
_CONTEXT = 8
_MAX_MATCHES = 500  # matches considered when choosing the window (long texts stay cheap)
#: Characters of a long text searched for the snippet before the rest is.
SCAN_CHARS = 4_000


def _matches(terms: list[str], phrases: Sequence[Phrase]) -> list[tuple[int, int, int]]:
    """``(first token, end token, phrase index)`` of every phrase occurrence, in text order."""
    found: list[tuple[int, int, int]] = []
    for pi, phrase in enumerate(phrases):
        size, head = len(phrase.terms), phrase.terms[0]
        if phrase.prefix and size == 1:
            starts = [i for i, t in enumerate(terms) if t.startswith(head)]
        else:
            starts = [i for i, t in enumerate(terms) if t == head]
        last = phrase.terms[-1]
        for i in starts:
            if i + size > len(terms):
                break
            if size > 1 and not (
                all(terms[i + k] == phrase.terms[k] for k in range(1, size - 1))
                and (
                    terms[i + size - 1].startswith(last)
                    if phrase.prefix
                    else terms[i + size - 1] == last
                )
            ):
                continue
            found.append((i, i + size, pi))
    found.sort()
    return found[:_MAX_MATCHES]


def _best_start(marks: list[tuple[int, int, int]], words: int, context: int) -> int:
    """First token of the window of ``words`` tokens holding the most distinct phrases (then
    the most matches, then the earliest), among windows starting ``context`` tokens before a
    match. ``marks`` are sorted; each window looks only at the marks that can be inside it,
    so this is linear in the number of marks."""
    best: tuple[int, int, int] | None = None  # (distinct phrases, matches, -start)
    start = 0
    firsts = [m[0] for m in marks]
    for m_first in firsts:
        first = max(0, m_first - context)
        inside = []
        for j in range(bisect.bisect_left(firsts, first), len(marks)):
            if firsts[j] >= first + words:
                break
            if marks[j][1] <= first + words:
                inside.append(marks[j])
        key = (len({m[2] for m in inside}), len(inside), -first)
        if best is None or key > best:
            best, start = key, first
    return start


def _may_match(text: str, phrases: Sequence[Phrase]) -> bool:
    """False when no phrase can occur in ``text`` (its first term is not even a substring of
    the folded text): then ``text`` need not be tokenized in full."""
    if not phrases:
        return False
    folded = fold_text(text)
    return any(p.terms and p.terms[0] in folded for p in phrases)


def _render(
    text: str,
    spans: list[tuple[int, int, str]],
    marks: list[tuple[int, int, int]],
    first: int,
    end: int,
    more: bool = False,
) -> str:
    """Escaped ``text`` of tokens ``first``..``end`` (exclusive) with ``marks`` highlighted;
    ``more`` when ``text`` is the beginning of a longer text."""
    if first >= end:
        return ""
    start_char = 0 if first == 0 else spans[first][0]
    end_char = len(text) if end >= len(spans) else spans[end - 1][1]
    out: list[str] = ["…"] if first > 0 else []
    pos = start_char
    covered = -1  # last token index already inside a mark
    for m_first, m_end, _ in marks:
        if m_end <= first or m_first >= end or m_first <= covered:
            continue
        m_first, m_end = max(m_first, first), min(m_end, end)
        a, b = spans[m_first][0], spans[m_end - 1][1]
        out.append(html.escape(text[pos:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        pos, covered = b, m_end - 1
    out.append(html.escape(text[pos:end_char]))
    if end < len(spans) or more:
        out.append("…")
    return " ".join("".join(out).split())


def highlight(text: str, phrases: Sequence[Phrase]) -> str:
    """All of ``text`` escaped, with every occurrence of ``phrases`` in ``<mark>``."""
    spans = list(token_spans(text))
    if not spans:
        return html.escape(text.strip())
    marks = _matches([s[2] for s in spans], phrases)
    return _render(text, spans, marks, 0, len(spans)) if marks else html.escape(text.strip())


def _head(text: str) -> str:
    """The first :data:`SCAN_CHARS` characters of ``text``, cut at a space."""
    if len(text) <= SCAN_CHARS:
        return text
    cut = text.rfind(" ", 0, SCAN_CHARS)
    return text[: cut if cut > 0 else SCAN_CHARS]


def snippet(
    text: str, phrases: Sequence[Phrase], *, words: int = SNIPPET_WORDS
) -> tuple[str, bool]:
    """The best window of ``text`` for ``phrases`` and whether it holds a match.

    Long texts are scanned in their first :data:`SCAN_CHARS` characters, and in full only
    when the query does not occur there; a text in which no query word can occur (see
    :func:`_may_match`) is not tokenized beyond its lead.
    """
    part = _head(text)
    marks: list[tuple[int, int, int]] = []
    spans: list[tuple[int, int, str]] | None = None
    if _may_match(part, phrases):
        spans = list(token_spans(part))
        marks = _matches([s[2] for s in spans], phrases)
    if not marks and part is not text and _may_match(text, phrases):
        part = text
        spans = list(token_spans(part))
        marks = _matches([s[2] for s in spans], phrases)
    if not marks:  # the lead: only its first words are tokenized
        spans = list(itertools.islice(token_spans(text), words + 1))
        if not spans:
            return html.escape(" ".join(text.split())[:200]), False
        return _render(text, spans, [], 0, min(words, len(spans))), False
    more = part is not text
    assert spans is not None
    start = _best_start(marks, words, min(_CONTEXT, words // 4))
    end = min(len(spans), start + words)
    if end - start < words:  # near the end of the text: show a full window anyway
        start = max(0, end - words)
    return _render(part, spans, marks, start, end, more), True
