"""Pipelined ingest: ordered, bounded prefetch and the same results as one step at a time."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import storyline
from conftest import SAMPLE
from storyline.errors import StorylineError
from storyline.pipeline.prefetch import batched, ordered_map


def test_batched() -> None:
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batched([], 3)) == []


@pytest.mark.parametrize("workers", [0, 1, 3])
def test_ordered_map_keeps_order_and_bounds_memory(workers: int) -> None:
    taken: list[int] = []
    done: list[int] = []
    lock = threading.Lock()
    outstanding = [0]

    def items():  # type: ignore[no-untyped-def]
        for i in range(20):
            taken.append(i)
            outstanding[0] = len(taken) - len(done)
            assert outstanding[0] <= workers + 1  # never more than workers + 1 in flight
            yield i

    def slow(i: int) -> int:
        time.sleep(0.002 * (i % 3))
        with lock:
            pass
        return i * i

    for i, out in enumerate(ordered_map(slow, items(), workers)):
        assert out == i * i
        done.append(i)
    assert done == list(range(20))


def test_ordered_map_raises_at_the_failing_item() -> None:
    def fn(i: int) -> int:
        if i == 3:
            raise ValueError("bad item")
        return i

    got = []
    with pytest.raises(ValueError, match="bad item"):
        for out in ordered_map(fn, range(10), 2):
            got.append(out)
    assert got == [0, 1, 2]


def _assignments(tmp_path: Path, workers: int, name: str) -> tuple[dict[str, str], dict]:  # type: ignore[type-arg]
    src = tmp_path / "in.jsonl"
    if not src.exists():
        lines = (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        bad = ['{"id": "broken"', json.dumps({"id": "empty", "text": ""})]
        src.write_text("\n".join([*lines, *bad, lines[0]]) + "\n", encoding="utf-8")
    sl = storyline.open(str(tmp_path / f"{name}.db"), encoder="hashing")
    sl._engine = None
    sl.engine.batch_size = 7  # several batches in flight
    rep = sl.ingest([src], workers=workers)
    again = sl.ingest([src], workers=workers)  # re-ingest: nothing new
    ev = {a.doc_id: a.event_id or "" for a in sl.articles()}
    sl.close()
    counts = {
        "accepted": rep.accepted,
        "quarantined": rep.quarantined,
        "duplicates": rep.duplicates,
        "read": rep.read,
        "again_accepted": again.accepted,
        "again_read": again.read,
    }
    return ev, counts


@pytest.mark.slow
def test_pipelined_ingest_equals_sequential(tmp_path: Path) -> None:
    seq_ev, seq_counts = _assignments(tmp_path, 0, "seq")
    par_ev, par_counts = _assignments(tmp_path, 2, "par")
    assert seq_counts == par_counts
    assert seq_counts["quarantined"] == 2 and seq_counts["duplicates"] >= 1
    assert seq_counts["again_accepted"] == 0
    assert seq_counts["again_read"] == seq_counts["read"]
    assert seq_ev == par_ev  # same events, same ids: batches are committed in input order


def test_negative_workers_is_refused(tmp_path: Path) -> None:
    sl = storyline.open(None, encoder="hashing")
    with pytest.raises(StorylineError, match="workers"):
        sl.ingest([SAMPLE / "articles.jsonl"], workers=-1)
