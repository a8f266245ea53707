"""Pure-Python twin of the SQLite store's FTS5 index, for :class:`MemoryStore`.

An inverted index over article titles and texts with the same tokens
(:func:`~storyline.store.textquery.tokenize`), the same query semantics (AND of OR-groups of
phrases, prefixes, exclusions) and the same bm25 ranking as FTS5 (k1 = 1.2, b = 0.75, idf
``log((N - n + 0.5) / (n + 0.5))`` floored at 1e-6, title hits weighted ``TITLE_WEIGHT``), so
both backends return the same hits with the same scores.

The index is derived state: :meth:`TextIndex.sync` brings it in line with the store's article
rows before each query by comparing row identities (the memory store replaces a row object on
every write and restores the old objects when a transaction rolls back), so it can never drift
from the articles, whatever was rolled back.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storyline.store.textquery import (
    BODY_WEIGHT,
    TITLE_WEIGHT,
    Phrase,
    SearchFilters,
    TextQuery,
    tokenize,
)

_K1 = 1.2
_B = 0.75
_WEIGHTS = (TITLE_WEIGHT, BODY_WEIGHT)


def phrase_idf(n_docs: int, n_with: int) -> float:
    """FTS5's idf of a phrase found in ``n_with`` of ``n_docs`` documents (floored at 1e-6)."""
    value = math.log((n_docs - n_with + 0.5) / (n_with + 0.5))
    return value if value > 0 else 1e-6


def bm25(
    counts: list[tuple[int, int] | None], idf: list[float], length: int, avgdl: float
) -> float:
    """FTS5's bm25 of one document: ``counts[i]`` = (title, body) hits of phrase ``i``.

    Shared by every backend that ranks outside SQLite's FTS5 (memory, PostgreSQL), so they
    agree with it to the last bit of the arithmetic.
    """
    norm = _K1 * (1 - _B + _B * length / avgdl)
    score = 0.0
    for c, w in zip(counts, idf, strict=True):
        if c:
            freq = c[0] * _WEIGHTS[0] + c[1] * _WEIGHTS[1]
            score += w * (freq * (_K1 + 1.0)) / (freq + norm)
    return score


@dataclass
class _Doc:
    row: Any  # the row object indexed (compared by identity)
    seq: int  # ingest order, for ties
    cols: tuple[tuple[str, ...], tuple[str, ...]]  # terms of title, text
    pos: tuple[dict[str, list[int]], dict[str, list[int]]]

    @property
    def length(self) -> int:
        return len(self.cols[0]) + len(self.cols[1])


def _positions(terms: tuple[str, ...]) -> dict[str, list[int]]:
    pos: dict[str, list[int]] = {}
    for i, term in enumerate(terms):
        pos.setdefault(term, []).append(i)
    return pos


