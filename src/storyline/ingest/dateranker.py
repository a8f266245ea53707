"""The decision half of :mod:`storyline.ingest.pagedate`: the signal and result types, the
features of each candidate date, the logistic :class:`DateRanker` (shipped as
``resources/date_ranker.json``, fitted by ``scripts/build_date_ranker.py``) and
:func:`decide`, which shows the best-ranked date with its probability as the confidence."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["FEATURES", "KINDS", "DateRanker", "DateSignal", "PageDate", "candidate_features",
           "decide", "default_ranker"]


@dataclass(frozen=True)
class DateSignal:
    kind: str  # see the module docstring
    value: str  # ISO YYYY-MM-DD
    raw: str  # the string as found on the page
    where: str  # e.g. 'meta property="article:published_time"'


@dataclass
class PageDate:
    value: str | None
    confidence: float
    evidence: str
    signals: list[DateSignal] = field(default_factory=list)



KINDS: tuple[str, ...] = (
    "url", "jsonld-published", "jsonld-modified", "meta-published", "meta-modified",
    "time-published", "time-modified", "time-first", "text-date", "text-updated", "title-date",
    "title-updated", "htmldate", "htmldate-text",
)
FEATURES: tuple[str, ...] = (
    *KINDS, "later-signals", "latest-candidate", "earliest-candidate", "single-candidate",
    "published-agree", "modified-only", "shown", "shown-twice", "shown-and-modified",
    "shown-and-published", "shown-elsewhere",
)
_PUBLISHED = ("url", "jsonld-published", "meta-published", "time-published")
_MODIFIED = ("jsonld-modified", "meta-modified", "time-modified", "text-updated",
             "title-updated")
_SHOWN = ("title-date", "title-updated", "text-date", "text-updated", "time-first")
_META_MOD = ("jsonld-modified", "meta-modified", "time-modified")


def _strongest(signals: list[DateSignal]) -> dict[str, DateSignal]:
    """The first signal of each kind (page order: the main article's comes first)."""
    first: dict[str, DateSignal] = {}
    for s in signals:
        first.setdefault(s.kind, s)
    return first


def candidate_features(signals: list[DateSignal]) -> dict[str, list[float]]:
    """One feature vector (:data:`FEATURES`) per distinct date the page gives."""
    first = _strongest(signals)
    values = sorted({s.value for s in signals})
    out: dict[str, list[float]] = {}
    for v in values:
        backing = {k for k, s in first.items() if s.value == v}
        later = sum(1 for s in signals if s.value == v and first[s.kind] is not s)
        f = [1.0 if k in backing else 0.0 for k in KINDS]
        f += [
            min(later, 3) / 3,
            1.0 if v == values[-1] and len(values) > 1 else 0.0,
            1.0 if v == values[0] and len(values) > 1 else 0.0,
            1.0 if len(values) == 1 else 0.0,
            1.0 if sum(1 for k in _PUBLISHED if k in backing) >= 2 else 0.0,
            1.0 if backing and backing <= set(_MODIFIED) else 0.0,
        ]
        shown = sum(1 for k in _SHOWN if k in backing)
        shown_other = any(k in first and first[k].value != v for k in _SHOWN)
        f += [
            1.0 if shown else 0.0,
            1.0 if shown >= 2 else 0.0,
            1.0 if shown and any(k in backing for k in _META_MOD) else 0.0,
            1.0 if shown and any(k in backing for k in _PUBLISHED) else 0.0,
            1.0 if shown_other else 0.0,
        ]
        out[v] = f
    return out


@dataclass
class DateRanker:
    """Logistic scorer of candidate dates; the best-scoring candidate is the page's date.

    Its probability is the confidence shown. Trained by ``scripts/build_date_ranker.py`` on
    WCXB dev (gold publication dates) and shipped as ``resources/date_ranker.json``.
    """

    weights: list[float]
    bias: float
    version: str = "untrained"
    trained_on: str = ""

    def score(self, f: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, f, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_disk(self, path: str | Path) -> None:
        data = {"version": self.version, "trained_on": self.trained_on,
                "features": list(FEATURES), "weights": [round(w, 5) for w in self.weights],
                "bias": round(self.bias, 5)}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateRanker:
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("date ranker features do not match this version of storyline; "
                             "rebuild it with scripts/build_date_ranker.py")
        return cls([float(w) for w in data["weights"]], float(data["bias"]),
                   str(data.get("version", "?")), str(data.get("trained_on", "")))

    @classmethod
    def from_disk(cls, path: str | Path | None = None) -> DateRanker:
        if path is None:
            text = resources.files("storyline.resources").joinpath("date_ranker.json").read_text(
                encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    @classmethod
    def fit(cls, pages: list[tuple[list[DateSignal], str]], *, l2: float = 1.0,
            version: str = "", trained_on: str = "") -> DateRanker:
        """Fit on (signals, gold ISO date) pairs: every candidate is an example."""
        import numpy as np

        xs: list[list[float]] = []
        ys: list[float] = []
        for signals, gold in pages:
            for v, f in candidate_features(signals).items():
                xs.append(f)
                ys.append(1.0 if v == gold else 0.0)
        x = np.asarray(xs, dtype=float)
        y = np.asarray(ys, dtype=float)
        x1 = np.hstack([x, np.ones((len(x), 1))])
        w = np.zeros(x1.shape[1])
        reg = np.full(x1.shape[1], l2)
        reg[-1] = 0.0  # the bias is not shrunk
        for _ in range(50):  # Newton steps on the penalised log-likelihood
            p = 1.0 / (1.0 + np.exp(-np.clip(x1 @ w, -30, 30)))
            grad = x1.T @ (p - y) + reg * w
            hess = (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(reg + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if float(np.abs(step).max()) < 1e-8:
                break
        return cls([float(v) for v in w[:-1]], float(w[-1]), version, trained_on)


@lru_cache(maxsize=1)
def default_ranker() -> DateRanker | None:
    try:
        return DateRanker.from_disk()
    except (FileNotFoundError, ValueError, KeyError) as err:
        log.warning("date ranker unavailable (%s); page dates fall back to fixed weights", err)
        return None


_FALLBACK_WEIGHTS = {"url": 3.0, "jsonld-published": 2.5, "meta-published": 2.5,
                     "time-published": 2.0, "time-first": 1.5, "htmldate": 1.5}


def decide(signals: list[DateSignal], ranker: DateRanker | None = None) -> PageDate:
    """One date from the signals: the best-ranked candidate, its probability as confidence."""
    if not signals:
        return PageDate(None, 0.0, "no date signal on the page")
    model = ranker or default_ranker()
    feats = candidate_features(signals)
    if model is not None:
        scored = {v: model.score(f) for v, f in feats.items()}
    else:  # no shipped model: fixed weights, and a confidence that claims little
        first = _strongest(signals)
        scored = {v: 0.1 * sum(_FALLBACK_WEIGHTS.get(k, 0.5) for k, s in first.items()
                               if s.value == v) for v in feats}
    value = max(scored, key=lambda v: (scored[v], v))
    conf = min(scored[value], 0.99) if model is not None else min(scored[value], 0.6)
    first = _strongest(signals)
    backing = [s for s in first.values() if s.value == value]
    if any(s.kind == "htmldate" for s in backing):
        backing = [s for s in backing if s.kind != "htmldate-text"]
    against = [s for s in first.values() if s.value != value]
    ev = "; ".join(f"{s.where} {s.raw.strip()[:40]!r}" for s in backing[:3])
    if against:
        ev += " (other dates: " + ", ".join(f"{s.value} from {s.where}" for s in against[:3]) + ")"
    return PageDate(value, round(conf, 2), ev, signals)
