"""Cleaning of already-extracted article text: Unicode normalisation and boilerplate removal.

Two entry points:

* :func:`normalize_unicode` — NFC, invisible characters removed (zero-width joiners are
  kept *between letters*, where they shape Devanagari/Arabic/... words and emoji), exotic
  spaces folded to a plain space, line endings unified, runs of spaces collapsed, paragraph
  breaks kept (at most one blank line between paragraphs).
* :func:`clean_text` — drops boilerplate *lines* and returns what was dropped, each with the
  name of the rule that dropped it (shown to users as evidence).

Design rules, so that a real sentence of the article is never dropped:

* rules are anchored at the start of a line and most of them must match the *whole* line;
  a line that merely contains "video", "Telegram" or "advertisement" is kept;
* block rules ("Also read" + its links, "Featured video" + its title, a topic footer + the
  tag lines after it) only swallow *headline-like* lines (short, no sentence-final full stop)
  and stop at a blank line, a dateline or a real paragraph;
* duplicates are removed only in the *lead* of the article (title, summary, highlights,
  caption) and only when every sentence re-appears later in the body — verbatim, or as an
  abridged copy whose words all appear in order in one body sentence; the body copy is kept;
* marker vocabularies are per language (en, hi, es, fr, de, it, pt) but every rule runs
  whatever ``lang`` says, since pages mix English chrome with other-language bodies.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from storyline.model import RemovedLine
from storyline.text.furniture import mark_furniture, strip_inline_furniture
from storyline.text.markers import (
    _AD_LINE,
    _ALSO_READ,
    _APP,
    _CLICK_HERE,
    _COPYRIGHT,
    _CREDIT_INLINE,
    _CREDIT_LINE,
    _CTA,
    _DATELINE,
    _FULL_STOP_END,
    _I,
    _LEAD_JUNK,
    _NOW_ON,
    _READ_TIME,
    _REPORTING,
    _SENT_SPLIT,
    _SOCIAL,
    _SOCIAL_SHORT,
    _SUBSCRIBE,
    _SUBSCRIBE_WORDS,
    _TOPICS,
    _TWEET,
    _VIDEO,
    _WORD,
    _WORDCHAR,
)
from storyline.text.repair import Repair, repair_text
from storyline.text.unicode import normalize_unicode

log = logging.getLogger(__name__)

__all__ = ["CleanResult", "clean_text", "normalize_unicode"]

_BLANK_RUN = re.compile(r"\n{3,}")

MIN_DUP_WORDS = 6  # a lead line must be at least this long to be dropped as a duplicate


@dataclass
class CleanResult:
    text: str
    removed: list[RemovedLine] = field(default_factory=list)
    repair: Repair = field(default_factory=Repair)  # mojibake / HTML entities repaired first


# --------------------------------------------------------------------------- line helpers


def _core(line: str) -> str:
    """The line without leading/trailing punctuation, bullets and emoji.

    Linear in the line: the first and last letter/digit are found by one forward and one
    backward search (a regex ``[\\W_]+$`` retries from every position: quadratic).
    """
    first = _WORDCHAR.search(line)
    if first is None:
        return ""
    last = _WORDCHAR.search(line[::-1])
    end = len(line) - last.start() if last is not None else len(line)
    return line[first.start() : end]


def _lead(line: str) -> str:
    """The line without leading bullets/emoji (keeps © and opening brackets/quotes)."""
    return _LEAD_JUNK.sub("", line)


def _is_dateline(line: str) -> bool:
    return len(line) <= 45 and _DATELINE.fullmatch(line) is not None and len(line.split()) <= 5


def _headline_like(line: str, max_len: int = 200) -> bool:
    """Short line that does not end like a sentence (a link, headline, title or tag list)."""
    if not line or len(line) > max_len or len(line.split()) > 32:
        return False
    if _FULL_STOP_END.search(line):
        return False
    return not _is_dateline(line)


def _whole(rx: re.Pattern[str], line: str) -> re.Match[str] | None:
    return rx.fullmatch(_core(line)) if line else None


def _marker_rest(rx: re.Pattern[str], line: str) -> tuple[bool, str]:
    """Match a marker at the start of the line; return (matched, text after the marker)."""
    m = rx.match(_lead(line))
    if not m:
        return False, ""
    return True, _lead(line)[m.end() :].strip()


# --------------------------------------------------------------------------- rules


def _single_line_rule(line: str) -> str | None:
    """Rule name when the line is boilerplate on its own, else None."""
    n = len(line)
    if _whole(_AD_LINE, line):
        return "advertisement"
    if n <= 60 and _READ_TIME.fullmatch(_core(line)):
        return "read-time"
    if n <= 200 and _COPYRIGHT.fullmatch(_lead(line)):
        return "copyright"
    if n <= 250:
        lead = _lead(line)
        if _SOCIAL.match(lead) and not _REPORTING.search(lead):
            return "social-prompt"
        if n <= 120 and _SOCIAL_SHORT.fullmatch(lead) and not _REPORTING.search(lead):
            return "social-prompt"
        if _NOW_ON.match(lead) and (_CTA.search(lead) or n <= 60):
            return "social-prompt"
        if _APP.match(lead):
            return "app-prompt"
        if _CLICK_HERE.match(lead) and not _REPORTING.search(lead):
            return "click-here"
    if n <= 120 and _CREDIT_LINE.fullmatch(line.strip()):
        return "photo-credit"
    return None


def _is_appeal(line: str) -> bool:
    """A line of a subscription/donation appeal next to its button or heading."""
    return len(line) <= 300 and _SUBSCRIBE_WORDS.search(line) is not None


def _short_tail_start(lines: list[str]) -> int:
    """Smallest index from which every non-empty line is short and headline-like."""
    k = len(lines)
    while k > 0:
        line = lines[k - 1]
        if line and (len(line) > 80 or not _headline_like(line)):
            break
        k -= 1
    return k


def _mark_blocks(lines: list[str], removed: dict[int, str]) -> None:
    """Rules that look at a line and the lines after it."""
    i, n = 0, len(lines)
    short_tail: int | None = None  # computed on the first topic marker
    while i < n:
        line = lines[i]
        if not line or i in removed or _TWEET.search(line):
            i += 1
            continue
        # "Also read" + link lines (until blank line / real paragraph / dateline).
        ok, rest = _marker_rest(_ALSO_READ, line)
        if ok and (not rest or _headline_like(rest, 250)) and len(line) <= 260:
            removed[i] = "also-read"
            j = i + 1
            # bare marker: the links may start after one blank line
            if not rest and j + 1 < n and not lines[j] and _headline_like(lines[j + 1]):
                j += 1
            while (
                not rest  # "Also read: <headline>" on one line takes nothing after it
                and j < n
                and lines[j]
                and _headline_like(lines[j])
                and j not in removed
                and not _TWEET.search(lines[j])
            ):
                removed[j] = "also-read"
                j += 1
            i = j
            continue
        # Video promo + the promo headline right after it.
        ok, rest = _marker_rest(_VIDEO, line)
        if ok and (not rest or _headline_like(rest, 250)) and len(line) <= 260:
            removed[i] = "video-promo"
            if not rest:
                j = i + 1
                if j < n and not lines[j]:
                    j += 1
                if (
                    j < n
                    and j not in removed
                    and _headline_like(lines[j])
                    and not _TWEET.search(lines[j])
                ):
                    removed[j] = "video-promo"
                    i = j
            i += 1
            continue
        # Topic / tag footer, and everything after it when it is only short lines.
        ok, rest = _marker_rest(_TOPICS, line)
        if ok and len(line) <= 300 and (not rest or _headline_like(rest, 300)):
            # ("Tags on the luggage..." does not match: the marker needs ":" or a bare line)
            removed[i] = "topic-footer"
            if short_tail is None:
                short_tail = _short_tail_start(lines)
            if short_tail <= i + 1:  # only short headline-like lines follow
                for k in range(i + 1, n):
                    if lines[k]:
                        removed.setdefault(k, "topic-footer")
                break
            i += 1
            continue
        # Subscription / newsletter / "support our journalism" block.
        lead = _lead(line)
        if len(line) <= 250 and _SUBSCRIBE.match(lead) and not _REPORTING.search(lead):
            removed[i] = "subscription"
            if len(line.split()) <= 5:  # a button ("SUBSCRIBE NOW"): its appeal sits above it
                k = i - 1
                while k >= 0 and lines[k] and k not in removed and _is_appeal(lines[k]):
                    removed[k] = "subscription"
                    k -= 1
            j = i + 1
            while j < n and lines[j] and _is_appeal(lines[j]):
                removed[j] = "subscription"
                j += 1
            i = j
            continue
        i += 1


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s.strip()]


def _tight_subsequence(short: list[str], long: list[str]) -> bool:
    """``short`` occurs in order inside ``long`` within a span at most twice its length."""
    n = len(short)
    for start, tok in enumerate(long):
        if tok != short[0]:
            continue
        k, j = 1, start + 1
        limit = min(len(long), start + 2 * n)
        while k < n and j < limit:
            if long[j] == short[k]:
                k += 1
            j += 1
        if k == n:
            return True
    return False


def _covered(sentence: str, body_norm: str, body_sents: list[list[str]]) -> bool:
    """The sentence re-appears later: verbatim, or abridged (its words in order in one)."""
    s = _norm(sentence)
    if len(s) < 12 or len(s.split()) < 3:
        return False
    if s in body_norm:
        return True
    toks = _WORD.findall(s)
    if len(toks) < 8:
        return False
    return any(len(bt) >= len(toks) and _tight_subsequence(toks, bt) for bt in body_sents)


def _halves(text: str) -> str | None:
    """If ``text`` is one phrase written twice ("X X"), return X."""
    toks = text.split()
    h = len(toks) // 2
    if len(toks) >= 6 and len(toks) % 2 == 0 and toks[:h] == toks[h:]:
        return " ".join(toks[:h])
    return None


def _mark_lead_duplicates(lines: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Caption/summary/highlight lines at the top whose sentences re-appear in the body.

    Returns replacements (line index -> new text) for captions written twice on one line
    whose text is *not* in the body (one copy is kept).
    """
    replace: dict[int, str] = {}
    kept = [i for i, ln in enumerate(lines) if ln and i not in removed]
    if len(kept) < 2:
        return replace
    scanned = 0
    for pos, i in enumerate(kept):
        if scanned >= 8:
            break
        scanned += 1
        line = lines[i]
        if _is_dateline(line):
            continue
        later = [lines[k] for k in kept[pos + 1 :]]
        body_text = "\n".join(later)
        body_norm = _norm(body_text)
        bare = _CREDIT_INLINE.sub(" ", line).strip()
        twice = _halves(bare)
        if twice is not None and len(twice.split()) >= 3:
            if all(_covered(s, body_norm, []) for s in _sentences(twice)):
                removed[i] = "repeated-caption"
            else:
                replace[i] = twice
            continue
        sents = _sentences(bare)
        if sents and len(bare.split()) >= MIN_DUP_WORDS:
            body_sents = [_WORD.findall(_norm(s)) for s in _sentences(body_text)]
            if all(_covered(s, body_norm, body_sents) for s in sents):
                removed[i] = "lead-duplicate"
                continue
        if _headline_like(line):  # a title or kicker: keep scanning the lead
            continue
        break  # first real paragraph that is not a duplicate: the body has started
    return replace


