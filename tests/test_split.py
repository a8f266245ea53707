"""A curator splits a wrongly grouped event: the change is stored, logged and survives reopen."""

from __future__ import annotations

from pathlib import Path

import pytest

import storyline
from storyline.errors import StorylineError

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample" / "articles.jsonl"


def test_split_event_is_logged_and_persisted(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with storyline.open(db, encoder="hashing") as sl:
        sl.ingest([SAMPLE])
        ev = next(e for e in sl.events() if len(e.article_ids) >= 3)
        moving = ev.article_ids[-1]
        new = sl.split_event(ev.id, [moving], reason="different happening")
        assert new.article_ids == [moving]
        assert new.id != ev.id and new.story_id
        left = sl.event(ev.id)
        assert moving not in left.article_ids
        assert len(left.article_ids) == len(ev.article_ids) - 1
        log = sl.merge_log(ev.id)
        assert log[-1].kind == "event-split" and log[-1].sources == [new.id]
        assert log[-1].detail["reason"] == "different happening"
    with storyline.open(db, encoder="hashing") as sl:
        assert sl.article(moving).event_id == new.id
        assert sl.event(new.id).article_ids == [moving]
        # incremental ingest after the split keeps working
        assert sl.ingest([SAMPLE]).accepted == 0


def test_split_needs_some_but_not_all(tmp_path: Path) -> None:
    with storyline.open(tmp_path / "s.db", encoder="hashing") as sl:
        sl.ingest([SAMPLE])
        ev = next(e for e in sl.events() if len(e.article_ids) >= 2)
        with pytest.raises(StorylineError, match="some but not all"):
            sl.split_event(ev.id, list(ev.article_ids))
