"""Build ``resources/en_common.txt.gz``: English words that are ordinary words, not names.

A capitalised phrase of news text is a name only when some word of it is a name: "Medical
College", "Civil Hospital", "State Governments" or "Former" are capitalised common words
(title case, a sentence start, a heading), "Kurnool", "Veerapandian" or "Gilead" are not.
The corpus says which is which: an ordinary word is mostly written in lower case in
running text (``medical``, ``college``), a name word almost never (``kurnool``).

This script counts, over the English articles of ``../shared/data/india-news-2020``, how
often each word appears in lower case and how often capitalised in mid-sentence, and writes
the words seen at least ``--min-count`` times whose lower-case share is at least
``--share``. The output is a word list (statistics, no text); its first line records the
version and the settings. Run from the repository root:

    python scripts/build_en_common.py [--data ../shared/data] [--min-count 20] [--share 0.6]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"(?<![\w’'-])([A-Za-z][a-z]+)(?![\w’'-])")
SENT_START = re.compile(r"(?:^|[.!?:;\"“‘(]\s*|\n\s*)$")
VERSION = "1"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--min-count", type=int, default=20)
    ap.add_argument("--share", type=float, default=0.6)
    ap.add_argument("--out", default=str(ROOT / "src/storyline/resources/en_common.txt.gz"))
    args = ap.parse_args()
    path = Path(args.data) / "india-news-2020" / "english_articles.jsonl.gz"
    if not path.is_file():
        print(f"{path} not found: nothing to build")
        return 1
    lower: Counter[str] = Counter()
    caps: Counter[str] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            for m in WORD.finditer(text):
                w = m.group(1)
                if w[0].islower():
                    lower[w] += 1
                elif not SENT_START.search(text[max(0, m.start() - 3) : m.start()]):
                    caps[w.lower()] += 1
    words = sorted(w for w in set(lower) | set(caps)
                   if lower[w] + caps[w] >= args.min_count
                   and lower[w] / (lower[w] + caps[w]) >= args.share)
    out = Path(args.out)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        fh.write(f"# en_common v{VERSION} min_count={args.min_count} share={args.share} "
                 f"source=india-news-2020 english_articles\n")
        fh.write("\n".join(words) + "\n")
    print(f"wrote {len(words)} words to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
