"""Score :func:`storyline.quotes.extract_claims` against gold claims (default: the sample).

Real news: ``python -m storyline.quotes.evaluate --gold ../shared/data/india-news-2020-dev``
(the folder or its ``quotes.jsonl``; ``--docs`` when the articles live elsewhere): claim
detection P/R/F1 and speaker accuracy with the rules of :mod:`storyline.eval.realgold`
(token overlap ≥ 60 % of the shorter; speaker right when anonymous ↔ anonymous or the
speaker holds the gold speaker's last name, either script), over all gold claims and over
the claims found, by language.

Sample corpus: ``python -m storyline.quotes.evaluate`` (``--errors`` lists misses and false
alarms, ``--json`` prints the numbers as JSON).

**Matching.** A gold claim (``article``, ``quote_start`` = its first five words) matches a
predicted claim of the same article when, after lower-casing and splitting both into words
(letters/digits; ``qu'il`` → ``qu il``), the gold words occur in the prediction starting at
one of its first four words, or the prediction starts at most two words *into* the gold
words (three or more still agreeing). Each prediction matches at most one gold claim; a
prediction of the same ``kind`` is preferred.

**Numbers.** Detection precision/recall/F1 over claims; on matched pairs: ``kind``
accuracy, **speaker accuracy** (gold named: the predicted speaker's last word has the same
cross-script name key — :func:`storyline.text.names.skeleton` — as the last word of one of
the entity's aliases in ``entities.jsonl``, so ``Bhatia``, ``Arun Bhatia`` and ``भाटिया``
all match *Arun Bhatia*; gold anonymous: the prediction is anonymous with no speaker),
**anonymous-typing accuracy** (``anonymous`` agrees) and, for anonymous gold claims, how
often the predicted source phrase shares a content word with the gold ``group``. All per
language and overall.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from storyline.errors import StorylineError
from storyline.eval.realgold import (
    FOLDS,
    PRF,
    Report,
    fold_ids,
    gold_docs,
    read_jsonl,
    speaker_right,
    token_overlap,
)
from storyline.quotes.claim import Claim
from storyline.quotes.extract import extract_claims
from storyline.text.names import skeleton

logger = logging.getLogger(__name__)

SAMPLE = Path(__file__).resolve().parents[1] / "sample"
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")
_LEAD = 3  # the gold words may start this many words into the prediction
_LAG = 2  # …or the prediction may start this many words into the gold words


class EvaluationError(StorylineError):
    """Gold or article files are missing or malformed."""


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def claim_matches(gold_start: str, pred_text: str) -> bool:
    """Does a prediction's text start (nearly) where the gold ``quote_start`` does?"""
    g, p = words(gold_start), words(pred_text)
    if not g or not p:
        return False
    for off in range(min(_LEAD, len(p)) + 1):
        if p[off : off + len(g)] == g:
            return True
    for k in range(1, _LAG + 1):
        rest = g[k:]
        if len(rest) >= 3 and p[: len(rest)] == rest:
            return True
    return False


def _last_key(name: str) -> str:
    ws = _WORD.findall(name)
    return skeleton(ws[-1]) if ws else ""


def speaker_matches(pred: str | None, gold: str, aliases: dict[str, list[str]]) -> bool:
    """Surname-level match across scripts (see the module docstring)."""
    if not pred:
        return False
    key = _last_key(pred)
    forms = [*aliases.get(gold, []), gold]
    return bool(key) and any(_last_key(f) == key for f in forms)


def _overlap(pred: str | None, gold: str | None) -> bool:
    if not pred or not gold:
        return False
    stop = {"the", "a", "an", "of", "in", "at", "to", "de", "la", "le", "du", "del", "des", "der"}
    g = {w for w in words(gold) if w not in stop and len(w) > 1}
    return bool(g & set(words(pred)))


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    matched: int = 0
    kind_ok: int = 0
    named: int = 0
    named_ok: int = 0
    anon_gold: int = 0
    anon_ok: int = 0
    anon_group_ok: int = 0
    typing_ok: int = 0
    errors: list[str] = field(default_factory=list)

    def report(self) -> dict[str, float | int]:
        p = self.matched / self.pred if self.pred else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        m = self.matched or 1
        src_n = self.named + self.anon_gold
        return {
            "gold": self.gold,
            "pred": self.pred,
            "matched": self.matched,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "kind_acc": round(self.kind_ok / m, 3),
            "speaker_acc": round((self.named_ok + self.anon_ok) / src_n, 3) if src_n else 0.0,
            "named_speaker_acc": round(self.named_ok / self.named, 3) if self.named else 0.0,
            "anonymous_acc": round(self.typing_ok / m, 3),
            "anon_group_overlap": round(self.anon_group_ok / self.anon_gold, 3)
            if self.anon_gold
            else 0.0,
        }


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EvaluationError(f"{path} not found; pass --articles/--gold/--entities paths")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise EvaluationError(
                        f"{path}:{n}: not JSON ({e}); fix or regenerate it"
                    ) from e
    return out


