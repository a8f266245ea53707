"""End to end on realistic input: the seeds, the sample corpus, bad files, re-runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline
from storyline.cli import cli
from storyline.eval.clusters import evaluate_clusters, load_gold

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample"

pytestmark = pytest.mark.encoder

BOILERPLATE = [
    "is now on Telegram",
    "download Indian Express App",
    "© The Indian Express",
    "विज्ञापन",
    "Read Time:",
    "यह भी पढ़ें",
    "Featured Video Of The Day",
    "Topics mentioned in this article",
    "Advertisement",
]


def test_seeds(seeds_dir: Path, tmp_path: Path) -> None:
    sl = storyline.open(tmp_path / "s.db")
    rep = sl.ingest([seeds_dir])
    assert (rep.accepted, rep.quarantined) == (3, 0)
    arts = {a.doc_id[:3]: a for a in sl.articles()}
    assert [arts[k].lang.lang for k in ("000", "001", "002")] == ["en", "en", "hi"]
    d0 = arts["000"].date
    assert d0.value == "2020-06-26" and not d0.is_estimate and "header" in d0.evidence
    for k in ("001", "002"):
        d = arts[k].date
        assert d.value is None or (d.is_estimate and d.granularity != "day"), d
    for a in arts.values():
        for b in BOILERPLATE:
            assert b not in a.text, (a.doc_id, b)
    assert len({a.event_id for a in arts.values()}) == 3
    assert len({a.story_id for a in arts.values()}) == 1
    story = sl.stories()[0]
    tl = sl.timeline(story.id)
    assert next(t.articles[0].doc_id[:3] for t in tl) == "000"
    assert all(t.is_estimate for t in tl[1:])
    again = sl.ingest([seeds_dir])
    assert (again.accepted, again.duplicates) == (0, 3)
    assert sl.store.count_articles() == 3


@pytest.mark.slow
def test_sample_corpus_quality(tmp_path: Path) -> None:
    sl = storyline.open(tmp_path / "d.db")
    sl.ingest([SAMPLE / "articles.jsonl"])
    res = evaluate_clusters(sl.store, load_gold(SAMPLE / "gold.jsonl"))
    assert res["missing"] == 0
    # issue #2 asks for >= 0.9 on both; measured 0.973 / 0.970 (README, benchmarks/quality.py)
    assert res["events"]["pairwise"]["f1"] >= 0.9, res
    assert res["stories"]["pairwise"]["f1"] >= 0.9, res


def test_bad_inputs_are_quarantined(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (d / "empty.txt").write_bytes(b"")
    (d / "latin1.txt").write_bytes(
        "Le café du marché a rouvert après les travaux, a annoncé la mairie mardi. "
        "Les habitants du quartier étaient nombreux à la réouverture.".encode("latin-1")
    )
    (d / "good.txt").write_text(
        "The city council approved the new tram line on Tuesday after a long debate. "
        "Work is expected to start next spring.",
        encoding="utf-8",
    )
    (d / "bad.jsonl").write_text(
        '{"id": "x1", "text": "A fine line of text about the harbour reopening today."}\n'
        '{"id": "x2", "text": \n',
        encoding="utf-8",
    )
    (d / "old.jsonl").write_text(
        json.dumps(
            {
                "id": "o1",
                "date": "1800-01-01",
                "text": "An article that claims a very old date for itself.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "q.db"), "ingest", str(d), "--json"])
    assert result.exit_code == 0, result.output
    rep = json.loads(result.output)
    assert rep["accepted"] == 3
    reasons = {(Path(p["source"]).name, p["reason"]) for p in rep["problems"]}
    assert ("picture.txt", "binary") in reasons
    assert ("empty.txt", "empty") in reasons
    assert ("bad.jsonl", "bad-json") in reasons
    assert ("old.jsonl", "bad-date") in reasons
    sl = storyline.open(tmp_path / "q.db")
    assert len(sl.quarantine()) == 4
    fr = next(a for a in sl.articles() if a.doc_id == "latin1.txt")
    assert "café" in fr.text and fr.provenance.encoding.lower().replace("-", "") != "utf8"


def test_cli_listings_json_and_export(seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    r = CliRunner()
    assert r.invoke(cli, ["--db", db, "ingest", str(seeds_dir)]).exit_code == 0
    stories = json.loads(r.invoke(cli, ["--db", db, "stories", "--json"]).output)
    sid = stories[0]["id"]
    story = json.loads(r.invoke(cli, ["--db", db, "story", sid, "--json"]).output)
    assert len(story["timeline"]) == 3
    events = json.loads(r.invoke(cli, ["--db", db, "events", "--json"]).output)
    ev = json.loads(r.invoke(cli, ["--db", db, "event", events[0]["id"], "--json"]).output)
    assert ev["why"] and ev["articles"]
    art = json.loads(
        r.invoke(cli, ["--db", db, "article", "000_0f293fc39c403432.txt", "--json"]).output
    )
    assert art["date"]["value"] == "2020-06-26"
    out = r.invoke(cli, ["--db", db, "export", "--what", "articles"]).output
    rows = [json.loads(x) for x in out.splitlines()]
    assert {x["id"] for x in rows} == {p.name for p in seeds_dir.glob("*.txt")}
    assert all(x["event_id"] and x["story_id"] and x["lang"] for x in rows)
    csv_out = r.invoke(cli, ["--db", db, "export", "--format", "csv"]).output
    assert csv_out.splitlines()[0].startswith("kind,id,article_id,source")
    missing = r.invoke(cli, ["--db", db, "story", "s999999"])
    assert missing.exit_code == 2 and "no story" in missing.output


@pytest.mark.slow
def test_kill_during_ingest_then_resume(tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(400):
            fh.write(
                json.dumps(
                    {
                        "id": f"n{i}",
                        "date": f"2024-05-0{1 + i % 9}",
                        "text": f"Report number {i}: the river level in district {i % 17} "
                        f"rose by {i % 5} metres on Monday, officials said.",
                    }
                )
                + "\n"
            )
    db = tmp_path / "k.db"
    cmd = [
        sys.executable,
        "-m",
        "storyline.cli",
        "--db",
        str(db),
        "--encoder",
        "hashing",
        "ingest",
        str(src),
        "--no-progress",
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.time() + 300  # a loaded CI machine takes a while to commit batch one
    while time.time() < deadline:
        if db.exists():
            sl = storyline.open(db, encoder="hashing")
            n = sl.store.count_articles()
            sl.close()
            if n >= 64:
                break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    sl = storyline.open(db, encoder="hashing")
    partial = sl.store.count_articles()
    assert 0 < partial <= 400
    assert partial % 64 == 0 or partial == 400  # whole batches only
    sl.close()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "quarantined" in done.stdout
    sl = storyline.open(db, encoder="hashing")
    assert sl.store.count_articles() == 400
    ids = [a.doc_id for a in sl.articles()]
    assert len(ids) == len(set(ids)) == 400
    assert all(a.event_id for a in sl.articles())
