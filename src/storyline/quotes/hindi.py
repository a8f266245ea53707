"""Attribution rules for Hindi (Devanagari).

Hindi marks the speaker with the agent postposition ``ने`` and puts the verb last:

* ``<source> ने [≤8 words] कहा/बताया/दावा किया… [था/है] कि …`` → reported claim;
* ``<source> ने [≤8 words] कहा, "…"`` (or ``:``) → direct claim; ``"…", <source> ने कहा।``
  and ``…, <source> ने बताया।`` → direct/reported claim before the source;
* ``<source> ने इस गठबंधन को "…" करार दिया`` → the quotation in between is the claim;
* ``<source> ने इसकी जानकारी दी`` (gave this information) → the previous sentence is the
  claim;
* ``<source> का कहना/मानना है कि …`` and ``<source> के मुताबिक/अनुसार, …`` → reported claim.

Fused agent pronouns (``उन्होंने``, ``जिन्होंने``…) are sources resolved like "he". The
source phrase is read backwards from ``ने``/``के``/``का`` until a comma, a quotation, a
postposition that closes an adverbial (``में``, ``को``, ``से``, ``बाद``…) or a conjunction.
"""

from __future__ import annotations

import bisect

import regex

from storyline.quotes import cues
from storyline.quotes.context import Context
from storyline.quotes.spans import Sentence, Token
from storyline.quotes.speakers import Mention, Source
from storyline.text.stopwords import HINDI_STOP

_HI_POSTPOSITIONS = frozenset(["के", "की", "का", "में", "से", "को", "पर", "ने", "तक"])
_HI_INSTITUTIONS = frozenset(
    ["विभाग", "मंत्रालय", "सरकार", "कंपनी", "अदालत", "न्यायालय", "आयोग", "समिति", "पुलिस",
     "प्रशासन", "निगम", "बोर्ड", "परिषद"]
)
# "मिली जानकारी के अनुसार" (according to information received): no one is named
_HI_UNNAMED = frozenset(["जानकारी", "सूचना", "खबर", "खबरों"])

_MAX_GAP = 8
# words right after a speech verb that continue the verb phrase rather than start a claim
_NOT_A_CLAUSE = frozenset(["था", "थी", "थे", "है", "हैं", "गया", "गई", "गए", "जा", "जाता",
                           "जाती", "और", "तथा", "एवं", "लेकिन", "पर", "तो", "भी", "कि"])


_MAX_CONVERB_GAP = 22
_KI = regex.compile(r"\s*(?:कि|की)(?![\p{L}\p{M}])")


def _converb(text: str, gap: list[Token], verb_end: int) -> bool:
    """"X ने … का स्वागत करते हुए कहा कि …": a long gap is fine when the verb comes right after
    a converb ("करते हुए", "देते हुए") and opens a "कि" clause."""
    words = [x for x in gap if x.kind == "w"]
    return (len(words) >= 2 and words[-1].text in ("हुए", "हुये")
            and _KI.match(text, verb_end) is not None)


