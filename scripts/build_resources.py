"""Rebuild the statistics shipped in src/storyline/resources/ (no text, only numbers).

* ``key_df.json.gz``: document frequencies of cross-script name keys over a background
  corpus (default: ../shared/data/india-news-2020, English + Hindi), used as an IDF prior so
  that rarity is meaningful even in a store with three articles.
* ``e5_mean.npy``: the mean e5 passage embedding over a multilingual background sample,
  subtracted before cosine similarity ("centering"; raw e5 cosines bunch near 0.8).

Usage: python scripts/build_resources.py [--shared ../shared/data] [--n-embed 1500]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np

from storyline.text.names import name_keys

RES = Path(__file__).resolve().parents[1] / "src" / "storyline" / "resources"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    ap.add_argument("--n-embed", type=int, default=1500)
    ap.add_argument("--skip-embed", action="store_true")
    args = ap.parse_args()
    data = Path(args.shared)
    india = data / "india-news-2020"
    if not india.exists():
        print(f"{india} not found: nothing to build", file=sys.stderr)
        return 1
    docs: list[tuple[str, str]] = []
    with gzip.open(india / "english_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            docs.append(("en", (r.get("title") or "") + "\n" + (r.get("text") or "")))
    with gzip.open(india / "hindi_daily_files.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            # day files hold many articles: count each paragraph block of ~300 words once
            words = (r.get("text") or "").split()
            for i in range(0, len(words), 300):
                docs.append(("hi", " ".join(words[i : i + 300])))
    df: collections.Counter[str] = collections.Counter()
    for _, text in docs:
        df.update(set(name_keys(text)))
    kept = {k: n for k, n in df.items() if n >= 3}
    RES.mkdir(parents=True, exist_ok=True)
    with gzip.open(RES / "key_df.json.gz", "wt", encoding="utf-8") as fh:
        json.dump(
            {"n_docs": len(docs), "df": dict(sorted(kept.items()))}, fh, separators=(",", ":")
        )
    print(f"key_df: {len(docs)} docs, {len(kept)} keys (df>=3)")
    if args.skip_embed:
        return 0
    from storyline.encode.e5 import E5Encoder
    from storyline.pipeline.embedtext import embed_text

    rng = random.Random(7)
    sample = [t for _, t in rng.sample(docs, min(args.n_embed * 2 // 3, len(docs)))]
    itn = data / "itn-events" / "blurbs.jsonl"
    if itn.exists():
        blurbs = [json.loads(x)["text"] for x in itn.open(encoding="utf-8")]
        sample += rng.sample(blurbs, min(args.n_embed // 3, len(blurbs)))
    texts = [embed_text(t.split("\n", 1)[0], t) for t in sample]
    vecs = E5Encoder().passages(texts)
    mean = vecs.mean(axis=0).astype(np.float32)
    np.save(RES / "e5_mean.npy", mean)
    print(f"e5_mean: {len(texts)} texts, |mean|={np.linalg.norm(mean):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
