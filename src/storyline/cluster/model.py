"""The learned clustering decisions: pair scores for events and stories, with their weights.

Both decisions are linear scores over a few named features, followed by average-link
clustering with a threshold (:mod:`storyline.cluster.linkage`). The weights and thresholds are
learned from hand-labelled news by ``scripts/train_cluster_model.py`` (coordinate search that
maximises out-of-fold clustering quality) and shipped as ``resources/cluster_model.json``;
the version of the model that built a store is recorded in the store (meta ``cluster_model``).

Every score is a sum of named terms, so a decision can always be explained: the terms are
kept in the join reasons and shown by ``storyline event ID``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.errors import StorylineError

log = logging.getLogger(__name__)


@dataclass
class EventModel:
    """Same happening? The pair score of :func:`storyline.cluster.pairs.event_terms`."""

    w_dense: float = 0.5  # centred e5 cosine, same language
    w_words: float = 0.5  # TF-IDF cosine, same language
    w_cross: float = 0.9  # centred e5 cosine, different languages (words do not match)
    w_short: float = 0.0  # extra weight of the cosine when both texts are short (briefs, feed
    short_terms: int = 40  # summaries): fewer distinct terms than this, the lead is the whole
    w_ents: float = 0.0  # shared canonical entities
    w_names: float = 0.0  # shared cross-script name keys, weighted by rarity
    p_day1: float = 0.2  # the happenings reported are a day apart
    p_day2: float = 0.2  # two days apart or more
    window_days: int = 3  # publication days further apart are never compared
    p_src_day: float = 0.0  # one outlet, happenings a day or more apart (an update, a follow-up)
    p_src_same: float = 0.0  # one outlet, the same day: two reports, usually two happenings
    p_place: float = 0.0  # each article is about a different city or district
    p_undated: float = 0.05  # one of the two has no (day-exact) date
    threshold: float = 0.325  # average pair score that joins two groups
    edge_min: float = 0.2  # pairs below this are not kept in the graph (0 in the average)


@dataclass
class StoryModel:
    """Same storyline? The event-pair score of :meth:`StoryLinker.terms`."""

    w_dense: float = 0.5
    w_words: float = 0.5
    w_cross: float = 1.0
    w_names: float = 0.3  # shared rare salient names (links events years apart)
    w_place: float = 0.0  # same first-level region (state, province)
    p_place: float = 0.0  # about different regions
    w_topic: float = 0.0  # both headlines use a word many current headlines use ("lockdown")
    topic_share: float = 0.03  # ... in at least this share of the events compared
    threshold: float = 0.125
    edge_min: float = 0.08
    window_days: int = 45  # events further apart link only through rare names:
    min_name_idf: float = 4.0  # a name counts as rare from this IDF on, with weight idf - 3,
    far_names: float = 3.0  # and events that far apart need this much shared rare-name weight


@dataclass
class ClusterModel:
    version: str = "builtin-0"
    events: EventModel = field(default_factory=EventModel)
    stories: StoryModel = field(default_factory=StoryModel)
    trained: dict[str, Any] = field(default_factory=dict)  # data, folds, metrics

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClusterModel:
        def pick(klass: type, raw: Any) -> Any:
            names = {f.name for f in fields(klass)}
            unknown = set(raw or {}) - names
            if unknown:
                raise StorylineError(
                    f"cluster model has unknown {klass.__name__} fields {sorted(unknown)}; "
                    "it was written by a newer storyline"
                )
            return klass(**(raw or {}))

        return cls(
            version=str(d.get("version", "unknown")),
            events=pick(EventModel, d.get("events")),
            stories=pick(StoryModel, d.get("stories")),
            trained=dict(d.get("trained") or {}),
        )

    def to_disk(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    @classmethod
    def from_disk(cls, path: str | Path) -> ClusterModel:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise StorylineError(f"cannot read cluster model {path}: {exc}") from exc


def default_model() -> ClusterModel:
    """The shipped model (``resources/cluster_model.json``), or the built-in defaults."""
    try:
        ref = resources.files("storyline.resources").joinpath("cluster_model.json")
        return ClusterModel.from_dict(json.loads(ref.read_text(encoding="utf-8")))
    except (FileNotFoundError, OSError, ValueError) as exc:
        log.warning("resources/cluster_model.json unusable (%s): built-in weights", exc)
        return ClusterModel()
