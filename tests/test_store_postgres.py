"""PostgreSQL-only store behaviour (the shared contract runs in test_store_contract.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from storyline.errors import StoreError
from storyline.model import Article, Event, Provenance
from storyline.store import open_store
from storyline.store.base import Store
from storyline.store.pg_schema import PG_SCHEMA_VERSION, dec, enc
from storyline.store.postgres import PostgresStore, redact

pytestmark = pytest.mark.postgres


def art(i: int, text: str = "words of an article") -> Article:
    return Article(
        id=f"a{i:03d}",
        doc_id=str(i),
        title=f"title {i}",
        text=text,
        provenance=Provenance(source="s", kind="text", raw_sha256=f"h{i}"),
    )


def test_nul_coding_round_trips_every_string() -> None:
    for value in ["plain", "nul\x00inside", "\ufdd0starts with the marker", "", "\x00"]:
        stored = enc(value)
        assert "\x00" not in stored
        assert dec(stored) == value
    assert enc(5) == 5 and dec(None) is None


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://ann:s3cret@db.example:5432/news") == (
        "postgresql://ann:***@db.example:5432/news"
    )
    assert redact("postgresql://ann@db/news") == "postgresql://ann@db/news"


def test_persists_across_reopen_and_schema_version(pg_url: str) -> None:
    with open_store(pg_url) as s:
        assert isinstance(s, PostgresStore)
        s.put_article(art(1))
        s.put_event(Event("e000001", article_ids=["a001"]))
        s.next_id("event")
        v0 = s.version()
        s.set_meta("m", [1])
        assert s.version() != v0  # any commit changes the version token
    with open_store(pg_url) as s:
        assert s.get_article("a001") == art(1)
        assert s.next_id("event") == 2
        assert s.get_meta("m") == [1]
        row = s._x("SELECT version FROM storyline_schema").fetchone()  # type: ignore[attr-defined]
        assert row["version"] == PG_SCHEMA_VERSION
        s._x("UPDATE storyline_schema SET version = version + 1")  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match=r"(?i)upgrade storyline"):
        open_store(pg_url)


def test_refuses_a_database_of_another_application(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE articles (x int)")
    with pytest.raises(StoreError, match="not a storyline store"):
        open_store(pg_url)


def test_nearest_vectors_use_the_hnsw_index(pg_url: str) -> None:
    rng = np.random.default_rng(1)
    vecs = {f"a{i}": rng.standard_normal(16).astype(np.float32) for i in range(200)}
    with open_store(pg_url) as s:
        assert isinstance(s, PostgresStore) and s.has_vector
        s.put_vectors("article:test", vecs)
        s.put_vectors("minhash", {"a0": np.array([np.nan, 1.0], dtype=np.float32)})  # not ANN
        q = vecs["a7"] + 0.01
        got = s.nearest_vectors("article:test", q, 5)
        exact = Store.nearest_vectors(s, "article:test", q, 5)  # the exact scan
        assert got[0][0] == "a7" and exact[0][0] == "a7"
        assert got[0][1] == pytest.approx(exact[0][1], abs=1e-5)
        s._x("SET enable_seqscan = off")  # type: ignore[attr-defined]
        plan = s._x(  # type: ignore[attr-defined]
            "EXPLAIN SELECT id FROM vectors WHERE space = 'article:test' AND dim = 16 AND "
            "embedding IS NOT NULL ORDER BY embedding::vector(16) <=> %s::vector(16) LIMIT 5",
            ["[" + ",".join("0.1" for _ in range(16)) + "]"],
        ).fetchall()
        assert "vectors_hnsw_" in " ".join(str(next(iter(r.values()))) for r in plan)
        np.testing.assert_array_equal(s.get_vectors("minhash", ["a0"])["a0"][1:], [1.0])


_CHILD = textwrap.dedent(
    """
    import sys, time
    from storyline.model import Article, Provenance
    from storyline.store import open_store

    def art(i):
        return Article(id=f"a{i:03d}", doc_id=str(i), title=str(i), text="x " * 500,
                       provenance=Provenance(source="s", kind="text"))

    store = open_store(sys.argv[1])
    with store.transaction():
        for i in range(5):
            store.put_article(art(i))
    with store.transaction():
        for i in range(5, 300):
            store.put_article(art(i))
        print("ready", flush=True)
        time.sleep(60)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_writer_leaves_the_last_commit(pg_url: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, pg_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    with open_store(pg_url) as s:  # the server rolls the dead session back; the lock is free
        assert [a.id for a in s.iter_articles()] == [f"a{i:03d}" for i in range(5)]
        with s.transaction():
            s.put_article(art(9))
        assert s.count_articles() == 6
