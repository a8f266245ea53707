"""Extract claims — quotations and reported statements with their sources — from one text.

:func:`extract_claims` is pure and fast (regular expressions and word lists only, no
models): split the text into sentences without breaking quotations, collect person mentions
for pronoun resolution, apply the language's attribution rules sentence by sentence
(:mod:`storyline.quotes.latin` for en/es/fr/de, :mod:`storyline.quotes.hindi` for hi), then
handle quotations no rule claimed:

* French/Spanish attribution inside the quotation itself (« Ici, dit Béatrice, on … »,
  “… —dijo Sahu— …”) names its speaker;
* a quotation that is a sentence of its own right after a direct claim (same or previous
  sentence) continues it: same speaker, ``attribution="continuation"``;
* any other stand-alone quotation of 4+ words is kept with no speaker
  (``attribution="none"``); shorter unattributed quotations (scare quotes, names such as
  „Tara“) are not claims;
* a line "claim : Name" / "Name: claim" whose name the article gives elsewhere is that
  person's claim (:mod:`storyline.quotes.headline`).

Languages other than the five supported give an empty list (logged at debug level).
"""

from __future__ import annotations

import logging

import regex

from storyline.quotes import hindi, latin
from storyline.quotes.carry import carry_speakers
from storyline.quotes.claim import Claim
from storyline.quotes.context import MIN_EMBEDDED_QUOTE_WORDS, Context
from storyline.quotes.cues import SUPPORTED
from storyline.quotes.headline import headline
from storyline.quotes.spans import Quote, Sentence, find_quotes, split_sentences, tokenize
from storyline.quotes.speakers import Source, analyse_latin, collect_mentions, midsentence_caps

logger = logging.getLogger(__name__)

__all__ = ["extract_claims", "normalize_lang"]


def normalize_lang(lang: str | None) -> str | None:
    """``"en-IN"``/``"EN"``/``"hin"`` → ``"en"``/``"hi"``; None when unsupported."""
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    code = {
        "hin": "hi",
        "eng": "en",
        "spa": "es",
        "fra": "fr",
        "fre": "fr",
        "deu": "de",
        "ger": "de",
    }.get(code, code)
    return code if code in SUPPORTED else None


WINDOW = 12_000  # characters of text analysed together (paragraphs are never split below it)


