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
