"""How the cost of online event and story clustering grows with the number of articles.

Replays the first N stored articles of an ingested store through the engine's own clustering
path (``Engine.place``, the articles' stored vectors, their original order and batch size, on
an in-memory store) and prints the seconds spent in event clustering (``EventClusterer.learn``)
and story linking (``StoryLinker.update``) as CPU seconds of this process (steadier than wall
time on a shared machine; run it with ``OMP_NUM_THREADS=1``), one JSON row per size::

    OMP_NUM_THREADS=1 python benchmarks/cluster_cost.py \\
        --db benchmarks/.cache/scale/local_e5_5000.db --sizes 1000,2000,5000

``--dump FILE`` writes every article's event and story (to check that a speed change keeps
the clustering identical: dump before and after, then ``cmp`` the files); ``--profile`` prints
the functions that took the most time (cProfile) for the largest size. The annotated batches
(entities and claims do not depend on clustering) are cached under benchmarks/.cache/.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pickle
import pstats
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class _Named:
    """Stands in for the encoder: the stored vectors are reused, nothing is embedded."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim


def replay(
    db: Path, n: int, batch: int, candidates: bool = False
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(timings of clustering the first ``n`` articles of ``db``, article → [event, story])."""
    from storyline.engine import Engine
    from storyline.store.memory import MemoryStore

    cache = HERE / ".cache" / "cluster_cost"
    cached = cache / f"{db.stem}_{n}_{batch}.pkl"
    longer = sorted(  # whole batches of a longer replay are this one's (annotation is in order)
        (int(f.stem.split("_")[-2]), f)
        for f in cache.glob(f"{db.stem}_*_{batch}.pkl")
        if n % batch == 0 and int(f.stem.split("_")[-2]) > n
    )
    if cached.exists() or longer:  # as annotated before (entities do not depend on clusters)
        name, dim, vecs, batches = pickle.loads(
            (cached if cached.exists() else longer[0][1]).read_bytes()
        )
        batches = batches[: -(-n // batch)]
    else:
        name, dim, vecs, batches = _annotated(db, n, batch)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps((name, dim, vecs, batches)))
    eng = Engine(MemoryStore(), _Named(name, dim))
    spent = {"events": 0.0, "stories": 0.0, "place": 0.0, "candidates": 0.0}
    n_pairs = None
    if candidates:  # pairs found ahead in day blocks, as the Spark job finds them
        from storyline.cluster.candidates import CandidateSpec, local_candidates
        from storyline.cluster.features import background_mean

        t0 = time.process_time()
        spec = CandidateSpec(window_days=eng.model.events.window_days)
        arts_vecs = [(a, vecs[a.id]) for part, _ann in batches for a in part]
        cands = local_candidates(arts_vecs, background_mean(name, dim), spec)
        eng._candidates = eng.events.candidates = cands
        spent["candidates"] = time.process_time() - t0
        n_pairs = cands.pairs

    def timed(obj: Any, attr: str, key: str) -> None:
        inner = getattr(obj, attr)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - t0

        setattr(obj, attr, wrapper)

    timed(eng.events, "learn", "events")
    timed(eng.stories, "update", "stories")
    arts = []
    for part, ann in batches:
        t0 = time.process_time()
        eng.place(part, vecs, ann)
        spent["place"] += time.process_time() - t0
        arts.extend(part)
    out = {a.id: [eng.events._resolve(eng.events.article_event[a.id])] for a in arts}
    for v in out.values():
        v.append(eng.stories.event_story.get(v[0], v[0]))
    row = {
        "n": len(arts),
        "events_s": round(spent["events"], 2),
        "stories_s": round(spent["stories"], 2),
        "place_s": round(spent["place"], 2),
        **({"candidates_s": round(spent["candidates"], 2), "pairs": n_pairs} if candidates else {}),
        "events": len({v[0] for v in out.values()}),
        "stories": len({v[1] for v in out.values()}),
    }
    return row, out


def _annotated(db: Path, n: int, batch: int) -> tuple[str, int, dict[str, Any], list[Any]]:
    """The first ``n`` articles of ``db`` in batches, annotated (entities, claims) as an
    ingest annotates them, with their stored vectors."""
    import storyline
    from storyline.engine import Engine
    from storyline.store.memory import MemoryStore

    sl = storyline.open(str(db))
    try:
        arts = []
        for a in sl.store.iter_articles():
            arts.append(a)
            if len(arts) >= n:
                break
        name = sl.store.get_meta("encoder") or "e5"
        vecs = sl.store.get_vectors(f"article:{name}", [a.id for a in arts])
    finally:
        sl.close()
    for a in arts:  # entity keys are recomputed by the annotator, as in an ingest
        a.keys = [k for k in a.keys if not k.startswith("@")]
        a.key_tf = {k: c for k, c in a.key_tf.items() if not k.startswith("@")}
    dim = len(next(iter(vecs.values())))
    eng = Engine(MemoryStore(), _Named(name, dim))
    batches = []
    for i in range(0, len(arts), batch):
        part = arts[i : i + batch]
        batches.append((part, eng.annotator.annotate(part)))  # the linker learns as it goes
    return name, dim, vecs, batches


def _agreement(ref: dict[str, list[str]], out: dict[str, list[str]]) -> dict[str, Any]:
    """Pairwise F1 of events and stories against a reference dump (1.0: the same)."""
    from storyline.eval.metrics import pairwise

    common = sorted(set(ref) & set(out))
    return {
        f"{kind}_pairwise_f1_vs_ref": round(
            pairwise({a: ref[a][k] for a in common}, {a: out[a][k] for a in common}).f1, 4
        )
        for k, kind in enumerate(("events", "stories"))
    } | {"identical_to_ref": all(ref[a] == out[a] for a in common) and len(common) == len(ref)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=HERE / ".cache" / "scale" / "local_e5_5000.db")
    ap.add_argument("--sizes", default="1000,2000,5000")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--dump", type=Path, help="write article → [event, story] (largest size)")
    ap.add_argument("--profile", action="store_true", help="cProfile the largest size")
    ap.add_argument(
        "--candidates",
        action="store_true",
        help="score only candidate pairs found ahead in day blocks (the Spark job's way)",
    )
    ap.add_argument("--against", type=Path, help="a --dump to compare with (pairwise F1)")
    args = ap.parse_args()
    if not args.db.exists():
        print(f"skipped: {args.db} not found (python benchmarks/scale.py builds it)")
        return 0
    sizes = sorted(int(x) for x in args.sizes.split(",") if x.strip())
    for k, n in enumerate(sizes):
        last = k == len(sizes) - 1
        prof = cProfile.Profile() if args.profile and last else None
        if prof:
            prof.enable()
        row, out = replay(args.db, n, args.batch, args.candidates)
        if last and args.against:
            row.update(_agreement(json.loads(args.against.read_text(encoding="utf-8")), out))
        if prof:
            prof.disable()
        print(json.dumps(row), flush=True)
        if prof:
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(40)
            print(s.getvalue(), file=sys.stderr)
        if last and args.dump:
            args.dump.write_text(json.dumps(out, sort_keys=True, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
