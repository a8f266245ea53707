"""Summary quality on the hand-labelled dev set (gold events and stories).

    python benchmarks/summary.py [--data ../shared/data] [--encoder fast]

The 447 dev articles are ingested once into benchmarks/.cache/summary-<encoder>.db; then every
gold event (labels.jsonl, events.jsonl) and every gold story of two or more events gets a
summary from :mod:`storyline.summary` over exactly its articles, as `storyline summary` would
give for a perfectly clustered event/story. Printed per kind:

* cited-in-group: share of summary sentences whose cited article is in the event/story (must
  be 100 %), and offsets-exact: share with ``text == article.text[start:end]``;
* redundancy: the largest bag-of-words cosine (stopwords dropped) between two sentences of one
  summary (mean over summaries, and the share of summaries with a pair at 0.5 or above);
* ROUGE-1 recall of the event descriptions in events.jsonl (lowercased word unigrams, English
  stopwords dropped), for events with English articles, with English preferred; reported,
  not tuned to. Baselines in the same run: lead-3 (first three sentences of the event's first
  article) and random-3 (three random candidate sentences, seed 0).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

import regex

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
CACHE = HERE / ".cache"
_TOK = regex.compile(r"[\p{L}\p{M}\p{N}]+")  # Devanagari vowel signs stay in their word


def bag(text: str, stop: frozenset[str]) -> Counter[str]:
    return Counter(t for t in _TOK.findall(text.casefold()) if t not in stop)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    num = sum(v * b.get(k, 0) for k, v in a.items())
    den = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return num / den if den else 0.0


def rouge1_recall(summary: str, reference: str, stop: frozenset[str]) -> float:
    ref, got = bag(reference, stop), bag(summary, stop)
    total = sum(ref.values())
    return sum(min(n, got.get(w, 0)) for w, n in ref.items()) / total if total else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--encoder", default="e5", help="encoder for the cached store")
    args = ap.parse_args()
    dev = args.data / "india-news-2020-dev"
    if not (dev / "docs.jsonl").is_file():
        print(f"skipped: {dev} not present (the dev set is read at run time)")
        return 0

    import storyline
    from storyline.summary import StoryPart, summarize_articles, summarize_story
    from storyline.summary.select import candidates
    from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

    stop = LATIN_STOP | HINDI_STOP
    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"summary-{args.encoder}.db"
    t0 = time.perf_counter()
    sl = storyline.open(db, encoder=args.encoder)
    if sl.store.count_articles() == 0:
        sl.ingest([dev / "docs.jsonl"])
    print(f"store {db.name}: {sl.store.count_articles()} articles "
          f"(ready in {time.perf_counter() - t0:.0f} s)")

    labels = [json.loads(x) for x in (dev / "labels.jsonl").open(encoding="utf-8")]
    events = {r["event_id"]: r for r in map(json.loads, (dev / "events.jsonl").open())}
    stories = {r["story_id"]: r for r in map(json.loads, (dev / "stories.jsonl").open())}
    by_event: dict[str, list] = {}
    story_events: dict[str, list[str]] = {}
    missing = 0
    for r in labels:
        found = sl.store.find_articles_by_doc_id(r["id"])
        if not found:
            missing += 1
            continue
        by_event.setdefault(r["event_id"], []).append(found[0])
        if r["event_id"] not in story_events.setdefault(r["story_id"], []):
            story_events[r["story_id"]].append(r["event_id"])

    rng = random.Random(0)
    stats: dict[str, Counter[str]] = {"event": Counter(), "story": Counter()}
    red: dict[str, list[float]] = {"event": [], "story": []}
    rouge: dict[str, list[float]] = {"summary": [], "lead-3": [], "random-3": []}
    t1 = time.perf_counter()

    def score(kind: str, sents: list, members: set[str]) -> None:
        st = stats[kind]
        st["summaries"] += 1
        for c in sents:
            st["sentences"] += 1
            st["in_group"] += c.article_id in members
            art = sl.store.get_article(c.article_id)
            st["exact"] += art is not None and art.text[c.start : c.end] == c.text
        bags = [bag(c.text, stop) for c in sents]
        pairs = [cosine(a, b) for i, a in enumerate(bags) for b in bags[i + 1 :]]
        red[kind].append(max(pairs, default=0.0))

    for eid, arts in sorted(by_event.items()):
        s = summarize_articles(sl.store, arts, lang="en", ident=eid)
        score("event", s.sentences, {a.id for a in arts})
        desc = events.get(eid, {}).get("description", "")
        if desc and any(a.lang and a.lang.lang == "en" for a in arts):
            text = " ".join(c.text for c in s.sentences)
            rouge["summary"].append(rouge1_recall(text, desc, stop))
            first = next(a for a in arts if a.lang and a.lang.lang == "en")
            lead = candidates(first.id, first.text, "en", title=first.title)[:3]
            rouge["lead-3"].append(rouge1_recall(" ".join(c.text for c in lead), desc, stop))
            pool = [c for a in arts for c in candidates(a.id, a.text, "en", title=a.title)]
            pick = rng.sample(pool, min(3, len(pool)))
            rouge["random-3"].append(rouge1_recall(" ".join(c.text for c in pick), desc, stop))
    for sid, eids in sorted(story_events.items()):
        if len(eids) < 2:
            continue
        parts = [
            StoryPart(
                event_id=e, title=events.get(e, {}).get("description", "")[:80],
                date=events.get(e, {}).get("date"), date_is_estimate=False,
                articles=by_event[e],
            )
            for e in eids
        ]
        story = storyline.model.Story(id=sid, event_ids=eids)
        s = summarize_story(sl.store, story, parts)
        score("story", s.sentences, {a.id for e in eids for a in by_event[e]})
    secs = time.perf_counter() - t1

    print(f"gold: {len(by_event)} events, {sum(len(v) >= 2 for v in story_events.values())} "
          f"stories of 2+ events; {missing} labelled articles not in the store")
    for kind in ("event", "story"):
        st = stats[kind]
        n = st["sentences"] or 1
        r = red[kind]
        print(
            f"{kind:5} summaries {st['summaries']:3}  sentences {st['sentences']:4}  "
            f"cited-in-group {100 * st['in_group'] / n:.1f} %  "
            f"offsets-exact {100 * st['exact'] / n:.1f} %  "
            f"redundancy max-pair mean {sum(r) / max(len(r), 1):.3f}  "
            f"pairs>=0.5 {100 * sum(x >= 0.5 for x in r) / max(len(r), 1):.1f} %"
        )
    for name, vals in rouge.items():
        print(f"ROUGE-1 recall vs events.jsonl ({name:8}, {len(vals)} events with English "
              f"articles): {sum(vals) / max(len(vals), 1):.3f}")
    print(f"summaries computed in {secs:.1f} s")
    ok = all(stats[k]["in_group"] == stats[k]["sentences"] for k in stats)
    ok = ok and all(stats[k]["exact"] == stats[k]["sentences"] for k in stats)
    print("citations: " + ("all inside their event/story, offsets exact" if ok else "FAILED"))
    _ = stories  # story descriptions are not scored (they describe topics, not events)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
