"""Ingest throughput benchmark.

Ingests the first N articles (default 2,000) of
../shared/data/india-news-2020/english_articles.jsonl.gz into a fresh SQLite store and prints
articles/s overall and per stage, peak RSS and store size.

    python benchmarks/ingest.py [--n 2000] [--encoder e5] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--source", default="india-news-2020/english_articles.jsonl.gz")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--keep", help="keep the store at this path")
    args = ap.parse_args()
    src = Path(args.data) / args.source
    if not src.exists():
        print(f"skipped: {src} not found (the benchmark reads ../shared/data)", file=sys.stderr)
        return 0

    import storyline
    from storyline.engine import Engine

    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "input.jsonl"
        with gzip.open(src, "rt", encoding="utf-8") as fh, inp.open("w", encoding="utf-8") as out:
            for line in itertools.islice(fh, args.n):
                out.write(line)
        db = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if db.exists():
            db.unlink()
        sl = storyline.open(str(db), encoder=args.encoder)
        sl._engine = Engine(sl.store, sl._encoder, batch_size=args.batch)
        t0 = time.perf_counter()
        report = sl.ingest([inp])
        wall = time.perf_counter() - t0
        stats = sl.store.stats()
        sl.close()
        size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"articles: {report.accepted} accepted, {report.duplicates} duplicates, "
        f"{report.near_duplicates} near-duplicates, {report.quarantined} quarantined"
    )
    print(
        f"overall: {wall:.1f} s, {report.accepted / wall:.1f} articles/s "
        f"(encoder {args.encoder}, {os.cpu_count()} cores)"
    )
    print("per stage (seconds, articles/s):")
    for name, secs in sorted(report.timings.items(), key=lambda kv: -kv[1]):
        rate = report.accepted / secs if secs > 0 else float("inf")
        print(f"  {name:18s} {secs:8.1f} s  {rate:10.1f}/s")
    print(f"events: {stats.get('events')}, stories: {stats.get('stories')}")
    print(f"peak RSS: {rss_mb:.0f} MiB; store size: {size / 1e6:.1f} MB")
    print(
        json.dumps(
            {
                "n": report.accepted,
                "seconds": round(wall, 1),
                "articles_per_s": round(report.accepted / wall, 2),
                "peak_rss_mib": round(rss_mb),
                "store_mb": round(size / 1e6, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
