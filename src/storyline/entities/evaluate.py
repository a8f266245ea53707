"""Score the entity linker: on real news gold (``--gold``) or on the sample corpus.

Real news: ``python -m storyline.entities.evaluate --gold ../shared/data/india-news-2020-dev``
(the folder, or its ``entities.jsonl``; ``--docs`` when the articles live elsewhere;
``--errors`` lists misses and false alarms). Every article of ``docs.jsonl`` is linked, in
file order, as a store would (``--only-gold`` links the gold articles alone); the gold
articles are scored with the rules of :mod:`storyline.eval.realgold`: (article, entity)
P/R/F1 overall and by type, and cross-script linking of the Hindi articles' entities.

Sample corpus: ``python -m storyline.entities.evaluate`` (``--json`` for machine-readable
output).

* **Pairs**: the linker runs over every sample article (title + cleaned text, in file
  order); each predicted entity of type PERSON/ORG/PLACE is mapped to the gold entity
  most of its mentions name (a mention names a gold entity when its surface, or its name
  key, equals one of the gold aliases). Precision/recall/F1 are over (article, entity)
  pairs; a predicted entity that maps to no gold entity contributes wrong pairs. Gold
  entities that occur only in boilerplate are left out on both sides.
* **Cross-script**: for each gold entity with aliases in both scripts and articles in
  Hindi and in other languages, is there one predicted entity whose Latin and Devanagari
  mentions both map to it? Precision: of the predicted entities with mentions in both
  scripts, the share whose two scripts map to the same gold entity.
* **Splits**: gold entities whose mentions went to more than one predicted entity.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from storyline.entities.keys import name_key
from storyline.entities.linker import EntityLinker
from storyline.entities.records import EntityMention
from storyline.errors import StorylineError
from storyline.eval.realgold import (
    FOLDS,
    PRF,
    GoldError,
    Report,
    fold_ids,
    fold_text,
    gold_docs,
    read_jsonl,
)
from storyline.text.clean import clean_text

logger = logging.getLogger(__name__)

_TYPES = ("PERSON", "ORG", "PLACE")


@dataclass
class Scores:
    pair_precision: float
    pair_recall: float
    pair_f1: float
    cross_precision: float
    cross_recall: float
    cross_f1: float
    split_gold: int  # gold entities spread over several predicted entities
    predicted_entities: int
    gold_entities: int
    mentions: int
    by_type: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def _read_jsonl(name: str) -> list[dict[str, Any]]:
    text = resources.files("storyline.sample").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _skey(surface: str) -> tuple[str, ...]:
    return name_key(tuple(surface.replace("-", " ").split()))


class _GoldIndex:
    def __init__(self, gold: list[dict[str, Any]]) -> None:
        self.by_surface: dict[str, set[int]] = {}
        self.by_key: dict[tuple[str, ...], set[int]] = {}
        for gi, g in enumerate(gold):
            for forms in g["aliases"].values():
                for f in forms:
                    self.by_surface.setdefault(f.casefold(), set()).add(gi)
                    if k := _skey(f):
                        self.by_key.setdefault(k, set()).add(gi)

    def of(self, surface: str) -> set[int]:
        return self.by_surface.get(surface.casefold()) or self.by_key.get(_skey(surface), set())


def link_sample() -> tuple[EntityLinker, list[EntityMention]]:
    """Run a fresh linker over the sample articles; returns it and all linked mentions."""
    linker = EntityLinker()
    out: list[EntityMention] = []
    for a in _read_jsonl("articles.jsonl"):
        text = clean_text(a["text"], a["lang"]).text
        full = f"{a['title']}\n\n{text}"
        out.extend(linker.link_article(a["id"], full, a["lang"], a["date"] or None))
    return linker, out


def score(linker: EntityLinker, mentions: list[EntityMention]) -> Scores:
    gold = _read_jsonl("entities.jsonl")
    idx = _GoldIndex(gold)
    ignored = {gi for gi, g in enumerate(gold) if g.get("boilerplate_only")}
    types = {gi: g["type"] for gi, g in enumerate(gold)}
    # map predicted entities to gold by majority of their mentions
    votes: dict[str, Counter[int]] = {}
    script_votes: dict[tuple[str, str], Counter[int]] = {}
    for m in mentions:
        eid = linker.resolve(m.entity_id)
        for gi in idx.of(m.surface):
            votes.setdefault(eid, Counter())[gi] += 1
            script_votes.setdefault((eid, m.script), Counter())[gi] += 1
    mapping = {eid: c.most_common(1)[0][0] for eid, c in votes.items()}
    gold_pairs = {(a, gi) for gi, g in enumerate(gold) if gi not in ignored
                  for a in g["articles"]}
    pred_pairs: set[tuple[str, Any]] = set()
    pred_entities: set[str] = set()
    for m in mentions:
        eid = linker.resolve(m.entity_id)
        if linker.get(eid).type not in _TYPES:
            continue
        mapped = mapping.get(eid)
        if mapped in ignored:
            continue
        pred_entities.add(eid)
        pred_pairs.add((m.article_id, mapped if mapped is not None else eid))
    tp = len(pred_pairs & gold_pairs)
    p, r, f = _prf(tp, len(pred_pairs), len(gold_pairs))
    by_type: dict[str, dict[str, float]] = {}
    for t in _TYPES:
        gp = {x for x in gold_pairs if types[x[1]] == t}
        pp = {x for x in pred_pairs if (isinstance(x[1], int) and types[x[1]] == t)
              or (not isinstance(x[1], int) and linker.get(x[1]).type == t)}
        tp_t = len(pp & gp)
        pt, rt, ft = _prf(tp_t, len(pp), len(gp))
        by_type[t] = {"precision": pt, "recall": rt, "f1": ft}
    # cross-script linking
    art_lang = {a["id"]: a["lang"] for a in _read_jsonl("articles.jsonl")}
    cross_gold = {gi for gi, g in enumerate(gold)
                  if gi not in ignored and g["aliases"].get("Latn") and g["aliases"].get("Deva")
                  and any(art_lang[a] == "hi" for a in g["articles"])
                  and any(art_lang[a] != "hi" for a in g["articles"])}
    cross_pred = 0
    cross_ok: set[int] = set()
    for eid in {linker.resolve(m.entity_id) for m in mentions}:
        if linker.get(eid).type not in _TYPES:
            continue
        lat, dev = script_votes.get((eid, "Latn")), script_votes.get((eid, "Deva"))
        scripts = {m.script for m in mentions if linker.resolve(m.entity_id) == eid}
        if not {"Latn", "Deva"} <= scripts:
            continue
        cross_pred += 1
        if lat and dev:
            gl, gd = lat.most_common(1)[0][0], dev.most_common(1)[0][0]
            if gl == gd:
                cross_ok.add(gl)
    cp, cr, cf = _prf(len(cross_ok), cross_pred, len(cross_gold))
    cp = round(len(cross_ok) / cross_pred, 4) if cross_pred else 0.0
    cr = round(len(cross_ok & cross_gold) / len(cross_gold), 4) if cross_gold else 0.0
    cf = round(2 * cp * cr / (cp + cr), 4) if cp + cr else 0.0
    per_gold: dict[int, set[str]] = {}
    for eid, gi in mapping.items():
        per_gold.setdefault(gi, set()).add(eid)
    splits = sum(1 for gi, eids in per_gold.items() if len(eids) > 1 and gi not in ignored)
    return Scores(p, r, f, cp, cr, cf, splits, len(pred_entities), len(gold) - len(ignored),
                  len(mentions), by_type)


def evaluate() -> Scores:
    linker, mentions = link_sample()
    return score(linker, mentions)


def _gold_paths(gold: Path, docs: Path | None) -> tuple[Path, Path, Path | None]:
    folder = gold if gold.is_dir() else gold.parent
    ents = gold / "entities.jsonl" if gold.is_dir() else gold
    ids = folder / "people_ids.txt"
    return ents, docs or folder / "docs.jsonl", ids if ids.is_file() else None


def evaluate_real(gold: Path, docs: Path | None = None, *, only_gold: bool = False,
                  fold: str | None = None) -> Report:
    """(article, entity) P/R/F1 and cross-script linking on real-news gold.

    ``fold`` (``a``/``b``) scores only that half of the gold articles
    (:func:`storyline.eval.realgold.fold_ids`); every article is still linked.
    """
    ents_path, docs_path, ids_path = _gold_paths(gold, docs)
    scored = fold_ids(ents_path.parent, fold) if fold else None
    rows = read_jsonl(ents_path)
    by_art: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_art.setdefault(r["article"], []).append(r)
    ids = set(by_art)
    if ids_path is not None:
        ids |= {x.strip() for x in ids_path.read_text(encoding="utf-8").split() if x.strip()}
    linker = EntityLinker()
    found: dict[str, list[EntityMention]] = {}
    langs: dict[str, str] = {}
    all_ids = None if not only_gold else ids
    for d in _all_docs(docs_path, ids, all_ids):
        ms = linker.link_article(d.id, d.text, d.lang, d.date)
        if d.id in ids:
            found[d.id], langs[d.id] = ms, d.lang
    rep = Report()
    tallies: dict[str, PRF] = {}
    by_type = {t: PRF() for t in _TYPES}
    cross_ok = cross_n = 0
    for aid in sorted(ids):
        if scored is not None and aid not in scored:
            continue
        lang = langs.get(aid, "en")
        golds = by_art.get(aid, [])
        gnames = [{fold_text(g["entity"]), *(fold_text(f) for f in g.get("forms", []))}
                  for g in golds]
        preds: dict[str, set[str]] = {}
        for m in found.get(aid, []):
            preds.setdefault(linker.resolve(m.entity_id), set()).add(m.surface)
        t = tallies.setdefault(lang, PRF())
        matched_gold: set[int] = set()
        for eid, surfaces in preds.items():
            e = linker.get(eid)
            if e.type not in _TYPES:
                continue
            names = {fold_text(e.name), *(fold_text(f) for f in e.forms()),
                     *(fold_text(s) for s in surfaces)}
            hits = [i for i, gn in enumerate(gnames) if names & gn]
            t.n_pred += 1
            by_type[e.type].n_pred += 1
            if hits:
                t.tp_pred += 1
                by_type[e.type].tp_pred += 1
                matched_gold.update(hits)
            else:
                rep.errors.append(f"EXTRA {aid} {e.type} {e.name!r} {sorted(surfaces)[:3]}")
        for i, g in enumerate(golds):
            t.n_gold += 1
            by_type[g["type"]].n_gold += 1
            if i in matched_gold:
                t.tp_gold += 1
                by_type[g["type"]].tp_gold += 1
            else:
                rep.errors.append(f"MISS {aid} {g['type']} {g['entity']!r} {g.get('forms')}")
            if lang == "hi":
                cross_n += 1
                forms = {fold_text(f) for f in g.get("forms", [])}
                ok = False
                for eid, surfaces in preds.items():
                    if forms & {fold_text(x) for x in surfaces}:
                        e = linker.get(eid)
                        if fold_text(g["entity"]) in {fold_text(e.name),
                                                      *(fold_text(f) for f in e.forms())}:
                            ok = True
                cross_ok += ok
                if not ok:
                    rep.errors.append(f"CROSS {aid} {g['entity']!r} {g.get('forms')}")
    total = PRF()
    for t in tallies.values():
        total.add(t)
    rep.rows["all"] = total.row()
    for lang in sorted(tallies):
        rep.rows[lang] = tallies[lang].row()
    for t_name, t in by_type.items():
        rep.rows[t_name] = t.row()
    rep.rows["cross-script"] = {"hindi_gold_pairs": cross_n, "with_english_name": cross_ok,
                                "share": round(cross_ok / cross_n, 3) if cross_n else 0.0}
    return rep


def _all_docs(docs_path: Path, gold_ids: set[str], only: set[str] | None) -> Any:
    """Every article of the docs file (or only ``only``), cleaned, in file order."""
    wanted = only if only is not None else {d["id"] for d in read_jsonl(docs_path)}
    missing = gold_ids - wanted
    if missing and only is None:
        raise GoldError(f"{len(missing)} gold articles are not in {docs_path} "
                        f"(e.g. {sorted(missing)[0]!r}); pass the matching --docs file")
    return gold_docs(docs_path, wanted)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--entities", action="store_true", help="also list the entities found")
    ap.add_argument("--gold", type=Path, help="real-news gold folder or its entities.jsonl")
    ap.add_argument("--docs", type=Path, help="the gold's articles (default: docs.jsonl beside)")
    ap.add_argument("--only-gold", action="store_true",
                    help="link only the gold articles (default: every article of --docs)")
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms")
    ap.add_argument("--fold", choices=FOLDS,
                    help="score only half of the gold articles (tune on one, report the other)")
    args = ap.parse_args(argv)
    if args.gold is not None:
        try:
            rep = evaluate_real(args.gold, args.docs, only_gold=args.only_gold, fold=args.fold)
        except StorylineError as err:
            print(f"error: {err}")
            return 2
        if args.json:
            print(json.dumps(rep.rows, indent=2))
        else:
            for k, row in rep.rows.items():
                if k == "cross-script":
                    print(f"cross-script: {row['with_english_name']} of {row['hindi_gold_pairs']}"
                          f" Hindi gold entities end on an entity with their English name "
                          f"({row['share']:.3f})")
                else:
                    print(f"{k:<7} (article, entity) P {row['precision']:.3f}  R "
                          f"{row['recall']:.3f}  F1 {row['f1']:.3f}  (pred {row['pred']}, "
                          f"gold {row['gold']})")
        if args.errors:
            print("\n".join(rep.errors))
        return 0
    linker, mentions = link_sample()
    s = score(linker, mentions)
    if args.json:
        print(json.dumps(s.to_dict(), indent=2))
        return 0
    print(f"article-entity pairs  P {s.pair_precision:.3f}  R {s.pair_recall:.3f}  "
          f"F1 {s.pair_f1:.3f}")
    for t, d in s.by_type.items():
        print(f"  {t:<7} P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}")
    print(f"cross-script links    P {s.cross_precision:.3f}  R {s.cross_recall:.3f}  "
          f"F1 {s.cross_f1:.3f}")
    print(f"gold entities {s.gold_entities}, predicted {s.predicted_entities}, "
          f"split gold entities {s.split_gold}, mentions {s.mentions}")
    if args.entities:
        for e in sorted(linker.entities(), key=lambda e: -e.mentions):
            print(f"{e.id} {e.type:<6} {e.name} [{e.mentions}] {e.alias_lists()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
