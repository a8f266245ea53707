"""Similarity features shared by event and story clustering.

* dense: cosine of *centred* embeddings. Raw e5 cosines bunch near 0.8 for any two news
  texts; subtracting a background mean vector (``resources/e5_mean.npy``) spreads them so a
  threshold means something (unrelated ≈ 0, same event ≈ 0.5–0.8).
* names: IDF-weighted cosine over cross-script name keys (:mod:`storyline.text.names`).
  Document frequencies combine a shipped background table (``resources/key_df.json.gz``)
  with the store's own counts, so rarity is meaningful from the first article on.
* time: days between publication dates.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

import numpy as np

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def background_mean(encoder_name: str, dim: int) -> np.ndarray:
    """Mean embedding of the background corpus for ``encoder_name`` (zeros if unknown)."""
    if encoder_name.startswith("e5"):
        try:
            ref = resources.files("storyline.resources").joinpath("e5_mean.npy")
            with ref.open("rb") as fh:
                mean = np.load(fh).astype(np.float32)
            if mean.shape == (dim,):
                return mean
        except (FileNotFoundError, OSError, ValueError):  # pragma: no cover - packaging
            log.warning("resources/e5_mean.npy missing: dense similarities are not centred")
    return np.zeros(dim, dtype=np.float32)


def centre(vecs: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Subtract the background mean and re-normalise (rows of a 2-D array, or one vector)."""
    x = vecs - mean
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


@lru_cache(maxsize=1)
def _background_df() -> tuple[int, dict[str, int]]:
    try:
        ref = resources.files("storyline.resources").joinpath("key_df.json.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        return int(data["n_docs"]), {str(k): int(v) for k, v in data["df"].items()}
    except (FileNotFoundError, OSError, ValueError, KeyError):  # pragma: no cover - packaging
        log.warning("resources/key_df.json.gz missing: name rarity uses this store alone")
        return 0, {}


class KeyIDF:
    """IDF of name keys from background + store document frequencies.

    ``local_df``/``local_n`` are the store's own counts; callers update them as articles
    arrive (:meth:`add`). Numbers (years, counts) are capped at a modest IDF: ``2020`` is
    shared by everything in a 2020 corpus and must never glue stories together.
    """

    NUMBER_CAP = 2.0

    def __init__(self, local_df: Mapping[str, int] | None = None, local_n: int = 0) -> None:
        self.bg_n, self.bg_df = _background_df()
        self.local_df: dict[str, int] = dict(local_df or {})
        self.local_n = local_n
        self._cache: dict[str, float] = {}

    def add(self, keys: Iterable[str]) -> None:
        for k in set(keys):
            self.local_df[k] = self.local_df.get(k, 0) + 1
            self._cache.pop(k, None)
        self.local_n += 1
        if self.local_n % 256 == 0:
            self._cache.clear()

    def __call__(self, key: str) -> float:
        v = self._cache.get(key)
        if v is None:
            if key.startswith("@"):  # canonical entity ids: only this store has seen them
                n, df = self.local_n + 1, self.local_df.get(key, 0)
            else:
                n = self.bg_n + self.local_n + 1
                df = self.bg_df.get(key, 0) + self.local_df.get(key, 0)
            v = math.log(n / (df + 1)) + 1.0
            if key.isdigit():
                v = min(v, self.NUMBER_CAP)
            self._cache[key] = v
        return v

    def weights(self, keys: Iterable[str]) -> dict[str, float]:
        return {k: self(k) for k in keys}


def weighted_cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse weight vectors."""
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    if dot == 0:
        return 0.0
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb)


def names_similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Shared-name similarity of two weighted key sets.

    Two channels: cross-script name keys, and canonical entity keys (``@n000042``, from
    :mod:`storyline.annotate`). Each is a weighted cosine on its own and the stronger one
    counts, so entities lift a pair whose names are spelled differently (translations,
    aliases) but never dilute a pair where only one side has entities (languages the entity
    extractor does not cover).
    """
    an = {k: w for k, w in a.items() if not k.startswith("@")}
    bn = {k: w for k, w in b.items() if not k.startswith("@")}
    best = weighted_cosine(an, bn)
    if len(an) < len(a) and len(bn) < len(b):
        ae = {k: w for k, w in a.items() if k.startswith("@")}
        be = {k: w for k, w in b.items() if k.startswith("@")}
        best = max(best, weighted_cosine(ae, be))
    return best


def day_number(value: str | None) -> int | None:
    """Ordinal day of an ISO date; ``YYYY-MM`` → mid-month, ``YYYY`` → mid-year."""
    if not value:
        return None
    try:
        if len(value) >= 10:
            return dt.date.fromisoformat(value[:10]).toordinal()
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-15").toordinal()
        if len(value) == 4:
            return dt.date(int(value), 7, 1).toordinal()
    except ValueError:
        return None
    return None


def day_to_iso(day: int | None) -> str | None:
    return dt.date.fromordinal(day).isoformat() if day is not None else None


class LangMeans:
    """Per-language mean embeddings, learnt from the store's own articles.

    Multilingual encoders put a language-identity component into every vector: two unrelated
    Hindi texts are closer than a Hindi and an English report of the same event. Subtracting
    the mean vector *of the article's language* removes most of it (language-specific mean
    centring). Each language's mean is shrunk towards the shipped background mean
    (``prior``) with the weight of ``prior_weight`` articles, so a language seen twice is
    centred almost like the background and one seen a thousand times by its own mean.

    The engine updates the means with each batch *before* clustering it, and stores the
    sums in the same transaction as the batch, so a resumed ingest sees the same means.
    """

    def __init__(self, prior: np.ndarray, prior_weight: float = 10.0) -> None:
        self.prior = prior.astype(np.float32)
        self.prior_weight = prior_weight
        self.sums: dict[str, np.ndarray] = {}
        self.counts: dict[str, int] = {}
        self._cache: dict[str, np.ndarray] = {}

    def update(self, lang: str, vec: np.ndarray) -> None:
        s = self.sums.get(lang)
        self.sums[lang] = vec.astype(np.float32) if s is None else s + vec
        self.counts[lang] = self.counts.get(lang, 0) + 1
        self._cache.pop(lang, None)

    def mean(self, lang: str) -> np.ndarray:
        m = self._cache.get(lang)
        if m is None:
            n = self.counts.get(lang, 0)
            s = self.sums.get(lang)
            m = (
                self.prior
                if s is None
                else (s + self.prior_weight * self.prior) / (n + self.prior_weight)
            )
            m = m.astype(np.float32)
            self._cache[lang] = m
        return m

    def centre(self, lang: str, vec: np.ndarray) -> np.ndarray:
        return centre(vec, self.mean(lang))

    # persistence: one vector per language, the sum with the count appended ----------------
    def packed(self, langs: Iterable[str] | None = None) -> dict[str, np.ndarray]:
        keys = self.sums.keys() if langs is None else [k for k in langs if k in self.sums]
        return {
            k: np.append(self.sums[k], np.float32(self.counts[k])).astype(np.float32) for k in keys
        }

    def load_packed(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        for lang, v in items:
            if v.shape[0] != self.prior.shape[0] + 1:
                continue
            self.sums[lang] = v[:-1].astype(np.float32)
            self.counts[lang] = round(float(v[-1]))
        self._cache.clear()
