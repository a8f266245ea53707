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

import regex

from storyline.model import RemovedLine
from storyline.text.furniture import mark_furniture, strip_inline_furniture
from storyline.text.repair import Repair, repair_text
from storyline.text.unicode import normalize_unicode

log = logging.getLogger(__name__)

__all__ = ["CleanResult", "clean_text", "normalize_unicode"]

_BLANK_RUN = re.compile(r"\n{3,}")

# --------------------------------------------------------------------------- vocabularies

_I = re.IGNORECASE

# A line that is nothing but an advertisement label (after trimming punctuation/bullets).
_AD_LINE = re.compile(
    r"(?:advertisements?|advertisment|advert|ads?|sponsored(?: content)?|promoted|"
    r"विज्ञापन|publicidad|publicidade|publicité|anzeige|werbung|pubblicità|"
    r"(?:story|article) continues below(?: this ad| advertisement)?|continue reading below|"
    r"scroll to continue(?: with content)?|continues below advertisement)",
    _I,
)
_READ_TIME = re.compile(
    r"(?:(?:estimated )?read(?:ing)? time|temps de lecture|tiempo de lectura|lesezeit|lesedauer|"
    r"पढ़ने का समय)\s*[:|\-–]?\s*\d+\s*(?:min(?:ute)?s?|minuten|minutos|मिनट)\.?"
    r"|\d+\s*(?:min(?:ute)?s?|minuten|minutos|मिनट)\s*"
    r"(?:read|de lecture|de lectura|lesezeit|लेक्चर|पढ़ें|पढ़ने का समय)\.?",
    _I,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4})|कॉपीराइट\s*(?:©|\d{4})).{0,200}"
    r"|.{0,120}(?:all rights reserved|सर्वाधिकार सुरक्षित|todos los derechos reservados|"
    r"tous droits réservés|alle rechte vorbehalten|tutti i diritti riservati)\W{0,3}",
    _I,
)
_ALSO_READ = re.compile(
    r"(?:also read|read also|read more|also see|see also|also watch|must read|recommended|"
    r"related(?: stories| news| articles)?|यह भी पढ़ें|ये भी पढ़ें|इसे भी पढ़ें|यह भी पढ़े|ये भी पढ़े|"
    r"और पढ़ें|पढ़ें यह भी|lire aussi|à lire aussi|a lire aussi|lee también|lea también|"
    r"te puede interesar|lesen sie auch|auch interessant|mehr zum thema|leggi anche|leia também)"
    r"(?P<sep>\s*[:|\-–—>»]+\s*|\s*$)",
    _I,
)
_VIDEO = re.compile(
    r"(?:featured video of the day|featured video|watch(?: the)? video|watch live(?: tv)?|"
    r"trending videos?|video of the day|videos?|watch|वीडियो|देखें वीडियो|वीडियो देखें|"
    r"यह वीडियो भी देखें|vídeo|vidéo|ver vídeo|regarder la vidéo|video ansehen)"
    r"(?P<sep>\s*[:|\-–—>»]+\s*|\s*$)",
    _I,
)
_TOPICS = re.compile(
    r"(?:topics mentioned in this article|related topics|trending topics|tags?|topics|keywords|"
    r"टैग्स?|टॉपिक्स|etiquetas|temas|mots-clés|mots clés|sujets|schlagwörter|schlagworte)"
    r"(?P<sep>\s*[:|\-–—]+\s*|\s*$)",
    _I,
)
_SUBSCRIBE = re.compile(
    r"(?:subscribe(?: now)?(?: to)?|sign up (?:for|to)|get (?:our|the) .{0,40}newsletter|"
    r"support (?:our|quality|independent|fearless) journalism|become a (?:member|subscriber)|"
    r"न्यूज़लेटर|न्यूजलेटर|सब्सक्राइब कर|suscríbete|abonnez-vous|inscrivez-vous|"
    r"jetzt abonnieren|newsletter abonnieren)\b",
    _I,
)
_SUBSCRIBE_WORDS = re.compile(
    r"subscri|newsletter|donate|donation|contribute (?:now|today|to us|to our)|membership|"
    r"sign up|support us|your support|our readers|pay for (?:it|quality)|journalism|inbox|"
    r"सब्सक्राइब|न्यूज़लेटर|abonn|suscr",
    _I,
)
_PLATFORMS = (
    r"(?:twitter|x|facebook|instagram|whatsapp|telegram|youtube|linkedin|threads|koo|"
    r"google news|sharechat|फेसबुक|ट्विटर|व्हाट्सएप|व्हाट्सऐप|टेलीग्राम|यूट्यूब|इंस्टाग्राम)\b"
)
# Prompts that are boilerplate whatever follows them on the line.
_SOCIAL = re.compile(
    r"(?:(?:follow|like|join|find) us (?:on|at) "
    + _PLATFORMS
    + r"|join (?:our|the) .{0,40}?"
    + _PLATFORMS
    + r"(?: channel| group| community)"
    + r"|(?:click|tap) here to (?:join|follow|subscribe)"
    + r"|síguenos en|suivez-nous sur|rejoignez notre|folgen sie uns|únete a nuestro"
    + r"|हमें .{0,30}(?:फॉलो|फ़ॉलो|लाइक|सब्सक्राइब|ज्वाइन|जॉइन) कर"
    + r"|"
    + _PLATFORMS
    + r".{0,30}(?:पर )?(?:हमें )?(?:फॉलो|फ़ॉलो|ज्वाइन|जॉइन|सब्सक्राइब|लाइक) कर)",
    _I,
)
# "Follow <outlet/author> on Twitter": only when that is the whole line (a sentence can start
# "Join the protest on Facebook, ...").
_SOCIAL_SHORT = re.compile(
    r"(?:also )?(?:follow|join) .{1,40}? on "
    + _PLATFORMS
    + r"(?:\s*(?:,|and|&|or)\s*"
    + _PLATFORMS
    + r")*(?: (?:for|to) .{0,60})?\W*",
    _I,
)
# a prompt line never reports speech
_REPORTING = re.compile(r"\b(?:said|says|told|urged|asked|added|according)\b", _I)
_NOW_ON = re.compile(r".{0,60}?\bis now on " + _PLATFORMS + r"\b", _I)
_CTA = re.compile(
    r"click here|tap here|join (?:our|us)|subscribe to (?:our|us)|follow us|stay updated|"
    r"download (?:our|the)",
    _I,
)
_APP = re.compile(
    r"(?:for (?:all )?(?:the )?latest .{0,80}?(?:news|updates).{0,20}?download .{0,60}?\bapp\b"
    r"|download (?:the )?.{0,60}?\bapp\b\W{0,3}$|(?:get|install) (?:the )?.{0,40}?\bapp\b\W{0,3}$"
    r"|.{0,60}ऐप डाउनलोड कर|डाउनलोड करें .{0,40}ऐप|descarga la app|téléchargez l'application"
    r"|laden sie die .{0,30}app)",
    _I,
)
_CREDIT_TOKEN = (
    r"\((?:file|file photo|file pic|file image|photo|express photo(?: by [^()\n]{1,50})?|"
    r"representational(?: image| photo| pic)?|representative(?: image| photo| pic)?|"
    r"(?:photo|image|pic|picture|foto|फोटो|तस्वीर)s?(?: credits?)?\s*[:/]\s*[^()\n]{1,50}|"
    r"फाइल|फाइल फोटो|फ़ाइल फोटो|प्रतीकात्मक(?: तस्वीर| फोटो)?|सांकेतिक(?: तस्वीर| फोटो)?|"
    r"archivo|foto de archivo|photo d'archives?|archives|archivbild|symbolbild)\)"
)
_CREDIT_INLINE = re.compile(r"\s*" + _CREDIT_TOKEN, _I)
_CREDIT_LINE = re.compile(
    r"(?:" + _CREDIT_TOKEN + r"|representative image|representational image|file photo|"
    r"(?:photo|image|pic|picture)s?(?: credits?)?\s*[:|]\s*.{1,60}|photo credit.{0,60}|"
    r"प्रतीकात्मक तस्वीर|प्रतीकात्मक फोटो|सांकेतिक तस्वीर|फाइल फोटो|फ़ाइल फोटो)",
    _I,
)
_CLICK_HERE = re.compile(r"(?:click|tap) here\b", _I)
# embedded tweet text (kept whatever it starts with: "#WATCH: ...", "Read more: https://t.co/")
_TWEET = re.compile(r"pic\.twitter\.com/|https?://t\.co/|(?:^|\s)[#@]\w|^[—–-]\s.*\(@\w+\)")

