"""Rebuild ``src/storyline/resources/date_ranker.json``: the page-date ranker's weights.

The ranker (:class:`storyline.ingest.pagedate.DateRanker`) scores each candidate date of a web
page from the signals that give it (URL, JSON-LD, meta tags, ``<time>``, the date shown by the
headline, htmldate). It is fitted here on the WCXB dev pages that have a gold publication date
(``../shared/data/extraction/wcxb-dev``); only 30 numbers are shipped, no page text.

Usage: python scripts/build_date_ranker.py [--version 1]
Check it out of fold with: python benchmarks/dates.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import dates as bench  # noqa: E402  (benchmarks/dates.py: WCXB reading and signal cache)

from storyline.ingest.pagedate import DateRanker  # noqa: E402

OUT = ROOT / "src" / "storyline" / "resources" / "date_ranker.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", default="1")
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args()
    if not bench.WCXB.is_dir():
        print(f"{bench.WCXB} not found: nothing to build", file=sys.stderr)
        return 1
    pages = bench.gold_pages()
    sigs = bench.load_signals(pages, not args.no_cache)
    model = DateRanker.fit([(sigs[p], g) for p, g in pages], l2=bench.L2,
                           version=args.version,
                           trained_on=f"WCXB dev, {len(pages)} pages with a gold day")
    model.to_disk(OUT)
    print(f"wrote {OUT} (version {model.version}, {model.trained_on})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
