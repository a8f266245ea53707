"""The clusterer's view of one article (:class:`Profile`) and how it is built.

A profile holds everything pair scoring needs, computed once per article:

* ``vec``: the e5 embedding of title + lead (unit length); clustering centres it by the
  current mean of the article's language each time it scores it (see
  :class:`storyline.cluster.features.LangMeans` and :class:`storyline.cluster.pairs.PairIndex`);
* ``words``: TF-IDF of title and text with background document frequencies
  (:mod:`storyline.cluster.words`);
* ``ents``: canonical entity ids (``@n000042``), when the annotator ran;
* ``names``: cross-script name keys (:mod:`storyline.text.names`) weighted by their rarity;
* ``places``: where the article is about, level by level (:mod:`storyline.geo`);
* ``day``: the publication day, and ``hday``, the day of the happening it reports (the latest
  day-exact date of the lead within the week before publication: "on Monday" in a Wednesday
  paper), both as ordinals;
* language, outlet and the near-duplicate it copies, if any.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from storyline.cluster.features import day_number
from storyline.cluster.words import WordDF, tokens
from storyline.model import Article

#: +- days of uncertainty of an estimated publication date, by its granularity
TOLERANCE = {"day": 2.0, "month": 15.0, "year": 183.0}
LEAD_CHARS = 400  # where the date of the happening is looked for
HAPPENING_WINDOW = 7  # days before publication a lead date may name


@dataclass
class Profile:
    id: str
    vec: np.ndarray
    words: dict[str, float]
    day: int | None
    tolerance: float = 0.0
    hday: int | None = None
    lang: str = "und"
    source: str = ""
    ents: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    places: dict[str, dict[str, float]] = field(default_factory=dict)
    dup_of: str | None = None
    headline: frozenset[str] = frozenset()  # the title's words (casefolded)

    @property
    def dated(self) -> bool:
        return self.day is not None and self.tolerance <= 2.0

    def place_focus(self, level: str, min_share: float = 0.5) -> str | None:
        w = self.places.get(level) or {}
        if not w:
            return None
        pid, top = max(w.items(), key=lambda kv: (kv[1], kv[0]))
        return pid if top / sum(w.values()) >= min_share else None


def publication_day(a: Article) -> tuple[int | None, float]:
    """(ordinal day, +- days of uncertainty) of an article's publication date."""
    if a.date is None or a.date.value is None:
        return None, 0.0
    day = day_number(a.date.value)
    if day is None:
        return None, 0.0
    if not a.date.is_estimate:
        return day, 0.0
    return day, TOLERANCE.get(a.date.granularity, 183.0)


def happening_day(a: Article, pub: int | None) -> int | None:
    """The day of the happening the lead reports, or the publication day.

    The latest day-exact date the lead names within the week before publication: a lead
    tells the news first and its background after, so "on Friday … on Monday" in a Tuesday
    paper reports Monday's happening.
    """
    if pub is None:
        return None
    best: int | None = None
    for t in a.times:
        if t.start > LEAD_CHARS:
            break
        v = t.value or ""
        if len(v) != 10:
            continue
        try:
            d = dt.date.fromisoformat(v).toordinal()
        except ValueError:
            continue
        if pub - HAPPENING_WINDOW <= d <= pub and (best is None or d > best):
            best = d
    return best if best is not None else pub


def entity_weights(a: Article, idf: dict[str, float] | None = None) -> dict[str, float]:
    """Entity-id keys of the article (``@n…``), sublinear in their counts."""
    tf = a.key_tf or dict.fromkeys(a.keys, 1)
    out = {}
    for k, n in tf.items():
        if k.startswith("@"):
            out[k] = (1.0 + math.log(max(1, n))) * (idf.get(k, 1.0) if idf else 1.0)
    return out


def name_weights(a: Article, idf: Callable[[str], float] | None) -> dict[str, float]:
    """Cross-script name keys of the article, ``(1 + ln tf) * idf``, the 40 heaviest."""
    tf = a.key_tf or dict.fromkeys(a.keys, 1)
    w = {
        k: (1.0 + math.log(max(1, n))) * (idf(k) if idf else 1.0)
        for k, n in tf.items()
        if not k.startswith("@")
    }
    return dict(sorted(w.items(), key=lambda kv: -kv[1])[:40])


def build_profile(
    a: Article, vec: np.ndarray, df: WordDF, idf: Callable[[str], float] | None = None
) -> Profile:
    """Profile of an article; ``vec`` is its unit-length embedding."""
    day, tol = publication_day(a)
    places = a.extra.get("places") if isinstance(a.extra.get("places"), dict) else {}
    return Profile(
        id=a.id,
        vec=vec.astype(np.float32),
        words=df.vector(a.title, a.text),
        day=day,
        tolerance=tol,
        hday=happening_day(a, day) if tol == 0.0 else day,
        lang=a.lang.lang if a.lang else "und",
        source=(a.source_name or "").casefold(),
        ents=entity_weights(a),
        names=name_weights(a, idf),
        places={k: dict(v) for k, v in (places or {}).items()},
        dup_of=a.dup_of,
        headline=frozenset(tokens(a.title or "")),
    )