_BYLINE = re.compile(
    r"(?:by|with inputs|inputs from|written by|edited by|reported by|disclaimer|source|"
    r"इनपुट|रिपोर्ट|por|par|von)\b",
    _I,
)
_ORPHAN_AFTER = {"advertisement", "video-promo", "also-read", "topic-footer"}


def _mark_orphan_headlines(lines: list[str], removed: dict[int, str]) -> None:
    """A headline-like line stranded between boilerplate in the tail (a related story).

    Only the last kept non-empty line can be an orphan, and only when boilerplate follows it
    (one backward pass: linear in the number of lines).
    """
    idx = [i for i, ln in enumerate(lines) if ln]
    p = len(idx) - 1
    while p > 0 and idx[p] in removed:
        p -= 1
    if p <= 0 or p == len(idx) - 1:
        return  # no kept line after the first, or the last line is kept: no orphan
    i, prev = idx[p], idx[p - 1]
    line = lines[i]
    if (
        removed.get(prev) in _ORPHAN_AFTER
        and _headline_like(line, 160)
        and len(line.split()) >= 4
        and not line.lstrip().startswith(("—", "-", "–", "("))
        and not _BYLINE.match(line)
    ):
        removed[i] = "related-headline"


# A subscription box that closes the story: what follows it on such pages is reader comments
# and promotions, never the article. "Support our journalism" only ever closes a story;
# "SUBSCRIBE NOW" also appears mid-story, so it only counts in the last two thirds.
_PAYWALL_CLOSE = re.compile(r"^(?:support our journalism|become a (?:member|subscriber))[.!]?$", _I)
_PAYWALL_ANY = re.compile(r"^subscribe now[.!]?$", _I)
# reporting after a "SUBSCRIBE NOW" box: the story goes on (reader comments do not say "said")
_STORY_GOES_ON = re.compile(r"[“\"][^”\"]{20,}[”\"]|\b(?:said|told|added|according to)\b", _I)


