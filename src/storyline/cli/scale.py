"""``storyline spark ingest``: the batch ingest on Apache Spark (see storyline.scale.spark)."""

from __future__ import annotations

import sys

import click

from storyline.cli.base import Ctx, _errors, _json, cli


@cli.group()
def spark() -> None:
    """Batch ingest on Apache Spark (needs the spark extra and Java 17+)."""


@spark.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--master", default="local[2]", show_default=True,
              help="Spark master: local[N], yarn, k8s://..., spark://host:7077.")
@click.option("--partitions", type=int, default=0,
              help="Tasks for the per-article work (default: twice the parallelism).")
@click.option("--batch-size", type=int, default=64, show_default=True,
              help="Articles per clustering batch and store transaction (as local ingest).")
@click.option("--conf", "confs", multiple=True, metavar="KEY=VALUE",
              help="Extra Spark setting (repeatable), e.g. spark.executor.memory=4g.")
@click.option("--full-scan", is_flag=True,
              help="Score every article pair in the time window (no candidate pairs).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def spark_ingest_cmd(
    obj: Ctx,
    paths: tuple[str, ...],
    master: str,
    partitions: int,
    batch_size: int,
    confs: tuple[str, ...],
    full_scan: bool,
    as_json: bool,
) -> None:
    """Read, clean, annotate and encode PATHS on Spark executors, then cluster and write them
    into the store with the local engine's own code (same events and stories as `ingest`).
    Event clustering scores only the candidate pairs the executors find in day blocks
    (time-blocked nearest neighbours; --full-scan: every pair in the time window).

    PATHS are files or folders of JSON Lines, text, HTML, feeds or WARC(.gz). The store is any
    backend: an SQLite file for a local run, postgresql://... for a cluster.
    """
    from storyline.scale.spark import SparkOptions, spark_ingest

    pairs = []
    for c in confs:
        key, sep, value = c.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{c!r}: write KEY=VALUE", param_hint="--conf")
        pairs.append((key.strip(), value.strip()))
    opts = SparkOptions(master=master, partitions=partitions, encoder=obj.encoder,
                        batch_size=batch_size, conf=tuple(pairs),
                        candidates=not full_scan)  # fmt: skip
    with _errors():
        report = spark_ingest(obj.db, list(paths), opts)
    if as_json:
        _json(report.as_dict())
        return
    for q in report.problems:
        where = f"{q.source}:{q.line}" if q.line else q.source
        click.echo(f"quarantined {where}: {q.reason}: {q.message}", err=True)
    rate = report.accepted / report.seconds if report.seconds else 0.0
    click.echo(
        f"{report.accepted} accepted, {report.duplicates} duplicate, "
        f"{report.near_duplicates} near-duplicate, {report.quarantined} quarantined "
        f"({report.read} read in {report.seconds:.1f}s, {rate:.1f} articles/s on {master}); "
        f"{report.new_events} new events, {report.new_stories} new stories, {report.merges} merges"
    )
    sys.stdout.flush()
