"""Sentence candidates and their greedy selection (centrality, novelty, entity coverage).

A candidate is one sentence of an article's cleaned text (split by
:func:`storyline.quotes.spans.split_sentences`, which knows the Hindi "।" and does not cut
inside quotations), kept with its character offsets so that ``text ==
article.text[start:end]`` holds exactly.

Each candidate gets a sparse feature vector: its content words (TF-IDF over the candidate
pool, stopwords dropped), the canonical entities it mentions (``E:<entity id>``, the same id in
every script, which is what lets an English and a Hindi sentence be compared) and its numbers
(``N:1463``). Selection is maximal marginal relevance: relevance is how central a sentence is
among the *other* articles' sentences, its position in its article (news puts the facts
first), how central its article is, and the salient entities it covers that the summary does
not cover yet; a sentence too similar to one already chosen is never taken, so no sentence
appears twice in different words. With a preferred language, a chosen sentence is swapped for
one in that language that says the same (same entities and numbers, similar words).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import regex
import scipy.sparse as sp

from storyline.quotes.spans import split_sentences
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

_WORD = regex.compile(r"[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*|\d[\d,.]*\d|\d")
_DEVA = regex.compile(r"\p{Devanagari}")
_LETTERS = regex.compile(r"\p{L}")

MIN_WORDS = 6  # shorter "sentences" are datelines, captions, bylines
MAX_WORDS = 70  # longer ones are run-ons of a page without full stops
MAX_SENTENCES_PER_ARTICLE = 30  # the lead of an article holds its news
REDUNDANT = 0.5  # similarity at or above which two sentences say the same thing
EQUIVALENT = 0.3  # a sentence in the preferred language this close may replace a chosen one
ENTITY_WEIGHT = 2.0  # an entity feature counts this much more than a word
NUMBER_WEIGHT = 1.5
LAMBDA = 0.7  # relevance vs. novelty in the MMR trade-off


@dataclass
class Candidate:
    article_id: str
    start: int
    end: int
    text: str
    lang: str
    position: int  # index among the article's kept sentences (0 = lead)
    words: Counter[str] = field(default_factory=Counter)
    entities: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    group: str = ""  # event id (story summaries pick sentences event by event)
    article_weight: float = 1.0  # how central the article is in its group (0..1)
    relevance: float = 0.0


def sentence_lang(text: str, article_lang: str) -> str:
    """The article's language, unless the sentence is written in another script (a Hindi
    sentence quoted in an English article is marked ``hi``)."""
    if text.isascii():  # no Devanagari: only a Hindi article's sentence can change
        if article_lang == "hi" and any(c.isalpha() for c in text):
            return "en"
        return article_lang
    letters = len(_LETTERS.findall(text))
    deva = len(_DEVA.findall(text))
    if letters and deva / letters > 0.5:
        return "hi" if article_lang != "hi" and article_lang not in ("mr", "ne") else article_lang
    if article_lang == "hi" and letters and deva / letters < 0.2:
        return "en"
    return article_lang


def _words(text: str) -> tuple[Counter[str], set[str], int]:
    """Content words, numbers and the number of word tokens of a sentence."""
    toks = _WORD.findall(text)
    numbers = {t.replace(",", "").rstrip(".") for t in toks if t[0].isdigit()}
    low = [t.casefold() for t in toks if not t[0].isdigit()]
    words = Counter(w for w in low if len(w) >= 2 and w not in LATIN_STOP and w not in HINDI_STOP)
    return words, numbers, len(toks)


def candidates(
    article_id: str,
    text: str,
    lang: str,
    mentions: Iterable[tuple[str, int, int]] = (),
    *,
    title: str = "",
    limit: int = MAX_SENTENCES_PER_ARTICLE,
) -> list[Candidate]:
    """Summary-worthy sentences of one article. ``mentions``: (entity id, start, end)."""
    spans = sorted(mentions, key=lambda m: m[1])
    folded_title = " ".join(title.split()).casefold()
    out: list[Candidate] = []
    for s in split_sentences(text):
        if len(out) >= limit:
            break
        body = text[s.start : s.end]
        if body.rstrip().endswith(":") or "http" in body or "@" in body:
            continue
        if folded_title and " ".join(body.split()).casefold() == folded_title:
            continue  # the headline repeated as the first line
        words, numbers, n = _words(body)
        if n < MIN_WORDS or n > MAX_WORDS or not words:
            continue
        ents = {e for e, a, b in spans if a >= s.start and b <= s.end}
        out.append(
            Candidate(
                article_id=article_id,
                start=s.start,
                end=s.end,
                text=body,
                lang=sentence_lang(body, lang),
                position=len(out),
                words=words,
                entities=ents,
                numbers=numbers,
            )
        )
    return out


class Pool:
    """The candidates of one summary with their similarity matrix and relevance."""

    def __init__(self, cands: list[Candidate], salience: dict[str, float]) -> None:
        self.cands = cands
        self.salience = salience
        n = len(cands)
        df: Counter[str] = Counter()
        feats: list[dict[str, float]] = []
        for c in cands:
            f: dict[str, float] = {f"w:{w}": 1.0 + math.log(k) for w, k in c.words.items()}
            f.update({f"E:{e}": ENTITY_WEIGHT for e in c.entities})
            f.update({f"N:{x}": NUMBER_WEIGHT for x in c.numbers})
            df.update(f.keys())
            feats.append(f)
        vocab = {k: i for i, k in enumerate(sorted(df))}
        rows, cols, vals = [], [], []
        for i, f in enumerate(feats):
            row = {vocab[k]: v * math.log(1.0 + n / df[k]) for k, v in f.items()}
            norm = math.sqrt(sum(x * x for x in row.values())) or 1.0
            for j, v in row.items():
                rows.append(i)
                cols.append(j)
                vals.append(v / norm)
        m = sp.csr_matrix((vals, (rows, cols)), shape=(n, max(len(vocab), 1)), dtype=np.float32)
        self.sim = np.asarray((m @ m.T).todense(), dtype=np.float32)
        self._relevance()

    def _relevance(self) -> None:
        n = len(self.cands)
        if not n:
            return
        codes: dict[str, int] = {}
        arts = np.array([codes.setdefault(c.article_id, len(codes)) for c in self.cands])
        other = arts[:, None] != arts[None, :]
        if other.any():
            sums = np.where(other, self.sim, 0.0).sum(axis=1)
            counts = np.maximum(other.sum(axis=1), 1)
            central = sums / counts
        else:  # one article: centrality within it
            central = (self.sim.sum(axis=1) - 1.0) / max(n - 1, 1)
        top = float(central.max()) or 1.0
        for i, c in enumerate(self.cands):
            position = 1.0 / (1.0 + 0.35 * c.position)
            c.relevance = 0.45 * float(central[i]) / top + 0.35 * position + 0.2 * c.article_weight

    def gain(self, i: int, covered: set[str]) -> float:
        total = sum(self.salience.values()) or 1.0
        return sum(self.salience.get(e, 0.0) for e in self.cands[i].entities - covered) / total

    def select(
        self,
        k: int,
        *,
        chosen: list[int] | None = None,
        among: Iterable[int] | None = None,
        prefer_lang: str | None = None,
    ) -> list[int]:
        """Up to ``k`` more candidate indexes (among ``among``), none redundant with
        ``chosen`` or with each other; returns only the new ones, best first."""
        picked = list(chosen or [])
        covered: set[str] = set()
        for i in picked:
            covered |= self.cands[i].entities
        pool = sorted(set(range(len(self.cands)) if among is None else among) - set(picked))
        new: list[int] = []
        while len(new) < k:
            best, best_val = -1, -math.inf
            for i in pool:
                red = max((float(self.sim[i, j]) for j in picked), default=0.0)
                same = any(self.cands[i].text == self.cands[j].text for j in picked)
                if red >= REDUNDANT or same:
                    continue
                val = LAMBDA * (self.cands[i].relevance + 0.5 * self.gain(i, covered))
                val -= (1 - LAMBDA) * red
                if val > best_val:
                    best, best_val = i, val
            if best < 0:
                break
            if prefer_lang:
                best = self._in_lang(best, prefer_lang, pool, picked)
            picked.append(best)
            new.append(best)
            covered |= self.cands[best].entities
            pool.remove(best)
        return new

    def _in_lang(self, i: int, lang: str, pool: list[int], picked: list[int]) -> int:
        """``i``, or the candidate in ``lang`` that says the same (most similar, about as
        relevant, not redundant with the sentences already chosen)."""
        if self.cands[i].lang == lang:
            return i
        best, best_sim = i, EQUIVALENT
        for j in pool:
            c = self.cands[j]
            if c.lang != lang or c.relevance < 0.5 * self.cands[i].relevance:
                continue
            s = float(self.sim[i, j])
            if s < best_sim:
                continue
            if any(float(self.sim[j, p]) >= REDUNDANT for p in picked):
                continue
            best, best_sim = j, s
        return best


def entity_salience(cands: list[Candidate]) -> dict[str, float]:
    """An entity's weight: the number of articles whose candidates mention it (entities of
    one article only count half), so the story's main actors come first."""
    arts: dict[str, set[str]] = {}
    for c in cands:
        for e in c.entities:
            arts.setdefault(e, set()).add(c.article_id)
    return {e: float(len(a)) if len(a) > 1 else 0.5 for e, a in arts.items()}