def analyse_hindi(text: str, toks: list[Token]) -> Source | None:
    """Classify a Hindi source phrase (the words before ने/के मुताबिक/का कहना है)."""
    words = [t for t in toks if t.kind == "w"]
    while words and words[0].text in _HI_POSTPOSITIONS:
        words = words[1:]
    if not words:
        return None
    start, end = words[0].start, words[-1].end
    head = words[-1]
    h = head.text
    if h in cues.PRONOUNS["hi"]:
        return Source("pronoun", start, end, head=h)
    if h in cues.DOCUMENT_HEADS:
        return Source("document", start, end, head=h)
    if h in cues.ANON_HEADS or h.startswith("सूत्र") or h.endswith(("ों", "ओं")):
        pre = words[:-1]
        group: str | None = None
        gname: tuple[int, int] | None = None
        if any(t.text.startswith("करीब") for t in pre) or h.startswith("करीब"):
            idx = [i for i, t in enumerate(pre) if t.text in ("के", "की", "का")]
            obj = pre[: idx[0]] if idx else []
            if obj:
                group = text[obj[0].start : (pre[-1] if pre else head).end]
                gname = (obj[0].start, obj[-1].end)
        else:
            idx = [i for i, t in enumerate(pre) if t.text in ("के", "की", "का")]
            obj = pre[: idx[-1]] if idx else pre
            obj = [
                t for t in obj if t.text not in cues.HI_ADJ_STOP and t.text not in _HI_POSTPOSITIONS
            ]
            if obj:
                group = text[obj[0].start : obj[-1].end]
                gname = (obj[0].start, obj[-1].end)
        return Source("anon", start, end, group=group, group_name=gname, head=h)
    if h in _HI_INSTITUTIONS:
        return Source("body", start, end, name=(start, end), head=h, role=h)
    if h in _HI_UNNAMED:
        return Source("anon", start, end, head=h)
    if "एक" in [t.text for t in words[-3:-1]]:
        # "जुड़े एक वरिष्ठ पत्रकार": an indefinite description, not a name
        pre = words[: max(i for i, t in enumerate(words) if t.text == "एक")]
        idx = [i for i, t in enumerate(pre) if t.text in ("के", "की", "का")]
        obj = [t for t in (pre[: idx[-1]] if idx else []) if t.text not in cues.HI_ADJ_STOP]
        gname = (obj[0].start, obj[-1].end) if obj else None
        group = text[gname[0] : gname[1]] if gname else None
        return Source("anon", start, end, group=group, group_name=gname, head=h)
    names: list[Token] = []
    for t in reversed(words):
        if t.text in cues.TITLE_WORDS or t.text in HINDI_STOP or t.text in _HI_POSTPOSITIONS:
            break
        if t.text in cues.ANON_HEADS:
            break
        names.insert(0, t)
        if len(names) == 4:
            break
    if any(c.isdigit() for t in names for c in t.text):
        return None
    if not names:
        if h in cues.TITLE_WORDS:
            return Source("role", start, end, head=h, role=h)
        return None
    return Source("named", start, end, name=(names[0].start, names[-1].end), head=h)


def np_before(toks: list[Token], k: int) -> tuple[list[Token], int]:
    """The words of the source phrase ending before token ``k`` and where it starts."""
    out: list[Token] = []
    n = k - 1
    while n >= 0 and len(out) < 10:
        t = toks[n]
        if t.kind != "w" or t.text in cues.HI_NP_BREAK:
            break
        out.insert(0, t)
        n -= 1
    return out, n + 1


def agent_mentions(text: str, sentences: list[Sentence]) -> list[Mention]:
    """Named agents ("रवि मेहरा ने", "… द्वारा") as person mentions, plus later uses of
    their words."""
    out: list[Mention] = []
    parts: set[str] = set()
    for s in sentences:
        body = text[s.start : s.end]
        if "ने" not in body and "द्वारा" not in body:
            continue
        for k, t in enumerate(s.tokens):
            if t.kind == "w" and t.text in ("ने", "द्वारा"):
                words, _ = np_before(s.tokens, k)
                src = analyse_hindi(text, words)
                if src is not None and src.kind == "named" and src.name is not None:
                    a, b = src.name
                    out.append(Mention(text[a:b], a, b, s.index, False))
    # "खबरें रवि मेहरा" → "रवि मेहरा" when the shorter name is an agent elsewhere
    names = {m.text for m in out}
    for n, m in enumerate(out):
        ws = m.text.split()
        for k in range(1, len(ws) - 1):
            tail = " ".join(ws[k:])
            if tail in names:
                a = m.end - len(tail)
                out[n] = Mention(tail, a, m.end, m.sentence, False)
                break
    for m in out:
        parts.update(w for w in m.text.split() if len(w) > 2)
    covered = {m.start for m in out} | {m.end - len(m.text.split()[-1]) for m in out}
    if parts:
        starts = [s.start for s in sentences]
        alt = "|".join(regex.escape(p) for p in sorted(parts, key=len, reverse=True))
        rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{alt})(?![\p{{L}}\p{{M}}])")
        for m in rx.finditer(text):
            if m.start() in covered or any(x.start <= m.start() < x.end for x in out):
                continue
            si = max(0, bisect.bisect_right(starts, m.start()) - 1)
            out.append(Mention(m.group(0), m.start(), m.end(), si, False))
    out.sort(key=lambda m: m.start)
    return out


def _source(ctx: Context, s: Sentence, k: int) -> tuple[Source | None, int]:
    t = s.tokens[k]
    if t.text in cues.HI_AGENT_PRONOUNS:
        return Source("pronoun", t.start, t.end, head=t.text), k
    words, start = np_before(s.tokens, k)
    return analyse_hindi(ctx.text, words), start


