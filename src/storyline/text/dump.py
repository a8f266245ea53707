"""Find the article in a text dump: headline and body among menus, teasers and comments.

A *text dump* is page text saved by a crawler or a copy-paste, one block per line: cookie
notices, menus, banners, related headlines, captions, bylines, the article's headline and
paragraphs, share widgets, reader comments and footers. :func:`extract_dump` keeps the article:

1. every non-empty line gets a log-odds of being article text from a small logistic regression
   over language-neutral line features (:mod:`storyline.text.dumplines`), including how many
   earlier pages of the same site carried the line (:mod:`storyline.text.sitelines`);
2. the page is cut into blocks at reader-comment headings and at runs of ``gap`` or more
   non-article lines; inside each block the best-scoring run of lines is kept (single
   subheads and pull quotes stay inside the article); the article is the first block that
   scores at least ``alpha`` times the best one (articles come before their comments);
3. the headline is the candidate above the article that a second regression prefers (title
   like, near the body, sharing its words, not repeated across the site); none when no
   candidate is convincing (a post whose title was lost);
4. a standfirst (a summary paragraph between the headline and the article) is left out when it
   shares its words with the next paragraph or, short, does not repeat the headline's words.

Every line left out is recorded as a :class:`~storyline.model.RemovedLine` whose rule says where
it was and why (``"after-article: on 33 other pages of this site"``).

:func:`looks_like_dump` decides whether a plain text is a dump at all: clean articles (title,
paragraphs, a few boilerplate lines the cleaner's own rules know) are left to
:func:`storyline.text.clean.clean_text` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import regex

from storyline.model import RemovedLine
from storyline.text.clean import _mark_blocks, _single_line_rule
from storyline.text.dumplines import (
    FEATURES,
    LineModel,
    Lines,
    content,
    default_model,
    ends_sentence,
    featurize,
    head_features,
    headline_shaped,
    is_comment_header,
    title_like,
    words,
)
from storyline.text.furniture import mark_furniture
from storyline.text.sitelines import FURNITURE_PAGES
from storyline.text.unicode import normalize_unicode

__all__ = ["DumpResult", "analyse", "dump_result", "extract_dump", "is_dump", "looks_like_dump",
           "page_lines"]

MIN_PROSE_WORDS = 8  # a stub's body line must have at least this many words
HEAD_WINDOW = 8  # headline candidates: this many lines above the article


@dataclass
class Decoded:
    """Where the article is among the page's lines (indices into ``lines.text``)."""

    lines: Lines
    z: np.ndarray
    start: int | None = None  # first and last article line (inclusive)
    end: int | None = None
    headline: int | None = None
    standfirst: int | None = None
    why: dict[int, str] = field(default_factory=dict)


@dataclass
class DumpResult:
    title: str | None
    text: str
    removed: list[RemovedLine]
    decoded: Decoded


_WRAPPED = regex.compile(r"[^.!?:;…\"'”’»)\]]$")
_CONTINUES = regex.compile(r"^\p{Ll}")


_BYLINE_START = regex.compile(r"^(?:di|by|por|par|de|von|da)\s+\p{Lu}")
MIN_WRAPS = 4  # a page with this many mid-sentence line breaks was hard-wrapped


def page_lines(text: str) -> list[str]:
    """The non-empty lines of a page, Unicode-normalised. In a hard-wrapped page (several
    lines stop mid-sentence and the next goes on in lower case) those lines are joined back."""
    lines = [ln for ln in normalize_unicode(text).split("\n") if ln.strip()]
    wraps = [i for i in range(1, len(lines))
             if _WRAPPED.search(lines[i - 1]) and _CONTINUES.match(lines[i])
             and not _BYLINE_START.match(lines[i])]
    if len(wraps) < MIN_WRAPS:
        return lines
    join = set(wraps)
    out: list[str] = []
    for i, ln in enumerate(lines):
        if i in join and out:
            out[-1] = f"{out[-1]} {ln}"
        else:
            out.append(ln)
    return out


