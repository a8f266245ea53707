"""A pipeline of small per-article stages, checked when built.

Each stage is a callable ``(article) -> article`` that declares the fields it ``needs`` and
the fields it ``adds``. :class:`Pipeline` verifies at construction that every need is met by
the initial fields or by an earlier stage, so a mis-ordered pipeline fails loudly before any
article is processed (``PipelineError``), not half-way through a batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from storyline.errors import PipelineError
from storyline.model import Article

log = logging.getLogger(__name__)

# Fields an Article has as soon as it is built from a RawDoc.
INITIAL_FIELDS = frozenset({"raw_text", "provenance", "doc_id", "url", "source_name", "extra"})


@dataclass
class Stage:
    """One processing step. ``fn`` mutates/returns the article."""

    name: str
    fn: Callable[[Article], Article]
    needs: frozenset[str]
    adds: frozenset[str]

    def __call__(self, article: Article) -> Article:
        return self.fn(article)


def stage(
    name: str, *, needs: Iterable[str], adds: Iterable[str]
) -> Callable[[Callable[[Article], Article]], Stage]:
    """Decorator turning a function into a :class:`Stage`."""

    def wrap(fn: Callable[[Article], Article]) -> Stage:
        return Stage(name, fn, frozenset(needs), frozenset(adds))

    return wrap


@dataclass
class Pipeline:
    stages: Sequence[Stage]
    initial: frozenset[str] = INITIAL_FIELDS
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        have = set(self.initial)
        names: set[str] = set()
        for st in self.stages:
            if st.name in names:
                raise PipelineError(f"stage {st.name!r} appears twice in the pipeline")
            names.add(st.name)
            missing = st.needs - have
            if missing:
                raise PipelineError(
                    f"stage {st.name!r} needs {sorted(missing)}, which no earlier stage adds; "
                    f"reorder the stages or add one that provides them"
                )
            have |= st.adds
        self.provides = frozenset(have)

    def run(self, article: Article) -> Article:
        for st in self.stages:
            t0 = time.perf_counter()
            article = st(article)
            self.timings[st.name] = self.timings.get(st.name, 0.0) + time.perf_counter() - t0
        return article

    def describe(self) -> list[dict[str, object]]:
        return [
            {"stage": s.name, "needs": sorted(s.needs), "adds": sorted(s.adds)} for s in self.stages
        ]
