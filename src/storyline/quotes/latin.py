"""Attribution rules for Latin-script languages (en, es, fr, de).

For every speech verb outside quotation marks, in this order:

1. **quote before** — ``“Q,” NP said`` / ``“Q,” said NP`` / ``« Q », a déclaré NP`` /
   ``“Q”, declaró.`` (no subject: resolved like a pronoun): a direct claim;
2. **quote after** — ``NP said: “Q”`` (up to 8 words between the verb and the quote);
3. **clause after** — ``NP said (that) …``, ``NP a déclaré que …``, ``NP told NDTV (that) …``:
   a reported claim running to the end of the sentence; quotations inside it that are 4+
   words long are also direct claims of the same source;
4. **inverted** — ``…, NP said (at a briefing).`` / ``…, said NP.``: the part before the
   source is the reported claim.

"according to NP, …" / "…, according to NP" (and según, selon, d'après, nach Angaben, laut,
zufolge) give reported claims; naming verbs (called, calling, termed, dénonce…) attach a
short quotation to the sentence's subject. The source noun phrase before a verb is the last
comma-separated segment, skipping relative clauses (", who chaired …,"), participial clauses
(", speaking to reporters,"), parenthetical adverbs (", however,") and appositions after a
name (", the main opposition in the state,").
"""

from __future__ import annotations

import regex

from storyline.quotes import cues
from storyline.quotes.claim import Claim
from storyline.quotes.context import Context
from storyline.quotes.phrases import (
    AFTER_PREPS,
    AUX,
    LEAD_ADV,
    NOT_A_CLAIM_BEFORE,
    PRO_DROP,
    in_quote,
    leading_subject,
    np_after,
    np_before,
    subject,
    tok_index,
    word_tokens,
)
from storyline.quotes.spans import Sentence, Token
from storyline.quotes.speakers import Source, analyse_latin, bare, is_cap

# words after a bare speech verb that start an object or adjunct, not a clause
_NOT_A_CLAUSE_START = frozenset(["of", "about", "against", "for", "so", "nothing"])
_OBJECTS = frozenset(
    ["them", "him", "her", "us", "me", "you", "reporters", "journalists", "mediapersons",
     "media", "les", "lui", "leur", "nos"]
)


def _adjunct_only(toks: list[Token]) -> bool:
    ws = word_tokens(toks)
    if not ws:
        return True
    return ws[0].low in AFTER_PREPS or ws[0].low in AUX or ws[0].low.endswith("ing")


def _clause_after_told(toks: list[Token], j: int) -> int | None:
    """Where the clause starts after "told <object>" without "that", or None."""
    k = j
    if k < len(toks) and is_cap(toks[k]):
        while k < len(toks) and is_cap(toks[k]):
            k += 1
    else:
        for n in (1, 2, 3):
            if (
                k + n < len(toks)
                and toks[k + n].kind == "w"
                and (toks[k + n].low in cues.SUBJECT_START or is_cap(toks[k + n]))
            ):
                k += n
                break
        else:
            return None
    if (
        k < len(toks)
        and toks[k].kind == "w"
        and (toks[k].low in cues.SUBJECT_START or is_cap(toks[k]))
    ):
        return k
    return None


def _attribution_after_quote(ctx: Context, qtok: Token, between: list[Token]) -> bool:
    """Can ``between`` (the tokens from a quotation to a verb) be "<, NP>" of “Q,” NP said?"""
    if not all(t.kind == "w" or t.text in ",—–-:.()" for t in between):
        return False
    q = qtok.quote
    inner_end = ctx.text[q.inner_start : q.inner_end].rstrip()[-1:] if q is not None else ""
    comma = inner_end in ",.!?…" or (bool(between) and between[0].kind == "p")
    bw = word_tokens(between)
    if not bw:
        return True
    if bw[0].low in AFTER_PREPS:
        return False
    if comma:
        return True
    return is_cap(bw[0]) or bw[0].low in cues.ALL_PRONOUNS or bare(bw[0].text) in cues.DEFINITE


