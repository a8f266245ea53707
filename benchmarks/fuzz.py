"""The long fuzz run: 100,000+ malformed inputs of every format, each between good records.

    python benchmarks/fuzz.py                 # 100,000 cases, 2% also through the engine
    python benchmarks/fuzz.py --n 20000 --engine-share 0.1 --jobs 2

Cases come from :mod:`storyline.fuzz_gen` (seeded: a failure names its seed and case, and
``python -m storyline.fuzz --seed S`` re-creates it). The run is split into chunks, each in
its own process (``--jobs`` at a time), so the peak memory reported is that of one process
working through ``--chunk`` cases. Prints one line per chunk and the totals; exit status 1
when any crash, hang, lost following record or store inconsistency was seen.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def chunk(seed: int, n: int, share: float, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "storyline.fuzz", "--n", str(n), "--seed", str(seed),
           "--engine-share", str(share), "--timeout", str(timeout)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    try:
        return dict(json.loads(out.stdout))
    except json.JSONDecodeError:
        return {"ok": False, "cases": 0, "crashes": 1, "failures":
                [f"seed {seed}: the fuzz process itself failed (exit {out.returncode}): "
                 f"{out.stderr[-500:]}"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--chunk", type=int, default=5_000)
    ap.add_argument("--engine-share", type=float, default=0.02)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1000)
    args = ap.parse_args()
    seeds = list(range(args.seed, args.seed + (args.n + args.chunk - 1) // args.chunk))
    t0 = time.perf_counter()
    totals: dict[str, Any] = {k: 0 for k in ("cases", "engine_cases", "crashes", "hangs",
                                             "lost", "inconsistent", "quarantined")}
    peak = 0.0
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = pool.map(lambda s: (s, chunk(s, args.chunk, args.engine_share, args.timeout)),
                        seeds)
        for seed, rep in runs:
            for k in totals:
                totals[k] += int(rep.get(k, 0))
            peak = max(peak, float(rep.get("peak_rss_mb", 0.0)))
            failures += rep.get("failures", [])
            print(f"seed {seed}: {rep.get('cases', 0)} cases, {rep.get('crashes', 0)} crashes, "
                  f"{rep.get('hangs', 0)} hangs, {rep.get('lost', 0)} lost, "
                  f"{rep.get('inconsistent', 0)} inconsistent, peak "
                  f"{rep.get('peak_rss_mb', 0)} MB, {rep.get('seconds', 0)} s; slowest: "
                  f"{(rep.get('slowest') or ['-'])[-1]}", flush=True)
    totals["peak_rss_mb"] = peak
    totals["seconds"] = round(time.perf_counter() - t0)
    print(json.dumps(totals))
    for f in failures[:40]:
        print("  " + f)
    bad = totals["crashes"] or totals["hangs"] or totals["lost"] or totals["inconsistent"]
    sys.exit(1 if bad or peak > 512 else 0)


if __name__ == "__main__":
    main()
