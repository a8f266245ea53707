"""Publication dates of web pages on WCXB dev (pages with a gold date): accuracy, calibration.

    python benchmarks/dates.py [--folds 5] [--no-cache]

Reads ``../shared/data/extraction/wcxb-dev`` (skips with a message when absent). For each page
with a gold ``publish_date`` (day precision) it collects the page's date signals
(:func:`storyline.ingest.pagedate.date_signals`, cached in ``benchmarks/.cache/``), decides
a date and prints:

* exact-day accuracy of htmldate alone (original-date, extensive search) and of storyline's
  decision (a missing date counts as wrong);
* calibration: of the dates shown with confidence >= 0.9, the share that is right — in sample
  (with the shipped table) and **out of fold** (the table rebuilt on the other folds);
* per-situation counts and precision (what the calibration table holds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.ingest.pagedate import (  # noqa: E402
    DateRanker,
    DateSignal,
    date_signals,
    decide,
)

L2 = 1.0

WCXB = ROOT.parent / "shared" / "data" / "extraction" / "wcxb-dev"
CACHE = ROOT / "benchmarks" / ".cache" / "wcxb_date_signals.json"
TODAY = dt.date(2026, 12, 1)  # fixed, so that the cache and the numbers do not drift


def gold_pages() -> list[tuple[str, str]]:
    out = []
    for gt in sorted((WCXB / "ground-truth").glob("*.json")):
        g = json.loads(gt.read_text(encoding="utf-8"))
        date = (g.get("ground_truth") or {}).get("publish_date")
        if date and len(date) == 10:
            out.append((gt.stem, date))
    return out


def signals_for(page_id: str) -> list[DateSignal]:
    from storyline.ingest.decode import declared_charset, decode_bytes
    from storyline.ingest.html import _load_tree, page_url

    with gzip.open(WCXB / "html" / f"{page_id}.html.gz") as fh:
        data = fh.read()
    text, _ = decode_bytes(data, declared=declared_charset(data))
    tree = _load_tree(text)
    if tree is None:
        return []
    return date_signals(tree, page_url(tree, None), today=TODAY)


def load_signals(pages: list[tuple[str, str]], use_cache: bool) -> dict[str, list[DateSignal]]:
    cache: dict[str, Any] = {}
    if use_cache and CACHE.is_file():
        cache = json.loads(CACHE.read_text(encoding="utf-8"))
    out: dict[str, list[DateSignal]] = {}
    t0 = time.time()
    for pid, _ in pages:
        if pid not in cache:
            cache[pid] = [s.__dict__ for s in signals_for(pid)]
        out[pid] = [DateSignal(**s) for s in cache[pid]]
    if time.time() - t0 > 1:
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_text(json.dumps(cache), encoding="utf-8")
    return out


def fit(items: list[tuple[list[DateSignal], str]]) -> DateRanker:
    return DateRanker.fit(items, l2=L2)


def end_to_end(pages: list[tuple[str, str]]) -> None:
    """The date users see: html_doc → pipeline date stage (shipped ranker)."""
    from storyline.ingest.html import html_doc
    from storyline.model import Provenance, RawDoc
    from storyline.pipeline.stages import article_from_raw, date, language
    from storyline.text.clean import clean_text

    right = hi = hi_ok = 0
    for pid, g in pages:
        with gzip.open(WCXB / "html" / f"{pid}.html.gz") as fh:
            data = fh.read()
        doc = html_doc(data, Provenance(source=pid, kind="html"), pid)
        if not isinstance(doc, RawDoc):
            continue
        a = article_from_raw(doc)
        a.text = clean_text(a.raw_text).text or a.raw_text
        a.title = doc.title or ""
        a = date(language(a))
        if a.date is None or not a.date.value:
            continue
        ok = a.date.value == g
        right += ok
        if a.date.confidence >= 0.9:
            hi += 1
            hi_ok += ok
    n = len(pages)
    print(f"end to end (HTML reader + date stage): {right}/{n} = {right / n:.3f} exact; "
          f"confidence >= 0.9 on {hi} pages, right {hi_ok} = {hi_ok / max(1, hi):.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--weights", action="store_true", help="print the fitted weights")
    ap.add_argument("--end-to-end", action="store_true",
                    help="also run every page through the HTML reader and the pipeline's date "
                         "stage (what users see; slower)")
    args = ap.parse_args(argv)
    if not WCXB.is_dir():
        print(f"skipped: {WCXB} not present (../shared/data beside the checkout)")
        return 0
    pages = gold_pages()
    sigs = load_signals(pages, not args.no_cache)
    gold = dict(pages)
    n = len(pages)
    hd = sum(1 for p, g in pages if any(s.kind == "htmldate-text" and s.value == g
                                        for s in sigs[p]))
    print(f"WCXB dev pages with a gold day: {n}")
    print(f"htmldate alone (original date, extensive): {hd}/{n} = {hd / n:.3f}")
    try:
        shipped: DateRanker | None = DateRanker.from_disk()
    except (FileNotFoundError, ValueError):
        shipped = None
    if shipped is not None:
        decisions = {p: decide(sigs[p], shipped) for p, _ in pages}
        right = sum(1 for p, g in pages if decisions[p].value == g)
        print(f"storyline (shipped ranker {shipped.version}, in sample): {right}/{n} = "
              f"{right / n:.3f} exact")
        hi = [p for p in decisions if decisions[p].value and decisions[p].confidence >= 0.9]
        hi_ok = sum(1 for p in hi if decisions[p].value == gold[p])
        print(f"  confidence >= 0.9 on {len(hi)} pages, right {hi_ok}"
              f" = {hi_ok / max(1, len(hi)):.3f}")
    # out of fold: the ranker refitted without the fold's pages
    rng = random.Random(13)
    ids = [p for p, _ in pages]
    rng.shuffle(ids)
    oof_right = oof_hi = oof_ok = 0
    bins: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k in range(args.folds):
        test = set(ids[k :: args.folds])
        model = fit([(sigs[p], gold[p]) for p in ids if p not in test])
        for p in test:
            d = decide(sigs[p], model)
            oof_right += d.value == gold[p]
            if d.value is None:
                continue
            b = "0.9+" if d.confidence >= 0.9 else ("0.7-0.9" if d.confidence >= 0.7 else "<0.7")
            bins[b][0] += 1
            bins[b][1] += d.value == gold[p]
            if d.confidence >= 0.9:
                oof_hi += 1
                oof_ok += d.value == gold[p]
    print(f"storyline out of fold ({args.folds} folds): {oof_right}/{n} = {oof_right / n:.3f} "
          f"exact; confidence >= 0.9 on {oof_hi} pages, right {oof_ok} = "
          f"{oof_ok / max(1, oof_hi):.3f}")
    for b in ("0.9+", "0.7-0.9", "<0.7"):
        c, ok = bins[b]
        print(f"    confidence {b:<8} {c:4d} pages, {ok / max(1, c):.3f} right")
    if args.end_to_end:
        end_to_end(pages)
    if args.weights:
        model = fit([(sigs[p], gold[p]) for p in ids])
        from storyline.ingest.pagedate import FEATURES

        for name, w in sorted(zip(FEATURES, model.weights, strict=True), key=lambda x: -x[1]):
            print(f"    {name:<22} {w:+.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
