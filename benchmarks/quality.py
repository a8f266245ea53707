"""Clustering quality on labelled data, with a parameter sweep that never re-embeds.

Datasets (read from ../shared/data at run time, skipped when absent):
  sample  the bundled sample corpus (src/storyline/sample, gold.jsonl)
  seeds   the three seed articles (expected: 3 events, 1 story)
  itn     Wikipedia "In the news" blurbs grouped by event (56 languages): events = event_qid
  dev     447 hand-labelled English and Hindi articles of 14-16 April 2020 (events, stories)
  window  553 Indian news articles of 24-25 March 2020 (no gold: prints cluster sizes)

    python benchmarks/quality.py [--data ../shared/data] [--only sample,itn] [--sweep]

Articles are ingested once per dataset into benchmarks/.cache/<name>.db (vectors stored), and
clustering is re-run in memory for each configuration of the sweep.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = HERE / ".cache"


def build_inputs(name: str, data: Path, tmp: Path) -> tuple[list[Path], dict[str, dict[str, str]]]:
    gold: dict[str, dict[str, str]] = {}
    if name == "sample":
        src = ROOT / "src" / "storyline" / "sample"
        for line in (src / "gold.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            gold[r["id"]] = {"event": r["event_id"], "story": r["story_id"]}
        return [src / "articles.jsonl"], gold
    if name == "seeds":
        return [data / "seeds"], gold
    if name == "itn":
        out = tmp / "itn.jsonl"
        with out.open("w", encoding="utf-8") as fh:
            for i, line in enumerate((data / "itn-events" / "blurbs.jsonl").open(encoding="utf-8")):
                r = json.loads(line)
                doc_id = f"itn-{i}"
                gold[doc_id] = {"event": r["event_qid"], "story": r["event_qid"]}
                fh.write(
                    json.dumps(
                        {"id": doc_id, "text": r["text"], "date": r["date"], "lang": r["lang"]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        return [out], gold
    if name == "dev":
        dev = data / "india-news-2020-dev"
        for line in (dev / "labels.jsonl").open(encoding="utf-8"):
            r = json.loads(line)
            gold[r["id"]] = {"event": r["event_id"], "story": r["story_id"]}
        return [dev / "docs.jsonl"], gold
    if name == "window":
        return [data / "india-news-2020" / "window_2020-03-24_25_docs.jsonl.gz"], gold
    raise SystemExit(f"unknown dataset {name}")


class _Named:
    """Stands in for the encoder: re-clustering reuses stored vectors and never embeds."""

    def __init__(self, name: str, dim: int) -> None:
        self.name, self.dim = name, dim


def recluster(
    store, encoder_name: str, model=None, batch: int = 64, entity_keys: bool = True, seed=None
):  # type: ignore[no-untyped-def]
    """Re-run event + story clustering over the stored articles with new settings.

    Uses the engine's own code path (``Engine.place``) on a fresh in-memory store, feeding
    the articles in their original ingest order and batch size.
    """
    from storyline.engine import Engine
    from storyline.store.memory import MemoryStore

    arts = list(store.iter_articles())
    if seed is not None:  # a random arrival order (online robustness)
        import random

        random.Random(seed).shuffle(arts)
    for a in arts:  # entity keys are recomputed below (or left out: "before entities")
        a.keys = [k for k in a.keys if not k.startswith("@")]
        a.key_tf = {k: n for k, n in a.key_tf.items() if not k.startswith("@")}
    vecs = store.get_vectors(f"article:{encoder_name}", [a.id for a in arts])
    dim = len(next(iter(vecs.values())))
    eng = Engine(
        MemoryStore(),
        _Named(encoder_name, dim),
        model=model,
        entity_keys=entity_keys,
    )  # type: ignore[arg-type]
    for i in range(0, len(arts), batch):
        ann = eng.annotator.annotate(arts[i : i + batch]) if entity_keys else None
        eng.place(arts[i : i + batch], vecs, ann)
    ev_of = {a.doc_id: eng.events._resolve(eng.events.article_event[a.id]) for a in arts}
    st_of = {d: eng.stories.event_story.get(e, e) for d, e in ev_of.items()}
    return ev_of, st_of


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--only", default="seeds,sample,itn")
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--sweep", action="store_true", help="try a grid of event thresholds")
    ap.add_argument("--batch", type=int, default=64, help="articles per clustering batch")
    ap.add_argument(
        "--orders", type=int, default=0, help="also try N random arrival orders (online robustness)"
    )
    ap.add_argument(
        "--no-oof",
        action="store_true",
        help="dev: skip the out-of-fold evaluation (5 refits of the clustering weights, minutes)",
    )
    ap.add_argument(
        "--no-entity-keys",
        action="store_true",
        help="cluster without canonical-entity keys (to measure what entities add)",
    )
    args = ap.parse_args()
    data = Path(args.data)
    import storyline
    from storyline.cluster.model import default_model
    from storyline.eval.metrics import bcubed, pairwise

    CACHE.mkdir(exist_ok=True)
    for name in args.only.split(","):
        if name != "sample" and not data.exists():
            print(f"{name}: skipped ({data} not found)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            paths, gold = build_inputs(name, data, Path(tmp))
            db = CACHE / f"{name}-{args.encoder}.db"
            sl = storyline.open(str(db), encoder=args.encoder)
            if sl.store.count_articles() == 0:
                rep = sl.ingest(paths)
                print(f"{name}: ingested {rep.accepted} in {rep.seconds:.0f}s", file=sys.stderr)
        base = default_model()
        configs = [base]
        if args.sweep:
            configs = [
                dataclasses.replace(base, events=dataclasses.replace(base.events, threshold=t))
                for t in (0.25, 0.3, 0.325, 0.35, 0.4)
            ]
        runs = [(c, None) for c in configs]
        runs += [(configs[0], seed) for seed in range(args.orders)]
        for model, seed in runs:
            ev_of, st_of = recluster(
                sl.store,
                sl._encoder.name,
                model,
                batch=args.batch,
                entity_keys=not args.no_entity_keys,
                seed=seed,
            )
            tag = f"{name} thr={model.events.threshold:.3f} batch={args.batch}"
            if seed is not None:
                tag += f" order={seed}"
            if not gold:
                sizes = Counter(Counter(ev_of.values()).values())
                print(
                    f"{tag}: {len(ev_of)} articles, {len(set(ev_of.values()))} events, "
                    f"{len(set(st_of.values()))} stories; event sizes {sorted(sizes.items())}"
                )
                continue
            g_ev = {k: v["event"] for k, v in gold.items()}
            g_st = {k: v["story"] for k, v in gold.items()}
            b, p = bcubed(g_ev, ev_of), pairwise(g_ev, ev_of)
            sb, sp = bcubed(g_st, st_of), pairwise(g_st, st_of)
            print(
                f"{tag}: events pairwise P/R/F1 {p.precision:.3f}/{p.recall:.3f}/{p.f1:.3f} "
                f"B3 {b.precision:.3f}/{b.recall:.3f}/{b.f1:.3f} | stories B3 P/R/F1 "
                f"{sb.precision:.3f}/{sb.recall:.3f}/{sb.f1:.3f} pairwise "
                f"{sp.precision:.3f}/{sp.recall:.3f}/{sp.f1:.3f} "
                f"({len(set(ev_of.values()))} events / {len(set(g_ev.values()))} gold, "
                f"{len(set(st_of.values()))} stories / {len(set(g_st.values()))} gold)"
            )
        sl.close()
        if name == "dev" and not args.no_oof:
            print_oof(data)
    return 0


def print_oof(data: Path) -> None:
    """Out-of-fold quality on the dev set: the weights are refitted without each fold."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_cluster_model import dev_task, evaluate_oof, make_folds, oof_guards

    task = dev_task(data)
    folds = make_folds({a: (task.gev[a], task.gst[a]) for a in task.gev}, 5)
    r = evaluate_oof(task, folds, 5, 2, oof_guards(data))
    e, s = r["events_pairwise"], r["stories_bcubed"]
    print(
        f"dev out-of-fold (5 folds by story; weights refitted on 4): events pairwise P/R/F1 "
        f"{e['precision']:.3f}/{e['recall']:.3f}/{e['f1']:.3f} | stories B3 P/R/F1 "
        f"{s['precision']:.3f}/{s['recall']:.3f}/{s['f1']:.3f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
