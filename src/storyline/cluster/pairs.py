"""Pair scores for event clustering, vectorised over blocks of profiles, and explained.

``event_terms`` scores one pair and names every term; ``PairIndex.block_scores`` computes the
same scores for every pair of a block of profiles at once (numpy and scipy.sparse), which is
what clustering uses. Both implement one definition:

* same language: ``w_dense * dense + w_words * words``; different languages:
  ``w_cross * dense`` (TF-IDF does not match across languages);
* ``+ w_short * dense`` when both texts are short (fewer than ``short_terms`` distinct terms:
  briefs, feed summaries, headlines with a line): the embedding then covers the whole text
  and is the surest signal, while word overlap of a few words says little;
* ``+ w_ents * entities`` (cosine of canonical entity ids) and ``+ w_names * names``
  (cosine of rarity-weighted cross-script name keys);
* ``- p_day1`` when the happenings are a day apart, ``- p_day2`` when two days or more apart;
  articles published more than ``window_days`` apart are not compared (estimated dates count
  with their uncertainty: a month, a year);
* ``- p_src_day`` when one outlet reports happenings a day or more apart (its update or
  follow-up is another event), ``- p_src_same`` when one outlet reports on the same day (two
  reports of one outlet on one day are usually two happenings, except updated versions);
* ``- p_place`` when each article is about a different district or city;
* ``- p_undated`` when either article has no day-exact date (it is compared regardless);
* a near-duplicate (syndicated copy) and its original score 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp

from storyline.cluster.model import EventModel
from storyline.cluster.profile import Profile
from storyline.cluster.words import cosine

NEG = -10.0  # score of pairs that are never compared (kept finite for numpy)


def place_key(p: Profile) -> str | None:
    """The district (else city) an article is mainly about, if one dominates."""
    return p.place_focus("admin2") or p.place_focus("city")


def is_short(n_terms: Any, m: EventModel) -> Any:
    """A brief: its text has fewer than ``m.short_terms`` distinct terms (one count, or an
    array of counts)."""
    return (n_terms > 0) & (n_terms < m.short_terms)


def event_terms(
    a: Profile,
    b: Profile,
    m: EventModel,
    va: np.ndarray | None = None,
    vb: np.ndarray | None = None,
) -> dict[str, float]:
    """Every term of the pair score (their sum is the score); ``{"never": NEG}`` when the
    pair is outside the time window. ``va``/``vb``: the centred vectors (default: the
    profiles' own vectors, taken as centred)."""
    if (a.dup_of and a.dup_of == b.id) or (b.dup_of and b.dup_of == a.id):
        return {"near_duplicate": 1.0}
    terms: dict[str, float] = {}
    dense = float((a.vec if va is None else va) @ (b.vec if vb is None else vb))
    if a.lang == b.lang:
        terms["dense"] = m.w_dense * dense
        terms["words"] = m.w_words * cosine(a.words, b.words)
    else:
        terms["dense_cross_lingual"] = m.w_cross * dense
    if m.w_short and is_short(len(a.words), m) and is_short(len(b.words), m):
        terms["short_texts"] = m.w_short * dense
    if m.w_ents and a.ents and b.ents:
        terms["entities"] = m.w_ents * _ent_cos(a.ents, b.ents)
    if m.w_names and a.names and b.names:
        terms["names"] = m.w_names * _ent_cos(a.names, b.names)
    # estimates (a month, a year) count with their uncertainty: never years apart
    if (
        a.day is not None
        and b.day is not None
        and abs(a.day - b.day) - a.tolerance - b.tolerance > m.window_days
    ):
        return {"never": NEG}
    if a.dated and b.dated:
        assert a.day is not None and b.day is not None
        ha = a.hday if a.hday is not None else a.day
        hb = b.hday if b.hday is not None else b.day
        gap = abs(ha - hb)
        if gap == 1:
            terms["day_apart"] = -m.p_day1
        elif gap >= 2:
            terms["days_apart"] = -m.p_day2
        if a.source and a.source == b.source:
            if gap >= 1 and m.p_src_day:
                terms["same_outlet_other_day"] = -m.p_src_day
            elif gap == 0 and m.p_src_same:
                terms["same_outlet_same_day"] = -m.p_src_same
    else:
        terms["undated"] = -m.p_undated
    pa, pb = place_key(a), place_key(b)
    if m.p_place and pa and pb and pa != pb:
        terms["different_place"] = -m.p_place
    return terms


def _ent_cos(a: dict[str, float], b: dict[str, float]) -> float:
    na = sum(v * v for v in a.values()) ** 0.5
    nb = sum(v * v for v in b.values()) ** 0.5
    if not na or not nb:
        return 0.0
    return sum(v * b.get(k, 0.0) for k, v in a.items()) / (na * nb)


class Block:
    """A set of profiles as arrays; ``scores_from`` scores another block against it."""

    def __init__(
        self,
        *,
        ids: list[str],
        profiles: list[Profile],
        vec: np.ndarray,
        words: sp.csr_matrix,
        ents: sp.csr_matrix,
        names: sp.csr_matrix,
    ) -> None:
        self.ids, self.profiles, self.vec = ids, profiles, vec
        self._words, self._ents, self._names = words, ents, names
        self._t: dict[tuple[str, int], sp.csr_matrix] = {}
        ps = profiles
        self.lang = np.array([p.lang for p in ps], dtype=object)
        self.dated = np.array([p.dated for p in ps], dtype=bool)
        self.known = np.array([p.day is not None for p in ps], dtype=bool)
        self.tol = np.array([p.tolerance for p in ps], dtype=np.float64)
        self.day = np.array([p.day if p.day is not None else 0 for p in ps], dtype=np.int64)
        self.hday = np.array(
            [p.hday if p.hday is not None else (p.day or 0) for p in ps], dtype=np.int64
        )
        self.source = np.array([p.source for p in ps], dtype=object)
        self.n_terms = np.array([len(p.words) for p in ps], dtype=np.int64)
        self.place = [place_key(p) for p in ps]
        self.pos = {aid: k for k, aid in enumerate(ids)}

    def scores_from(self, a: Block, m: EventModel) -> np.ndarray:
        """Scores of every (row of ``a``, column of this block) pair."""

        def dot(name: str, x: sp.csr_matrix, y: sp.csr_matrix) -> np.ndarray:
            n = max(x.shape[1], y.shape[1])
            y_t = self._t.get((name, n))
            if y_t is None:  # this block's matrix, transposed once per vocabulary size
                y_t = self._t[(name, n)] = _widen(y, n).T.tocsr()
            return np.asarray((_widen(x, n) @ y_t).toarray())

        dense = a.vec @ self.vec.T
        words = dot("words", a._words, self._words)
        same = a.lang[:, None] == self.lang[None, :]
        s = np.where(same, m.w_dense * dense + m.w_words * words, m.w_cross * dense)
        if m.w_short:
            sa, sb = is_short(a.n_terms, m), is_short(self.n_terms, m)
            s = s + np.where(sa[:, None] & sb[None, :], m.w_short * dense, 0.0)
        if m.w_ents:
            s = s + m.w_ents * dot("ents", a._ents, self._ents)
        if m.w_names:
            s = s + m.w_names * dot("names", a._names, self._names)
        both = a.dated[:, None] & self.dated[None, :]
        gap = np.abs(a.hday[:, None] - self.hday[None, :])
        s = s - np.where(both & (gap == 1), m.p_day1, 0.0)
        s = s - np.where(both & (gap >= 2), m.p_day2, 0.0)
        s = s - np.where(~both, m.p_undated, 0.0)
        if m.p_src_day or m.p_src_same:
            same_src = (a.source[:, None] == self.source[None, :]) & (a.source[:, None] != "")
            s = s - np.where(both & same_src & (gap >= 1), m.p_src_day, 0.0)
            s = s - np.where(both & same_src & (gap == 0), m.p_src_same, 0.0)
        if m.p_place:
            codes = {k: i for i, k in enumerate(sorted({k for k in a.place + self.place if k}))}
            ka = np.array([codes[k] if k else -1 for k in a.place])[:, None]
            kb = np.array([codes[k] if k else -1 for k in self.place])[None, :]
            s = s - np.where((ka != kb) & (ka >= 0) & (kb >= 0), m.p_place, 0.0)
        known = a.known[:, None] & self.known[None, :]
        slack = a.tol[:, None] + self.tol[None, :]
        far = np.abs(a.day[:, None] - self.day[None, :]) - slack > m.window_days
        s = np.where(known & far, NEG, s)
        for r, p in enumerate(a.profiles):  # syndicated copies join their original
            c = self.pos.get(p.dup_of) if p.dup_of else None
            if c is not None:
                s[r, c] = 1.0
        for c, p in enumerate(self.profiles):
            r2 = a.pos.get(p.dup_of) if p.dup_of else None
            if r2 is not None:
                s[r2, c] = 1.0
        for r, aid in enumerate(a.ids):  # an article is not its own neighbour
            c2 = self.pos.get(aid)
            if c2 is not None:
                s[r, c2] = NEG
        return s.astype(np.float32)


def _widen(x: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """``x`` with ``n`` columns (the vocabulary grew since it was built)."""
    if x.shape[1] == n:
        return x
    return sp.csr_matrix((x.data, x.indices, x.indptr), shape=(x.shape[0], n))


class PairIndex:
    """Profiles kept as arrays for block scoring (rows are reused after removal)."""

    def __init__(self, dim: int, means: Callable[[str], np.ndarray] | None = None) -> None:
        """``means``: the current mean vector of a language; vectors are centred by it each
        time they are scored (so a region is scored with the means of now, whatever the
        order its articles arrived in). ``None``: vectors are used as given."""
        self.dim = dim
        self.means = means
        self.profiles: list[Profile | None] = []
        self.row: dict[str, int] = {}
        self._free: list[int] = []
        self._vec = np.zeros((0, dim), dtype=np.float32)
        self._vocab: dict[str, int] = {}
        self._evocab: dict[str, int] = {}
        self._nvocab: dict[str, int] = {}
        self._words: list[tuple[np.ndarray, np.ndarray]] = []
        self._ents: list[tuple[np.ndarray, np.ndarray]] = []
        self._names: list[tuple[np.ndarray, np.ndarray]] = []

    def __contains__(self, aid: str) -> bool:
        return aid in self.row

    def __len__(self) -> int:
        return len(self.row)

    def get(self, aid: str) -> Profile | None:
        r = self.row.get(aid)
        return self.profiles[r] if r is not None else None

    def add(self, p: Profile) -> int:
        if p.id in self.row:
            self.remove(p.id)
        if self._free:
            r = self._free.pop()
        else:
            r = len(self.profiles)
            self.profiles.append(None)
            self._words.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
            self._ents.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
            self._names.append((np.zeros(0, np.int64), np.zeros(0, np.float32)))
            if r >= self._vec.shape[0]:
                grown = np.zeros((max(64, 2 * self._vec.shape[0]), self.dim), np.float32)
                grown[: self._vec.shape[0]] = self._vec
                self._vec = grown
        self.profiles[r] = p
        self.row[p.id] = r
        self._vec[r] = p.vec
        self._words[r] = self._sparse(p.words, self._vocab, normalise=False)
        self._ents[r] = self._sparse(p.ents, self._evocab, normalise=True)
        self._names[r] = self._sparse(p.names, self._nvocab, normalise=True)
        return r

    @staticmethod
    def _sparse(
        w: dict[str, float], vocab: dict[str, int], *, normalise: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        idx = np.fromiter((vocab.setdefault(k, len(vocab)) for k in w), np.int64, len(w))
        val = np.fromiter(w.values(), np.float32, len(w))
        if normalise and len(val):
            n = float(np.linalg.norm(val))
            if n:
                val = val / n
        return idx, val

    def remove(self, aid: str) -> None:
        r = self.row.pop(aid, None)
        if r is not None:
            self.profiles[r] = None
            self._free.append(r)

    def ids(self) -> list[str]:
        return list(self.row)

    def _csr(
        self, rows: list[int], data: list[tuple[np.ndarray, np.ndarray]], n_cols: int
    ) -> sp.csr_matrix:
        indptr = np.zeros(len(rows) + 1, np.int64)
        for k, r in enumerate(rows):
            indptr[k + 1] = indptr[k] + len(data[r][0])
        idx = np.concatenate([data[r][0] for r in rows]) if rows else np.zeros(0, np.int64)
        val = np.concatenate([data[r][1] for r in rows]) if rows else np.zeros(0, np.float32)
        return sp.csr_matrix((val, idx, indptr), shape=(len(rows), max(1, n_cols)))

    def block_scores(self, ids: list[str], m: EventModel) -> np.ndarray:
        """Scores of every pair of ``ids`` (symmetric; diagonal NEG)."""
        b = self.block(ids)
        return b.scores_from(b, m)

    def scores(self, ids_a: list[str], ids_b: list[str], m: EventModel) -> np.ndarray:
        """Scores of every (a, b) pair, a in ``ids_a`` (rows) and b in ``ids_b`` (columns)."""
        return self.block(ids_b).scores_from(self.block(ids_a), m)

    def centred(self, rows: list[int], langs: list[str]) -> np.ndarray:
        """Unit vectors of ``rows``, centred by the current mean of each one's language."""
        vec = self._vec[rows]
        if self.means is None or not rows:
            return vec
        out = np.empty_like(vec)
        by_lang: dict[str, list[int]] = {}
        for k, lang in enumerate(langs):
            by_lang.setdefault(lang, []).append(k)
        for lang, ks in by_lang.items():
            x = vec[ks] - self.means(lang)
            n = np.linalg.norm(x, axis=1, keepdims=True)
            n[n == 0] = 1.0
            out[ks] = x / n
        return out

    def centred_vec(self, aid: str) -> np.ndarray:
        p = self.get(aid)
        assert p is not None
        return self.centred([self.row[aid]], [p.lang])[0]

    def block(self, ids: list[str]) -> Block:
        """The arrays of a set of profiles, prepared once for many score computations."""
        rows = [self.row[i] for i in ids]
        ps = [p for p in (self.profiles[r] for r in rows) if p is not None]
        assert len(ps) == len(rows)
        return Block(
            ids=list(ids),
            profiles=ps,
            vec=self.centred(rows, [p.lang for p in ps]),
            words=self._csr(rows, self._words, len(self._vocab)),
            ents=self._csr(rows, self._ents, len(self._evocab)),
            names=self._csr(rows, self._names, len(self._nvocab)),
        )

    def day_rows(self, lo: int, hi: int) -> list[str]:
        """Ids of dated profiles with a publication day in ``[lo, hi]``."""
        return [
            p.id
            for p in self.profiles
            if p is not None and p.dated and p.day is not None and lo <= p.day <= hi
        ]

    def undated(self) -> list[str]:
        return [p.id for p in self.profiles if p is not None and not p.dated]
