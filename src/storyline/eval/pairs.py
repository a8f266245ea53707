"""``storyline eval pairs``: pairwise similarity against SemEval-2022 Task 8 gold.

For each pair whose two texts are both full originals (``A_original_full``), storyline's
article–article similarity (the same dense + name features event clustering uses) is
compared with the gold ``Overall`` score (1 = very similar … 4 = very dissimilar). The
similarity is the event model's content score (dense e5 cosine and TF-IDF words for two texts
in one language, the cross-lingual dense term otherwise; no dates, as SemEval gives none):

* Pearson r between similarity and ``5 - Overall`` (the task's metric, sign made positive);
* same-story F1: gold positive when Overall ≤ 2, negative when ≥ 3 (pairs in between are
  left out); predicted positive when the similarity clears the story threshold.
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from storyline.cluster.features import background_mean, centre
from storyline.cluster.model import default_model
from storyline.cluster.words import cosine, word_df
from storyline.encode.base import Encoder
from storyline.errors import InputError
from storyline.eval.metrics import binary_prf, pearson
from storyline.pipeline.embedtext import embed_text
from storyline.text.clean import clean_text

log = logging.getLogger(__name__)


def load_pairs(
    data_dir: str | Path, limit: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    d = Path(data_dir)
    pairs_csv, arts_gz = d / "train_pairs.csv", d / "articles.jsonl.gz"
    if not pairs_csv.exists() or not arts_gz.exists():
        raise InputError(
            "not-found",
            f"{d} has no train_pairs.csv/articles.jsonl.gz: pass --data pointing at the "
            "SemEval-2022 Task 8 folder",
        )
    arts: dict[str, dict[str, Any]] = {}
    with gzip.open(arts_gz, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            arts[str(r["article_id"])] = r
    pairs = []
    with pairs_csv.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["pair_id"].split("_")
            if all(arts.get(i, {}).get("quality") == "A_original_full" for i in (a, b)):
                pairs.append(
                    {
                        "a": a,
                        "b": b,
                        "overall": float(row["Overall"]),
                        "langs": f"{row['url1_lang']}-{row['url2_lang']}",
                    }
                )
    if limit:
        pairs = pairs[:limit]
    return pairs, arts


def evaluate_pairs(
    data_dir: str | Path,
    encoder: Encoder,
    *,
    limit: int | None = None,
    threshold: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    pairs, arts = load_pairs(data_dir, limit)
    ids = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    texts, words = [], {}
    df = word_df()
    for i in ids:
        r = arts[i]
        body = clean_text(r.get("text") or "", r.get("lang")).text
        texts.append(embed_text(r.get("title"), body))
        words[i] = df.vector(r.get("title") or "", body)
    vecs: list[np.ndarray] = []
    for k in range(0, len(texts), 32):
        vecs.append(encoder.passages(texts[k : k + 32]))
        if progress:
            progress(len(texts[k : k + 32]))
    mat = centre(np.concatenate(vecs), background_mean(encoder.name, encoder.dim))
    vec = dict(zip(ids, mat, strict=True))
    cfg = default_model().events
    sims, dense_only, gold = [], [], []
    for p in pairs:
        d = float(vec[p["a"]] @ vec[p["b"]])
        la, lb = p["langs"].split("-")
        if la == lb:
            sims.append(cfg.w_dense * d + cfg.w_words * cosine(words[p["a"]], words[p["b"]]))
        else:
            sims.append(cfg.w_cross * d)
        dense_only.append(d)
        gold.append(5.0 - p["overall"])
    thr = cfg.threshold if threshold is None else threshold
    lab = [(s, g) for s, g in zip(sims, gold, strict=True) if g >= 3 or g <= 2]
    prf = binary_prf([s >= thr for s, _ in lab], [g >= 3 for _, g in lab])
    best = max(
        (
            (t, binary_prf([s >= t for s, _ in lab], [g >= 3 for _, g in lab]).f1)
            for t in np.arange(0.05, 0.9, 0.01)
        ),
        key=lambda x: x[1],
    )
    by_lang: dict[str, list[int]] = {}
    for k, p in enumerate(pairs):
        by_lang.setdefault(p["langs"], []).append(k)
    return {
        "pairs": len(pairs),
        "pearson": pearson(sims, gold),
        "pearson_dense_only": pearson(dense_only, gold),
        "threshold": thr,
        "same_story": prf.as_dict(),
        "labelled_pairs": len(lab),
        "best_threshold": {"threshold": round(float(best[0]), 2), "f1": best[1]},
        "pearson_by_language": {
            lg: pearson([sims[k] for k in ks], [gold[k] for k in ks])
            for lg, ks in sorted(by_lang.items())
            if len(ks) >= 20
        },
    }
