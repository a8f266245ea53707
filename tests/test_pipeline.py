"""The pipeline is checked when built: a stage whose needs are unmet is refused."""

from __future__ import annotations

import pytest

from storyline.errors import PipelineError
from storyline.model import Article
from storyline.pipeline.base import Pipeline, stage
from storyline.pipeline.stages import DEFAULT_STAGES, default_pipeline


def test_default_pipeline_is_consistent() -> None:
    p = default_pipeline()
    assert {"text", "lang", "date", "id", "keys", "minhash"} <= p.provides
    assert next(s["stage"] for s in p.describe()) == "clean"


def test_misordered_pipeline_fails_when_built() -> None:
    stages = list(DEFAULT_STAGES)
    stages.reverse()
    with pytest.raises(PipelineError, match="needs"):
        Pipeline(stages)


def test_duplicate_stage_refused() -> None:
    @stage("x", needs=(), adds=("title",))
    def x(a: Article) -> Article:
        return a

    with pytest.raises(PipelineError, match="twice"):
        Pipeline([x, x])
