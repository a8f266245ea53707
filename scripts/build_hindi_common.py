"""Build ``resources/hindi_common.txt.gz``: frequent Hindi words that are not names.

Hindi has no capital letters, so a Devanagari word that sounds like an English name
(``भर्ती`` "admitted" ~ *Bharti*, ``जहां`` "where" ~ *Jahan*) cannot be told from the name
by its spelling. Corpus statistics can: a name word is about as frequent in English news —
capitalised, mid-sentence — as it is in Hindi news (``मोदी``/*Modi*, ``पटना``/*Patna*),
while a common word is far more frequent in Hindi than its sound-alike is capitalised in
English. This script counts both over ``../shared/data/india-news-2020`` and writes the
words whose English-capitalised rate is under ``--ratio`` times their Hindi rate.

The output is a word list (statistics, no text). Run from the repository root:

    python scripts/build_hindi_common.py [--data ../shared/data] [--min-count 40]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from pathlib import Path

from storyline.entities.gazetteer import ENTRIES
from storyline.entities.keys import vowel_key

ROOT = Path(__file__).resolve().parents[1]
DEVA = re.compile(r"[\u0900-\u0963\u0966-\u097F]+")
LATIN_CAP = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--min-count", type=int, default=8)
    ap.add_argument("--ratio", type=float, default=0.08)
    ap.add_argument("--out", default=str(ROOT / "src/storyline/resources/hindi_common.txt.gz"))
    args = ap.parse_args()
    base = Path(args.data) / "india-news-2020"
    hi: Counter[str] = Counter()
    with gzip.open(base / "hindi_daily_files.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            hi.update(DEVA.findall(json.loads(line)["text"]))
    en: Counter[str] = Counter()
    n_en = 0
    with gzip.open(base / "english_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            n_en += len(text.split())
            for line_ in text.split("\n"):
                en.update(vowel_key(w) for w in LATIN_CAP.findall(line_))
    n_hi = sum(hi.values())
    # gazetteer names (भारत, दिल्ली) are names whatever their statistics say
    names = {w for e in ENTRIES for form in e.deva for w in form.split()}
    common = []
    for w, c in hi.items():
        if c < args.min_count or len(w) < 2 or w in names:
            continue
        en_rate = en.get(vowel_key(w), 0) / n_en
        if en_rate < args.ratio * (c / n_hi):
            common.append(w)
    common.sort()
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(common) + "\n")
    print(f"{len(common)} common words of {sum(1 for c in hi.values() if c >= args.min_count)} "
          f"frequent Hindi words (Hindi tokens {n_hi:,}, English tokens {n_en:,}) -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
