"""Build ``resources/word_df.tsv.gz``: background document frequencies for TF-IDF.

Reads real news from ``../shared/data`` (never shipped: only word counts are):

* india-news-2020: English articles and Hindi day-files (a day-file is split into chunks of
  25 lines, about one article each). Articles of the dev set's days (14-16 April 2020) and of
  the 24-25 March 2020 window are left out, so that no evaluated text shapes its own weights;
* SemEval-2022 Task 8 article texts (en, de, es, tr, ar, pl, fr) and the machine-translated
  sides of its pairs (it, zh, ru among others);
* Wikipedia "In the news" blurbs (55 languages, short).

Output: a first line ``#docs<TAB>N``, then ``word<TAB>df`` for words in at least 3 documents.

    python scripts/build_word_df.py [--data ../shared/data] \
        [-o src/storyline/resources/word_df.tsv.gz]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from storyline.cluster.words import tokens  # noqa: E402

SKIP_DAYS = {"2020-04-14", "2020-04-15", "2020-04-16", "2020-03-24", "2020-03-25"}
MIN_DF = 3


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("-o", "--out", default=str(ROOT / "src/storyline/resources/word_df.tsv.gz"))
    args = ap.parse_args()
    data = Path(args.data)
    df: Counter[str] = Counter()
    n = 0

    def add(text: str) -> None:
        nonlocal n
        df.update(set(tokens(text)))
        n += 1

    india = data / "india-news-2020"
    with gzip.open(india / "english_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("date") or "")[:10] not in SKIP_DAYS:
                add(f"{r.get('title') or ''} {r.get('text') or ''}")
    with gzip.open(india / "hindi_daily_files.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("date") or "")[:10] in SKIP_DAYS:
                continue
            lines = (r.get("text") or "").split("\n")
            for i in range(0, len(lines), 25):
                add(" ".join(lines[i : i + 25]))
    sem = data / "semeval2022"
    with gzip.open(sem / "articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            add(f"{r.get('title') or ''} {r.get('text') or ''}")
    csv.field_size_limit(1 << 30)
    with gzip.open(sem / "pairs_with_texts_incl_mt.csv.gz", "rb") as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
            if row.get("has_mt_side", "").lower() in ("true", "1", "yes"):
                for k in ("text1", "text2"):
                    add(row.get(k) or "")
    with open(data / "itn-events" / "blurbs.jsonl", encoding="utf-8") as fh:
        for line in fh:
            add(json.loads(line).get("text") or "")

    out = Path(args.out)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.write(f"#docs\t{n}\n")
        for w, c in sorted(df.items(), key=lambda kv: (-kv[1], kv[0])):
            if c >= MIN_DF:
                fh.write(f"{w}\t{c}\n")
    kept = sum(1 for c in df.values() if c >= MIN_DF)
    print(f"{n} documents, {kept} words with df >= {MIN_DF} -> {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