def evaluate(
    articles: Path = SAMPLE / "articles.jsonl",
    gold: Path = SAMPLE / "quotes.jsonl",
    entities: Path = SAMPLE / "entities.jsonl",
) -> dict[str, Any]:
    """Scores overall and per language: ``{"all": {...}, "en": {...}, ..., "errors": [...]}``."""
    arts = _read_jsonl(articles)
    gold_rows = _read_jsonl(gold)
    aliases: dict[str, list[str]] = {}
    if entities.is_file():
        for e in _read_jsonl(entities):
            forms = [f for fs in e.get("aliases", {}).values() for f in fs]
            aliases[e["name"]] = forms
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in gold_rows:
        by_article[g["article"]].append(g)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for art in arts:
        lang = art.get("lang", "en")
        preds = extract_claims(art["text"], lang)
        _score_article(art["id"], preds, by_article.get(art["id"], []), aliases, tallies[lang])
    total = Tally()
    for t in tallies.values():
        for name in (
            "gold",
            "pred",
            "matched",
            "kind_ok",
            "named",
            "named_ok",
            "anon_gold",
            "anon_ok",
            "anon_group_ok",
            "typing_ok",
        ):
            setattr(total, name, getattr(total, name) + getattr(t, name))
        total.errors.extend(t.errors)
    out: dict[str, Any] = {"all": total.report()}
    for lang in sorted(tallies):
        out[lang] = tallies[lang].report()
    out["errors"] = total.errors
    return out


def _score_article(
    aid: str,
    preds: list[Claim],
    golds: list[dict[str, Any]],
    aliases: dict[str, list[str]],
    t: Tally,
) -> None:
    t.gold += len(golds)
    t.pred += len(preds)
    used: set[int] = set()
    for g in golds:
        cands = [
            i
            for i, p in enumerate(preds)
            if i not in used and claim_matches(g["quote_start"], p.text)
        ]
        if not cands:
            t.errors.append(
                f"MISS {aid} {g['kind']} {g['quote_start']!r} ({g['speaker'] or g['group']})"
            )
            continue
        same = [i for i in cands if preds[i].kind == g["kind"]]
        i = (same or cands)[0]
        used.add(i)
        p = preds[i]
        t.matched += 1
        t.kind_ok += p.kind == g["kind"]
        t.typing_ok += p.anonymous == bool(g["anonymous"])
        if g["speaker"]:
            t.named += 1
            ok = speaker_matches(p.speaker, g["speaker"], aliases)
            t.named_ok += ok
            if not ok:
                t.errors.append(
                    f"SPEAKER {aid} {g['quote_start']!r}: {p.speaker!r} != {g['speaker']!r}"
                )
        else:
            t.anon_gold += 1
            ok = p.anonymous and p.speaker is None
            t.anon_ok += ok
            t.anon_group_ok += _overlap(p.source, g["group"])
            if not ok:
                t.errors.append(f"ANON {aid} {g['quote_start']!r}: got {p.speaker!r}/{p.anonymous}")
    for i, p in enumerate(preds):
        if i not in used:
            t.errors.append(f"EXTRA {aid} {p.kind} {p.text[:50]!r} ({p.speaker or p.source})")