class TextIndex:
    """Inverted index of article rows (``id``, ``title``, ``text``)."""

    def __init__(self) -> None:
        self._docs: dict[str, _Doc] = {}
        self._postings: dict[str, set[str]] = {}
        self._tokens = 0
        self._vocab: list[str] | None = None  # sorted terms, rebuilt after vocabulary changes

    def __len__(self) -> int:
        return len(self._docs)

    # -- maintenance -----------------------------------------------------------------------
    def sync(self, rows: Mapping[str, Any]) -> None:
        """Index new or changed rows and forget ids that are gone."""
        for seq, (aid, row) in enumerate(rows.items()):
            doc = self._docs.get(aid)
            if doc is not None and doc.row is row:
                doc.seq = seq
                continue
            if (
                doc is not None
                and doc.row["title"] == row["title"]
                and (doc.row["text"] == row["text"])
            ):
                doc.row, doc.seq = row, seq  # same words (e.g. the article moved event)
                continue
            self._remove(aid)
            self._add(aid, row, seq)
        if len(self._docs) > len(rows):
            for aid in [a for a in self._docs if a not in rows]:
                self._remove(aid)

    def _add(self, aid: str, row: Any, seq: int) -> None:
        cols = (tuple(tokenize(row["title"])), tuple(tokenize(row["text"])))
        doc = _Doc(row, seq, cols, (_positions(cols[0]), _positions(cols[1])))
        self._docs[aid] = doc
        self._tokens += doc.length
        for term in {*doc.pos[0], *doc.pos[1]}:
            ids = self._postings.get(term)
            if ids is None:
                self._postings[term] = {aid}
                self._vocab = None
            else:
                ids.add(aid)

    def _remove(self, aid: str) -> None:
        doc = self._docs.pop(aid, None)
        if doc is None:
            return
        self._tokens -= doc.length
        for term in {*doc.pos[0], *doc.pos[1]}:
            ids = self._postings.get(term)
            if ids is not None:
                ids.discard(aid)
                if not ids:
                    del self._postings[term]
                    self._vocab = None

    # -- matching --------------------------------------------------------------------------
    def _expand(self, prefix: str) -> set[str]:
        if self._vocab is None:
            self._vocab = sorted(self._postings)
        i = bisect.bisect_left(self._vocab, prefix)
        out: set[str] = set()
        while i < len(self._vocab) and self._vocab[i].startswith(prefix):
            out.add(self._vocab[i])
            i += 1
        return out

    def _elements(self, phrase: Phrase) -> list[set[str]]:
        elements = [{t} for t in phrase.terms]
        if phrase.prefix:
            elements[-1] = self._expand(phrase.terms[-1])
        return elements

    def _docs_with(self, elements: list[set[str]]) -> set[str]:
        """Documents holding every element (a superset of those holding the phrase)."""
        found: set[str] | None = None
        for element in sorted(elements, key=len):
            ids: set[str] = set()
            for term in element:
                ids |= self._postings.get(term, set())
            found = ids if found is None else found & ids
            if not found:
                return set()
        return found or set()

    @staticmethod
    def _count(doc: _Doc, col: int, elements: list[set[str]]) -> int:
        terms, pos = doc.cols[col], doc.pos[col]
        starts = sorted(p for term in elements[0] for p in pos.get(term, ()))
        if len(elements) == 1:
            return len(starts)
        n = 0
        for p in starts:
            if p + len(elements) <= len(terms) and all(
                terms[p + k] in elements[k] for k in range(1, len(elements))
            ):
                n += 1
        return n

    def _matching(self, elements: list[set[str]]) -> dict[str, tuple[int, int]]:
        """Per-column occurrence counts of a phrase, for every document holding it."""
        out: dict[str, tuple[int, int]] = {}
        for aid in self._docs_with(elements):
            doc = self._docs[aid]
            counts = (self._count(doc, 0, elements), self._count(doc, 1, elements))
            if counts[0] or counts[1]:
                out[aid] = counts
        return out

    def search(
        self,
        query: TextQuery,
        *,
        filters: SearchFilters | None = None,
        among: Iterable[str] | None = None,
        limit: int = 100,
    ) -> list[tuple[str, float]]:
        """``(article id, -bm25)`` of the best matches, best first (ties in ingest order)."""
        if query.empty or limit <= 0 or not self._docs:
            return []
        phrases = query.phrases
        hits = [self._matching(self._elements(p)) for p in phrases]
        index = {p: i for i, p in reversed(list(enumerate(phrases)))}
        candidates: set[str] | None = None
        for group in query.groups:
            ids = set().union(*(hits[index[p]] for p in group))
            candidates = ids if candidates is None else candidates & ids
        found = candidates or set()
        for phrase in query.excluded:
            found -= set(self._matching(self._elements(phrase)))
        if among is not None:
            found &= set(among)
        if filters is not None and not filters.empty:
            found = {aid for aid in found if filters.passes(self._docs[aid].row)}
        n_docs = len(self._docs)
        avgdl = self._tokens / n_docs
        idf = [phrase_idf(n_docs, len(h)) for h in hits]
        scored = []
        for aid in found:
            doc = self._docs[aid]
            score = bm25([h.get(aid) for h in hits], idf, doc.length, avgdl)
            scored.append((-score, doc.seq, aid))
        scored.sort()
        return [(aid, -neg) for neg, _, aid in scored[:limit]]
