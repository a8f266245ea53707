"""Search quality and latency: nDCG@10 and recall@10 of text, semantic and hybrid search.

A query should find the articles of its event in every language. Besides the three shipped
modes, ``RRF`` is reciprocal-rank fusion (k = 60) of the same query's top-100 ``text`` and
top-100 ``semantic`` hits, computed here as the baseline that hybrid's relative score fusion
replaced.

Datasets (``--only``, read at run time, skipped when absent):
  sample  the bundled sample corpus: each event's English title (events.json) as a query, and
          short keyword queries derived mechanically from it (the 2 and the 3 names of the
          title found in the fewest articles, in title order; see keyword_queries); relevant =
          all articles of that gold event (gold.jsonl), any language
  itn     ../shared/data/itn-events/blurbs.jsonl: the ``keyword`` of the first English blurb of
          each event as a query; cross-lingual variant: the first ru/fr/de/es blurb's keyword
          of each event and language; relevant = all blurbs of that event_qid, any language
  seeds   the three seed articles: ``Kishor Gujarat`` must rank the Hindi seed (002_...) in
          the top 3 (hybrid); its rank in every mode is printed

    python benchmarks/search.py [--only sample,itn,seeds] [--encoder e5] [--max-queries 300]

Stores are reused from benchmarks/.cache/<name>-<encoder>.db (built by quality.py; ingested the
same way when missing). Syndicated copies (``dup_of``) are folded into their original by
search, so a relevant original and its copies count as one relevant item ("family"): a hit
gains only for the first member of its family, and the ideal ranking has one hit per family.
Latency is per ``Storyline.search`` call with ``limit=10`` (query embedding included; the
encoder is loaded before timing).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = HERE / ".cache"
SAMPLE = ROOT / "src" / "storyline" / "sample"
MODES = ("text", "semantic", "hybrid")
RRF_K = 60
RRF_DEPTH = 100
SEED_QUERY = "Kishor Gujarat"
XLING = ("ru", "fr", "de", "es")


@dataclass
class Query:
    text: str
    relevant: set[str]  # input (doc) ids


@dataclass
class QuerySet:
    name: str
    queries: list[Query]


@dataclass
class Scores:
    ndcg: dict[str, list[float]] = field(default_factory=dict)
    recall: dict[str, list[float]] = field(default_factory=dict)

    def add(self, method: str, ndcg: float, recall: float) -> None:
        self.ndcg.setdefault(method, []).append(ndcg)
        self.recall.setdefault(method, []).append(recall)


class Recorder:
    """Wraps the encoder: remembers query vectors, and reuses them only when ``reuse`` is on
    (for the untimed RRF lists), so every timed search embeds its query afresh."""

    def __init__(self, encoder: Any) -> None:
        self.inner = encoder
        self.name: str = encoder.name
        self.dim: int = encoder.dim
        self.reuse = False
        self._seen: dict[str, np.ndarray] = {}

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.inner.passages(texts))

    def queries(self, texts: list[str]) -> np.ndarray:
        if self.reuse and all(t in self._seen for t in texts):
            return np.stack([self._seen[t] for t in texts])
        out = np.asarray(self.inner.queries(texts))
        self._seen.update(zip(texts, out, strict=True))
        return out


# -- queries -----------------------------------------------------------------------------------
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*\w")


def keyword_queries(title: str, texts: list[str]) -> list[str]:
    """Short keyword queries from an event title: its 2 and its 3 rarest names (in title
    order; fewer when the title has fewer).

    A name is a capitalised word of 3+ characters that is capitalised in most of its
    occurrences in ``texts`` (so a title's first word such as "Strategist" is not one); rarer =
    found in fewer texts (it must be found in one at least).
    """
    names: list[str] = []
    df: dict[str, int] = {}
    for w in _CAPITALISED.findall(title):
        if w in names or len(w) < 3:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(w)}(?!\w)", re.IGNORECASE)
        found = [m.group(0) for t in texts for m in pattern.finditer(t)]
        if found and sum(f[0].isupper() for f in found) * 2 > len(found):
            names.append(w)
            df[w] = sum(1 for t in texts if pattern.search(t))
    ranked = sorted(names, key=lambda w: (df[w], names.index(w)))
    out: list[str] = []
    for n in (2, 3):
        chosen = set(ranked[:n])
        q = " ".join(w for w in names if w in chosen)
        if q and q not in out:
            out.append(q)
    return out


def sample_sets() -> list[QuerySet]:
    gold: dict[str, list[str]] = {}
    for line in (SAMPLE / "gold.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        gold.setdefault(r["event_id"], []).append(r["id"])
    texts = []
    for line in (SAMPLE / "articles.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        texts.append(f"{r.get('title', '')}\n{r['text']}")
    events = json.loads((SAMPLE / "events.json").read_text(encoding="utf-8"))
    titles, keywords = [], []
    for ev in events:
        rel = set(gold.get(ev["event_id"], []))
        titles.append(Query(ev["title_en"], rel))
        keywords += [Query(q, rel) for q in keyword_queries(ev["title_en"], texts)]
    return [
        QuerySet(f"sample: {len(titles)} event titles (en)", titles),
        QuerySet(f"sample: {len(keywords)} keyword queries (en)", keywords),
    ]


def itn_sets(data: Path, max_queries: int, seed: int) -> list[QuerySet]:
    rows = [json.loads(line) for line in (data / "itn-events" / "blurbs.jsonl").open()]
    members: dict[str, set[str]] = {}
    for i, r in enumerate(rows):  # doc ids as quality.build_inputs writes them
        members.setdefault(r["event_qid"], set()).add(f"itn-{i}")
    first: dict[tuple[str, str], str] = {}
    for r in rows:
        if r["keyword"].strip():
            first.setdefault((r["event_qid"], r["lang"]), r["keyword"].strip())
    rng = random.Random(seed)

    def capped(qs: list[Query]) -> list[Query]:
        return qs if len(qs) <= max_queries else rng.sample(qs, max_queries)

    en = capped([Query(k, members[e]) for (e, lang), k in first.items() if lang == "en"])
    xl = capped([Query(k, members[e]) for (e, lang), k in first.items() if lang in XLING])
    langs = Counter(lang for (_, lang) in first if lang in XLING)
    mix = "/".join(f"{lang} {langs[lang]}" for lang in XLING if langs[lang])
    return [
        QuerySet(f"itn: {len(en)} en keyword queries", en),
        QuerySet(f"itn: {len(xl)} ru/fr/de/es keyword queries ({mix})", xl),
    ]


# -- metrics -----------------------------------------------------------------------------------
def families(relevant: set[str], dup_of: dict[str, str | None]) -> dict[str, str]:
    """Relevant article id -> its family: the original it copies when that is relevant too."""
    out = {}
    for a in relevant:
        root, seen = a, {a}
        while dup_of.get(root) and dup_of[root] not in seen:
            root = dup_of[root] or root
            seen.add(root)
        out[a] = root if root in relevant else a
    return out


def ndcg_recall(ranked: Sequence[str], family: dict[str, str], k: int = 10) -> tuple[float, float]:
    """Binary-gain nDCG@k and recall@k, one gain per family."""
    total = len(set(family.values()))
    if total == 0:
        return 0.0, 0.0
    found: set[str] = set()
    dcg = 0.0
    for pos, aid in enumerate(ranked[:k]):
        fam = family.get(aid)
        if fam is not None and fam not in found:
            found.add(fam)
            dcg += 1 / math.log2(pos + 2)
    ideal = sum(1 / math.log2(pos + 2) for pos in range(min(k, total)))
    return dcg / ideal, len(found) / total


def rrf(lists: Sequence[Sequence[str]], k: int = RRF_K) -> list[str]:
    scores: dict[str, float] = {}
    for ranked in lists:
        for rank, aid in enumerate(ranked, start=1):
            scores[aid] = scores.get(aid, 0.0) + 1 / (k + rank)
    order = {a: n for n, a in enumerate(scores)}
    return sorted(scores, key=lambda a: (-scores[a], order[a]))


# -- running -----------------------------------------------------------------------------------
def open_store(name: str, data: Path, encoder: str) -> Any:
    """The cached store of a dataset (ingested like quality.py when missing)."""
    import storyline

    sys.path.insert(0, str(HERE))
    from quality import build_inputs  # the same inputs and doc ids as the clustering benchmark

    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"{name}-{encoder}.db"
    sl = storyline.open(str(db), encoder=encoder)
    if sl.store.count_articles() == 0:
        with tempfile.TemporaryDirectory() as tmp:
            paths, _ = build_inputs(name, data, Path(tmp))
            rep = sl.ingest(paths)
        print(f"{name}: ingested {rep.accepted} articles in {rep.seconds:.0f}s", file=sys.stderr)
    return sl


def evaluate(
    sl: Any, sets: list[QuerySet]
) -> tuple[list[tuple[str, int, Scores]], dict[str, list[float]]]:
    """Scores per query set, and latencies (ms) per mode across all sets."""
    from storyline.search import Searcher

    recorder = Recorder(sl._encoder)
    searcher = Searcher(sl.store, recorder)
    searcher.search("warm up", mode="hybrid", limit=1)  # loads the model and the vectors
    arts = list(sl.articles())
    article_of: dict[str, list[str]] = {}
    for a in arts:
        article_of.setdefault(a.doc_id, []).append(a.id)
    dup_of = {a.id: a.dup_of for a in arts}
    latency: dict[str, list[float]] = {m: [] for m in MODES}
    out = []
    for qs in sets:
        scores = Scores()
        for q in qs.queries:
            rel = {aid for d in q.relevant for aid in article_of.get(d, [])}
            fam = families(rel, dup_of)
            recorder.reuse = False
            for mode in MODES:
                t = time.perf_counter()
                hits = searcher.search(q.text, mode=mode, limit=10)
                latency[mode].append((time.perf_counter() - t) * 1000)
                scores.add(mode, *ndcg_recall([h.id for h in hits], fam))
            recorder.reuse = True
            deep = [
                [h.id for h in searcher.search(q.text, mode=m, limit=RRF_DEPTH)]
                for m in ("text", "semantic")
            ]
            scores.add("RRF", *ndcg_recall(rrf(deep), fam))
        out.append((qs.name, len(qs.queries), scores))
    return out, latency


def seeds_check(sl: Any) -> bool:
    hindi = [a.id for a in sl.articles() if a.doc_id.startswith("002_")]
    if not hindi:
        print("seeds: no 002_ article in the store")
        return False
    ranks = {}
    for mode in MODES:
        ids = [h.id for h in sl.search(SEED_QUERY, mode=mode, limit=20)]
        ranks[mode] = ids.index(hindi[0]) + 1 if hindi[0] in ids else None
    from storyline.search.vector import VectorIndex

    index = VectorIndex(sl.store, f"article:{sl._encoder.name}")
    cosine = [i for i, _ in index.search(sl._encoder.queries([SEED_QUERY])[0], k=len(index))]
    if hindi[0] in cosine:
        print(f"seeds: by cosine alone (no floor) the Hindi seed is {cosine.index(hindi[0]) + 1}"
              f" of {len(cosine)}")
    ok = ranks["hybrid"] is not None and ranks["hybrid"] <= 3
    shown = ", ".join(f"{m} {r if r else '>20'}" for m, r in ranks.items())
    print(f"seeds: {SEED_QUERY!r} ranks the Hindi seed (002_...): {shown}; "
          f"hybrid top 3 required: {'PASS' if ok else 'FAIL'}")
    return ok


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)] if s else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--only", default="sample,itn,seeds")
    ap.add_argument("--encoder", default="e5")
    ap.add_argument("--max-queries", type=int, default=300, help="per query set (sampled)")
    ap.add_argument("--seed", type=int, default=7, help="for sampling query sets")
    args = ap.parse_args()
    data = Path(args.data)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    for bad in set(names) - {"sample", "itn", "seeds"}:
        raise SystemExit(f"unknown dataset {bad!r}: use sample, itn, seeds")
    print(f"encoder {args.encoder}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    methods = (*MODES, "RRF")
    head = " ".join(f"{m[:8]:>8s}" for m in methods)
    rows: list[tuple[str, str]] = []
    lat_rows: list[str] = []
    ok = True
    for name in names:
        if name == "itn" and not (data / "itn-events" / "blurbs.jsonl").exists():
            print(f"itn: skipped ({data / 'itn-events'} not found)")
            continue
        if name == "seeds" and not (data / "seeds").is_dir():
            print(f"seeds: skipped ({data / 'seeds'} not found)")
            continue
        sl = open_store(name, data, args.encoder)
        try:
            if name == "seeds":
                ok = seeds_check(sl) and ok
                continue
            if name == "sample":
                sets = sample_sets()
            else:
                sets = itn_sets(data, args.max_queries, args.seed)
            results, latency = evaluate(sl, sets)
        finally:
            sl.close()
        for set_name, _n, sc in results:
            nd = " ".join(f"{mean(sc.ndcg[m]):8.3f}" for m in methods)
            rc = " ".join(f"{mean(sc.recall[m]):8.3f}" for m in methods)
            rows.append((set_name, f"{nd} | {rc}"))
        lat = "  ".join(
            f"{m} {statistics.median(latency[m]):6.0f} /{p95(latency[m]):6.0f}"
            for m in MODES
        )
        lat_rows.append(f"{name:8s} {lat}  ({len(latency['text'])} queries)")
    if rows:
        width = max(len(n) for n, _ in rows)
        print(f"\n{'nDCG@10':{width}s} {head} | recall@10")
        print("\n".join(f"{n:{width}s} {r}" for n, r in rows))
        print("\nlatency per search call, ms, median / p95 (limit 10)")
        print("\n".join(lat_rows))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
