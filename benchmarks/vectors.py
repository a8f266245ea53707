"""Vector search at scale: approximate nearest-neighbour indexes against brute force.

Builds ``--n`` synthetic 384-d unit vectors (default 1,000,000) shaped like sentence
embeddings: a mixture of ``n / 500`` topic centres, each vector its centre plus as much noise
again (a vector's cosine to its own centre is ~0.7, to a random other vector ~0). Queries are
fresh draws from the same mixture. Exact top-10 by brute force is the truth; each method is
timed one query at a time (as the server runs them) and scored by recall@10.

    python benchmarks/vectors.py                      # all methods, 1M vectors
    python benchmarks/vectors.py --n 200000 --methods usearch-f16,brute
    python benchmarks/vectors.py --product            # storyline's own index (search.ann)
    python benchmarks/vectors.py --methods brute --product --ef-search 64,128,256 \
        --rerank 4 --cache benchmarks/.cache           # one build, a row per setting

Methods: ``brute`` (numpy float32 matrix product: what storyline did before),
``usearch-f32``/``usearch-f16``/``usearch-i8`` (HNSW, usearch), ``hnswlib`` (HNSW),
``faiss-ivf`` (IVF-Flat, faiss), ``sqlite-vec`` (brute force inside SQLite, vec0 table; timed
on a sample of queries). ``--product`` times :class:`storyline.search.ann.AnnIndex`, the index
the product ships, built and queried through its own API.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

K = 10


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def synthetic(n: int, dim: int, seed: int, centres: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """(unit vectors, the centres used): mixture of topic centres plus equal noise."""
    rng = np.random.default_rng(seed)
    if centres is None:
        centres = rng.standard_normal((max(1, n // 500), dim), dtype=np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for a in range(0, n, step):
        b = min(n, a + step)
        which = rng.integers(0, len(centres), b - a)
        block = centres[which] + rng.standard_normal((b - a, dim), dtype=np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[a:b] = block
    return out, centres


def exact(data: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    """Exact top-K ids per query (brute force), and the per-query times (ms)."""
    truth = np.empty((len(queries), K), dtype=np.int64)
    times = []
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        sims = data @ q
        top = np.argpartition(-sims, K)[:K]
        truth[i] = top[np.argsort(-sims[top])]
        times.append((time.perf_counter() - t0) * 1000)
    return truth, times


def pct(ms: list[float], q: float) -> float:
    s = sorted(ms)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def recall(found: list[np.ndarray], truth: np.ndarray) -> float:
    hit = sum(len(set(map(int, f[:K])) & set(map(int, t))) for f, t in zip(found, truth,
                                                                            strict=True))
    return hit / (K * len(truth))


def run(name: str, build: Callable[[], Any], query: Callable[[Any, np.ndarray], np.ndarray],
        queries: np.ndarray, truth: np.ndarray, threads: int, *,
        built_in: tuple[float, float] | None = None) -> dict[str, Any]:
    """Build (timed) and query one method; *built_in* (seconds, MB) when built elsewhere."""
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    index = build()
    built = time.perf_counter() - t0
    mem = rss_mb() - before
    if built_in is not None:
        built, mem = built_in
    query(index, queries[0])  # warm
    found, times = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(np.asarray(query(index, q)))
        times.append((time.perf_counter() - t) * 1000)
    row = {"method": name, "build_s": round(built, 1), "index_mb": round(mem),
           "p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2),
           "recall@10": round(recall(found, truth[: len(found)]), 4), "threads": threads}
    print(f"  {name:22s} build {row['build_s']:7.1f}s  mem {row['index_mb']:6d} MB  "
          f"p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
          f"recall@10 {row['recall@10']:.4f}", flush=True)
    del index
    gc.collect()
    return row


def methods(data: np.ndarray, threads: int) -> dict[str, tuple[Callable[[], Any],
                                                                Callable[[Any, np.ndarray],
                                                                         np.ndarray]]]:
    dim = data.shape[1]

    def usearch_build(dtype: str) -> Callable[[], Any]:
        def build() -> Any:
            from usearch.index import Index

            idx = Index(ndim=dim, metric="cos", dtype=dtype, connectivity=16,
                        expansion_add=128, expansion_search=64)
            idx.add(np.arange(len(data)), data, threads=threads)
            return idx
        return build

    def usearch_query(idx: Any, q: np.ndarray) -> np.ndarray:
        return idx.search(q, K).keys

    def hnsw_build() -> Any:
        import hnswlib

        idx = hnswlib.Index(space="ip", dim=dim)
        idx.init_index(max_elements=len(data), ef_construction=128, M=16)
        idx.set_num_threads(threads)
        idx.add_items(data, np.arange(len(data)))
        idx.set_ef(64)
        return idx

    def hnsw_query(idx: Any, q: np.ndarray) -> np.ndarray:
        return idx.knn_query(q, k=K)[0][0]

    def ivf_build() -> Any:
        import faiss

        faiss.omp_set_num_threads(threads)
        nlist = max(16, int(4 * np.sqrt(len(data))))
        quant = faiss.IndexFlatIP(dim)
        idx = faiss.IndexIVFFlat(quant, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = data[np.random.default_rng(0).choice(len(data), min(len(data), 40 * nlist),
                                                      replace=False)]
        idx.train(sample)
        idx.add(data)
        idx.nprobe = max(1, nlist // 64)
        return idx

    def ivf_query(idx: Any, q: np.ndarray) -> np.ndarray:
        return idx.search(q.reshape(1, -1), K)[1][0]

    def sqlite_vec_build() -> Any:
        import apsw
        import sqlite_vec

        db = apsw.Connection(":memory:")
        db.enable_load_extension(True)
        db.load_extension(sqlite_vec.loadable_path())
        db.execute(f"CREATE VIRTUAL TABLE v USING vec0(embedding float[{dim}] "
                   "distance_metric=cosine)")
        with db:
            db.executemany("INSERT INTO v(rowid, embedding) VALUES (?, ?)",
                           ((i, data[i].tobytes()) for i in range(len(data))))
        return db

    def sqlite_vec_query(db: Any, q: np.ndarray) -> np.ndarray:
        rows = db.execute("SELECT rowid FROM v WHERE embedding MATCH ? AND k = ? "
                          "ORDER BY distance", (q.tobytes(), K)).fetchall()
        return np.array([r[0] for r in rows])

    def brute_query(m: np.ndarray, q: np.ndarray) -> np.ndarray:
        sims = m @ q
        top = np.argpartition(-sims, K)[:K]
        return top[np.argsort(-sims[top])]

    return {
        "brute": (lambda: data, brute_query),
        "usearch-f32": (usearch_build("f32"), usearch_query),
        "usearch-f16": (usearch_build("f16"), usearch_query),
        "usearch-i8": (usearch_build("i8"), usearch_query),
        "hnswlib": (hnsw_build, hnsw_query),
        "faiss-ivf": (ivf_build, ivf_query),
        "sqlite-vec": (sqlite_vec_build, sqlite_vec_query),
    }


def product(data: np.ndarray, queries: np.ndarray, truth: np.ndarray, *,
            ef_search: list[int], rerank: int, cache: Path | None) -> list[dict[str, Any]]:
    """storyline's shipped index (storyline.search.ann), through its own API.

    Built once, then queried at every ``ef_search`` (a search-time setting); with ``rerank``
    > 1 also a row per setting that takes ``rerank * K`` candidates and re-scores them exactly
    with the float32 vectors. With ``cache`` the built index is kept there (keyed by the data
    and the build settings) and loaded by later runs instead of rebuilt.
    """
    import json
    import tempfile

    from storyline.search import ann
    from storyline.search.ann import AnnIndex

    ids = [f"a{i}" for i in range(len(data))]
    key = (f"product-{len(data)}x{data.shape[1]}-{ann.DTYPE}-M{ann.CONNECTIVITY}"
           f"-ea{ann.EXPANSION_ADD}-v{ann.VERSION}")
    with tempfile.TemporaryDirectory() as tmp:
        path = (cache if cache is not None else Path(tmp)) / f"{key}.usearch"
        info_path = path.with_name(path.name + ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        gc.collect()
        before = rss_mb()
        loaded = AnnIndex.load(path) if info_path.exists() else None
        if loaded is not None and len(loaded) == len(data):
            idx = loaded
            info = json.loads(info_path.read_text())
            print(f"  storyline    index loaded from {path} (built in {info['build_s']:.0f}s, "
                  f"load {info['load']:.1f})", flush=True)
        else:
            t0 = time.perf_counter()
            built = AnnIndex(path, dim=data.shape[1])
            built.add(ids, data)
            built.save()
            info = {"build_s": round(time.perf_counter() - t0, 1), "load": os.getloadavg()[0]}
            del built
            gc.collect()
            reloaded = AnnIndex.load(path)
            assert reloaded is not None, "the index just saved did not load"
            idx = reloaded
            if cache is not None:
                info_path.write_text(json.dumps(info))
        mem = rss_mb() - before
        rows = []
        for ef in ef_search:
            idx.expansion_search = ef

            def query(ix: AnnIndex, q: np.ndarray) -> np.ndarray:
                return np.array([int(i[1:]) for i, _ in ix.search(q, K)])

            def query_rerank(ix: AnnIndex, q: np.ndarray) -> np.ndarray:
                cand = np.array([int(i[1:]) for i, _ in ix.search(q, rerank * K)])
                sims = data[cand] @ q
                return cand[np.argsort(-sims, kind="stable")[:K]]

            variants = [(f"ef {ef}", query)]
            if rerank > 1:
                variants.append((f"ef {ef}+rr{rerank}", query_rerank))
            for name, fn in variants:
                row = run(f"storyline {name}", lambda: idx, fn, queries, truth,
                          threads=os.cpu_count() or 1, built_in=(info["build_s"], mem))
                row["ef_search"] = ef
                rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="threads for index building (queries run one at a time)")
    ap.add_argument("--methods", default="brute,usearch-f16,usearch-i8,hnswlib,faiss-ivf",
                    help="comma-separated; also usearch-f32, sqlite-vec")
    ap.add_argument("--product", action="store_true", help="time storyline's own index too")
    ap.add_argument("--ef-search", default="",
                    help="comma-separated search expansions for --product, one row each "
                         "(default: the shipped storyline.search.ann.EXPANSION_SEARCH)")
    ap.add_argument("--rerank", type=int, default=0, metavar="F",
                    help="with --product, also rows that re-score F*10 candidates exactly")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep the --product index in this folder and reuse it on later runs "
                         "(e.g. benchmarks/.cache)")
    args = ap.parse_args()
    print(f"vectors: {args.n:,} x {args.dim} (mixture of {max(1, args.n // 500):,} centres), "
          f"{args.queries} queries, top-{K}; {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    t0 = time.perf_counter()
    data, centres = synthetic(args.n, args.dim, seed=1)
    queries, _ = synthetic(args.queries, args.dim, seed=2, centres=centres)
    print(f"  generated in {time.perf_counter() - t0:.1f}s, RSS {rss_mb():.0f} MB", flush=True)
    truth, _ = exact(data, queries)
    table = methods(data, args.threads)
    rows = []
    for name in [m.strip() for m in args.methods.split(",") if m.strip()]:
        if name not in table:
            sys.exit(f"unknown method {name!r}; choose from {', '.join(table)}")
        qs = queries[:20] if name == "sqlite-vec" else queries
        try:
            rows.append(run(name, *table[name], qs, truth, args.threads))
        except ImportError as exc:
            print(f"  {name:12s} skipped: {exc}")
    if args.product:
        from storyline.search.ann import EXPANSION_SEARCH

        efs = [int(e) for e in args.ef_search.split(",") if e.strip()] or [EXPANSION_SEARCH]
        rows.extend(product(data, queries, truth, ef_search=efs, rerank=args.rerank,
                            cache=args.cache))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
