"""Entities and quotes through the store, the Python API and the CLI, on the seeds.

These are the checks issue #3 names. The seeds are read from ../shared/data at run time;
assertions use a few words at most.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline
from storyline.api import Storyline
from storyline.api_people import Quote
from storyline.cli import cli

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Storyline:
    seeds = SEEDS
    if not seeds.is_dir():
        pytest.skip(f"{seeds} not present (CI has ../shared beside the checkout)")
    db = tmp_path_factory.mktemp("people") / "seeds.db"
    sl = storyline.open(db, encoder="hashing")
    sl.ingest([seeds])
    return sl


def _seed_of(sl: Storyline, article_id: str) -> str:
    return sl.article(article_id).doc_id[:3]


def test_seed_entities_across_scripts(seeded: Storyline) -> None:
    sl = seeded
    pk = sl.entity("Prashant Kishor")
    assert {_seed_of(sl, a) for a in pk.article_ids} == {"000", "001", "002"}
    assert {"प्रशांत किशोर", "किशोर"} <= set(pk.aliases["Deva"])
    assert pk.mentions_by_lang.get("hi", 0) > 0 and pk.mentions_by_lang.get("en", 0) > 0
    assert sl.entity("Kishor").entity.id == pk.entity.id
    congress = sl.entity("Congress").entity
    assert sl.entity("कांग्रेस").entity.id == congress.id and congress.type == "ORG"
    gandhis = {n: sl.entity(n).entity.id for n in ("Rahul Gandhi", "Sonia Gandhi")}
    gandhis["Priyanka Gandhi Vadra"] = sl.entity("प्रियंका गांधी वाड्रा").entity.id
    assert len(set(gandhis.values())) == 3
    assert sl.entity("राहुल गांधी").entity.id == gandhis["Rahul Gandhi"]
    assert sl.entity("सोनिया गांधी").entity.id == gandhis["Sonia Gandhi"]
    amarinder = sl.entity("Amarinder Singh")
    assert {"Amarinder", "Amarinder Singh"} <= set(amarinder.aliases["Latn"])
    seed0 = next(a for a in amarinder.article_ids if _seed_of(sl, a) == "000")
    text = sl.article(seed0).text
    capt = text.index("Capt Amarinder")
    spans = [
        (m["start"], m["end"])
        for row in sl.store.article_mentions(seed0)
        if row["entity_id"] == amarinder.entity.id
        for m in row["data"]["mentions"]
    ]
    assert any(s <= capt + 5 < e for s, e in spans)  # "Capt Amarinder Singh" is him too
    for name, typ in [("Asha Kumari", "PERSON"), ("Surjewala", "PERSON"), ("Punjab", "PLACE"),
                      ("Chandigarh", "PLACE"), ("Gujarat", "PLACE")]:
        assert sl.entity(name).entity.type == typ, name
    assert sl.entity("गुजरात").entity.id == sl.entity("Gujarat").entity.id


def test_seed_quotes_speakers_and_anonymous_sources(seeded: Storyline) -> None:
    sl = seeded
    qs = sl.quotes()
    pk = sl.entity("Prashant Kishor").entity.id

    def find(start: str) -> Quote:
        return next(q for q in qs if q.claim.text.startswith(start))

    assert find("I declined the").speaker_entity == pk
    assert find("He declined. We appreciate").speaker_name == "Surjewala"
    anon0 = [q for q in qs if q.claim.anonymous and _seed_of(sl, q.article_id) == "000"]
    sources = {(q.claim.source or "").lower() for q in anon0}
    assert {"sources close to kishor", "a source close to him"} <= sources
    assert any("punjab government" in s for s in sources)
    assert all(q.speaker_entity is None for q in anon0)
    close_to_him = sl.quotes(entity="Prashant Kishor", anonymous=True)
    assert len(close_to_him) >= 3 and all(q.group_entity == pk for q in close_to_him)
    hindi = [q for q in qs if _seed_of(sl, q.article_id) == "002"]
    assert any(
        q.claim.anonymous and "सूत्र" in (q.claim.source or "") and "बताया" in (q.claim.cue or "")
        for q in hindi
    )
    priyanka = [q for q in hindi if q.speaker_name and "प्रियंका" in q.speaker_name]
    assert priyanka and not priyanka[0].claim.anonymous


def _story_of_seed(sl: Storyline, prefix: str) -> str:
    art = next(a for a in sl.articles() if a.doc_id.startswith(prefix))
    assert art.story_id
    return art.story_id


def test_seed_conflict_is_flagged(seeded: Storyline) -> None:
    story = _story_of_seed(seeded, "000")  # the report quoting both sides
    conflicts = seeded.conflicts(story=story)
    assert conflicts
    top = conflicts[0]
    sides = {(top.claim_a.source or "").lower(), (top.claim_b.source or "").lower()}
    assert any("close to kishor" in s for s in sides)
    assert any("punjab government" in s for s in sides)
    assert {top.polarity_a, top.polarity_b} == {"against", "for"}


def test_people_cli_json(seeded: Storyline) -> None:
    db = str(seeded.store.path)
    run = CliRunner().invoke
    res = run(cli, ["--db", db, "--encoder", "hashing", "entities", "--json", "--limit", "5"])
    assert res.exit_code == 0, res.output
    ents = json.loads(res.output)
    assert ents[0]["name"] == "Prashant Kishor" and "Deva" in ents[0]["aliases"]
    res = run(cli, ["--db", db, "--encoder", "hashing", "entities", "--lang", "hi", "--json"])
    assert all(e["langs"].get("hi") for e in json.loads(res.output))
    res = run(cli, ["--db", db, "--encoder", "hashing", "entity", "किशोर", "--json"])
    assert json.loads(res.output)["entity"]["name"] == "Prashant Kishor"
    res = run(cli, ["--db", db, "--encoder", "hashing", "quotes", "--anonymous", "--json"])
    assert res.exit_code == 0 and all(q["claim"]["anonymous"] for q in json.loads(res.output))
    story = _story_of_seed(seeded, "000")
    res = run(cli, ["--db", db, "--encoder", "hashing", "quotes", "--conflicts", "--story", story])
    assert res.exit_code == 0 and "against" in res.output
    res = run(cli, ["--db", db, "--encoder", "hashing", "entity", "Nobody Atall"])
    assert res.exit_code == 2 and "storyline entities" in res.output


def test_entities_survive_reopen_and_reingest(seeded: Storyline) -> None:
    path = seeded.store.path
    assert path is not None
    before = seeded.entity("Prashant Kishor").entity.mentions
    with storyline.open(path, encoder="hashing") as again:
        rep = again.ingest([SEEDS])
        assert rep.accepted == 0
        assert again.entity("Prashant Kishor").entity.mentions == before


def test_an_enrichment_bug_never_sinks_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.entities import EntityLinker

    sample = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample"

    def boom(self: EntityLinker, article_id: str, *a: object, **k: object) -> list[object]:
        if article_id.endswith(("0", "1", "2", "3")):
            raise IndexError("simulated extractor bug")
        return []

    monkeypatch.setattr(EntityLinker, "link_article", boom)
    with storyline.open(tmp_path / "b.db", encoder="hashing") as sl:
        rep = sl.ingest([sample / "articles.jsonl"])
        assert rep.accepted == 42 and rep.quarantined == 0
        hit = [a for a in sl.articles() if a.extra.get("annotate_error") == "entities"]
        assert hit and all(a.id[-1] in "0123" for a in hit)