def rule_hits(lines: Sequence[str]) -> list[str | None]:
    """The boilerplate rule of :mod:`storyline.text.clean` that matches each line, if any."""
    removed: dict[int, str] = {}
    for i, line in enumerate(lines):
        rule = _single_line_rule(line)
        if rule:
            removed[i] = rule
    _mark_blocks(list(lines), removed)
    mark_furniture(list(lines), removed)
    return [removed.get(i) for i in range(len(lines))]


COPY_SHARE = 0.5  # a page whose prose was mostly seen before is a copy, not furniture
COPY_MIN_WORDS = 60  # ... when it has that much prose at all


def line_table(lines: Sequence[str], site_counts: Sequence[int] | None = None) -> Lines:
    """Features of a page's lines. When most of its prose already occurred on earlier pages of
    the site (the page is a copy: a re-crawl, a syndicated story), repetition says nothing
    about furniture and is ignored."""
    counts = list(site_counts) if site_counts is not None else [0] * len(lines)
    seen = total = 0
    for s, c in zip(lines, counts, strict=True):
        if prose(s):
            total += _ntok(s)
            seen += _ntok(s) if c >= FURNITURE_PAGES else 0
    if total >= COPY_MIN_WORDS and seen > COPY_SHARE * total:
        counts = [0] * len(lines)
    return featurize(lines, rule_hits(lines), counts)


# --------------------------------------------------------------------------- decoding


def _ntok(line: str) -> int:
    return max(len(words(line)), 1)


def _best_run(v: np.ndarray, lo: int, hi: int) -> tuple[float, int, int]:
    """Highest-sum run of ``v[lo:hi]`` (Kadane): (sum, first, last)."""
    best, cur, start = (-np.inf, lo, lo), 0.0, lo
    for i in range(lo, hi):
        if cur <= 0:
            cur, start = float(v[i]), i
        else:
            cur += float(v[i])
        if cur > best[0]:
            best = (cur, start, i)
    return best


_TRANSPARENT_RULES = {"advertisement", "photo-credit"}


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def transparent(lines: Lines, i: int) -> bool:
    """A line the article flows around: page code, an ad label, a photo credit (also the
    "© Agency / Photographer" kind, which has no year, unlike a site's copyright footer)."""
    rule = lines.rule[i]
    return bool(lines.x[i, _CODE]) or rule in _TRANSPARENT_RULES or (
        rule == "copyright" and len(words(lines.text[i])) <= 10
        and not _YEAR.search(lines.text[i]))


_CODE = FEATURES.index("code")


def _blocks(lines: Lines, z: np.ndarray, model: LineModel) -> list[tuple[float, int, int]]:
    """Best run of each block between comment headings and long runs of non-article lines.

    Transparent lines (:func:`transparent`) are skipped: they neither end an article nor add
    to it. Returned indices are into ``lines.text``.
    """
    keep = [i for i in range(len(z)) if not transparent(lines, i)]
    sub = Lines(text=[lines.text[i] for i in keep], x=lines.x[keep],
                site_repeat=[lines.site_repeat[i] for i in keep],
                rule=[lines.rule[i] for i in keep])
    return [(s, keep[a], keep[b]) for s, a, b in _sub_blocks(sub, z[keep], model)]


