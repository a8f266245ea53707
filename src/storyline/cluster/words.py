"""Words of an article as a TF-IDF vector, with document frequencies that do not drift.

Document frequencies come from a shipped background table (``resources/word_df.tsv.gz``,
built by ``scripts/build_word_df.py`` from real news in English, Hindi, German, Spanish,
Turkish, Arabic, Polish, French and Italian plus Wikipedia "In the news" blurbs in 55
languages). They are *not* updated from the store: the same two articles always get the same
similarity, whatever else has been ingested and in whatever order, which keeps clustering
independent of arrival order. A word the table does not know counts as rare.
"""

from __future__ import annotations

import gzip
import logging
import math
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import regex

log = logging.getLogger(__name__)

_TOKEN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}\p{N}]+")
MAX_TOKENS = 1500  # a long article's words past this say little about what happened
MAX_TERMS = 400  # the vector keeps its heaviest terms
TITLE_WEIGHT = 2  # title words count twice


def tokens(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text)]


class WordDF:
    """Background document frequencies: ``idf(word) = ln((N + 1) / (df + 1)) + 1``."""

    def __init__(self, n_docs: int, df: Mapping[str, int]) -> None:
        self.n_docs = n_docs
        self.df = df
        self._max = math.log(n_docs + 1) + 1.0

    def idf(self, word: str) -> float:
        d = self.df.get(word)
        if d is None:
            return self._max
        return math.log((self.n_docs + 1) / (d + 1)) + 1.0

    def vector(self, title: str, text: str) -> dict[str, float]:
        """Unit-length TF-IDF weights of the title (counted twice) and the text."""
        tf: Counter[str] = Counter(tokens(text)[:MAX_TOKENS])
        for t in tokens(title or ""):
            tf[t] += TITLE_WEIGHT
        w = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in tf.items()}
        if len(w) > MAX_TERMS:
            w = dict(sorted(w.items(), key=lambda kv: -kv[1])[:MAX_TERMS])
        norm = math.sqrt(sum(v * v for v in w.values()))
        return {t: v / norm for t, v in w.items()} if norm else {}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two unit-length sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


@lru_cache(maxsize=1)
def word_df() -> WordDF:
    try:
        ref = resources.files("storyline.resources").joinpath("word_df.tsv.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (FileNotFoundError, OSError):  # pragma: no cover - packaging
        log.warning("resources/word_df.tsv.gz missing: every word counts as rare")
        return WordDF(1, {})
    n = int(lines[0].split("\t")[1])
    df = {}
    for line in lines[1:]:
        w, _, c = line.partition("\t")
        if c:
            df[w] = int(c)
    return WordDF(n, df)