def windows(text: str, size: int = WINDOW) -> list[tuple[int, int]]:
    """``(start, end)`` spans covering *text*, each at most *size* characters, cut at a
    paragraph break when one is in the second half of the span, else at a space."""
    out: list[tuple[int, int]] = []
    a, n = 0, len(text)
    while n - a > size:
        cut = text.rfind("\n", a + size // 2, a + size)
        if cut < 0:
            cut = text.rfind(" ", a + size // 2, a + size)
        cut = cut + 1 if cut >= 0 else a + size
        out.append((a, cut))
        a = cut
    out.append((a, n))
    return out


_OFFSETS = ("start", "end", "sentence_start", "sentence_end", "speaker_start", "speaker_end",
            "source_start", "source_end", "group_start", "group_end", "cue_start", "cue_end",
            "subject_start", "subject_end")


def extract_claims(text: str, lang: str) -> list[Claim]:
    """Quotations and reported claims in ``text`` with their speakers, in text order.

    ``lang`` is the article's language (``"en"``, ``"hi"``, ``"es"``, ``"fr"``, ``"de"``;
    region suffixes are ignored). Offsets in the result index ``text`` as given, so pass the
    text you will display or store (e.g. after :func:`storyline.text.clean.clean_text`).

    A text longer than ``WINDOW`` characters is read in windows of paragraphs (pronouns and
    roles resolve within a window), so the time taken grows linearly with the text.
    """
    if len(text) <= WINDOW:
        return _extract(text, lang)
    out: list[Claim] = []
    for a, b in windows(text):
        for c in _extract(text[a:b], lang):
            for name in _OFFSETS:
                value = getattr(c, name)
                if value is not None:
                    setattr(c, name, value + a)
            out.append(c)
    return out


def _extract(text: str, lang: str) -> list[Claim]:
    code = normalize_lang(lang)
    if code is None or not text or not text.strip():
        if text and code is None:
            logger.debug("extract_claims: no rules for language %r", lang)
        return []
    quotes = find_quotes(text)
    sentences = split_sentences(text, quotes)
    if code == "hi":
        mentions = hindi.agent_mentions(text, sentences)
        latin_mentions = collect_mentions(text, sentences, "en")  # English names in Hindi text
        mentions = sorted([*mentions, *latin_mentions], key=lambda m: m.start)
    else:
        mentions = collect_mentions(text, sentences, code)
    ctx = Context(text, code, sentences, mentions)
    midcaps = midsentence_caps(text)
    found = latin.find_cues(text, code) if code != "hi" else []
    k = 0
    for s in sentences:
        if code == "hi":
            hindi.process(ctx, s)
        else:
            while k < len(found) and found[k][0] < s.start:
                k += 1
            n = k
            while n < len(found) and found[n][0] < s.end:
                n += 1
            if n > k:
                latin.process(ctx, s, found[k:n], midcaps)
        if s.quotes:
            _leftover_quotes(ctx, s, midcaps)
        headline(ctx, s)
    ctx.claims.sort(key=lambda c: (c.start, c.end))
    return carry_speakers(ctx.claims, text)


def _leftover_quotes(ctx: Context, s: Sentence, midcaps: frozenset[str]) -> None:
    for q in s.quotes:
        if q.start in ctx.used_quotes or not ctx.standalone(s, q):
            continue
        if ctx.lang in _INCISE and _incise(ctx, s, q, midcaps):
            continue
        prev = ctx.previous_claim(s.index, max_back=1, direct_only=True)
        if prev is not None and ctx.sentences[_sentence_of(ctx, prev)].paragraph >= s.paragraph - 1:
            ctx.add_quote(q, s, None, None, attribution="continuation", copy_from=prev)
        elif q.words(ctx.text) >= MIN_EMBEDDED_QUOTE_WORDS:
            ctx.add_quote(q, s, None, None)


# French/Spanish put the attribution inside the quotation: « Ici, dit Béatrice, on … »
_INCISE = {
    "fr": regex.compile(
        r",\s+(?:dit|ajoute|explique|raconte|poursuit|confie|souligne|précise|assure|"
        r"insiste|affirme|estime|lance|a\s+(?:dit|ajouté|expliqué|raconté|confié|souligné|"
        r"précisé|assuré|commenté|affirmé|estimé|lancé))(?:-t-(?:il|elle))?\s+"
        r"(?P<np>[^,.;!?»]{1,80})[,.;]"
    ),
    "es": regex.compile(
        r"[—–-]\s*(?:dijo|afirmó|aseguró|explicó|añadió|señaló|contó|agregó|indicó)\s+"
        r"(?P<np>[^,.;!?—–-]{1,80})[,.;—–-]"
    ),
}


def _incise(ctx: Context, s: Sentence, q: Quote, midcaps: frozenset[str]) -> bool:
    """A speaker named inside the quotation's own text (French/Spanish incise)."""
    m = _INCISE[ctx.lang].search(ctx.text, q.inner_start, q.inner_end)
    if m is None:
        return False
    a, b = m.span("np")
    src = analyse_latin(ctx.text, tokenize(ctx.text, a, b, []), ctx.lang, midcaps)
    if src is None and "-t-" in m.group(0):
        src = Source("pronoun", m.start(), m.start(), head="il")
    if src is None:
        return False
    c0, c1 = m.start() + 1, a
    while c0 < c1 and ctx.text[c0].isspace():
        c0 += 1
    while c1 > c0 and ctx.text[c1 - 1].isspace():
        c1 -= 1
    cue = (c0, c1)
    return ctx.add_quote(q, s, src, cue) is not None


def _sentence_of(ctx: Context, claim: Claim) -> int:
    for s in ctx.sentences:
        if s.start <= claim.start < s.end or s.start == claim.sentence_start:
            return s.index
    return 0
