"""Contract tests for the entity, mention and claim tables, over every store backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.store import open_store
from storyline.store.base import Store
from storyline.store.memory import MemoryStore
from storyline.store.sqlite import SQLiteStore


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


def _entity(eid: str, name: str, mentions: int, names: list[str], **kw: object) -> dict:
    return {"id": eid, "name": name, "type": "PERSON", "mentions": mentions, "names": names,
            "data": {"aliases": {"Latn": names}}, **kw}


def test_entities_roundtrip_rank_and_lookup(store: Store) -> None:
    with store.transaction():
        store.put_entity(_entity("n1", "Ravi Mehra", 5, ["Mehra", "रवि मेहरा"]))
        store.put_entity(_entity("n2", "Harish Chandel", 9, ["Chandel"]))
        store.put_entity({**_entity("n3", "Lok Vikas Party", 2, ["LVP"]), "type": "ORG"})
    assert [e["id"] for e in store.list_entities()] == ["n2", "n1", "n3"]
    assert [e["id"] for e in store.list_entities(type="ORG")] == ["n3"]
    assert [e["id"] for e in store.list_entities(limit=1)] == ["n2"]
    got = store.get_entity("n1")
    assert got is not None and got["data"]["aliases"]["Latn"][0] == "Mehra"
    assert "रवि मेहरा" in got["names"]
    assert [e["id"] for e in store.find_entities("  MEHRA ")] == ["n1"]
    assert [e["id"] for e in store.find_entities("रवि मेहरा")] == ["n1"]
    assert store.find_entities("nobody") == []
    with store.transaction():  # replace: old aliases are forgotten, dead ones hidden
        store.put_entity(_entity("n1", "Ravi Mehra", 6, ["R. Mehra"], alive=False))
    assert store.find_entities("Mehra") == []
    assert [e["id"] for e in store.find_entities("r. mehra")] == ["n1"]
    assert "n1" not in [e["id"] for e in store.list_entities()]
    assert "n1" in [e["id"] for e in store.list_entities(include_dead=True)]


def test_mentions_and_claims(store: Store) -> None:
    with store.transaction():
        store.put_mentions("a1", [{"entity_id": "n1", "count": 3, "data": {"s": ["Mehra"]}},
                                  {"entity_id": "n2", "count": 1}])
        store.put_mentions("a2", [{"entity_id": "n1", "count": 1}])
        store.put_claims("a1", [
            {"speaker_entity": "n1", "anonymous": False, "data": {"text": "x"}},
            {"speaker_entity": None, "anonymous": True, "data": {"text": "y"}},
        ])
        store.put_claims("a2", [{"speaker_entity": "n1", "anonymous": False, "data": {}}])
    assert [m["entity_id"] for m in store.article_mentions("a1")] == ["n1", "n2"]
    assert store.article_mentions("a1")[0]["data"] == {"s": ["Mehra"]}
    assert store.entity_article_ids("n1") == ["a1", "a2"]
    assert [c["seq"] for c in store.list_claims(article_ids=["a1"])] == [0, 1]
    assert [c["article_id"] for c in store.list_claims(speaker="n1")] == ["a1", "a2"]
    assert [c["data"]["text"] for c in store.list_claims(anonymous=True)] == ["y"]
    with store.transaction():  # re-putting an article's rows replaces them
        store.put_mentions("a1", [{"entity_id": "n2", "count": 2}])
        store.put_claims("a1", [])
    assert store.entity_article_ids("n1") == ["a2"]
    assert store.list_claims(article_ids=["a1"]) == []


def test_mentioned_entities_and_entity_heads(store: Store) -> None:
    """The light reads behind search facets and key entities: mention ids per article, and
    each entity's live head (merges followed, a cycle or a missing target stops) with its
    name."""
    with store.transaction():
        store.put_entity(_entity("n1", "Ravi Mehra", 5, ["Mehra"]))
        store.put_entity(_entity("n2", "R. Mehra", 0, [], alive=False,
                                 data={"merged_into": "n1"}))
        store.put_entity(_entity("n3", "Old", 0, [], alive=False, data={"merged_into": "n2"}))
        store.put_entity(_entity("n4", "Loop", 0, [], data={"merged_into": "n5"}))
        store.put_entity(_entity("n5", "Pool", 0, [], data={"merged_into": "n4"}))
        store.put_entity(_entity("n6", "Dangling", 0, [], data={"merged_into": "n404"}))
        store.put_mentions("a1", [{"entity_id": "n3", "count": 1},
                                  {"entity_id": "n1", "count": 4}])
    assert store.mentioned_entities(["a1", "a9"]) == {"a1": ["n1", "n3"], "a9": []}
    heads = store.entity_heads(iter(["n1", "n2", "n3", "n4", "n6", "n404"]))
    assert heads["n1"] == heads["n2"] == heads["n3"] == ("n1", "Ravi Mehra")
    assert heads["n4"] in {("n4", "Loop"), ("n5", "Pool")}
    assert heads["n6"] == ("n6", "Dangling") and "n404" not in heads
    assert Store.entity_heads(store, ["n3", "n6"]) == store.entity_heads(["n3", "n6"])


def test_entity_writes_roll_back(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.put_entity(_entity("n9", "Ghost", 1, []))
        store.put_mentions("a9", [{"entity_id": "n9", "count": 1}])
        raise RuntimeError("boom")
    assert store.get_entity("n9") is None
    assert store.article_mentions("a9") == []
