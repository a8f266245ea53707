"""Train the text-dump line model (src/storyline/resources/dump_model.json).

See :mod:`storyline.eval.dumptrain` for what is fitted and how. Prints out-of-fold numbers
(leave-one-language-out and by-topic folds, every weight and setting refitted in each fold),
then fits the shipped model on all hand-marked pages and records those numbers in it.

Usage: python scripts/train_dump_model.py [--shared ../shared/data] [--out PATH] [--no-save]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from storyline.eval.dumptrain import load_pages, out_of_fold, predict, train
from storyline.eval.extraction import summarize
from storyline.text.dumplines import RESOURCE


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" /
                                            "data"))
    ap.add_argument("--out", default=str(RESOURCE))
    ap.add_argument("--no-save", action="store_true", help="only print out-of-fold numbers")
    args = ap.parse_args()
    shared = Path(args.shared)
    if not (shared / "ml-crisis-articles" / "gold.jsonl").exists():
        print(f"{shared}/ml-crisis-articles/gold.jsonl not found: nothing to train on",
              file=sys.stderr)
        return 1
    pages = load_pages(shared)
    print(f"{len(pages)} hand-marked pages")
    oof = {}
    for key in ("lang", "topic"):
        oof[key] = out_of_fold(pages, key)
        print(f"out-of-fold by {key}: {oof[key]}")
    model = train(pages)
    model.meta = {
        "trained": dt.date.today().isoformat(),
        "data": "ml-crisis-articles gold.jsonl (hand-marked ML-Crisis pages, es/fr/it)",
        "pages": len(pages),
        "out_of_fold": oof,
        "in_sample": summarize(predict(p, model) for p in pages).as_dict(),
    }
    print(f"in-sample (all pages): {model.meta['in_sample']}")
    print(f"settings: {model.params}")
    if not args.no_save:
        model.to_disk(args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
