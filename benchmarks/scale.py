"""Spark batch ingest at scale, and its agreement with a local ingest.

Throughput and peak memory of ``storyline spark ingest`` on ``local[2]`` for growing inputs
(the first N English articles of ../shared/data/india-news-2020), each into a fresh SQLite
store, next to a local ``storyline ingest`` of the same file (ratio measured in the same run)::

    python benchmarks/scale.py --sizes 1000,5000,20000 --encoder hashing
    python benchmarks/scale.py --sizes 1000 --encoder e5          # the default encoder

Peak memory is the largest sum of resident memory over the command's process tree (driver,
JVM, Python workers), sampled every 0.2 s. ``timings`` split the driver's sequential part
(entities, clustering, store writes) from the total.

Agreement with the local ingest (same articles, languages, dates; events/stories pairwise and
B³ F1 of one against the other, and against gold labels when given)::

    python benchmarks/scale.py \
        --compare ../shared/data/india-news-2020/window_2020-03-24_25_docs.jsonl.gz
    python benchmarks/scale.py --compare ../shared/data/india-news-2020-dev/docs.jsonl \\
        --gold ../shared/data/india-news-2020-dev/labels.jsonl

Stores and inputs are kept under benchmarks/.cache/scale/ (a finished local run is reused).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = HERE / ".cache" / "scale"
CLI = [sys.executable, "-m", "storyline.cli"]


def corpus(n: int) -> Path:
    """The first ``n`` English articles as JSON Lines (built once from the shared corpus)."""
    out = CACHE / f"en_{n}.jsonl"
    if out.exists():
        return out
    src = DATA / "india-news-2020" / "english_articles.jsonl.gz"
    if not src.exists():
        raise SystemExit(f"{src} is missing (../shared/data beside the checkout)")
    CACHE.mkdir(parents=True, exist_ok=True)
    with gzip.open(src, "rt", encoding="utf-8") as fh, out.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(fh):
            if i >= n:
                break
            dst.write(line)
    return out


def run(args: list[str]) -> dict[str, Any]:
    """Run a storyline command; its JSON report plus wall seconds and peak tree memory."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        total = 0
        with contextlib.suppress(psutil.Error):
            for p in [parent, *parent.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
        peak = max(peak, total)
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err[-3000:]}")
    report = json.loads(out)
    report["wall_s"] = round(time.perf_counter() - t0, 1)
    report["peak_mb"] = round(peak / 2**20)
    return report


def ingest(kind: str, src: Path, db: Path, encoder: str, master: str) -> dict[str, Any]:
    db.unlink(missing_ok=True)
    base = [*CLI, "--db", str(db), "--encoder", encoder]
    if kind == "spark":
        return run([*base, "spark", "ingest", str(src), "--master", master, "--json"])
    return run([*base, "ingest", str(src), "--json", "--no-progress"])


def summary(r: dict[str, Any]) -> dict[str, Any]:
    t = r.get("timings", {})
    driver = sum(t.get(k, 0.0) for k in ("dedup", "entities+claims", "cluster", "store"))
    return {
        "accepted": r["accepted"],
        "wall_s": r["wall_s"],
        "articles_per_s": round(r["accepted"] / r["wall_s"], 2) if r["wall_s"] else 0.0,
        "peak_mb": r["peak_mb"],
        "driver_sequential_s": round(driver, 1),
        "cluster_s": round(t.get("cluster", 0.0), 1),
    }


def scale(sizes: list[int], encoder: str, master: str, local: bool) -> None:
    for n in sizes:
        src = corpus(n)
        row: dict[str, Any] = {"n": n, "encoder": encoder, "master": master}
        row["spark"] = summary(ingest("spark", src, CACHE / f"spark_{encoder}_{n}.db", encoder,
                                      master))  # fmt: skip
        if local:
            row["local"] = summary(ingest("local", src, CACHE / f"local_{encoder}_{n}.db",
                                          encoder, master))  # fmt: skip
            row["spark_over_local_speed"] = round(
                row["spark"]["articles_per_s"] / max(row["local"]["articles_per_s"], 1e-9), 2
            )
        print(json.dumps(row), flush=True)


def compare(src: Path, gold: Path | None, encoder: str, master: str) -> None:
    from storyline.eval.agreement import store_agreement
    from storyline.eval.clusters import evaluate_clusters, load_gold
    from storyline.store import open_store

    CACHE.mkdir(parents=True, exist_ok=True)
    stem = src.name.split(".")[0]
    dbs = {k: CACHE / f"cmp_{k}_{encoder}_{stem}.db" for k in ("local", "spark")}
    reports = {k: ingest(k, src, db, encoder, master) for k, db in dbs.items()}
    with open_store(dbs["local"]) as a, open_store(dbs["spark"]) as b:
        out: dict[str, Any] = {"input": str(src), "encoder": encoder, "master": master}
        out["seconds"] = {k: r["wall_s"] for k, r in reports.items()}
        out["agreement"] = store_agreement(a, b)
        if gold is not None:
            rows = load_gold(gold)
            for name, store in (("local", a), ("spark", b)):
                ev = evaluate_clusters(store, rows)
                stories = ev.get("stories", {}).get("bcubed", {})
                out[f"gold_{name}"] = {
                    "events_pairwise_f1": round(ev["events"]["pairwise"]["f1"], 4),
                    "stories_bcubed_f1": round(stories.get("f1", float("nan")), 4),
                }
    print(json.dumps(out, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--encoder", default="hashing", help="hashing (fast) or e5 (default model)")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--no-local", action="store_true", help="skip the local ingest baseline")
    ap.add_argument("--compare", type=Path, help="agreement of Spark and local on this file")
    ap.add_argument("--gold", type=Path, help="gold labels (id, event_id, story_id) for --compare")
    args = ap.parse_args()
    if args.compare:
        compare(args.compare, args.gold, args.encoder, args.master)
    else:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        scale(sizes, args.encoder, args.master, not args.no_local)


if __name__ == "__main__":
    main()