def _after_verb(
    ctx: Context, s: Sentence, src: Source | None, seg: int, vend: int, cue: tuple[int, int]
) -> None:
    text = ctx.text
    toks = s.tokens
    rest = [t for t in toks if t.start >= vend]
    if rest and rest[0].kind == "w" and rest[0].text in ("कि", "की") and (
        rest[0].text == "कि" or len([t for t in rest if t.kind == "w"]) >= 5
    ):  # "ने बताया की …": the complementiser misspelt, common in news copy
        if len(rest) > 1 and rest[1].kind == "q" and rest[1].quote is not None:
            ctx.add_quote(rest[1].quote, s, src, cue)
            return
        if len(rest) > 1:
            ctx.add_reported(rest[1].start, s.end, s, src, cue)
        return
    n = 0
    while n < len(rest) and rest[n].kind == "p" and rest[n].text in ",:-—":
        n += 1
    q = rest[n].quote if n < len(rest) and rest[n].kind == "q" else None
    if q is not None:
        ctx.add_quote(q, s, src, cue)
        return
    body = [t for t in rest[n:] if t.kind == "w"]
    if body and (n > 0 or (len(body) >= 5 and body[0].text not in _NOT_A_CLAUSE)):
        # "अधिकारी ने कहा, 21-30 वर्ष …" / "निगम ने बताया यहां अब तक …": the rest is the claim
        first = next(t for t in rest[n:] if t.kind != "p" or t.text not in "‘'\"“")
        ctx.add_reported(first.start, s.end, s, src, cue)
        return
    if body:
        return  # the sentence goes on: not an attribution we understand
    # inverted: "…, X ने बताया।" / '"…", X ने कहा।'
    if seg > 0 and toks[seg - 1].kind == "p" and toks[seg - 1].text in ",—":
        before = toks[: seg - 1]
        if len(before) == 1 and before[0].kind == "q" and before[0].quote is not None:
            ctx.add_quote(before[0].quote, s, src, cue)
        elif len([t for t in before if t.kind == "w"]) >= 3:
            ctx.add_reported(s.start, toks[seg - 1].start, s, src, cue)
    _ = text


def _agent(ctx: Context, s: Sentence, k: int) -> None:
    toks = s.tokens
    t = toks[k]
    limit = min(len(toks), k + 1 + _MAX_CONVERB_GAP + 3)
    hi = toks[limit - 1].end if limit > k + 1 else t.end
    for n in range(k + 1, limit):
        if toks[n].kind == "w" and (toks[n].text == "ने" or toks[n].text in cues.HI_AGENT_PRONOUNS):
            hi = toks[n].start
            break
        if toks[n].kind == "p" and toks[n].text in "।.!?":
            hi = toks[n].start
            break
    m = None
    for cand in cues.HI_SPEECH.finditer(ctx.text, t.end, hi):
        if not any(q.start <= cand.start() < q.end for q in s.quotes):
            m = cand
            break
    if m is None:
        return
    gap = [x for x in toks if t.end <= x.start and x.end <= m.start()]
    n_gap = len([x for x in gap if x.kind == "w"])
    if n_gap > _MAX_GAP and not (n_gap <= _MAX_CONVERB_GAP and _converb(ctx.text, gap, m.end())):
        return
    src, seg = _source(ctx, s, k)
    if src is None:
        return
    cue = (m.start(), m.end())
    if cues.HI_ANAPHORIC.search(ctx.text, t.end, m.end()):
        prev = ctx.sentences[s.index - 1] if s.index > 0 else None
        if prev is not None and prev.paragraph == s.paragraph:
            ctx.add_reported(prev.start, prev.end, prev, src, cue)
        return
    quotes = [x for x in gap if x.kind == "q" and x.quote is not None]
    if quotes:
        q = quotes[-1].quote
        assert q is not None
        ctx.add_quote(q, s, src, cue)
        return
    _after_verb(ctx, s, src, seg, m.end(), cue)


