"""Reads run side by side, also while an ingest is being written (WAL, a connection per thread,
no global lock in the server)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import storyline
from storyline.engine import Engine
from storyline.web import create_app

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"
NEW = {"id": "slow-1", "title": "Harbour bridge reopens after repairs",
       "text": "The harbour bridge reopened on Tuesday after six weeks of repairs, officials "
               "said, and traffic returned to normal by the evening."}


def test_reads_do_not_wait_for_an_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sl = storyline.open(tmp_path / "c.db", encoder="hashing")
    sl.ingest([SAMPLE])
    started, release = threading.Event(), threading.Event()
    real = Engine._cluster

    def slow(self: Engine, *args: Any, **kw: Any) -> Any:  # inside the write transaction
        started.set()
        release.wait(20)
        return real(self, *args, **kw)

    monkeypatch.setattr(Engine, "_cluster", slow)
    with TestClient(create_app(sl)) as client:
        posted: dict[str, Any] = {}
        t = threading.Thread(target=lambda: posted.update(
            r=client.post("/api/ingest", json=[NEW])))
        t.start()
        assert started.wait(20)
        t0 = time.perf_counter()
        for path in ("/api/stories", "/", "/api/search?q=bridge&mode=text", "/api/health"):
            assert client.get(path).status_code == 200
        waited = time.perf_counter() - t0
        release.set()
        t.join(30)
        assert posted["r"].status_code == 200 and posted["r"].json()["accepted"] == 1
    assert waited < 10  # the ingest held the write lock for up to 20 s meanwhile
    sl.close()
