"""Build ``resources/aliases.tsv.gz``: places and organisations named in both scripts.

Hindi news writes most Indian names by sound (``धारावी`` = *Dharavi*, ``लोकसभा`` = *Lok
Sabha*, ``सफदरजंग अस्पताल`` = *Safdarjung Hospital*), so the pairs can be mined from
unlabelled news without any parallel text:

1. English side: every run of 1–4 capitalised words (``of``/``and`` inside) in the English
   articles of ``../shared/data/india-news-2020`` (19.5k, Jan–Aug 2020) with its count,
   keyed by the consonant skeletons of its words (:func:`storyline.entities.keys.token_key`)
   with an organisation head translated to a tag (``Hospital`` → ``#hospital``).
2. Hindi side: every 1–4 word Devanagari n-gram of the Hindi day-files (380 paper-days)
   keyed the same way (``अस्पताल`` → ``#hospital``, ``उच्च न्यायालय`` → ``#high-court``; a
   short list of head words, :data:`HEADS`).
3. A Hindi n-gram and an English run with the same key are the same name when both are
   frequent enough, the key is long enough not to collide by chance, the English run is a
   name (capitalised in at least 90 % of its occurrences) and the two are about as frequent
   (a common Hindi word is far more frequent than its sound-alike English name is; the rule
   of ``build_hindi_common.py``). The most frequent English spelling wins.
4. Type: an organisation head makes an ORG (or a PLACE for place heads); otherwise the
   shipped GeoNames places (``resources/places.tsv.gz``) make a PLACE; other names (mostly
   people, whom the linker already matches by sound) are left out.

The output holds names and counts only (no text). Run from the repository root:

    python scripts/build_aliases.py [--data ../shared/data] [--min-en 8] [--min-hi 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from storyline.entities.gazetteer import HAND_ENTRIES
from storyline.entities.keys import token_key, vowel_key
from storyline.entities.lexicon import DEVA_ORG_HEADS, LATIN_ORG_HEADS, LATIN_PLACE_HEADS
from storyline.entities.personal import is_given, is_surname
from storyline.geo.gazetteer import gazetteer
from storyline.text.names import deva_to_latin
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

ROOT = Path(__file__).resolve().parents[1]
VERSION = 1
# Hindi head words (one or two words) and the English heads they translate; heads written
# by sound (कॉलेज, यूनिवर्सिटी, कोर्ट) match through their skeletons like any name word.
HEADS: dict[str, tuple[str, str]] = {
    "अस्पताल": ("hospital", "ORG"), "चिकित्सालय": ("hospital", "ORG"),
    "उच्च न्यायालय": ("high-court", "ORG"), "हाईकोर्ट": ("high-court", "ORG"),
    "सर्वोच्च न्यायालय": ("supreme-court", "ORG"), "न्यायालय": ("court", "ORG"),
    "जेल": ("jail", "PLACE"), "कारागार": ("jail", "PLACE"),
    "मंत्रालय": ("ministry", "ORG"), "विभाग": ("department", "ORG"),
    "विश्वविद्यालय": ("university", "ORG"), "महाविद्यालय": ("college", "ORG"),
    "नगर निगम": ("municipal-corporation", "ORG"), "निगम": ("corporation", "ORG"),
    "आयोग": ("commission", "ORG"), "परिषद": ("council", "ORG"), "बोर्ड": ("board", "ORG"),
    "पुलिस": ("police", "ORG"), "पार्टी": ("party", "ORG"), "संस्थान": ("institute", "ORG"),
    "बैंक": ("bank", "ORG"), "सेना": ("army", "ORG"), "हवाईअड्डा": ("airport", "PLACE"),
    "हवाई अड्डे": ("airport", "PLACE"), "रेलवे स्टेशन": ("station", "PLACE"),
    "स्टेशन": ("station", "PLACE"), "मंदिर": ("temple", "PLACE"), "मस्जिद": ("mosque", "PLACE"),
    "नदी": ("river", "PLACE"), "जिला": ("district", "PLACE"), "जिले": ("district", "PLACE"),
}
EN_HEADS: dict[str, str] = {
    "hospital": "hospital", "high court": "high-court", "hc": "high-court",
    "supreme court": "supreme-court", "court": "court", "jail": "jail", "prison": "jail",
    "ministry": "ministry", "department": "department", "university": "university",
    "college": "college", "municipal corporation": "municipal-corporation",
    "corporation": "corporation", "commission": "commission", "council": "council",
    "board": "board", "police": "police", "party": "party", "institute": "institute",
    "bank": "bank", "army": "army", "airport": "airport", "railway station": "station",
    "station": "station", "temple": "temple", "mosque": "mosque", "masjid": "mosque",
    "river": "river", "district": "district",
}
TYPES = {tag: typ for tag, typ in HEADS.values()}
EN_RUN = re.compile(r"\b[A-Z][\w’'.&-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z][\w’'.&-]*){0,3}")
DEVA = re.compile(r"[\u0900-\u0963\u0966-\u097F]+")
DEVA_PLACES = {f for e in HAND_ENTRIES if e.type == "PLACE" for f in e.deva}
MIN_KEY = 3  # consonants of a name without a head (shorter ones collide by chance)


def _key(words: list[str]) -> str | None:
    keys = [token_key(w) for w in words]
    if not all(keys):
        return None
    return "".join(keys)


def en_key(run: str) -> tuple[str, str | None] | None:
    """Key of an English run and its head tag ("Safdarjung Hospital" → ("sfdrjng#hospital",
    "hospital"))."""
    words = [w for w in run.replace("-", " ").split() if w.lower() not in ("of", "and", "&")]
    low = " ".join(words).lower()
    for head, tag in sorted(EN_HEADS.items(), key=lambda kv: -len(kv[0])):
        if low.endswith(" " + head):
            name = words[: len(words) - len(head.split())]
            k = _key(name)
            return (f"{k}#{tag}", tag) if k else None
    k = _key(words)
    return (k, None) if k else None


def hi_key(words: list[str]) -> tuple[str, str | None] | None:
    for n in (2, 1):
        if len(words) > n and " ".join(words[-n:]) in HEADS:
            tag = HEADS[" ".join(words[-n:])][0]
            k = _key(words[:-n])
            return (f"{k}#{tag}", tag) if k else None
    if words[-1] in DEVA_ORG_HEADS:
        return None
    k = _key(words)
    return (k, None) if k else None


def _head_type(run: str) -> str | None:
    last = run.split()[-1].lower()
    return "ORG" if last in LATIN_ORG_HEADS else "PLACE" if last in LATIN_PLACE_HEADS else None


def type_by_context(path: Path, runs: set[str], per_run: int = 6) -> dict[str, str]:
    """The type the entity finder gives each run in up to ``per_run`` English sentences
    (majority; PERSON and OTHER count too, so a person is not taken for a place)."""
    from storyline.entities.mentions import extract_mentions

    votes: dict[str, Counter[str]] = defaultdict(Counter)
    if not runs:
        return {}
    rx = re.compile(r"(?<![\w])(" + "|".join(re.escape(r) for r in sorted(runs, key=len,
                                                                         reverse=True))
                    + r")(?![\w])")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            for m in rx.finditer(text):
                run = m.group(1)
                if sum(votes[run].values()) >= per_run:
                    continue
                a = max(text.rfind(". ", 0, m.start()) + 2, 0)
                b = text.find(". ", m.end())
                sent = text[a : b if b > 0 else len(text)]
                off = m.start() - a
                for men in extract_mentions(sent, "en"):
                    if men.start <= off < men.end:
                        votes[run][men.type] += 1
                        break
                else:
                    votes[run]["none"] += 1
            if runs <= {r for r, v in votes.items() if sum(v.values()) >= per_run}:
                break
    return {run: v.most_common(1)[0][0] for run, v in votes.items()}


def count_english(path: Path) -> tuple[Counter[str], Counter[str], int]:
    runs: Counter[str] = Counter()
    lower: Counter[str] = Counter()  # lower-case occurrences of one-word names
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            text = f"{d.get('title') or ''}\n{d.get('text') or ''}"
            n += len(text.split())
            for m in EN_RUN.finditer(text):
                words = m.group(0).split()
                if words and words[-1].endswith(("’s", "'s")):
                    continue  # "Agra’s": a possessive, not a name form
                while words and words[0].lower() in LATIN_STOP:
                    words = words[1:]
                if (words and not words[-1].isupper()) or len(words) > 1:
                    runs[" ".join(words)] += 1
            lower.update(w for w in re.findall(r"\b[a-z]{4,}\b", text))
    return runs, lower, n


def count_hindi(path: Path) -> tuple[Counter[str], int]:
    grams: Counter[str] = Counter()
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            for para in json.loads(line)["text"].split("\n"):
                for part in re.split(r"[,.।:;!?()'\"‘’“”-]", para):
                    words = DEVA.findall(part)
                    n += len(words)
                    for i in range(len(words)):
                        for size in range(1, 5):
                            g = words[i : i + size]
                            if len(g) < size or g[0] in HINDI_STOP or g[-1] in HINDI_STOP:
                                continue
                            grams[" ".join(g)] += 1
    return grams, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--min-en", type=int, default=8)
    ap.add_argument("--min-hi", type=int, default=3)
    ap.add_argument("--ratio", type=float, default=25.0,
                    help="the two rates (per word) may differ at most this many times")
    ap.add_argument("--out", default=str(ROOT / "src/storyline/resources/aliases.tsv.gz"))
    args = ap.parse_args()
    base = Path(args.data) / "india-news-2020"
    runs, lower, n_en = count_english(base / "english_articles.jsonl.gz")
    grams, n_hi = count_hindi(base / "hindi_daily_files.jsonl.gz")
    by_key: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for run, c in runs.items():
        if c < args.min_en or run.lower() in LATIN_STOP:
            continue
        k = en_key(run)
        if k is None:
            continue
        if " " not in run and lower[run.lower()] > 0.1 * c:
            continue  # an ordinary word that starts sentences ("Rally", "Sector")
        by_key[k[0]].append((c, run, k[1]))
    hi_by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for gram, hc in grams.items():
        k = hi_key(gram.split())
        if k is not None and k[0] in by_key:
            hi_by_key[k[0]][gram] += hc
    geo = gazetteer()
    pairs: dict[str, tuple[str | None, int, Counter[str]]] = {}
    for key, forms in hi_by_key.items():
        hc = sum(forms.values())
        name_part, _, tag = key.partition("#")
        if hc < args.min_hi or len(name_part) < (2 if tag else MIN_KEY):
            continue
        c, run, _tag = max(by_key[key])
        if not tag and " " not in run and c < 2 * args.min_en:
            continue  # one rare word: too easily a sound-alike
        if tag and len(name_part) < 3 and " ".join(forms.most_common(1)[0][0].split()[:1]) \
                not in DEVA_PLACES:
            continue  # "बड़ी मस्जिद" is not *Babri Masjid*: a short name part must be a place
        top = forms.most_common(1)[0][1]
        keep: Counter[str] = Counter()
        for gram, n in forms.items():
            if n < 0.3 * top:
                continue  # a rare sound-alike next to the usual spelling
            if not tag and " " not in gram and Levenshtein.normalized_similarity(
                    deva_to_latin(gram), run.lower().replace(" ", "")) < 0.6:
                continue  # "द्रव्य" (substance) is not *Dharavi*
            if len(gram.split()) > len(run.split()):
                continue  # "बड़ा एलान" is not *Berlin*: Hindi joins words (लोकसभा), never splits
            if not tag and vowel_key(gram.replace(" ", "")) != vowel_key(run.replace(" ", "")):
                continue  # a name by sound alone: the vowels must agree too
            keep[gram] = n
        if sum(keep.values()) < args.min_hi:
            continue
        rate_en, rate_hi = c / n_en, sum(keep.values()) / n_hi
        if not 1 / args.ratio <= rate_en / rate_hi <= args.ratio:
            continue
        typ: str | None = TYPES[tag] if tag else _head_type(run)
        if typ is None and not (is_given(run.split()[0]) or is_surname(run.split()[-1])) and any(
                p.population >= 1000 or p.kind != "city" for p in geo.lookup(run)):
            typ = "PLACE"  # a place by GeoNames, unless the name is also a person's
        pairs[run] = (typ, c, keep)
    # names typed by GeoNames alone or not at all: how the entity finder types them in
    # English sentences decides (a GeoNames village named Chahal is mostly a person)
    unsure = {run for run, (typ, _, _) in pairs.items()
              if typ is None or (typ == "PLACE" and _head_type(run) is None and not any(
                  p.population >= 100_000 or p.kind != "city" for p in geo.lookup(run)))}
    for run, typ in type_by_context(base / "english_articles.jsonl.gz", unsure).items():
        old = pairs[run][0]
        pairs[run] = (typ if old is None or typ != "PLACE" else old, *pairs[run][1:])
    pairs = {run: v for run, v in pairs.items() if v[0] in ("ORG", "PLACE")}
    out = Path(args.out)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        fh.write(f"# storyline cross-script aliases v{VERSION}: built by scripts/build_aliases.py "
                 "from india-news-2020 (English articles, Hindi day-files); "
                 "type, English name, Devanagari forms, English count, Hindi count\n")
        for name, (typ, c, forms) in sorted(pairs.items()):
            assert typ is not None
            fh.write(f"{typ}\t{name}\t{';'.join(f for f, _ in forms.most_common())}\t{c}\t"
                     f"{sum(forms.values())}\n")
    print(f"{len(pairs)} names in both scripts -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
