"""Arrival order does not change the events: the dev set in one batch and one article at a
time, in a random order, with the hashing encoder (the property belongs to the clustering,
not to the encoder; e5 numbers come from ``benchmarks/quality.py --only dev --batch 1``)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import storyline
from storyline.check import check
from storyline.engine import Engine
from storyline.eval.metrics import pairwise

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "india-news-2020-dev"


def _events(sl: storyline.Storyline) -> dict[str, str]:
    return {a.doc_id: a.event_id or "" for a in sl.articles()}


@pytest.mark.slow
@pytest.mark.shared
def test_one_at_a_time_in_random_order_matches_one_batch(tmp_path: Path) -> None:
    if not DEV.is_dir():
        pytest.skip(f"{DEV} not present (CI has ../shared beside the checkout)")
    lines = (DEV / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    gold = {
        r["id"]: r["event_id"]
        for r in map(json.loads, (DEV / "labels.jsonl").read_text(encoding="utf-8").splitlines())
    }
    whole = storyline.open(tmp_path / "whole.db", encoder="hashing")
    whole._engine = Engine(whole.store, whole._encoder, batch_size=len(lines))  # one batch
    src = tmp_path / "all.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole.ingest([src])
    order = list(lines)
    random.Random(7).shuffle(order)
    one = storyline.open(tmp_path / "one.db", encoder="hashing")
    for k in range(0, len(order), 8):  # small batches: 56 ingests, each one a re-clustering
        part = tmp_path / f"p{k}.jsonl"
        part.write_text("\n".join(order[k : k + 8]) + "\n", encoding="utf-8")
        one.ingest([part])
    f_whole = pairwise(gold, _events(whole)).f1
    f_one = pairwise(gold, _events(one)).f1
    assert abs(f_whole - f_one) <= 0.05, (f_whole, f_one)
    # every stored article points at a live event listing it, and every change was logged
    events = {e.id: e for e in one.events()}
    for a in one.articles():
        assert a.id in events[a.event_id].article_ids
    # every article has a join reason naming its current event
    explained = {j.article_id for e in events.values() for j in one.explain(e.id)}
    assert explained == {a.id for a in one.articles()}
    # ids are stable: an event id, once given, is either alive or logged as merged away
    alive = set(events)
    merged_away = {s for m in one.merge_log() if m.kind == "event-merge" for s in m.sources}
    dead = {e.id for e in one.store.list_events(include_dead=True)} - alive
    assert dead <= merged_away
    # and the store's invariants hold (article rows follow every move and merge)
    assert not check(one.store).problems, check(one.store).problems[:5]
    whole.close()
    one.close()
