"""Article extraction quality: text dumps (ML-Crisis) and HTML pages (WCXB, ScrapingHub).

Text-dump mode (``--mode dump``, default) replays the ML-Crisis page dumps in the order
``storyline ingest ../shared/data/ml-crisis`` reads them, through the pipeline's own ``clean`` and
``title`` stages with an online site-furniture table (byte-identical pages are skipped, as ingest
does), and scores the hand-marked pages of ``ml-crisis-articles/gold.jsonl``:

* title right: the same words as the gold headline, or those plus at most 3 words, over the
  pages that have a headline;
* body: token precision / recall / F1 on lower-cased ``\\w+`` tokens, averaged over pages.

It also prints the same scores for the cleaner alone (what storyline did before text dumps were
recognised) and for the dump extraction without site knowledge. The shipped line model was
trained on these 60 pages: these numbers are in-sample; the out-of-fold ones are printed by
``scripts/train_dump_model.py`` and recorded in the model file (shown here too).

HTML mode (``--mode html``): the HTML reader (trafilatura) plus the ``clean`` stage on WCXB dev
(bag-of-words F1 on ``\\w+`` tokens, per page, averaged) and ScrapingHub (F1 over token 4-gram
shingles, precision and recall averaged per page).

    python benchmarks/extraction.py [--mode dump|html|all] [--data ../shared/data]
        [--gold PATH] [--pages DIR] [--limit N] [--show N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


def _title_of(article: object) -> str:
    from storyline.pipeline.stages import title

    return title(article).title  # type: ignore[arg-type]


def run_dump(pages_dir: Path, gold_path: Path, show: int) -> int:
    from storyline.errors import InputError
    from storyline.eval.extraction import dump_pages, load_gold, score_page, summarize
    from storyline.ingest.decode import decode_bytes
    from storyline.ingest.plain import plain_doc
    from storyline.model import Provenance
    from storyline.pipeline.stages import article_from_raw, clean_stage
    from storyline.text.clean import clean_text
    from storyline.text.dumplines import default_model
    from storyline.text.sitelines import SiteLines
    from storyline.text.unicode import normalize_unicode

    gold = {g.id: g for g in load_gold(gold_path)}
    stages = {"storyline (site furniture learnt online)": clean_stage(SiteLines()),
              "dump extraction, no site knowledge": clean_stage(None)}
    found: dict[str, dict[str, tuple[str, str]]] = {k: {} for k in [*stages, "cleaner only"]}
    seen: dict[bytes, dict[str, tuple[str, str]]] = {}
    files = dump_pages(pages_dir)
    dumps = 0
    t0 = time.perf_counter()
    for path in files:
        rel = path.relative_to(pages_dir).as_posix()
        data = path.read_bytes()
        if data in seen:  # ingest skips byte-identical documents
            for k, v in seen[data].items():
                found[k][rel] = v
            continue
        text, _ = decode_bytes(data)
        raw = plain_doc(text, Provenance(source=str(path), kind="text"), path.name)
        out: dict[str, tuple[str, str]] = {}
        for name, st in stages.items():
            try:
                a = st(article_from_raw(raw))
            except InputError:  # too little text left: quarantined at ingest
                out[name] = ("", "")
                continue
            dumps += name.startswith("storyline") and "text_dump" in a.extra
            out[name] = (_title_of(a), a.text)
        before = article_from_raw(raw)
        before.text = clean_text(normalize_unicode(raw.text)).text
        out["cleaner only"] = (_title_of(before) if before.text else "", before.text)
        seen[data] = out
        for k, v in out.items():
            found[k][rel] = v
    secs = time.perf_counter() - t0
    print(f"text dumps: {len(files)} pages under {pages_dir} replayed in {secs:.1f} s "
          f"({len(seen)} distinct, {dumps} recognised as dumps); {len(gold)} hand-marked")
    missing = [g for g in gold if g not in found["cleaner only"]]
    if missing:
        print(f"  {len(missing)} gold pages not found under {pages_dir}: {missing[:3]}")
    for name, res in found.items():
        scores = [score_page(g, (pages_dir / g.id).read_text(encoding="utf-8", errors="replace"),
                             *res[g.id]) for g in gold.values() if g.id in res]
        s = summarize(scores)
        print(f"  {name:42s} title right {s.titles_right}/{s.with_headline} "
              f"({s.title_accuracy:.3f})  body P {s.precision:.3f} R {s.recall:.3f} "
              f"F1 {s.f1:.3f}")
        if name.startswith("storyline"):
            by_lang: dict[str, list] = {}
            for sc in scores:
                by_lang.setdefault(sc.id.split("/")[0], []).append(sc)
            for lang, sc in sorted(by_lang.items()):
                t = summarize(sc)
                print(f"    {lang}: title {t.titles_right}/{t.with_headline}  P {t.precision:.3f} "
                      f"R {t.recall:.3f} F1 {t.f1:.3f}")
            worst = sorted(scores, key=lambda x: x.f1)[:show]
            for sc in worst:
                print(f"    worst: {sc.id} F1 {sc.f1:.2f} (P {sc.precision:.2f} R {sc.recall:.2f})"
                      f" title {'ok' if sc.title_ok else 'WRONG'}: {(sc.title or '')[:60]!r}")
    meta = default_model().meta
    if meta.get("out_of_fold"):
        print(f"  line model v{default_model().version} trained on {meta.get('pages')} of these "
              "pages (numbers above are in-sample); out of fold:")
        for key, v in meta["out_of_fold"].items():
            print(f"    by {key}: title {v['titles_right']}/{v['with_headline']} "
                  f"({v['title_accuracy']:.3f})  P {v['precision']:.3f} R {v['recall']:.3f} "
                  f"F1 {v['f1']:.3f}")
    return 0


# --------------------------------------------------------------------------- HTML


def _tokens(text: str) -> list[str]:
    import re

    return [t.lower() for t in re.findall(r"\w+", text)]


def _bag_f1(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(_tokens(pred)), Counter(_tokens(gold))
    hit = sum((p & g).values())
    prec = hit / sum(p.values()) if p else 0.0
    rec = hit / sum(g.values()) if g else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def _shingle_pr(pred: str, gold: str, n: int = 4) -> tuple[float, float]:
    def sh(text: str) -> Counter[tuple[str, ...]]:
        t = _tokens(text)
        return Counter(tuple(t[i:i + n]) for i in range(max(len(t) - n + 1, 1)))

    p, g = sh(pred), sh(gold)
    hit = sum((p & g).values())
    return (hit / sum(p.values()) if p else 0.0, hit / sum(g.values()) if g else 0.0)


def _html_text(data: bytes, name: str) -> str:
    from storyline.errors import StorylineError
    from storyline.ingest.html import html_doc
    from storyline.model import Provenance, RawDoc
    from storyline.pipeline.stages import article_from_raw, clean

    doc = html_doc(data, Provenance(source=name, kind="html"), name)
    if not isinstance(doc, RawDoc):
        return ""
    try:
        return clean(article_from_raw(doc)).text
    except StorylineError:  # "no text left": an empty extraction
        return ""


def run_html(data: Path, limit: int | None) -> int:
    wcxb = data / "extraction" / "wcxb-dev"
    if wcxb.exists():
        f1s = []
        t0 = time.perf_counter()
        for gt in sorted((wcxb / "ground-truth").glob("*.json"))[:limit]:
            truth = json.loads(gt.read_text(encoding="utf-8"))
            main = (truth.get("ground_truth") or truth).get("main_content") or ""
            page = wcxb / "html" / f"{gt.stem}.html.gz"
            if not page.exists():
                continue
            f1s.append(_bag_f1(_html_text(gzip.decompress(page.read_bytes()), page.name),
                               main)[2])
        print(f"WCXB dev: {len(f1s)} pages, bag-of-words F1 {sum(f1s) / max(len(f1s), 1):.3f} "
              f"({time.perf_counter() - t0:.0f} s; published trafilatura ~0.79)")
    else:
        print(f"skipped WCXB: {wcxb} not found")
    sh = data / "extraction" / "scrapinghub"
    if sh.exists():
        truth = json.loads((sh / "ground-truth.json").read_text(encoding="utf-8"))
        ps, rs = [], []
        for pid in sorted(truth)[:limit]:
            page = sh / "html" / f"{pid}.html.gz"
            if not page.exists():
                continue
            p, r = _shingle_pr(_html_text(gzip.decompress(page.read_bytes()), page.name),
                               truth[pid].get("articleBody") or "")
            ps.append(p)
            rs.append(r)
        n = max(len(ps), 1)
        p, r = sum(ps) / n, sum(rs) / n
        print(f"ScrapingHub: {len(ps)} pages, shingle P {p:.3f} R {r:.3f} "
              f"F1 {2 * p * r / (p + r) if p + r else 0.0:.3f} (published trafilatura 0.958)")
    else:
        print(f"skipped ScrapingHub: {sh} not found")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mode", choices=("dump", "html", "all"), default="dump")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--gold", help="hand-marked pages (default: <data>/ml-crisis-articles/"
                                   "gold.jsonl)")
    ap.add_argument("--pages", help="page dumps (default: <data>/ml-crisis)")
    ap.add_argument("--limit", type=int, help="HTML mode: score only the first N pages")
    ap.add_argument("--show", type=int, default=5, help="dump mode: list the N worst pages")
    args = ap.parse_args()
    data = Path(args.data)
    rc = 0
    if args.mode in ("dump", "all"):
        gold = Path(args.gold) if args.gold else data / "ml-crisis-articles" / "gold.jsonl"
        pages = Path(args.pages) if args.pages else data / "ml-crisis"
        if not gold.exists() or not pages.exists():
            print(f"skipped text dumps: {gold} or {pages} not found (reads ../shared/data)",
                  file=sys.stderr)
        else:
            rc |= run_dump(pages, gold, args.show)
    if args.mode in ("html", "all"):
        rc |= run_html(data, args.limit)
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