def _ka_hai(ctx: Context, s: Sentence) -> None:
    body_start = s.start
    for m in cues.HI_KA_HAI.finditer(ctx.text, body_start, s.end):
        if any(q.start <= m.start() < q.end for q in s.quotes):
            continue
        k = next((n for n, t in enumerate(s.tokens) if t.start >= m.start()), None)
        if k is None:
            continue
        words, _ = np_before(s.tokens, k)
        src = analyse_hindi(ctx.text, words)
        if src is None:
            continue
        rest = [t for t in s.tokens if t.start >= m.end()]
        if rest and rest[0].text == "कि" and len(rest) > 1:
            ctx.add_reported(rest[1].start, s.end, s, src, (m.start(), m.end()))


def _according(ctx: Context, s: Sentence) -> None:
    for m in cues.ACCORDING["hi"].finditer(ctx.text, s.start, s.end):
        if any(q.start <= m.start() < q.end for q in s.quotes):
            continue
        k = next((n for n, t in enumerate(s.tokens) if t.start >= m.start()), None)
        if k is None:
            continue
        words, _ = np_before(s.tokens, k)
        src = analyse_hindi(ctx.text, words)
        if src is None or src.head in cues.NON_SOURCE_HEADS:
            continue
        rest = [t for t in s.tokens if t.start >= m.end()]
        comma = bool(rest) and rest[0].text == ","
        opening = not [t for t in s.tokens if t.start < words[0].start and t.kind == "w"] if (
            words) else False
        if not comma and src.kind != "anon" and not (opening and len(rest) >= 5):
            continue  # "X के अनुसार" opening the sentence introduces the claim without a comma
        body = rest[1:] if comma else rest
        if len([t for t in body if t.kind == "w"]) >= 3:
            ctx.add_reported(body[0].start, s.end, s, src, (m.start(), m.end()))


_TRIGGER = regex.compile(
    r"(?<![\p{L}\p{M}])(?:ने|मुताबिक|अनुसार|हवाले|कहना|मानना|दावा|आरोप|तर्क|"
    + "|".join(sorted(cues.HI_AGENT_PRONOUNS))
    + r")(?![\p{L}\p{M}])"
)


_INFO_GIVEN = regex.compile(
    r"(?:यह|ये|इसकी|इस\s+बात\s+की)\s+(?:जानकारी|सूचना)\s+(?P<src>[^,।.]{2,80}?)\s+ने"
    r"[^,।.]{0,40}?\s(?:दी|दीं|दे\s+रहे)(?![\p{L}\p{M}])"
)
_BELIEVE = regex.compile(r"(?<![\p{L}\p{M}])की\s+मानें\s+तो(?![\p{L}\p{M}])")


def _info_given(ctx: Context, s: Sentence) -> None:
    """"यह जानकारी X ने बुधवार को दी": the previous sentence is X's claim."""
    m = _INFO_GIVEN.search(ctx.text, s.start, min(s.end, s.start + 12 + 140))
    if m is None or s.index == 0 or ctx.text[s.start : m.start()].strip():
        return
    toks = [t for t in s.tokens if m.start("src") <= t.start and t.end <= m.end("src")]
    src = analyse_hindi(ctx.text, toks)
    prev = ctx.sentences[s.index - 1]
    if src is not None and prev.paragraph == s.paragraph:
        ctx.add_reported(prev.start, prev.end, prev, src, (m.start(), m.end()))


def _believe(ctx: Context, s: Sentence) -> None:
    """"X की मानें तो …" (if X is to be believed): the rest is X's claim."""
    m = _BELIEVE.search(ctx.text, s.start, s.end)
    if m is None:
        return
    k = next((n for n, t in enumerate(s.tokens) if t.start >= m.start()), None)
    if k is None:
        return
    words, _ = np_before(s.tokens, k)
    src = analyse_hindi(ctx.text, words)
    rest = [t for t in s.tokens if t.start >= m.end() and t.kind == "w"]
    if src is not None and len(rest) >= 4:
        ctx.add_reported(rest[0].start, s.end, s, src, (m.start(), m.end()))


def process(ctx: Context, s: Sentence) -> None:
    """Apply the Hindi rules to one sentence."""
    _info_given(ctx, s)
    _believe(ctx, s)
    if not _TRIGGER.search(ctx.text, s.start, s.end):
        return
    for k, t in enumerate(s.tokens):
        if t.kind == "w" and (t.text == "ने" or t.text in cues.HI_AGENT_PRONOUNS):
            if any(c.kind == "reported" and c.start <= t.start < c.end for c in ctx.claims):
                continue
            _agent(ctx, s, k)
    _ka_hai(ctx, s)
    _according(ctx, s)