def _speech(ctx: Context, s: Sentence, i: int, j: int, midcaps: frozenset[str]) -> None:
    toks = s.tokens
    if ctx.lang == "en" and i > 0 and toks[i - 1].low.replace("’", "'") in NOT_A_CLAIM_BEFORE:
        return  # "refused to say", "did not say": nothing was claimed
    cue = (toks[i].start, toks[j - 1].end)
    verb = toks[i].low
    verb_text = ctx.text[cue[0] : cue[1]]
    # pronoun inside the verb ("a-t-il déclaré")
    inner_pron: Source | None = None
    mp = _INVERTED_PRONOUN.search(verb_text)
    if mp:
        inner_pron = Source("pronoun", cue[0] + mp.start(1), cue[0] + mp.end(1), head=mp.group(1))
    src: Source | None
    # 1. quote before: “Q,” NP said / “Q,” said NP
    qa = next((k for k in range(i - 1, -1, -1) if toks[k].kind == "q"), None)
    if qa is not None and verb not in cues.PARTICIPLES:
        between = toks[qa + 1 : i]
        bw = word_tokens(between)
        if len(bw) <= 12 and _attribution_after_quote(ctx, toks[qa], between):
            q = toks[qa].quote
            assert q is not None
            if bw:
                src, _ = np_before(ctx, s, i, midcaps)
            else:
                src, _ = np_after(ctx, s, j, midcaps)
                src = inner_pron or src
                if src is None and ctx.lang in PRO_DROP:
                    src = Source("pronoun", cue[0], cue[0], head="")  # "“…”, declaró.
            if src is not None and q.start not in ctx.used_quotes:
                ctx.add_quote(q, s, src, cue)
                return
    seg_start = 0
    copy: Claim | None = None
    if verb in cues.PARTICIPLES:
        # "X said, adding …": the participle shares the main verb's source
        copy = next((c for c in reversed(ctx.claims) if c.sentence_start == s.start
                     and c.start < toks[i].start and (c.speaker or c.anonymous)), None)
        src = leading_subject(ctx, s, i, midcaps) or subject(ctx, s, i, midcaps)
    else:
        src, seg_start = np_before(ctx, s, i, midcaps)
        if src is None:
            src = _name_right_before(toks, i)
    if src is None and inner_pron is not None:
        src = inner_pron
    # 2. quote after: NP said: “Q” / NP said in a statement, “Q”
    for k in range(j, min(len(toks), j + 9)):
        t = toks[k]
        if t.kind == "q":
            gap = word_tokens(toks[j:k])
            punct = k > j and toks[k - 1].kind == "p" and toks[k - 1].text in ",:"
            if (
                src is not None
                and t.quote is not None
                and (
                    not gap or (punct and (gap[0].low in AFTER_PREPS or verb in ("told", "tells")))
                )
            ):
                ctx.add_quote(t.quote, s, src, cue)
                return
            break
        if t.kind == "w" and cues.THAT[ctx.lang].fullmatch(t.low):
            break
        if t.kind == "p" and t.text in ".":
            break
    if src is not None and _quote_next(ctx, s, j, src, cue):
        return
    # 3. clause after
    that = cues.THAT[ctx.lang]
    m = None
    if j < len(toks):
        nxt = toks[j]
        adjunct = nxt.kind == "w" and (
            nxt.low in AFTER_PREPS or nxt.low in AUX or verb in ("told", "tells") or is_cap(nxt)
            or nxt.low in _OBJECTS  # "assured them that", "informed reporters that"
        )
        window_end = toks[min(len(toks) - 1, j + (8 if adjunct else 1))].end
        m = that.search(ctx.text, cue[1], window_end)
        if m is not None and ctx.text[cue[1] : m.start()].strip(" ,\xa0") and not adjunct:
            m = None
    if m and not in_quote(s, m.start()):
        clause_start = m.end()
        if copy is not None:
            ctx.add("reported", clause_start, s.end, s, None, cue, copy_from=copy,
                    attribution=copy.attribution)
            return
        if src is None:
            prev = ctx.previous_claim(s.index, max_back=0)
            if prev is not None:  # "…, afirmó X, tras confirmar que …"
                ctx.add(
                    "reported",
                    clause_start,
                    s.end,
                    s,
                    None,
                    cue,
                    copy_from=prev,
                    attribution=prev.attribution,
                )
            return
        ctx.add_reported(clause_start, s.end, s, src, cue)
        return
    if src is None and copy is None:
        _said_np(ctx, s, i, j, cue, midcaps)
        return
    if ctx.lang == "en" and (verb in cues.BARE_VERBS or verb in cues.BARE_PARTICIPLES) and (
            j < len(toks)):
        start_k: int | None = j
        if verb in ("told", "tells"):
            start_k = _clause_after_told(toks, j)
        if start_k is not None and start_k < len(toks):
            first = toks[start_k]
            rest = word_tokens(toks[start_k:])
            if (
                first.kind == "w"
                and first.low not in AFTER_PREPS
                and (first.low not in AUX or first.low in ("this", "last"))
                and not (verb in cues.BARE_PARTICIPLES and first.low in _NOT_A_CLAUSE_START)
                and not cues.is_opinion_verb(verb)
                and len(rest) >= 3
            ):
                if copy is not None:
                    ctx.add("reported", first.start, s.end, s, None, cue, copy_from=copy,
                            attribution=copy.attribution)
                else:
                    ctx.add_reported(first.start, s.end, s, src, cue)
                return
    # 4. inverted: "…, NP said (at …)." / parenthetical "…, he said, …"
    if not _adjunct_only(toks[j:]):
        return
    if seg_start > 0 and toks[seg_start - 1].kind == "p" and toks[seg_start - 1].text in ",—–":
        content = word_tokens(toks[:seg_start])
        if len(content) < 3:
            return
        if j < len(toks) and toks[j].text == "," and len(word_tokens(toks[j:])) >= 3:
            ctx.add_reported(s.start, s.end, s, src, cue)  # the sentence goes on
        else:
            ctx.add_reported(s.start, toks[seg_start - 1].start, s, src, cue)


