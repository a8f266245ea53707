"""`storyline export`: the default rows, --with text/entities/claims/summary, CSV, Parquet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.cli import cli
from storyline.export import ARTICLE_FIELDS, EVENT_FIELDS, STORY_FIELDS

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("export") / "s.db")
    r = CliRunner().invoke(cli, ["--db", path, "--encoder", "hashing", "ingest", str(SAMPLE)])
    assert r.exit_code == 0, r.output
    return path


def run(db: str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--db", db, "--encoder", "hashing", *args])


def rows(db: str, *args: str) -> list[dict[str, Any]]:
    r = run(db, "export", *args)
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_default_export_unchanged(db: str) -> None:
    out = rows(db, "--format", "jsonl")
    kinds = {k: [r for r in out if r["kind"] == k] for k in ("article", "event", "story")}
    assert len(kinds["article"]) == 42 and kinds["event"] and kinds["story"]
    assert all(list(r) == ARTICLE_FIELDS for r in kinds["article"])
    assert all(list(r) == EVENT_FIELDS for r in kinds["event"])
    assert all(list(r) == STORY_FIELDS for r in kinds["story"])


def test_with_text_entities_claims(db: str) -> None:
    out = rows(db, "--what", "articles", "--with", "text,entities,claims")
    assert len(out) == 42
    n_ents = n_claims = 0
    for row in out:
        assert {"text", "title", "url", "entities", "claims"} <= set(row)
        shown = json.loads(run(db, "article", row["article_id"], "--json").stdout)
        assert row["text"] == shown["text"]
        for ent in row["entities"]:
            n_ents += 1
            for start, end in ent["offsets"]:
                assert row["text"][start:end] in ent["forms"]
        for c in row["claims"]:
            n_claims += 1
            assert row["text"][c["start"]:c["end"]] == c["text"]
    assert n_ents > 50 and n_claims > 10


def test_summaries_cite_members(db: str) -> None:
    out = rows(db, "--with", "summary")
    texts = {r["article_id"]: r for r in rows(db, "--what", "articles", "--with", "text")}
    events = {r["id"]: r for r in out if r["kind"] == "event"}
    assert all("summary" not in r for r in out if r["kind"] == "article")
    for row in out:
        if row["kind"] == "article":
            continue
        members = set(row["articles"]) if row["kind"] == "event" else {
            a for e in row["events"] for a in events[e]["articles"]}
        sents = row["summary"]["sentences"]
        assert sents, row["id"]
        for s in sents:
            assert s["article_id"] in members
            assert texts[s["article_id"]]["text"][s["start"]:s["end"]] == s["text"]


def test_csv(db: str, tmp_path: Path) -> None:
    r = run(db, "export", "--format", "csv", "--with", "text,entities")
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(table) == 42 and list(table[0]) == [*ARTICLE_FIELDS, "text", "entities"]
    assert isinstance(json.loads(table[0]["entities"]), list)
    r = run(db, "export", "--format", "csv", "--what", "events", "--with", "summary")
    events = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(events[0]) == [*EVENT_FIELDS, "summary"]
    assert json.loads(events[0]["summary"])["kind"] == "event"


def test_parquet(db: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "out"
    r = run(db, "export", "--format", "parquet", "--with", "all", "-o", str(folder))
    assert r.exit_code == 0, r.output
    arts = pq.read_table(folder / "articles.parquet").to_pylist()
    events = pq.read_table(folder / "events.parquet").to_pylist()
    stories = pq.read_table(folder / "stories.parquet")
    plain = rows(db, "--with", "all")
    assert len(arts) == 42 and len(events) + stories.num_rows + 42 == len(plain)
    by_id = {r["article_id"]: r for r in plain if r["kind"] == "article"}
    for a in arts:
        assert a["text"] == by_id[a["article_id"]]["text"]
        assert [e["id"] for e in a["entities"]] == [
            e["id"] for e in by_id[a["article_id"]]["entities"]]
    assert dict(events[0]["languages"]) and events[0]["summary"]["sentences"]
    one = tmp_path / "events.parquet"
    r = run(db, "export", "--format", "parquet", "--what", "events", "-o", str(one))
    assert r.exit_code == 0 and pq.read_table(one).num_rows == len(events)
    assert not list(tmp_path.glob("*.part"))


def test_export_errors(db: str, tmp_path: Path) -> None:
    r = run(db, "export", "--with", "text,sentiment")
    assert r.exit_code == 2 and "unknown --with field(s) sentiment" in r.output
    r = run(db, "export", "--format", "parquet")
    assert r.exit_code == 2 and "give -o FILE" in r.output
    f = tmp_path / "x.parquet"
    f.write_text("")
    r = run(db, "export", "--format", "parquet", "-o", str(f))
    assert r.exit_code == 2 and "is a file" in r.output