def _sub_blocks(lines: Lines, z: np.ndarray, model: LineModel) -> list[tuple[float, int, int]]:
    n = len(z)
    gap, theta = int(model.param("gap")), model.param("theta")
    cut = np.array([is_comment_header(s) for s in lines.text], dtype=bool)
    # low: not article text; a boilerplate rule's line always is; a line introducing a quote
    # ("X said:") and the quote after it never are
    low = (z < theta) | np.array([bool(r) for r in lines.rule], dtype=bool)
    for i, s in enumerate(lines.text):
        if s.endswith(":") and not lines.rule[i] and len(words(s)) >= 2:
            low[i] = False
            if i + 1 < n:
                low[i + 1] = False
    i = 0
    while i < n:
        if low[i]:
            j = i
            while j < n and low[j]:
                j += 1
            if j - i >= gap:
                cut[i:j] = True
            i = j
        else:
            i += 1
    v = np.array([_ntok(s) for s in lines.text]) * (z - model.param("tau"))
    out = []
    i = 0
    while i < n:
        if cut[i]:
            i += 1
            continue
        j = i
        while j < n and not cut[j]:
            j += 1
        run = _best_run(v, i, j)
        if run[0] > 0:
            out.append(run)
        i = j
    return out


def _head_logit(lines: Lines, model: LineModel, c: int, start: int, body: list[int],
                z: np.ndarray, nearest: int | None) -> float:
    x = np.array(head_features(lines, c, start, body, z, nearest))
    return float(x @ model.head_vector())


def head_candidates(lines: Lines, start: int) -> tuple[list[int], int | None]:
    """Lines that may be the headline of an article starting at ``start``; the nearest
    title-like one that is not site furniture."""
    lo = max(0, start - HEAD_WINDOW)
    cands = [c for c in range(lo, start) if not paragraph(lines.text[c])]
    nearest = None
    for c in reversed(cands):
        if headline_shaped(lines.text[c], lines.site_repeat[c]):
            nearest = c
            break
    return cands, nearest


def paragraph(line: str) -> bool:
    """Too long for a headline, or a sentence of eight or more words ending in '.' or ':'."""
    n = len(words(line))
    core = line.rstrip().rstrip("\"'”’»)]›").rstrip()
    return n > 30 or len(line) > 250 or (
        n >= MIN_PROSE_WORDS and core.endswith((".", ":", "।", "。")))


def prose(line: str) -> bool:
    """A paragraph: ends like a sentence with enough words, or too long for a title."""
    n = len(words(line))
    return (n >= MIN_PROSE_WORDS and ends_sentence(line)) or n > 30 or len(line) > 250


def choose_headline(lines: Lines, z: np.ndarray, anchor: int, end: int,
                    model: LineModel) -> int | None:
    """The headline of the article whose first paragraph is ``anchor`` (or None)."""
    body = list(range(anchor, end + 1))
    cands, nearest = head_candidates(lines, anchor)
    best, best_c = -np.inf, None
    for c in cands:
        s = _head_logit(lines, model, c, anchor, body, z, nearest)
        if s > best:
            best, best_c = s, c
    return best_c if best > 0 else None  # the model's bias weighs "no headline" (logit 0)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a) if a else 0.0


def is_standfirst(lines: Lines, head: int, first: int, nxt: int, model: LineModel) -> bool:
    """Line ``first`` (the first paragraph under the headline) summarises the article."""
    s = lines.text[first]
    c = content(s)
    return _overlap(c, content(lines.text[nxt])) >= model.param("sf_next") or (
        _overlap(content(lines.text[head]), c) < model.param("sf_head")
        and len(s) < model.param("sf_len")
    )


def decode(lines: Lines, model: LineModel | None = None) -> Decoded:
    """Locate headline, standfirst and article body among ``lines``."""
    model = model or default_model()
    z = model.logits(lines)
    d = Decoded(lines=lines, z=z)
    n = len(lines.text)
    if not n:
        return d
    blocks = _blocks(lines, z, model)
    if blocks:
        top = max(b[0] for b in blocks)
        _, a, b = next(b for b in blocks if b[0] >= model.param("alpha") * top)
        anchor = next((k for k in range(a, b + 1) if prose(lines.text[k])), None)
        if anchor is None:
            _stub(d, model)
            return d
        d.headline = choose_headline(lines, z, anchor, b, model)
        d.start = a if d.headline is None else max(a, d.headline + 1)
        d.end = b
        _skip_standfirst(d, model)
    else:
        _stub(d, model)
    return d