def _quote_next(
    ctx: Context, s: Sentence, j: int, src: Source, cue: tuple[int, int]
) -> bool:
    """"Arvind Gaikwad, nodal officer, said. “The man was tested …”": a verb that ends its
    sentence with nothing said, followed in the same paragraph by a quotation alone."""
    toks = s.tokens
    if any(t.kind != "p" for t in toks[j:]) or not any(t.text in ".:" for t in toks[j:]):
        return False
    if any(c.sentence_start == s.start for c in ctx.claims):
        return False
    if s.index + 1 >= len(ctx.sentences):
        return False
    nxt = ctx.sentences[s.index + 1]
    if nxt.paragraph != s.paragraph or not nxt.quotes:
        return False
    q = nxt.quotes[0]
    if q.start in ctx.used_quotes or not ctx.standalone(nxt, q):
        return False
    return ctx.add_quote(q, nxt, src, cue) is not None


def _name_right_before(toks: list[Token], i: int) -> Source | None:
    """"Bahraich superintendent of police Vipin Kumar Mishra said": when the noun phrase is
    too long to read, the run of two to four capitalised words right before the verb."""
    k = i
    while k > 0 and is_cap(toks[k - 1]) and i - k < 4:
        k -= 1
    if i - k < 2 or (k > 0 and toks[k - 1].kind == "w" and is_cap(toks[k - 1])):
        return None
    if toks[k].low in cues.DEFINITE or any(t.low in ("i", "we", "he", "she") for t in toks[k:i]):
        return None
    return Source("named", toks[k].start, toks[i - 1].end, name=(toks[k].start, toks[i - 1].end))


def _said_np(
    ctx: Context, s: Sentence, i: int, j: int, cue: tuple[int, int], midcaps: frozenset[str]
) -> None:
    """Inverted with the source after the verb: "…, said Muliyil." / "…, said Dr X, who …"."""
    toks = s.tokens
    if i < 1 or toks[i - 1].kind != "p" or toks[i - 1].text not in ",—–":
        return
    content = word_tokens(toks[: i - 1])
    if len(content) < 3 or any(t.kind == "q" for t in toks[: i - 1]):
        return
    src, _ = np_after(ctx, s, j, midcaps)
    if src is None:
        return
    ctx.add_reported(s.start, toks[i - 1].start, s, src, cue)


_INVERTED_PRONOUN = regex.compile(r"-t-(il|elle|ils|elles)")
_DE_NP = frozenset(["der", "des", "dem", "den", "die", "von", "vom", "aus", "im"])


def _according_de(
    ctx: Context,
    s: Sentence,
    i: int,
    j: int,
    marker: str,
    cue: tuple[int, int],
    midcaps: frozenset[str],
) -> None:
    """German: "Nach Angaben der Behörden kamen …", "laut X", "der Meldung zufolge". The
    source is the capitalised noun phrase (with its articles) after or before the marker;
    at the start of the sentence the claim is what follows it, elsewhere the whole
    sentence."""
    toks = s.tokens
    if marker == "zufolge":
        a = i
        while (
            a > 0
            and i - a < 5
            and toks[a - 1].kind == "w"
            and (is_cap(toks[a - 1]) or toks[a - 1].low in _DE_NP)
        ):
            a -= 1
        np, lead, rest = toks[a:i], a, j
    else:
        k = j
        while (
            k < len(toks)
            and k - j < 6
            and toks[k].kind == "w"
            and (is_cap(toks[k]) or toks[k].low in _DE_NP)
        ):
            k += 1
        while k > j + 1 and toks[k - 1].low in _DE_NP:
            k -= 1
        np, lead, rest = toks[j:k], i, k
    if not np or rest >= len(toks):
        return
    src = analyse_latin(ctx.text, np, ctx.lang, midcaps)
    if src is None or src.head in cues.NON_SOURCE_HEADS:
        return
    if lead == 0:
        a = (
            toks[rest + 1].start
            if toks[rest].text == "," and rest + 1 < len(toks)
            else toks[rest].start
        )
        ctx.add_reported(a, s.end, s, src, cue)
    else:
        ctx.add_reported(s.start, s.end, s, src, cue)


