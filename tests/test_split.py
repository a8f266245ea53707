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


def test_article_event_story_links_stay_consistent_across_batches(tmp_path: Path) -> None:
    """After merges and moves in later batches, every stored article points at the live
    event that lists it, and at that event's story."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    parts = [lines[i::3] for i in range(3)]  # three batches, interleaved
    with storyline.open(tmp_path / "c.db", encoder="hashing") as sl:
        for n, part in enumerate(parts):
            f = tmp_path / f"part{n}.jsonl"
            f.write_text("\n".join(part) + "\n", encoding="utf-8")
            sl.ingest([f])
        assert any(m.kind.endswith("merge") for m in sl.merge_log())
        events = {e.id: e for e in sl.events()}
        for a in sl.articles():
            ev = events[a.event_id]
            assert a.id in ev.article_ids, a.doc_id
            assert a.story_id == ev.story_id, a.doc_id
        assert sum(len(e.article_ids) for e in events.values()) == len(lines)


def test_cached_listings_see_writes_from_this_and_other_connections(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    first, second, third = tmp_path / "1.jsonl", tmp_path / "2.jsonl", tmp_path / "3.jsonl"
    first.write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[10:25]) + "\n", encoding="utf-8")
    third.write_text("\n".join(lines[25:]) + "\n", encoding="utf-8")
    with storyline.open(db, encoder="hashing") as reader:
        def articles_in_stories(sl: storyline.Storyline) -> int:
            return sum(sum(s.languages.values()) for s in sl.stories())

        reader.ingest([first])
        n1 = articles_in_stories(reader)
        assert reader.stories() == reader.stories()  # served from the cache
        reader.ingest([second])  # this connection writes
        n2 = articles_in_stories(reader)
        with storyline.open(db, encoder="hashing") as writer:  # another connection writes
            writer.ingest([third])
            n3 = articles_in_stories(writer)
        assert articles_in_stories(reader) == n3
        assert n1 < n2 < n3 == reader.store.count_articles()
        assert {e.id for e in reader.entities(limit=500)} == {
            r["id"] for r in reader.store.list_entities()
        }