def _skip_standfirst(d: Decoded, model: LineModel) -> None:
    a, b, h = d.start, d.end, d.headline
    if a is None or b is None or h is None or b - a < 2:
        return
    lines = d.lines
    if any(len(words(lines.text[k])) >= MIN_PROSE_WORDS for k in range(h + 1, a)):
        return  # the article does not open right under the headline
    if len(words(lines.text[a])) < MIN_PROSE_WORDS:
        return
    nxt = next((k for k in range(a + 1, b + 1)
                if len(words(lines.text[k])) >= MIN_PROSE_WORDS), None)
    if nxt is not None and is_standfirst(lines, h, a, nxt, model):
        d.standfirst, d.start = a, nxt  # bylines and the like between them go too


def _stub(d: Decoded, model: LineModel) -> None:
    """No paragraph scores as article text: a headline plus one summary line at most."""
    lines, z = d.lines, d.z
    best, pick = -np.inf, None
    for c in range(min(len(lines.text) - 1, 4 * HEAD_WINDOW)):
        nxt = c + 1
        if not title_like(lines.text[c]) or len(words(lines.text[nxt])) < MIN_PROSE_WORDS:
            continue
        if max(lines.site_repeat[c], lines.site_repeat[nxt]) >= FURNITURE_PAGES:
            continue
        s = _head_logit(lines, model, c, nxt, [nxt], z, c)
        if s > best:
            best, pick = s, c
    if pick is not None:
        d.headline, d.start, d.end = pick, pick + 1, pick + 1


# --------------------------------------------------------------------------- reasons

_WHY = {
    "len": "short line", "words": "few words", "sent_end": "no sentence end",
    "function": "few function words", "short_words": "few short words",
    "commas": "no commas", "capitals": "capitalised words", "all_caps": "all capitals",
    "digits": "digits", "menu": "menu separators", "url": "link", "date": "date line",
    "code": "code", "rule": "boilerplate rule", "doc_repeat": "repeated on this page",
    "comments": "reader comments", "glued": "glued words (teaser)",
    "informal": "informal punctuation", "person": "first/second person",
    "lower_start": "starts in lower case", "coherence": "off-topic words",
    "after_comments": "after the comments heading", "inner_sent": "several sentences",
    "colon_end": "ends with a colon", "first": "first line", "last": "last line",
    "pos": "position on the page",
}


def _why(d: Decoded, i: int, model: LineModel) -> str:
    lines = d.lines
    if lines.site_repeat[i] >= FURNITURE_PAGES:
        return f"on {lines.site_repeat[i]} other pages of this site"
    if lines.rule[i]:
        return f"boilerplate ({lines.rule[i]})"
    if is_comment_header(lines.text[i]):
        return "reader comments heading"
    names = model.explain(lines.x[i], top=2)
    said = []
    for name in names:
        key = name.removeprefix("prev_").removeprefix("next_")
        phrase = _WHY.get(key, key)
        if name.startswith(("prev_", "next_")):
            phrase = f"{name[:4]} line: {phrase}"
        said.append(phrase)
    return ", ".join(said) if said else "low article score"


def _reasons(d: Decoded, model: LineModel) -> list[RemovedLine]:
    out: list[RemovedLine] = []
    lines = d.lines
    a, b = d.start, d.end
    comments_at = next((i for i, s in enumerate(lines.text)
                        if b is not None and i > b and is_comment_header(s)), None)
    for i, s in enumerate(lines.text):
        if i == d.headline:
            continue
        if i == d.standfirst:
            out.append(RemovedLine(s, "standfirst: summary above the article"))
        elif a is not None and b is not None and a <= i <= b:
            if lines.site_repeat[i] >= FURNITURE_PAGES:
                out.append(RemovedLine(s, f"page-furniture: {_why(d, i, model)}"))
            elif transparent(lines, i):
                out.append(RemovedLine(s, "in-article: " + (
                    f"boilerplate ({lines.rule[i]})" if lines.rule[i] else "page code")))
        elif a is None or i < a:
            where = ("under-headline" if d.headline is not None and d.headline < i
                     else "before-article")
            out.append(RemovedLine(s, f"{where}: {_why(d, i, model)}"))
        elif comments_at is not None and i >= comments_at:
            out.append(RemovedLine(s, "reader-comments: after the comments heading"))
        else:
            out.append(RemovedLine(s, f"after-article: {_why(d, i, model)}"))
    return out


