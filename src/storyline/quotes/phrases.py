"""Source phrases in Latin-script sentences: find the noun phrase that names a speaker.

* :func:`np_before` — the phrase ending right before a verb: the last comma-separated
  segment, skipping relative clauses (", who chaired …,"), participial clauses (", speaking
  to reporters,"), parenthetical adverbs (", however,") and an apposition after a short
  name (", the main opposition in the state,"); within the segment, the words after the last
  conjunction ("While Chandel …, LVP spokesperson Meena Rathore said").
* :func:`np_after` — an inverted source after the verb: ``said Lata Mishra of …``,
  ``afirmó el jefe del Gobierno regional, Harish Chandel, …`` (a name in apposition to a
  definite description wins), cut at the first adjunct preposition.
* :func:`subject` — the subject of the sentence, for participles ("…, saying that") and
  naming verbs ("…, calling the mission “…”").
"""

from __future__ import annotations

from storyline.quotes import cues
from storyline.quotes.context import Context
from storyline.quotes.cues import words
from storyline.quotes.spans import Sentence, Token
from storyline.quotes.speakers import Source, analyse_latin, bare, is_cap, trim_name

AUX = frozenset(
    words(
        """
    has have had was were is are would will also further then later earlier however
    reportedly repeatedly categorically clearly publicly again once too only just already
    had also in turn today yesterday ha había habían avait on monday tuesday wednesday
    thursday friday saturday sunday this week last night
    """
    )
)
_PAREN_ADV = frozenset(
    words(
        """
    however though meanwhile moreover too also in turn for his her their part on the other
    hand sin embargo cependant toutefois pourtant jedoch allerdings notably still later
    earlier
    """
    )
)
LEAD_ADV = frozenset(
    words(
        """
    later notably meanwhile however also earlier separately then now still but and so yet
    while luego además después ensuite puis aussi cependant dann auch
    """
    )
)
AFTER_PREPS = frozenset(
    words(
        """
    at in on during after before while from to with via as when en durante tras desde ante
    con lors à dans devant pendant après avant depuis bei am im vor nach auf
    """
    )
)
_NAME_PARTICLES = frozenset(["de", "del", "von", "van", "da", "bin", "al"])
# German objects after an inverted subject: "sagte X dem RND", "teilte X der dpa mit"
_DE_OBJECT_START = frozenset(
    words("dem den seine seinen seiner ihre ihren ihrer gegenüber mit der")
)
PRO_DROP = frozenset({"es"})  # languages whose verbs may have no written subject
NOT_A_CLAIM_BEFORE = frozenset(
    ["to", "not", "never", "didn't", "don't", "doesn't", "cannot", "can't", "won't"]
)


def tok_index(toks: list[Token], pos: int) -> int:
    for k, t in enumerate(toks):
        if t.start >= pos:
            return k
    return len(toks)


def in_quote(s: Sentence, pos: int) -> bool:
    return any(q.start <= pos < q.end for q in s.quotes)


def _segments(toks: list[Token], lo: int, hi: int) -> list[tuple[int, int]]:
    """Comma/dash-separated segments of ``toks[lo:hi]`` (parentheses kept together)."""
    segs: list[tuple[int, int]] = []
    a = lo
    depth = 0
    for k in range(lo, hi):
        t = toks[k]
        if t.kind == "p" and t.text in "([":
            depth += 1
        elif t.kind == "p" and t.text in ")]":
            depth = max(0, depth - 1)
        elif t.kind == "p" and t.text in ",;—–" and depth == 0:
            segs.append((a, k))
            a = k + 1
    segs.append((a, hi))
    return [(x, y) for x, y in segs if y > x]


def word_tokens(toks: list[Token]) -> list[Token]:
    return [t for t in toks if t.kind == "w"]


def _pure_name(toks: list[Token]) -> bool:
    ws = word_tokens(toks)
    if (
        not 1 <= len(ws) <= 4
        or not is_cap(ws[0])
        or len(ws) != len([t for t in toks if t.kind != "p" or t.text == "."])
    ):
        return False
    return (
        all(is_cap(w) or w.low in _NAME_PARTICLES for w in ws)
        and bare(ws[0].text) not in cues.DEFINITE
    )


def _starts_lower(toks: list[Token]) -> bool:
    ws = word_tokens(toks)
    return bool(ws) and not is_cap(ws[0]) and ws[0].low not in cues.ALL_PRONOUNS


