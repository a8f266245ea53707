"""Scoring article extraction from text dumps against hand-marked gold.

Gold (``ml-crisis-articles/gold.jsonl``): one JSON object per page with ``id`` (path of the
page under the dump folder), ``headline`` (verbatim, or null when the dump lost it), ``first``
and ``last`` (first and last body sentence, verbatim). The gold body is the page text from
``first`` to the end of ``last`` (``last`` searched after ``first``).

Scores, as the issue defines them:

* title right: the predicted title has the same words as the gold headline, or the gold
  headline's words plus at most :data:`TITLE_EXTRA_WORDS` more (lower-cased ``\\w+`` tokens,
  the gold words in order and contiguous);
* body: token precision / recall / F1 on lower-cased ``\\w+`` tokens (bags), per page, then
  averaged over pages.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from storyline.text.unicode import normalize_unicode

TITLE_EXTRA_WORDS = 3
_TOKEN = re.compile(r"\w+")


@dataclass
class GoldPage:
    id: str
    headline: str | None
    first: str
    last: str
    notes: str = ""

    @property
    def lang(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def topic(self) -> str:
        parts = self.id.split("/")
        return parts[1] if len(parts) > 2 else ""


def load_gold(path: str | Path) -> list[GoldPage]:
    out = []
    with Path(path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out.append(GoldPage(id=d["id"], headline=d.get("headline"), first=d["first"],
                                    last=d["last"], notes=d.get("notes", "")))
    return out


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def gold_body(page_text: str, g: GoldPage) -> str:
    """The gold body inside the page text (empty when ``first``/``last`` are not found)."""
    text, first, last = (" ".join(s.split()) for s in (page_text, g.first, g.last))
    start = text.find(first)
    if start < 0:
        return ""
    end = text.find(last, start)
    return text[start:end + len(last)] if end >= 0 else ""


def gold_line_labels(lines: list[str], g: GoldPage) -> tuple[list[bool], int | None]:
    """Which of the (normalised, non-empty) ``lines`` are gold body, and the headline's index.

    The first line containing the start of ``first`` through the line holding the end of
    ``last`` are body. The headline is the first line (above the body when possible) whose
    words are the gold headline's (a headline split over two lines maps to its first line).
    """
    flat = [" ".join(s.split()) for s in lines]
    first, last = (" ".join(normalize_unicode(s).split()) for s in (g.first, g.last))
    joined = " ".join(flat)  # a sentence may run over a line break; offsets as with "\n"
    starts, off = [], 0
    for s in flat:
        starts.append(off)
        off += len(s) + 1

    def line_of(pos: int) -> int:
        k = 0
        while k + 1 < len(starts) and starts[k + 1] <= pos:
            k += 1
        return k

    body = [False] * len(lines)
    a = joined.find(first)
    b = joined.find(last, max(a, 0))
    if a >= 0 and b >= 0:
        for k in range(line_of(a), line_of(b + len(last) - 1) + 1):
            body[k] = True
    head: int | None = None
    if g.headline:
        want = tokens(g.headline)
        first_body = body.index(True) if any(body) else len(lines)
        cands = [k for k, s in enumerate(flat) if title_right(s, g.headline)
                 or (tokens(s) and tokens(s) == want[: len(tokens(s))] and len(want) > 3)]
        above = [k for k in cands if k < first_body]
        head = above[-1] if above else (cands[0] if cands else None)
    return body, head


def body_prf(pred: str, gold: str) -> tuple[float, float, float]:
    p, g = Counter(tokens(pred)), Counter(tokens(gold))
    hit = sum((p & g).values())
    prec = hit / sum(p.values()) if p else 0.0
    rec = hit / sum(g.values()) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def title_right(pred: str | None, gold: str) -> bool:
    want, got = tokens(gold), tokens(pred or "")
    if not want or len(got) < len(want) or len(got) - len(want) > TITLE_EXTRA_WORDS:
        return False
    return any(got[i:i + len(want)] == want for i in range(len(got) - len(want) + 1))


@dataclass
class PageScore:
    id: str
    has_headline: bool
    title_ok: bool
    precision: float
    recall: float
    f1: float
    title: str | None = None


@dataclass
class Summary:
    pages: int
    with_headline: int
    titles_right: int
    precision: float
    recall: float
    f1: float

    @property
    def title_accuracy(self) -> float:
        return self.titles_right / self.with_headline if self.with_headline else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"pages": self.pages, "with_headline": self.with_headline,
                "titles_right": self.titles_right,
                "title_accuracy": round(self.title_accuracy, 4),
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def score_page(g: GoldPage, page_text: str, title: str | None, body: str) -> PageScore:
    p, r, f = body_prf(body, gold_body(page_text, g))
    ok = bool(g.headline) and title_right(title, g.headline or "")
    return PageScore(g.id, bool(g.headline), ok, p, r, f, title)


def summarize(scores: Iterable[PageScore]) -> Summary:
    s = list(scores)
    n = len(s) or 1
    return Summary(
        pages=len(s),
        with_headline=sum(x.has_headline for x in s),
        titles_right=sum(x.title_ok for x in s),
        precision=sum(x.precision for x in s) / n,
        recall=sum(x.recall for x in s) / n,
        f1=sum(x.f1 for x in s) / n,
    )


def dump_pages(root: str | Path) -> list[Path]:
    """The page files of an ML-Crisis-style folder (``<lang>/<topic>/<date>/<name>.txt``) in
    the order ``storyline ingest`` reads them (sorted names; ``reference/`` timelines left out)."""
    root = Path(root)
    out = []
    for p in sorted(root.rglob("*.txt")):
        rel = p.relative_to(root).parts
        if len(rel) == 4 and rel[1] != "reference" and not any(x.startswith(".") for x in rel):
            out.append(p)
    return out
