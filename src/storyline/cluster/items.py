"""How the clusterer sees an article: its embedding, name keys and (uncertain) day."""

from __future__ import annotations

import math

import numpy as np

from storyline.cluster.events import Item
from storyline.cluster.features import day_number
from storyline.model import Article

#: +- days of uncertainty of an estimated publication date, by its granularity
TOLERANCE = {"day": 0.0, "month": 15.0, "year": 183.0}


def item_day(a: Article) -> tuple[int | None, float]:
    if a.date is None or a.date.value is None:
        return None, 0.0
    day = day_number(a.date.value)
    if day is None:
        return None, 0.0
    tol = 0.0 if not a.date.is_estimate else TOLERANCE.get(a.date.granularity, 183.0)
    if a.date.is_estimate and a.date.granularity == "day":
        tol = 2.0
    return day, tol


def article_item(a: Article, vec: np.ndarray) -> Item:
    """The clusterer's view of an article; ``vec`` is its centred, unit-norm embedding."""
    day, tol = item_day(a)
    return Item(
        id=a.id,
        vec=vec,
        keys={k: 1.0 + math.log(n) for k, n in (a.key_tf or dict.fromkeys(a.keys, 1)).items()},
        day=day,
        tolerance=tol,
        lang=a.lang.lang if a.lang else "und",
        dup_of=a.dup_of,
        month_days=month_days(a) if day is None or tol > 0 else (),
    )


def lang_of(a: Article) -> str:
    return a.lang.lang if a.lang else "und"


def month_days(a: Article) -> tuple[tuple[int, int], ...]:
    out = []
    for t in a.times:
        v = t.value or ""
        if len(v) == 7 and v.startswith("--") and v[2:4].isdigit() and v[5:7].isdigit():
            out.append((int(v[2:4]), int(v[5:7])))
    return tuple(out[:8])