def _skip_segment(toks: list[Token]) -> bool:
    ws = word_tokens(toks)
    if not ws:
        return True
    first = ws[0].low
    if first in (
        "who",
        "which",
        "whose",
        "whom",
        "quien",
        "quienes",
        "qui",
        "que",
        "der",
        "die",
        "das",
    ):
        return True
    if first.endswith("ing") and not is_cap(ws[0]):
        return True
    if first in ("asked", "speaking", "addressing", "talking", "interrogé", "preguntado"):
        return True
    return len(ws) <= 4 and all(w.low in _PAREN_ADV for w in ws)


def _strip_paren(toks: list[Token]) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for t in toks:
        if t.kind == "p" and t.text == "(":
            depth += 1
        elif t.kind == "p" and t.text == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(t)
    return out


def np_before(
    ctx: Context, s: Sentence, i: int, midcaps: frozenset[str]
) -> tuple[Source | None, int]:
    """The source phrase ending at token ``i`` and the index where its segment starts."""
    toks = s.tokens
    lo = 0
    for k in range(i - 1, -1, -1):
        if toks[k].kind == "q":
            lo = k + 1
            break
    end = i
    while end > lo and toks[end - 1].kind == "w" and toks[end - 1].low in AUX:
        end -= 1
    segs = _segments(toks, lo, end)
    if not segs:
        return None, i
    k = len(segs) - 1
    skipped = 0
    while k > 0 and skipped < 3 and _skip_segment(toks[segs[k][0] : segs[k][1]]):
        k -= 1
        skipped += 1
    a, b = segs[k]
    if k >= 2 and not _starts_lower(toks[a:b]) and _starts_lower(
            toks[segs[k - 1][0] : segs[k - 1][1]]):
        # "Ashutosh Sharma, secretary, Department of Science and Technology said": the name
        # before a lower-case role apposition, not the organisation after it
        role = word_tokens(toks[segs[k - 1][0] : segs[k - 1][1]])
        pa, pb = segs[k - 2]
        prev = word_tokens(_strip_paren(toks[pa:pb]))
        if (role and len(role) <= 4 and bare(role[-1].text) in cues.TITLE_WORDS
                and 2 <= len(prev) <= 4 and all(is_cap(w) for w in prev)):
            a, b = pa, pb
    if k > 0 and _starts_lower(toks[a:b]):
        pa, pb = segs[k - 1]
        prev = word_tokens(_strip_paren(toks[pa:pb]))
        if prev and is_cap(prev[-1]) and is_cap(prev[0]) and (
                len(prev) <= 6 or (len(prev) <= 10 and is_cap(prev[-2]))):
            a, b = pa, pb  # "SGPC member Amarjeet Singh Chawla, also present there, said"
    seg = toks[a:b]
    cut = 0
    for n, t in enumerate(seg):
        if t.kind == "w" and t.low in cues.NP_BREAK:
            cut = n + 1
    seg = seg[cut:]
    while seg and (seg[0].kind == "p" or seg[0].low in LEAD_ADV):
        seg = seg[1:]
    if ctx.lang == "de":  # "Sprecher Andreas Meier auf Anfrage mitteilte"
        for n in range(1, len(seg)):
            if seg[n].kind == "w" and seg[n].low in AFTER_PREPS and is_cap(seg[n - 1]):
                seg = seg[:n]
                break
    seg = _strip_paren(seg)
    if not seg:
        return None, a
    return analyse_latin(ctx.text, seg, ctx.lang, midcaps), a


def np_after(
    ctx: Context, s: Sentence, j: int, midcaps: frozenset[str], *, cut_adjuncts: bool = True
) -> tuple[Source | None, int]:
    """An inverted source after the verb ("said Lata Mishra of …"); returns it and the
    token index after it."""
    toks = s.tokens
    hi = len(toks)
    for k in range(j, len(toks)):
        if toks[k].kind == "q":
            hi = k
            break
    segs = _segments(toks, j, hi)
    if not segs:
        return None, j
    for n, (a, b) in enumerate(segs[:2]):
        seg = [t for t in toks[a:b] if not (t.kind == "p" and t.text == ".")]
        rel = next((m for m, t in enumerate(seg) if m and t.kind == "w"
                    and t.low in ("who", "whose", "which")), None)
        if rel is not None:
            seg = seg[:rel]  # "said Dr Jayaprakash Muliyil who is among …"
        if n == 1:
            first = [
                w for w in word_tokens(toks[segs[0][0] : segs[0][1]]) if w.low not in AFTER_PREPS
            ]
            first = [w for w in first if not is_cap(w) or bare(w.text) in cues.DEFINITE]
            if not first or bare(first[0].text) not in cues.DEFINITE:
                break  # "un responsable du parti, …" is not an apposition to a name
        if seg and _pure_name(seg):
            run = trim_name(word_tokens(seg), ctx.lang)
            name = (run[0].start, run[-1].end)
            return Source("named", seg[0].start, seg[-1].end, name=name), b
    a, b = segs[0]
    seg = toks[a:b]
    rel = next((m for m, t in enumerate(seg) if m and t.kind == "w"
                and t.low in ("who", "whose", "which")), None)
    if rel is not None:
        seg = seg[:rel]  # "tweeted spokesperson Rohit Kansal who also is …"
    # a leading adjunct ("desde Bengaluru la directora…"): skip preposition + name
    if seg and seg[0].kind == "w" and seg[0].low in AFTER_PREPS:
        n = 1
        while n < len(seg) and is_cap(seg[n]):
            n += 1
        seg = seg[n:]
    stops = AFTER_PREPS | (_DE_OBJECT_START if ctx.lang == "de" else frozenset())
    for n in range(1, len(seg)):
        if cut_adjuncts and seg[n].kind == "w" and seg[n].low in stops:
            seg = seg[:n]
            break
    seg = [t for t in seg if not (t.kind == "p" and t.text == ".")]
    if not word_tokens(seg):
        return None, j
    return analyse_latin(ctx.text, seg, ctx.lang, midcaps), b


