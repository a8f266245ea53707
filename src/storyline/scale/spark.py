"""Spark batch ingest: ``storyline --db URL spark ingest INPUT... [--master local[2]]``.

Also a ``spark-submit`` entry point (same options)::

    spark-submit --master yarn --py-files storyline.zip \\
        "$(python -c 'import storyline.scale.spark as m; print(m.__file__)')" \\
        --db postgresql://user@db/news s3a://bucket/crawl/ ...

Plan of the job:

1. the driver lists the input files (folders walked as the local ingest walks them);
2. executors read them with storyline's readers (JSON Lines, text, HTML, feeds, WARC(.gz)),
   each document keyed by ``(file index, document index)``;
3. the documents are spread over ``partitions`` tasks, which run the same pipeline stages
   (clean, language, dates, keys, minhash) and the same encoder as the local engine, one model
   per executor process (:mod:`storyline.scale.prepare`);
4. the prepared articles stream back to the driver in key order (``toLocalIterator``: the
   driver holds one partition at a time, never the whole corpus) and go through the local
   engine's own duplicate checks, entity linking, event/story clustering and store writes
   (:meth:`Engine.ingest_prepared`), one transaction per batch.

So the Spark job and ``storyline ingest`` share every stage, feature and decision: the events
and stories they build over the same files are the same. Step 4 is sequential (online
clustering is), which bounds the speed-up: see ``benchmarks/scale.py``.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from storyline.cluster.candidates import (
    Candidates,
    CandidateSpec,
    Item,
    block_pairs,
    day_keys,
    item_of,
    language_means,
)
from storyline.engine import Engine, IngestReport
from storyline.errors import StorylineError
from storyline.scale.prepare import Key, Prepared, list_inputs, prepare_partition, read_input
from storyline.store import open_store

log = logging.getLogger(__name__)


class SparkError(StorylineError):
    """Spark cannot run (pyspark or Java missing, the master unreachable...)."""


@dataclass
class SparkOptions:
    master: str = "local[2]"
    partitions: int = 0  # 0: twice the default parallelism
    encoder: str = "e5"
    encoder_threads: int = 1
    batch_size: int = 64
    app_name: str = "storyline-ingest"
    conf: tuple[tuple[str, str], ...] = ()
    candidates: bool = True  # event pairs found ahead in day blocks (False: scan the window)


def spark_session(opts: SparkOptions) -> Any:
    """A SparkSession for ``opts`` (the running one under ``spark-submit``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkError(
            "the Spark job needs pyspark: pip install 'storyline[spark]' (and Java 17+)"
        ) from exc
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkError(
            "Spark needs Java 17 or newer and none was found: install a JRE "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(opts.app_name)
    if opts.master:
        builder = builder.master(opts.master)
    for key, value in (
        ("spark.ui.enabled", "false"),
        ("spark.ui.showConsoleProgress", "false"),
        ("spark.python.worker.reuse", "true"),  # the encoder loads once per worker
        ("spark.driver.maxResultSize", "0"),
        *opts.conf,
    ):
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        raise SparkError(f"cannot start Spark (master {opts.master!r}): {exc}") from exc
    spark.sparkContext.setLogLevel("WARN")
    return spark


def prepared_stream(
    spark: Any,
    paths: list[str],
    opts: SparkOptions,
    found: Callable[[Candidates], None] | None = None,
) -> Iterator[Prepared]:
    """Prepared articles (or quarantined documents) of ``paths``, in local ingest order;
    with ``found``, the candidate pairs of event clustering (:func:`candidate_pairs`) are
    handed to it before the first article."""
    files = list_inputs(paths)
    if not files:
        return
    sc = spark.sparkContext
    parts = opts.partitions or max(2, 2 * sc.defaultParallelism)
    encoder, threads = opts.encoder, opts.encoder_threads

    def read(pair: tuple[int, str]) -> Iterator[tuple[Key, Any]]:
        return read_input(*pair)

    def prepare(items: Iterator[tuple[Key, Any]]) -> Iterator[tuple[Key, Prepared]]:
        return prepare_partition(items, encoder, threads)

    docs = sc.parallelize(list(enumerate(files)), min(len(files), parts)).flatMap(read)
    prepared = docs.repartition(parts).mapPartitions(prepare)
    from pyspark import StorageLevel

    # the sort samples the keys first (and the candidate pairs read the articles once more):
    # keep the prepared partitions (spilling to disk) so the pipeline and the encoder run
    # once per document
    prepared = prepared.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        if found is not None:
            found(candidate_pairs(prepared, opts))
        ordered = prepared.sortByKey(numPartitions=parts)
        for _key, item in ordered.toLocalIterator(prefetchPartitions=True):
            yield item
    finally:
        prepared.unpersist()


def candidate_pairs(prepared: Any, opts: SparkOptions) -> Candidates:
    """Event-pair candidates of the prepared articles, computed on the executors one day block
    at a time (:mod:`storyline.cluster.candidates`): per-language means (one aggregate), then
    each day's articles against those of the window before, exact centred cosines."""
    from storyline.cluster.features import background_mean
    from storyline.cluster.model import default_model

    spec = CandidateSpec(window_days=default_model().events.window_days)

    def items(kv: tuple[Key, Prepared]) -> list[Item]:
        x = kv[1]
        if isinstance(x, tuple):
            it = item_of(x[0], x[1])
            return [it] if it is not None else []
        return []

    members = prepared.flatMap(items).persist()
    try:
        sums = dict(
            members.map(lambda it: (it[2], (it[3].astype(np.float64), 1)))
            .reduceByKey(lambda a, b: (a[0] + b[0], a[1] + b[1]))
            .collect()
        )
        if not sums:
            return Candidates([], [])
        dim = len(next(iter(sums.values()))[0])
        means = language_means(sums, background_mean(opts.encoder, dim))
        covered = members.map(lambda it: it[0]).collect()
        pairs = (
            members.flatMap(lambda it: day_keys(it, spec))
            .groupByKey()
            .flatMap(lambda kv: block_pairs(kv[1], means, spec))
        )
        # streamed to the driver a partition at a time (never all pairs in the JVM at once)
        return Candidates(pairs.toLocalIterator(), covered)
    finally:
        members.unpersist()


def spark_ingest(
    db: str,
    paths: list[str],
    opts: SparkOptions | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Run the Spark batch ingest of ``paths`` into the store ``db`` (any backend)."""
    from storyline.encode.e5 import get_encoder

    opts = opts or SparkOptions()
    t0 = time.perf_counter()
    spark = spark_session(opts)
    store = open_store(db)
    try:
        engine = Engine(store, get_encoder(opts.encoder), batch_size=opts.batch_size)
        found: list[Candidates] = []
        stream = prepared_stream(spark, paths, opts, found.append if opts.candidates else None)
        first = next(stream, None)  # the job runs up to the first article (candidates first)
        items = itertools.chain([] if first is None else [first], stream)
        report = engine.ingest_prepared(
            items, progress=progress, candidates=found[0] if found else None
        )
        if found:
            log.info("%d candidate event pairs", found[0].pairs)
    finally:
        store.close()
    report.seconds = time.perf_counter() - t0
    return report


def main(argv: list[str] | None = None) -> int:
    """``spark-submit .../storyline/scale/spark.py --db URL INPUT...``"""
    ap = argparse.ArgumentParser(prog="storyline-spark", description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", help="input files or folders")
    ap.add_argument("--db", default=os.environ.get("STORYLINE_DB", "storyline.db"))
    ap.add_argument("--master", default="", help="Spark master (spark-submit sets it)")
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--partitions", type=int, default=0)
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    opts = SparkOptions(
        master=args.master,
        partitions=args.partitions,
        encoder=args.encoder,
        batch_size=args.batch_size,
    )
    try:
        report = spark_ingest(args.db, args.paths, opts)
    except StorylineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.as_dict())
    return 0


if __name__ == "__main__":
    sys.exit(main())