# --------------------------------------------------------------------------- entry points


def analyse(lines: Sequence[str], site_counts: Sequence[int] | None = None,
            model: LineModel | None = None) -> Decoded:
    """Line features and decoding of a page's (non-empty) lines."""
    return decode(line_table(lines, site_counts), model or default_model())


def article_lines(d: Decoded) -> list[int]:
    """Indices of the lines kept as the article (site furniture and page code left out)."""
    if d.start is None or d.end is None:
        return []
    return [i for i in range(d.start, d.end + 1)
            if d.lines.site_repeat[i] < FURNITURE_PAGES and not transparent(d.lines, i)]


def dump_result(d: Decoded, model: LineModel | None = None) -> DumpResult:
    model = model or default_model()
    text = "\n\n".join(d.lines.text[i] for i in article_lines(d))
    title = d.lines.text[d.headline] if d.headline is not None else None
    return DumpResult(title=title, text=text, removed=_reasons(d, model), decoded=d)


def extract_dump(text_or_lines: str | Sequence[str], site_counts: Sequence[int] | None = None,
                 model: LineModel | None = None) -> DumpResult:
    """Headline, article text and removed lines of a page dump.

    ``site_counts`` gives, per non-empty line, on how many earlier pages of the same site the
    line occurred (see :class:`storyline.text.sitelines.SiteLines`); None: no site knowledge.
    """
    lines = page_lines(text_or_lines) if isinstance(text_or_lines, str) else list(text_or_lines)
    return dump_result(analyse(lines, site_counts, model), model)


def is_dump(d: Decoded, model: LineModel | None = None) -> bool:
    """True when the page carries furniture the cleaner's own rules do not explain.

    Outside lines: lines around the located article that are neither its headline nor matched
    by a boilerplate rule of :mod:`storyline.text.clean`. A page is a dump when one of them is
    site furniture (seen on earlier pages of the site), or when there are ``dump_lines`` or
    more of them and the article-like prose among them (outside a comment section) is at most
    ``dump_prose`` times the article's length: an article cut in two by a promotion box is
    not a dump, and is left whole to the cleaner.
    """
    model = model or default_model()
    lines, table = d.lines.text, d.lines
    if len(lines) < 3:
        return False
    if d.start is None or d.end is None:
        return len(lines) >= model.param("dump_lines")
    outside = [i for i in range(len(lines))
               if not d.start <= i <= d.end and i != d.headline and not table.rule[i]]
    if any(table.site_repeat[i] >= FURNITURE_PAGES for i in outside):
        return True
    if len(outside) < model.param("dump_lines"):
        return False
    kept = sum(_ntok(lines[i]) for i in article_lines(d))
    prose, comments = 0, False
    for i in outside:
        comments = comments or (i > d.end and is_comment_header(lines[i]))
        if not comments and d.z[i] > 1.0:
            prose += _ntok(lines[i])
    return prose <= model.param("dump_prose") * kept


def looks_like_dump(text_or_lines: str | Sequence[str],
                    site_counts: Sequence[int] | None = None,
                    model: LineModel | None = None) -> bool:
    """:func:`is_dump` of a page given as text or as its non-empty lines."""
    lines = page_lines(text_or_lines) if isinstance(text_or_lines, str) else list(text_or_lines)
    return is_dump(analyse(lines, site_counts, model), model)