def subject(ctx: Context, s: Sentence, i: int, midcaps: frozenset[str]) -> Source | None:
    """The subject of the sentence before token ``i``: a source phrase ending right before
    the verb if it is named, else the first name run or a sentence-initial pronoun."""
    src, _ = np_before(ctx, s, i, midcaps)
    if (
        src is not None
        and src.kind in ("named", "pronoun", "anon", "role", "anaphor")
        and src.kind != "anon"
    ):
        return src
    toks = s.tokens[:i]
    ws = [t for t in toks if t.kind == "w"]
    while ws and ws[0].low in LEAD_ADV:
        ws = ws[1:]
    if ws and ws[0].low in cues.ALL_PRONOUNS:
        return Source("pronoun", ws[0].start, ws[0].end, head=ws[0].low)
    # the leading noun phrase: "Election strategist Ravi Mehra has …", "The RJP, …"
    run = _lead_phrase(toks)
    if any(is_cap(t) for t in run):
        return analyse_latin(ctx.text, run, ctx.lang, midcaps)
    return src


def _lead_phrase(toks: list[Token], group_heads: bool = False) -> list[Token]:
    """The capitalised noun phrase that opens ``toks`` (leading adverbs skipped; a title word
    or, first, a definite article may join it). ``group_heads``: a lower-case group or
    institution head ends it as part of it ("Opposition parties", "The Uttar Pradesh
    government")."""
    run: list[Token] = []
    for t in toks:
        if t.kind != "w":
            if run or t.kind == "q":
                break
            continue
        b = bare(t.text)
        if not run and b in LEAD_ADV:
            continue
        if is_cap(t) or b in cues.TITLE_WORDS or (not run and b in cues.DEFINITE):
            run.append(t)
        else:
            if group_heads and run and b in cues.ANON_HEADS_LOWER | cues.INSTITUTION_HEADS:
                run.append(t)
            break
    return run


_INTRO_STARTS = frozenset(words("""
    in on at after before during with amid following given despite since while as for
    addressing speaking extending touching talking responding reacting briefing welcoming
    """))


def leading_subject(
    ctx: Context, s: Sentence, i: int, midcaps: frozenset[str]
) -> Source | None:
    """The subject at the start of the sentence, for a participle after the main clause
    ("Chief Minister Yogi Adityanath on Tuesday welcomed …, saying …"): the capitalised
    noun phrase that opens the sentence, after an introductory phrase ("Extending support
    to …, the Congress slammed …") and leading adverbs. None when the sentence does not
    open with one (the caller falls back to :func:`subject`)."""
    toks = s.tokens[:i]
    k = 0
    kicker = next((n for n, t in enumerate(toks[:8]) if t.kind == "p" and t.text == ":"), None)
    if kicker is not None:  # "Coronavirus (COVID-19): Opposition parties …"
        toks = toks[kicker + 1 :]
    ws = [t for t in toks if t.kind == "w"]
    if ws and ws[0].low in _INTRO_STARTS:
        comma = next((n for n, t in enumerate(toks) if t.kind == "p" and t.text == ","), None)
        if comma is None:
            return None
        k = comma + 1
    run = _lead_phrase(toks[k:], group_heads=True)
    if not any(is_cap(t) for t in run):
        return None
    src = analyse_latin(ctx.text, run, ctx.lang, midcaps)
    return src if src is not None and src.kind != "document" else None
