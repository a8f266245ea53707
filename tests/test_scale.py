"""The Spark batch ingest gives the local ingest's answer, and local ingest continues after it.

Spark runs in local mode (``local[2]``) with the hashing encoder on the bundled sample corpus;
the session starts once for the module. Marked ``spark`` (and ``postgres`` where a PostgreSQL
store is the target); they skip only when Spark cannot start (no Java, no pyspark).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from storyline.api import Storyline
from storyline.cli import cli
from storyline.encode.base import HashingEncoder
from storyline.eval.agreement import store_agreement
from storyline.store import open_store

pytestmark = [pytest.mark.spark, pytest.mark.slow]

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample" / "articles.jsonl"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from storyline.scale.spark import SparkOptions, spark_session

    try:
        session = spark_session(SparkOptions(master="local[2]"))
    except Exception as exc:  # no Java / pyspark: nothing to test against
        pytest.skip(f"Spark cannot start here: {exc}")
    yield session
    session.stop()


def split_sample(tmp: Path) -> tuple[Path, Path]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    first, second = tmp / "part1.jsonl", tmp / "part2.jsonl"
    first.write_text("".join(lines[:25]), encoding="utf-8")
    second.write_text("".join(lines[25:]) + "this line is not JSON\n", encoding="utf-8")
    return first, second


def spark_cli(db: str, *paths: Path) -> dict[str, Any]:
    args = ["--db", db, "--encoder", "hashing", "spark", "ingest", *map(str, paths)]
    args += ["--master", "local[2]", "--partitions", "3", "--json"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    return dict(json.loads(res.stdout))


def test_spark_ingest_equals_local_ingest(spark: Any, tmp_path: Path) -> None:
    first, second = split_sample(tmp_path)
    report = spark_cli(str(tmp_path / "spark.db"), first, second)
    with Storyline(open_store(tmp_path / "local.db"), HashingEncoder()) as sl:
        local = sl.ingest([first, second])
    assert report["accepted"] == local.accepted == 42
    assert report["quarantined"] == local.quarantined == 1
    assert report["problems"][0]["reason"] == local.problems[0].reason
    with open_store(tmp_path / "local.db") as a, open_store(tmp_path / "spark.db") as b:
        agree = store_agreement(a, b)
        assert agree["only_in_reference"] == agree["only_in_other"] == 0
        assert agree["same_langs"] == agree["same_dates"] == agree["shared"] == 42
        assert agree["events"]["pairwise_f1"] == 1.0 and agree["stories"]["pairwise_f1"] == 1.0
        assert [e.id for e in a.list_events()] == [e.id for e in b.list_events()]
        assert len(b.list_quarantine()) == 1
    again = spark_cli(str(tmp_path / "spark.db"), first, second)  # re-run: nothing new
    assert again["accepted"] == 0 and again["duplicates"] == 42


@pytest.mark.postgres
def test_local_ingest_continues_a_spark_bulk_load(
    spark: Any, tmp_path: Path, pg_url: str
) -> None:
    first, second = split_sample(tmp_path)
    spark_cli(pg_url, first)
    with open_store(pg_url) as s:
        bulk_events = {e.id: sorted(e.article_ids) for e in s.list_events()}
        bulk_articles = {a.id: a.event_id for a in s.iter_articles()}
    res = CliRunner().invoke(cli, ["--db", pg_url, "--encoder", "hashing", "ingest", str(second)])
    assert res.exit_code == 0, res.output
    for part in (first, second):  # the reference: two local runs (two processes)
        with Storyline(open_store(tmp_path / "local.db"), HashingEncoder()) as sl:
            sl.ingest([part])
    with open_store(pg_url) as pg, open_store(tmp_path / "local.db") as lite:
        # ids are stable: the bulk load's articles and events keep theirs
        assert {a for a in bulk_articles} <= {a.id for a in pg.iter_articles()}
        live = {e.id for e in pg.list_events(include_dead=True)}
        assert set(bulk_events) <= live
        agree = store_agreement(lite, pg)
        assert agree["shared"] == 42
        assert agree["events"]["pairwise_f1"] == 1.0 and agree["stories"]["pairwise_f1"] == 1.0
        assert [e.id for e in pg.list_events()] == [e.id for e in lite.list_events()]
        res = CliRunner().invoke(cli, ["--db", pg_url, "--encoder", "hashing", "search",
                                       "cyclone", "--json"])  # fmt: skip
        assert res.exit_code == 0 and json.loads(res.stdout), res.output


def test_spark_candidate_pairs_are_the_local_day_blocks(spark: Any) -> None:
    from storyline.cluster.candidates import CandidateSpec, local_candidates
    from storyline.cluster.features import background_mean
    from storyline.cluster.model import default_model
    from storyline.scale.prepare import list_inputs, prepare_partition, read_input
    from storyline.scale.spark import SparkOptions, candidate_pairs

    docs = [kv for i, f in enumerate(list_inputs([str(SAMPLE)])) for kv in read_input(i, f)]
    prepared = list(prepare_partition(docs, "hashing"))
    rdd = spark.sparkContext.parallelize(prepared, 3)
    got = candidate_pairs(rdd, SparkOptions(encoder="hashing"))
    arts = [(x[0], x[1]) for _, x in prepared if isinstance(x, tuple)]
    spec = CandidateSpec(window_days=default_model().events.window_days)
    want = local_candidates(arts, background_mean("hashing", len(arts[0][1])), spec)
    assert got.pairs == want.pairs > 0
    assert got.nbr == want.nbr and got.covered == want.covered
    assert len(got.covered) > len(arts) // 2  # the dated articles are in blocks
