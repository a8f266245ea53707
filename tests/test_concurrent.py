"""Two writers on one store at once: nothing lost, nothing duplicated, `storyline check` clean.

Each writer is a separate connection (as two processes would be); SQLite serialises their
transactions and each engine reloads its state when the other has written in between."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import storyline
from storyline.check import check
from storyline.engine import Engine
from storyline.ingest import iter_inputs
from storyline.store.base import Store

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"


def halves(tmp: Path) -> list[Path]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    out = []
    for k in range(2):
        p = tmp / f"half{k}.jsonl"
        p.write_text("\n".join(lines[k::2]) + "\n", encoding="utf-8")
        out.append(p)
    return out


def ingest(db: Path, path: Path, barrier: threading.Barrier | None, errors: list[str]) -> None:
    try:
        sl = storyline.open(db, encoder="hashing")
        sl._engine = Engine(sl.store, sl._encoder, batch_size=3)  # many small transactions
        if barrier is not None:
            barrier.wait()
        sl.engine.ingest(iter_inputs([path]))
        sl.close()
    except Exception as exc:  # surfaced by the test
        errors.append(repr(exc))


def duplicate_names(store: Store) -> int:
    names = Counter((e["type"], e["name"]) for e in store.list_entities())
    return sum(n - 1 for n in names.values() if n > 1)


def test_two_concurrent_writers(tmp_path: Path) -> None:
    parts = halves(tmp_path)
    seq = tmp_path / "seq.db"
    errors: list[str] = []
    for p in parts:
        ingest(seq, p, None, errors)
    conc = tmp_path / "conc.db"
    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=ingest, args=(conc, p, barrier, errors)) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with storyline.open(conc, encoder="hashing") as a, storyline.open(seq, encoder="hashing") as b:
        assert a.store.count_articles() == b.store.count_articles() == 42
        report = check(a.store)
        assert report.ok, json.dumps(report.as_dict()["details"][:5])
        live = sum(e["mentions"] for e in a.store.list_entities())
        rows = sum(n for _, _, n in a.store.mention_counts())
        assert live == rows > 0  # no lost entity counts (check() verified each entity too)
        assert duplicate_names(a.store) <= duplicate_names(b.store) + 2
