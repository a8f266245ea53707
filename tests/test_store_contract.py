"""The Store contract, run over every backend, plus SQLite-specific durability tests."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from storyline.errors import StoreError
from storyline.model import (
    Article,
    DateInfo,
    Event,
    JoinReason,
    LangInfo,
    MergeLogEntry,
    Provenance,
    Quarantined,
    RemovedLine,
    Story,
    TimeExpression,
)
from storyline.store import MemoryStore, SQLiteStore, Store, open_store
from storyline.store.schema import SCHEMA_VERSION

HINDI = "मुंबई में भारी बारिश, पिछले साल सितंबर जैसी स्थिति"


def full_article(aid: str = "a_0123456789abcdef", **changes: Any) -> Article:
    art = Article(
        id=aid,
        doc_id="doc-1",
        provenance=Provenance(
            source="/data/news.jsonl",
            kind="jsonl",
            line=7,
            offset=1234,
            raw_sha256="f" * 64,
            encoding="utf-8",
        ),
        title="मुंबई में बारिश",
        text=HINDI + "\nSecond line.",
        raw_text="Advertisement\n" + HINDI,
        url="https://example.com/हिंदी?x=1",
        source_name="Dainik Example",
        removed=[RemovedLine("Advertisement", "boilerplate"), RemovedLine("Share", "social")],
        lang=LangInfo(lang="hi", confidence=0.9731, mixed=True, shares={"hi": 0.8, "en": 0.2}),
        date=DateInfo(
            value="2023-09-14",
            confidence=0.75,
            is_estimate=True,
            evidence="relative expression 'पिछले साल सितंबर'",
            granularity="month",
            earliest="2023-09-01",
            latest="2023-09-30",
        ),
        times=[
            TimeExpression("पिछले साल सितंबर", 31, 47, "2023-09", True),
            TimeExpression("14 September 2024", 60, 77, None, False),
        ],
        keys=["mumbai", "baarish", "मुंबई"],
        minhash=[0, 1, 2**32 - 1, 2**63 + 5],
        dup_of="a_fedcba9876543210",
        event_id="e000001",
        story_id="s000001",
        extra={
            "tags": ["मौसम", "weather"],
            "nested": {"n": 1, "f": 0.5, "none": None, "flag": True},
            "emoji": "🌧",
        },
    )
    return dataclasses.replace(art, **changes)


def plain(aid: str, **changes: Any) -> Article:
    base = Article(
        id=aid,
        doc_id=aid,
        provenance=Provenance(source="s.txt", kind="text", raw_sha256="h" + aid),
        title=aid,
        text=f"text of {aid}",
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store
    if request.param == "postgres":
        s = open_store(request.getfixturevalue("pg_url"))
    else:
        s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield s
    s.close()


# -- articles ---------------------------------------------------------------------------------


def test_article_round_trip(store: Store) -> None:
    art = full_article()
    assert store.put_article(art) is True
    got = store.get_article(art.id)
    assert got == art
    assert got is not art
    assert store.get_article("a_missing") is None


def test_article_without_optional_parts(store: Store) -> None:
    art = plain("a1", lang=None, date=DateInfo(None, 0.0, True, "no date found", "none"))
    store.put_article(art)
    assert store.get_article("a1") == art


def test_unstorable_values_are_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="not valid Unicode"):
        store.put_article(plain("a1", text="broken \udcff bytes"))
    with pytest.raises(StoreError, match="JSON"):
        store.put_article(plain("a2", extra={"x": object()}))
    assert store.count_articles() == 0
    store.put_article(plain("a3", text="nul\x00inside", extra={"t": (1, 2), "n": np.float32(0.5)}))
    got = store.get_article("a3")
    assert got is not None and got.text == "nul\x00inside" and got.extra == {"t": [1, 2], "n": 0.5}


def test_returned_article_is_a_copy(store: Store) -> None:
    store.put_article(full_article())
    got = store.get_article(full_article().id)
    assert got is not None and got.lang is not None
    got.title = "changed"
    got.keys.append("x")
    got.extra["tags"].append("x")
    got.lang.shares["xx"] = 1.0
    assert store.get_article(got.id) == full_article()
    listed = next(store.iter_articles())
    listed.removed.clear()
    assert store.get_article(got.id) == full_article()


def test_update_keeps_ingest_order(store: Store) -> None:
    for aid in ("a1", "a2", "a3"):
        assert store.put_article(plain(aid)) is True
    assert store.put_article(plain("a1", title="updated", event_id="e1")) is False
    ids = [a.id for a in store.iter_articles()]
    assert ids == ["a1", "a2", "a3"]
    assert store.get_article("a1") == plain("a1", title="updated", event_id="e1")
    assert store.count_articles() == 3


def test_has_raw(store: Store) -> None:
    store.put_article(plain("a1"))
    assert store.has_raw("ha1") == "a1"
    assert store.has_raw("nope") is None
    assert store.has_raw("") is None
    store.put_article(plain("a1", provenance=Provenance("s.txt", "text", raw_sha256="new")))
    assert store.has_raw("ha1") is None
    assert store.has_raw("new") == "a1"


def test_iter_articles_filters(store: Store) -> None:
    langs = ["en", "hi", "en", "mr", "en"]
    for i, lang in enumerate(langs):
        store.put_article(
            plain(
                f"a{i}",
                lang=LangInfo(lang, 0.9),
                event_id="e1" if i % 2 == 0 else "e2",
                story_id="s1" if i < 3 else None,
            )
        )
    ids = lambda **kw: [a.id for a in store.iter_articles(**kw)]  # noqa: E731
    assert ids() == ["a0", "a1", "a2", "a3", "a4"]
    assert ids(event_id="e1") == ["a0", "a2", "a4"]
    assert ids(story_id="s1") == ["a0", "a1", "a2"]
    assert ids(lang="en") == ["a0", "a2", "a4"]
    assert ids(lang="en", story_id="s1") == ["a0", "a2"]
    assert ids(event_id="nope") == []
    assert ids(limit=2) == ["a0", "a1"]
    assert ids(offset=3) == ["a3", "a4"]
    assert ids(limit=2, offset=1) == ["a1", "a2"]
    assert ids(limit=0) == []
    assert ids(lang="en", limit=1, offset=1) == ["a2"]
    assert store.count_articles() == 5
    dates = store.story_dates(["s1", "s9"])
    assert dates == {"s1": [a.date.value if a.date else None
                            for a in store.iter_articles(story_id="s1")], "s9": []}
    assert dates == Store.story_dates(store, ["s1", "s9"])  # the backend's own = the default


def test_iter_articles_streams_many_and_allows_writes(store: Store) -> None:
    with store.transaction():
        for i in range(700):  # more than one page of the SQLite backend
            store.put_article(plain(f"a{i:04d}"))
    seen = []
    for art in store.iter_articles():
        art.event_id = "e9"
        store.put_article(art)  # writing while iterating must not disturb the iteration
        seen.append(art.id)
    assert seen == [f"a{i:04d}" for i in range(700)]
    assert [a.id for a in store.iter_articles(event_id="e9", offset=600, limit=1000)] == [
        f"a{i:04d}" for i in range(600, 700)
    ]
    assert len(list(store.iter_articles(limit=300))) == 300


def test_find_articles_by_doc_id(store: Store) -> None:
    store.put_article(plain("a1", doc_id="d"))
    store.put_article(plain("a2", doc_id="x"))
    store.put_article(plain("a3", doc_id="d"))
    assert [a.id for a in store.find_articles_by_doc_id("d")] == ["a1", "a3"]
    assert store.find_articles_by_doc_id("none") == []


# -- vectors ----------------------------------------------------------------------------------


def test_vectors_round_trip(store: Store) -> None:
    rng = np.random.default_rng(0)
    vecs = {f"a{i}": rng.standard_normal(384) for i in range(3)}
    store.put_vectors("article:e5", vecs)
    got = store.get_vectors("article:e5", ["a0", "missing", "a2", "a1"])
    assert list(got) == ["a0", "a2", "a1"]
    for k, v in got.items():
        assert v.dtype == np.float32 and v.shape == (384,)
        np.testing.assert_array_equal(v, vecs[k].astype(np.float32))
    got["a0"][0] = 99.0  # writable copy
    assert store.get_vectors("article:e5", ["a0"])["a0"][0] != 99.0
    assert store.get_vectors("other-space", ["a0"]) == {}
    store.put_vectors("article:e5", {"a0": np.ones(4, dtype=np.float64)})
    np.testing.assert_array_equal(store.get_vectors("article:e5", ["a0"])["a0"], np.ones(4))
    assert [k for k, _ in store.iter_vectors("article:e5")] == ["a0", "a1", "a2"]
    with pytest.raises(StoreError):
        store.put_vectors("article:e5", {"bad": np.ones((2, 2))})


def test_get_vectors_many_ids(store: Store) -> None:
    store.put_vectors("s", {f"v{i}": np.full(2, i, dtype=np.float32) for i in range(1200)})
    got = store.get_vectors("s", [f"v{i}" for i in range(1300)])
    assert len(got) == 1200 and float(got["v1199"][0]) == 1199.0
    assert len(list(store.iter_vectors("s"))) == 1200


def test_nearest_vectors(store: Store) -> None:
    rng = np.random.default_rng(3)
    vecs = {f"a{i}": rng.standard_normal(8).astype(np.float32) for i in range(40)}
    store.put_vectors("article:t", vecs)
    store.put_vectors("article:t", {"odd": np.ones(3)})  # another dimension: never returned
    got = store.nearest_vectors("article:t", vecs["a5"], 3)
    assert got[0][0] == "a5" and got[0][1] == pytest.approx(1.0, abs=1e-5)
    assert len(got) == 3 and got[0][1] >= got[1][1] >= got[2][1]
    assert "odd" not in {i for i, _ in store.nearest_vectors("article:t", vecs["a5"], 50)}
    assert store.nearest_vectors("article:none", vecs["a5"], 3) == []


# -- events and stories -----------------------------------------------------------------------


def test_events_and_stories(store: Store) -> None:
    e1 = Event(
        id="e000001",
        article_ids=["a1", "a2"],
        title="बारिश",
        date="2024-09-01",
        date_is_estimate=False,
        first_date="2024-08-30",
        last_date="2024-09-02",
        languages={"hi": 1, "en": 1},
        keys={"mumbai": 1.5, "मुंबई": 0.25},
        story_id="s000001",
    )
    e2 = Event(id="e000002", alive=False)
    e10 = Event(id="e1000000", article_ids=["a3"])
    for e in (e10, e2, e1):
        store.put_event(e)
    assert store.get_event("e000001") == e1
    assert store.get_event("nope") is None
    assert [e.id for e in store.list_events()] == ["e000001", "e1000000"]
    assert [e.id for e in store.list_events(include_dead=True)] == [
        "e000001",
        "e000002",
        "e1000000",
    ]
    assert [e.id for e in store.list_events(story_id="s000001")] == ["e000001"]
    assert store.list_events(story_id="s999") == []
    e1.title = "changed"
    assert store.get_event("e000001") != e1  # stored copy unaffected
    store.put_event(e1)
    assert store.get_event("e000001") == e1

    s1 = Story(
        id="s000001",
        event_ids=["e000001"],
        title="t",
        languages={"hi": 2},
        first_date="2024-08-30",
        last_date="2024-09-02",
        keys={"k": 0.5},
    )
    store.put_story(s1)
    store.put_story(Story(id="s000002", alive=False))
    assert store.get_story("s000001") == s1
    assert store.get_story("nope") is None
    assert [s.id for s in store.list_stories()] == ["s000001"]
    assert [s.id for s in store.list_stories(include_dead=True)] == ["s000001", "s000002"]


# -- joins, merge log, keys, quarantine, ids, meta --------------------------------------------


def test_joins_replace_per_article(store: Store) -> None:
    j1 = JoinReason("a1", "e1", 0.9, 0.8, 0.5, 1.5, True)
    j2 = JoinReason("a2", "e1", 0.7, 0.6, 0.4, None, False, "e2", 0.3)
    store.put_join(j1)
    store.put_join(j2)
    assert store.get_joins("e1") == [j1, j2]
    j1b = JoinReason("a1", "e2", 0.5, 0.5, 0.5, 0.0, False)
    store.put_join(j1b)
    assert store.get_joins("e1") == [j2]
    assert store.get_joins("e2") == [j1b]
    assert store.get_joins("none") == []


def test_merge_log(store: Store) -> None:
    m1 = store.append_merge(MergeLogEntry("event-merge", "e1", ["e2", "e3"], {"why": "названия"}))
    m2 = store.append_merge(MergeLogEntry("story-merge", "s1", ["s2"]))
    m3 = store.append_merge(MergeLogEntry("article-move", "e3", ["a9"], at="2024-01-01T00:00:00"))
    assert (m1.seq, m2.seq, m3.seq) == (1, 2, 3)
    assert m1.at and m2.at and m3.at == "2024-01-01T00:00:00"
    assert m1.detail == {"why": "названия"}
    assert store.merge_log() == [m1, m2, m3]
    assert store.merge_log("e3") == [m1, m3]
    assert store.merge_log("e1") == [m1]
    assert store.merge_log("s2") == [m2]
    assert store.merge_log("zzz") == []


def test_key_counts(store: Store) -> None:
    assert store.key_docs() == 0
    store.add_key_counts(["modi", "mumbai", "modi"])  # distinct keys count once per document
    store.add_key_counts(iter(["modi", "मुंबई"]))
    store.add_key_counts([])
    assert store.key_docs() == 3
    assert store.key_counts(["modi", "mumbai", "मुंबई", "unknown"]) == {
        "modi": 2,
        "mumbai": 1,
        "मुंबई": 1,
        "unknown": 0,
    }
    assert store.all_key_counts() == {"modi": 2, "mumbai": 1, "मुंबई": 1}
    many = [f"k{i}" for i in range(1100)]
    store.add_key_counts(many)
    assert sum(store.key_counts(many).values()) == 1100
    assert len(store.all_key_counts()) == 1103


def test_quarantine_dedup(store: Store) -> None:
    q = Quarantined("in.jsonl", "bad-json", "line 3 is not JSON", 3, "abc", b"\x00\xff{")
    assert store.put_quarantine(q) is True
    assert store.put_quarantine(dataclasses.replace(q, message="again")) is False
    assert store.put_quarantine(dataclasses.replace(q, line=4)) is True
    nol = Quarantined("blob.bin", "binary", "binary file", None, "def", b"\x89PNG")
    assert store.put_quarantine(nol) is True
    assert store.put_quarantine(nol) is False  # no line number: still stored once
    items = store.list_quarantine()
    assert [(i.source, i.line) for i in items] == [
        ("in.jsonl", 3),
        ("in.jsonl", 4),
        ("blob.bin", None),
    ]
    assert items[0].sample == b"\x00\xff{" and items[0].message == "line 3 is not JSON"
    assert all(i.at for i in items)


def test_next_id_monotonic_per_kind(store: Store) -> None:
    assert [store.next_id("event") for _ in range(3)] == [1, 2, 3]
    assert store.next_id("story") == 1
    assert store.next_id("event") == 4


def test_meta(store: Store) -> None:
    assert store.get_meta("missing") is None
    assert store.get_meta("missing", {"d": 1}) == {"d": 1}
    value = {"model": "e5-small", "dim": 384, "langs": ["hi", "मराठी"], "t": 0.25, "ok": None}
    store.set_meta("encoder", value)
    assert store.get_meta("encoder") == value
    store.set_meta("encoder", 3)
    assert store.get_meta("encoder") == 3
    with pytest.raises(StoreError):
        store.set_meta("bad", object())


def test_stats(store: Store) -> None:
    store.put_article(plain("a1"))
    store.put_event(Event("e1"))
    store.put_event(Event("e2", alive=False))
    store.put_story(Story("s1"))
    store.put_quarantine(Quarantined("x", "empty", "empty file"))
    store.put_vectors("v", {"a1": np.zeros(3)})
    assert store.stats() == {
        "articles": 1,
        "events": 1,
        "stories": 1,
        "quarantined": 1,
        "vectors": 1,
    }


# -- transactions -----------------------------------------------------------------------------


def test_transaction_rolls_back_on_exception(store: Store) -> None:
    store.put_article(plain("keep"))
    store.set_meta("m", 1)
    with pytest.raises(RuntimeError), store.transaction():
        store.put_article(plain("a1"))
        store.put_article(plain("keep", title="changed"))
        store.put_vectors("v", {"a1": np.ones(2)})
        store.put_event(Event("e1"))
        store.put_story(Story("s1"))
        store.put_join(JoinReason("a1", "e1", 1.0, 1.0, 1.0, None, True))
        store.append_merge(MergeLogEntry("event-merge", "e1", ["e2"]))
        store.add_key_counts(["k"])
        store.put_quarantine(Quarantined("x", "empty", "empty"))
        store.set_meta("m", 2)
        assert store.next_id("event") == 1
        assert store.get_article("a1") is not None  # visible inside the block
        raise RuntimeError("boom")
    assert store.get_article("a1") is None
    assert store.get_article("keep") == plain("keep")
    assert store.has_raw("ha1") is None and store.has_raw("hkeep") == "keep"
    assert store.get_vectors("v", ["a1"]) == {}
    assert store.get_event("e1") is None and store.get_story("s1") is None
    assert store.get_joins("e1") == [] and store.merge_log() == []
    assert store.key_docs() == 0 and store.key_counts(["k"]) == {"k": 0}
    assert store.list_quarantine() == []
    assert store.get_meta("m") == 1
    assert store.next_id("event") == 1
    assert store.count_articles() == 1
    # the store is usable afterwards
    with store.transaction():
        store.put_article(plain("a2"))
    assert store.count_articles() == 2


def test_nested_transaction_joins_outer(store: Store) -> None:
    with pytest.raises(ValueError), store.transaction():
        store.put_article(plain("a1"))
        with store.transaction():
            store.put_article(plain("a2"))
        assert store.get_article("a2") is not None
        raise ValueError("outer fails after the inner block ended")
    assert store.count_articles() == 0  # the inner block was undone with the outer one

    with store.transaction():
        with store.transaction():
            store.put_article(plain("a3"))
        store.put_article(plain("a4"))
    assert [a.id for a in store.iter_articles()] == ["a3", "a4"]


# -- open_store -------------------------------------------------------------------------------


def test_open_store(tmp_path: Path) -> None:
    mem = open_store(None)
    assert isinstance(mem, MemoryStore) and mem.path is None
    assert isinstance(open_store("memory://"), MemoryStore)
    with open_store(tmp_path / "a.db") as s:
        assert isinstance(s, SQLiteStore) and s.path == tmp_path / "a.db"
    with open_store(str(tmp_path / "b.db")) as s:
        assert isinstance(s, SQLiteStore)
    with open_store(f"sqlite:///{tmp_path / 'c.db'}") as s:
        assert isinstance(s, SQLiteStore) and s.path == tmp_path / "c.db"
    with open_store(":memory:") as s:
        assert isinstance(s, SQLiteStore) and s.path is None
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        open_store("postgresql://user:secret@127.0.0.1:1/db?connect_timeout=2")
    with pytest.raises(StoreError) as info:
        open_store("postgresql://user:secret@127.0.0.1:1/db?connect_timeout=2")
    assert "secret" not in str(info.value)
    with pytest.raises(StoreError):
        open_store("ftp://x/y")


# -- SQLite only ------------------------------------------------------------------------------


def test_sqlite_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "store.db"
    art = full_article()
    with SQLiteStore(path) as s:
        s.put_article(plain("a0"))
        s.put_article(art)
        s.put_vectors("v", {"a0": np.arange(3, dtype=np.float32)})
        s.put_event(Event("e1", article_ids=["a0"]))
        s.put_story(Story("s1", event_ids=["e1"]))
        s.put_join(JoinReason("a0", "e1", 1.0, 1.0, 0.0, None, True))
        m = s.append_merge(MergeLogEntry("event-merge", "e1", ["e2"]))
        s.add_key_counts(["k"])
        s.put_quarantine(Quarantined("x", "empty", "empty"))
        s.set_meta("m", {"x": [1]})
        s.next_id("event")
    with SQLiteStore(path) as s:
        assert [a.id for a in s.iter_articles()] == ["a0", art.id]
        assert s.get_article(art.id) == art
        np.testing.assert_array_equal(s.get_vectors("v", ["a0"])["a0"], [0, 1, 2])
        assert s.get_event("e1") == Event("e1", article_ids=["a0"])
        assert s.get_story("s1") == Story("s1", event_ids=["e1"])
        assert len(s.get_joins("e1")) == 1
        assert s.merge_log("e2") == [m]
        assert s.key_counts(["k"]) == {"k": 1} and s.key_docs() == 1
        assert len(s.list_quarantine()) == 1
        assert s.get_meta("m") == {"x": [1]}
        assert s.next_id("event") == 2
        s.put_article(plain("a9"))
        assert [a.id for a in s.iter_articles()][-1] == "a9"


def test_sqlite_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        con.close()


def test_sqlite_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(StoreError, match=r"(?i)upgrade storyline"):
        SQLiteStore(path)


def test_sqlite_refuses_foreign_files(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_bytes(b"this is not a database\n" * 50)
    with pytest.raises(StoreError, match="not an SQLite database"):
        SQLiteStore(junk)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a storyline store"):
        SQLiteStore(other)


_CHILD = textwrap.dedent(
    """
    import sys, time
    from storyline.model import Article, Provenance
    from storyline.store import SQLiteStore

    def art(i):
        return Article(id=f"a{i:03d}", doc_id=str(i), title=str(i), text="x" * 2000,
                       provenance=Provenance(source="s", kind="text"))

    store = SQLiteStore(sys.argv[1])
    with store.transaction():
        for i in range(5):
            store.put_article(art(i))
    with store.transaction():
        for i in range(5, 2000):  # large enough to spill pages into the WAL
            store.put_article(art(i))
        print("ready", flush=True)
        time.sleep(60)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sqlite_crash_mid_transaction(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
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
    assert child.returncode == -signal.SIGKILL
    with SQLiteStore(path) as s:
        assert [a.id for a in s.iter_articles()] == [f"a{i:03d}" for i in range(5)]
        assert s.count_articles() == 5
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        con.close()


# -- consistency helpers (storyline check) ------------------------------------------------------


def test_vector_ids_and_delete(store: Store) -> None:
    store.put_vectors("s", {f"v{i}": np.ones(3, dtype=np.float32) for i in range(5)})
    assert store.vector_ids("s") == {f"v{i}" for i in range(5)}
    store.delete_vectors("s", ["v1", "v3", "missing"])
    assert store.vector_ids("s") == {"v0", "v2", "v4"} and store.count_vectors("s") == 3
    assert store.vector_ids("other") == set()


def test_mention_counts_and_text_index_drift(store: Store) -> None:
    store.put_article(plain("a1"))
    store.put_article(plain("a2"))
    store.put_mentions("a1", [{"entity_id": "n1", "count": 2, "data": {}},
                              {"entity_id": "n2", "count": 1, "data": {}}])
    store.put_mentions("a2", [{"entity_id": "n1", "count": 3, "data": {}}])
    assert sorted(store.mention_counts()) == [("a1", "n1", 2), ("a1", "n2", 1), ("a2", "n1", 3)]
    assert store.text_index_drift() == []
    store.rebuild_text_index()
    assert store.text_index_drift() == []


def test_sqlite_text_index_drift_is_found_and_rebuilt(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "d.db")
    s.put_article(plain("a1"))
    s.put_article(plain("a2"))
    s._conn.execute("INSERT INTO articles_fts (articles_fts, rowid, title, text) "
                    "VALUES ('delete', 2, 'a2', 'text of a2')")
    assert s.text_index_drift() == ["a2"]
    s.rebuild_text_index()
    assert s.text_index_drift() == []
    s.close()


def test_sqlite_threads_read_through_their_own_connections(tmp_path: Path) -> None:
    import threading

    s = SQLiteStore(tmp_path / "t.db")
    s.put_article(plain("a1"))
    seen: dict[str, object] = {}

    def read(name: str) -> None:
        seen[name] = (s._conn, s.get_article("a1") is not None)

    threads = [threading.Thread(target=read, args=(f"t{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conns = {id(c) for c, _ in seen.values()}  # type: ignore[misc]
    assert len(conns) == 3 and id(s._conn) not in conns
    assert all(ok for _, ok in seen.values())  # type: ignore[misc]
    v0 = s.version()
    with s.transaction():  # our own commit changes the version
        s.set_meta("k", 1)
    assert s.version() != v0
    s.close()


def test_version_token_is_shared_by_threads_and_sees_other_writers(tmp_path: Path) -> None:
    """A thread's first read (a new connection) keeps the token (caches stay valid); a
    commit by another connection (another process) changes it."""
    import threading

    s = SQLiteStore(tmp_path / "t.db")
    s.put_article(plain("a1"))
    v0 = s.version()
    seen = []
    threads = [threading.Thread(target=lambda: seen.append((s.get_article("a1") is not None,
                                                            s.version()))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [(True, v0)] * 4 and s.version() == v0
    other = sqlite3.connect(tmp_path / "t.db")
    with other:
        other.execute("INSERT INTO meta(key, value) VALUES ('x', '1')")
    other.close()
    assert s.version() != v0
    s.close()


# -- watchlists and alerts ----------------------------------------------------------------------


def test_watchlists_and_alerts(store: Store) -> None:
    row = {"name": "kishor", "kind": "entity", "value": "प्रशांत किशोर", "created": "2024-01-01",
           "cursor": 3, "config": {"webhook": "http://127.0.0.1:9/h", "secret_env": "S"}}
    store.put_watch(row)
    store.put_watch({**row, "name": "a-query", "kind": "query", "value": "flood", "config": {}})
    assert store.get_watch("kishor") == row
    assert [w["name"] for w in store.list_watches()] == ["a-query", "kishor"]
    store.put_watch({**row, "cursor": 7})
    assert store.get_watch("kishor")["cursor"] == 7  # type: ignore[index]
    new = store.add_alerts("kishor", [
        {"article_id": "a1", "at": "t1", "data": {"title": "मुंबई"}},
        {"article_id": "a2", "at": "t2", "data": {}},
    ])
    assert [a["article_id"] for a in new] == ["a1", "a2"] and new[0]["seq"] < new[1]["seq"]
    again = store.add_alerts("kishor", [{"article_id": "a1", "at": "t3"},
                                        {"article_id": "a3", "at": "t3"}])
    assert [a["article_id"] for a in again] == ["a3"]  # one alert per article and watchlist
    assert store.add_alerts("a-query", [{"article_id": "a1", "at": "t4"}])[0]["article_id"] == "a1"
    listed = store.list_alerts("kishor")
    assert [a["article_id"] for a in listed] == ["a3", "a2", "a1"]
    assert listed[2]["data"] == {"title": "मुंबई"} and listed[2]["delivery"] == {}
    assert len(store.list_alerts("kishor", limit=1)) == 1
    store.set_alert_delivery(listed[2]["seq"], {"status": "delivered", "attempts": [{"try": 1}]})
    assert store.list_alerts("kishor")[2]["delivery"]["status"] == "delivered"
    with pytest.raises(RuntimeError), store.transaction():
        store.add_alerts("kishor", [{"article_id": "a9", "at": "t"}])
        store.put_watch({**row, "cursor": 99})
        raise RuntimeError("killed")
    assert len(store.list_alerts("kishor")) == 3  # rolled back with its cursor
    assert store.get_watch("kishor")["cursor"] == 7  # type: ignore[index]
    assert store.delete_watch("kishor") and not store.delete_watch("kishor")
    assert store.get_watch("kishor") is None and store.list_alerts("kishor") == []
    assert len(store.list_alerts("a-query")) == 1


# -- derived views (story digests) -------------------------------------------------------------


def test_derived_values(store: Store) -> None:
    assert store.get_derived("story-summary", ["s1"]) == {}
    value = {"sentences": [{"text": "मुंबई में बारिश", "start": 0}], "n": 2, "x": None}
    store.put_derived("story-summary", {"s1": ("fp1", value), "s2": ("fp2", [])})
    store.put_derived("event-conflicts", {"s1": ("other", [1])})  # kinds are separate
    got = store.get_derived("story-summary", ["s1", "s2", "s3"])
    assert got == {"s1": ("fp1", value), "s2": ("fp2", [])}
    got["s1"][1]["n"] = 99  # a fresh object on every read
    assert store.get_derived("story-summary", ["s1"])["s1"][1]["n"] == 2
    assert store.derived_fingerprints("story-summary") == {"s1": "fp1", "s2": "fp2"}
    store.put_derived("story-summary", {"s1": ("fp1b", {"n": 3}), "s2": None})
    assert store.get_derived("story-summary", ["s1", "s2"]) == {"s1": ("fp1b", {"n": 3})}
    assert store.derived_fingerprints("event-conflicts") == {"s1": "other"}
    many = {f"s{i}": (f"f{i}", i) for i in range(1200)}  # more than one IN (...) query
    store.put_derived("k", many)
    assert store.get_derived("k", many) == many


def test_sqlite_derived_values_persist(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "d.db")
    s.put_derived("story-summary", {"s1": ("fp", {"a": [1, 2]})})
    s.close()
    s = SQLiteStore(tmp_path / "d.db")
    assert s.get_derived("story-summary", ["s1"]) == {"s1": ("fp", {"a": [1, 2]})}
    s.close()