_FULL_STOP_END = re.compile(r"[.!।॥…](?:[\"'”’»)\]]*)$")
_SENT_SPLIT = re.compile(r"(?<=[.!?।॥])[\"'”’»)]*\s+")
_DATELINE = regex.compile(r"\p{L}[\p{L}\p{M}\p{N} .,'()\-]{0,40}\s*[:—–-]")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_LEAD_JUNK = re.compile(r"^[^\w©(\"'“‘]+")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


MIN_DUP_WORDS = 6  # a lead line must be at least this long to be dropped as a duplicate


@dataclass
class CleanResult:
    text: str
    removed: list[RemovedLine] = field(default_factory=list)
    repair: Repair = field(default_factory=Repair)  # mojibake / HTML entities repaired first


# --------------------------------------------------------------------------- line helpers


def _core(line: str) -> str:
    """The line without leading/trailing punctuation, bullets and emoji."""
    return _EDGE.sub("", line)


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


def _mark_blocks(lines: list[str], removed: dict[int, str]) -> None:
    """Rules that look at a line and the lines after it."""
    i, n = 0, len(lines)
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
            tail = [k for k in range(i + 1, n) if lines[k]]
            if all(len(lines[k]) <= 80 and _headline_like(lines[k]) for k in tail):
                for k in tail:
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
    """A headline-like line stranded between boilerplate in the tail (a related story)."""
    idx = [i for i, ln in enumerate(lines) if ln]
    for p in range(len(idx) - 1, 0, -1):
        i = idx[p]
        if i in removed:
            continue
        after = idx[p + 1 :]
        if not after or not all(k in removed for k in after):
            continue
        prev = idx[p - 1]
        line = lines[i]
        if (
            removed.get(prev) in _ORPHAN_AFTER
            and _headline_like(line, 160)
            and len(line.split()) >= 4
            and not line.lstrip().startswith(("—", "-", "–", "("))
            and not _BYLINE.match(line)
        ):
            removed[i] = "related-headline"
        break  # only the last kept line can be an orphan


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