def evaluate_real(gold: Path, docs: Path | None = None, *, fold: str | None = None) -> Report:
    """Claims and speakers on real-news gold (``india-news-2020-dev`` format).

    ``fold`` (``a``/``b``) scores only that half of the gold articles
    (:func:`storyline.eval.realgold.fold_ids`).
    """
    folder = gold if gold.is_dir() else gold.parent
    rows = read_jsonl(gold / "quotes.jsonl" if gold.is_dir() else gold)
    if fold:
        keep = fold_ids(folder, fold)
        rows = [r for r in rows if r["article"] in keep]
    by_art: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_art[r["article"]]  # an article with "none": true still counts (no claims)
        if not r.get("none"):
            by_art[r["article"]].append(r)
    rep = Report()
    t: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d in gold_docs(docs or folder / "docs.jsonl", set(by_art)):
        preds = extract_claims(d.text, d.lang)
        golds = by_art[d.id]
        c = t[d.lang]
        c["gold"] += len(golds)
        c["pred"] += len(preds)
        pairs = sorted(((token_overlap(g["quote"], p.text), gi, pi)
                        for gi, g in enumerate(golds) for pi, p in enumerate(preds)),
                       reverse=True)
        used_g: set[int] = set()
        used_p: set[int] = set()
        for ov, gi, pi in pairs:
            if ov < 0.6 or gi in used_g or pi in used_p:
                continue
            used_g.add(gi)
            used_p.add(pi)
            g, p = golds[gi], preds[pi]
            c["matched"] += 1
            ok = speaker_right(p.speaker, p.anonymous, g)
            c["speaker_ok"] += ok
            if not ok:
                rep.errors.append(f"SPEAKER {d.id} {g['quote'][:50]!r}: {p.speaker!r}"
                                  f"{' (anonymous)' if p.anonymous else ''} != "
                                  f"{g.get('speaker') or g.get('group')!r}")
        for gi, g in enumerate(golds):
            if gi not in used_g:
                rep.errors.append(f"MISS {d.id} {g['kind']} {g['quote'][:60]!r} "
                                  f"({g.get('speaker') or g.get('group')})")
        for pi, p in enumerate(preds):
            if pi not in used_p:
                rep.errors.append(f"EXTRA {d.id} {p.kind} {p.text[:60]!r} "
                                  f"({p.speaker or p.source})")
    total: dict[str, int] = defaultdict(int)
    for c in t.values():
        for k, v in c.items():
            total[k] += v
    for lang, c in [("all", total), *sorted(t.items())]:
        prf = PRF(c["matched"], c["pred"], c["matched"], c["gold"])
        row: dict[str, Any] = prf.row()
        row["speaker_right_of_gold"] = round(c["speaker_ok"] / c["gold"], 3) if c["gold"] else 0
        row["speaker_right_of_found"] = (round(c["speaker_ok"] / c["matched"], 3)
                                         if c["matched"] else 0)
        rep.rows[lang] = row
    return rep


def _is_real_gold(path: Path) -> bool:
    with path.open(encoding="utf-8") as fh:
        first = fh.readline()
    try:
        row = json.loads(first)
    except json.JSONDecodeError:
        return False
    return "quote" in row or "none" in row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m storyline.quotes.evaluate", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--articles", type=Path, default=SAMPLE / "articles.jsonl")
    ap.add_argument("--gold", type=Path, default=SAMPLE / "quotes.jsonl")
    ap.add_argument("--entities", type=Path, default=SAMPLE / "entities.jsonl")
    ap.add_argument("--errors", action="store_true", help="list misses, extras and wrong speakers")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--docs", type=Path, help="real-news gold: the articles (default: beside)")
    ap.add_argument("--fold", choices=FOLDS,
                    help="real-news gold: score only half of its articles (a or b)")
    args = ap.parse_args(argv)
    real_gold = args.gold.is_dir() or (args.gold.is_file() and _is_real_gold(args.gold))
    if real_gold:
        try:
            rep = evaluate_real(args.gold, args.docs, fold=args.fold)
        except StorylineError as err:
            print(f"error: {err}")
            return 2
        if args.json:
            print(json.dumps(rep.rows, indent=2))
        else:
            for lang, row in rep.rows.items():
                print(f"{lang:<4} claims P {row['precision']:.3f}  R {row['recall']:.3f}  F1 "
                      f"{row['f1']:.3f}  (pred {row['pred']}, gold {row['gold']}); speaker "
                      f"right {row['speaker_right_of_gold']:.3f} of gold claims, "
                      f"{row['speaker_right_of_found']:.3f} of claims found")
        if args.errors:
            print("\n".join(rep.errors))
        return 0
    try:
        res = evaluate(args.articles, args.gold, args.entities)
    except StorylineError as e:
        print(f"error: {e}")
        return 2
    errors = res.pop("errors")
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        cols = [
            "gold",
            "pred",
            "precision",
            "recall",
            "f1",
            "kind_acc",
            "speaker_acc",
            "named_speaker_acc",
            "anonymous_acc",
            "anon_group_overlap",
        ]
        print(f"{'lang':<5}" + "".join(f"{c:>19}" for c in cols))
        for lang, row in res.items():
            print(f"{lang:<5}" + "".join(f"{row[c]:>19}" for c in cols))
    if args.errors:
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