def _mark_after_paywall(lines: list[str], removed: dict[int, str]) -> None:
    """Drop a closing subscription box and everything after it (comments, promotions)."""
    n = len(lines)
    for i in range(n - 1, 2, -1):
        line = lines[i].strip()
        if _PAYWALL_ANY.match(line) and any(_STORY_GOES_ON.search(x) for x in lines[i + 1 :]):
            continue  # a mid-story box: the reporting goes on below it
        if _PAYWALL_CLOSE.match(line) or (i > n // 3 and _PAYWALL_ANY.match(line)):
            for j in range(i, n):
                if lines[j]:
                    removed.setdefault(j, "comments-after-subscribe-box")
            return


def clean_text(text: str, lang: str | None = None) -> CleanResult:
    """Normalise ``text`` and drop boilerplate lines; return the text and what was dropped.

    ``lang`` is advisory (every rule runs for every language); it is logged only.
    Mojibake and HTML entities are repaired before anything else (:mod:`.repair`).
    """
    text, repair = repair_text(text)
    text = normalize_unicode(text)
    if not text:
        return CleanResult("", [], repair)
    lines = text.split("\n")
    removed: dict[int, str] = {}
    for i, line in enumerate(lines):
        if line:
            rule = _single_line_rule(line)
            if rule:
                removed[i] = rule
    _mark_blocks(lines, removed)
    _mark_after_paywall(lines, removed)
    mark_furniture(lines, removed)
    replace = _mark_lead_duplicates(lines, removed)
    _mark_orphan_headlines(lines, removed)

    evidence: list[RemovedLine] = []
    out: list[str] = []
    for i, line in enumerate(lines):
        if i in removed:
            evidence.append(RemovedLine(line, removed[i]))
            continue
        if i in replace:
            evidence.append(RemovedLine(replace[i], "repeated-caption"))
            line = replace[i]
        if line:
            line, cut = strip_inline_furniture(line)
            evidence.extend(cut)
            credits = [m.group(0).strip() for m in _CREDIT_INLINE.finditer(line)]
            if credits:
                line = _CREDIT_INLINE.sub("", line).strip()
                evidence.extend(RemovedLine(c, "photo-credit") for c in credits)
        out.append(line)
    cleaned = _BLANK_RUN.sub("\n\n", "\n".join(out)).strip()
    if evidence:
        log.debug("clean_text(lang=%s): removed %d line(s)", lang, len(evidence))
    return CleanResult(cleaned, evidence, repair)
