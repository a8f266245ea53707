"""How many conflicting claims the dev set produces, and which.

    python benchmarks/conflicts.py [--data ../shared/data/india-news-2020-dev] [--show]

Extracts the claims of every article of ``docs.jsonl`` (cleaned as the pipeline does),
groups them by the gold event of ``labels.jsonl`` (as the store groups them by event) and
counts the pairs :func:`storyline.quotes.find_conflicts` flags; ``--show`` prints each pair
with its reason, ``--stories`` groups by gold story instead. Skips with a message when the
data is absent. The claims are cached in ``benchmarks/.cache/`` per code version.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from storyline.eval.realgold import gold_docs, read_jsonl  # noqa: E402
from storyline.quotes import Claim, extract_claims, find_conflicts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/india-news-2020-dev")
    ap.add_argument("--show", action="store_true", help="print every flagged pair")
    ap.add_argument("--stories", action="store_true", help="group by gold story, not event")
    args = ap.parse_args(argv)
    if not (args.data / "labels.jsonl").is_file():
        print(f"skip: {args.data} not present (needs docs.jsonl and labels.jsonl)")
        return 0
    labels = {r["id"]: r for r in read_jsonl(args.data / "labels.jsonl")}
    key = "story_id" if args.stories else "event_id"
    groups: dict[str, list[tuple[str, Claim]]] = defaultdict(list)
    n_claims = 0
    for d in gold_docs(args.data / "docs.jsonl", set(labels)):
        claims = extract_claims(d.text, d.lang)
        n_claims += len(claims)
        groups[labels[d.id][key]].extend((d.id, c) for c in claims)
    multi = [g for g in groups.values() if len({a for a, _ in g}) > 1]
    conflicts = [cf for g in groups.values() for cf in find_conflicts(g)]
    across = sum(1 for cf in conflicts if cf.article_a != cf.article_b)
    print(f"{len(labels)} articles, {n_claims} claims, {len(groups)} gold "
          f"{'stories' if args.stories else 'events'} ({len(multi)} with 2+ articles)")
    print(f"conflicts flagged: {len(conflicts)} ({across} across articles)")
    if args.show:
        for cf in conflicts:
            print(json.dumps({"a": f"{cf.article_a}: {cf.claim_a.text[:110]}",
                              "b": f"{cf.article_b}: {cf.claim_b.text[:110]}",
                              "reason": cf.reason}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