def _according(ctx: Context, s: Sentence, i: int, j: int, midcaps: frozenset[str]) -> None:
    toks = s.tokens
    cue = (toks[i].start, toks[j - 1].end)
    marker = ctx.text[cue[0] : cue[1]].lower()
    if ctx.lang == "de":
        _according_de(ctx, s, i, j, marker, cue, midcaps)
        return
    src, after = np_after(ctx, s, j, midcaps, cut_adjuncts=False)
    if src is None or src.head in cues.NON_SOURCE_HEADS:
        return
    pre = word_tokens(toks[:i])
    lead = all(w.low in LEAD_ADV for w in pre)
    if lead:
        if after < len(toks) and toks[after].text == ",":
            ctx.add_reported(toks[after].start + 1, s.end, s, src, cue)
        return
    if i > 0 and toks[i - 1].text == "," and len(pre) >= 3:
        ctx.add_reported(s.start, toks[i - 1].start, s, src, cue)
    elif (i > 0 and toks[i - 1].text == "," and after < len(toks) and toks[after].text == ","
          and len(word_tokens(toks[after:])) >= 3):
        ctx.add_reported(s.start, s.end, s, src, cue)  # "The panel, according to X, will …"


_ACCUSE_PREP = {"en": ("of", "for"), "es": ("de",), "fr": ("de", "d'", "d’")}
_PASSIVE = frozenset(["was", "were", "been", "being", "is", "are", "be", "fue", "été"])


def _accusation(ctx: Context, s: Sentence, i: int, j: int, midcaps: frozenset[str]) -> None:
    """"X accused the Centre of wasting time", "slammed PM Modi for not spelling out …",
    "acusó al Gobierno de mentir": what the object is accused of is the subject's claim.
    Passives ("was accused of") name the accused, not the accuser: skipped."""
    toks = s.tokens
    preps = _ACCUSE_PREP.get(ctx.lang)
    if preps is None or toks[i].low not in cues.ACCUSE_VERBS:
        return
    if i > 0 and toks[i - 1].low in _PASSIVE:
        return
    for k in range(j + 1, min(len(toks), j + 9)):
        t = toks[k]
        if t.kind != "w":
            if t.text not in "’'-.":
                return
            continue
        if t.low in preps or any(t.low.startswith(p) for p in preps if p.endswith(("'", "’"))):
            rest = word_tokens(toks[k + 1 :])
            if len(rest) < 3:
                return
            first = rest[0].low
            verbal = (first.endswith("ing") or first in ("not", "never")) if ctx.lang == "en" \
                else first.endswith(("ar", "er", "ir", "re"))
            if not verbal:
                return
            src = subject(ctx, s, i, midcaps)
            if src is not None:
                ctx.add_reported(rest[0].start, s.end, s, src, (toks[i].start, toks[j - 1].end))
            return
        if t.low in ("that", "and", "but", "who", "which"):
            return


def _naming(ctx: Context, s: Sentence, i: int, j: int, midcaps: frozenset[str]) -> None:
    toks = s.tokens
    if toks[i].low in cues.ACCUSE_VERBS:
        _accusation(ctx, s, i, j, midcaps)
        return
    for k in range(j, min(len(toks), j + 7)):
        t = toks[k]
        if t.kind == "q" and t.quote is not None:
            if t.quote.start in ctx.used_quotes:
                return
            src = subject(ctx, s, i, midcaps)
            ctx.add_quote(t.quote, s, src, (toks[i].start, toks[j - 1].end))
            return
        if t.kind == "p" and t.text in ".;":
            return


def find_cues(text: str, lang: str) -> list[tuple[int, int, str]]:
    """Every speech/according/naming cue in ``text`` as (start, end, kind), in order."""
    found: list[tuple[int, int, str]] = []
    for kind, rx in (
        ("speech", cues.SPEECH[lang]),
        ("according", cues.ACCORDING[lang]),
        ("naming", cues.NAMING[lang]),
    ):
        found.extend((m.start(), m.end(), kind) for m in rx.finditer(text))
    found.sort()
    return found


def process(
    ctx: Context, s: Sentence, found: list[tuple[int, int, str]], midcaps: frozenset[str]
) -> None:
    """Apply the Latin-script rules to one sentence; ``found`` are its cues (find_cues)."""
    last_end = -1
    for a, b, kind in found:
        if a < last_end or in_quote(s, a):
            continue
        if any(c.kind == "reported" and c.start <= a < c.end for c in ctx.claims[-4:]):
            continue
        i = tok_index(s.tokens, a)
        j = tok_index(s.tokens, b)
        if i >= len(s.tokens) or j <= i:
            continue
        if kind == "speech":
            _speech(ctx, s, i, j, midcaps)
        elif kind == "according":
            _according(ctx, s, i, j, midcaps)
        else:
            _naming(ctx, s, i, j, midcaps)
        last_end = b
