"""Who is the source? Noun-phrase analysis, person mentions and antecedent resolution.

A source phrase (the words before "said", after "according to", before Hindi "ने") is
classified as one of:

* ``named`` — ends in a proper name: "RJP state president Dinesh Pathak" →
  speaker "Dinesh Pathak"; "ISEA chairman S. Venkatesh" (Hindi phrases:
  :func:`storyline.quotes.hindi.analyse_hindi`, "मुख्यमंत्री हरीश चंदेल" → "हरीश चंदेल");
* ``anon`` — headed by a common noun ("sources", "a senior LVP leader", "officials at the
  European Lunar Consortium", "fuentes del partido", "कांग्रेस के दो सूत्रों"); its *group*
  comes from "close to X" (→ "close to X"), a modifier "in/at/of/from X" that holds a name or
  an organisation noun (→ "Madhyanchal government"), or a premodifier ("LVP sources" →
  "LVP", "एलवीपी के एक वरिष्ठ नेता" → "एलवीपी");
* ``pronoun`` ("he", "उन्होंने", "it"), ``role`` (a title alone: "the strategist",
  "प्रधानमंत्री") or ``anaphor`` ("the source", "the leader"), resolved by the extractor;
* ``body`` — an institution named by a common noun ("the ministry", "The Uttar Pradesh
  government", "police", "उच्च न्यायालय"): the organisation an earlier sentence names with
  that head ("Union Health Ministry"), else the phrase itself; never a person.

Person mentions (for pronouns) are capitalised runs of two or more name words without
organisation/place words ("Ravi Mehra", "Dr. Anjali Rao" → "Anjali Rao"),
later single-word uses of their parts ("Mehra"), and named Hindi agents ("रवि मेहरा ने").
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from storyline.quotes import cues
from storyline.quotes.cues import words
from storyline.quotes.spans import Sentence, Token
from storyline.text.stopwords import LATIN_STOP

_ELISION = regex.compile(r"^(?:l|d|qu|s|n|j|c)['’]", regex.I)
_POSSESSIVE = regex.compile(r"['’]s?$")
_NON_PERSON = frozenset(
    words(
        """
    party congress government ministry agency club academy consortium centre center council
    court bank university express times news sabha assembly cyclone storm bay sea ocean
    river district state pradesh city street road mission group strategies ltd inc dal sena
    samaj front alliance commission committee board office department police army airport
    station hospital house india europe lunar space exploration national international
    society association federation union corporation company limited telegram app channel
    video day week organización organisation liga ligue universidad université universität
    ministerio ministère ministerium gobierno gouvernement regierung partido parti partei
    agencia agence asociación fédération federación consejo conseil comisión banco banque
    fundación fondation instituto institut tribunal panamericana nacional nationale
    """
    )
)
_INDEFINITE = frozenset(
    words(
        """
    a an un una une ein eine einer some two three several many एक
    """
    )
)
_QUANT = frozenset(
    words(
        """
    los las les des die der unos unas certains plusieurs varios algunos mehrere einige
    """
    )
)
_DE_ARTICLES = frozenset(words("der die das den dem des ein eine einer eines einem"))
_PLURAL_NOUN_ENDINGS = ("ers", "ists", "ians", "ors", "ents", "ants", "ives", "ees", "ials")
_PREPS = frozenset(
    ["in", "on", "at", "for", "with", "from", "to", "by", "about", "after", "before", "during"]
)


@dataclass(slots=True)
class Mention:
    text: str
    start: int
    end: int
    sentence: int
    in_quote: bool


@dataclass(slots=True)
class Source:
    """A classified source phrase (see the module docstring); offsets into the text."""

    kind: str  # named | anon | pronoun | role | body | anaphor | document
    start: int
    end: int
    name: tuple[int, int] | None = None
    group: str | None = None
    group_name: tuple[int, int] | None = None
    group_pronoun: bool = False
    head: str = ""
    role: str = ""


def bare(word: str) -> str:
    """Lower-cased word without a leading French elision or a trailing possessive."""
    return _POSSESSIVE.sub("", _ELISION.sub("", word)).lower()


def is_cap(tok: Token) -> bool:
    """A word that starts with a capital letter (after a French elision: ``d'Ahmed``)."""
    if tok.kind != "w":
        return False
    w = tok.text
    if len(w) > 2 and w[1] in "'’" and w[0] in "ldqsnjcLDQSNJC":
        return w[2].isupper() or w[0].isupper()
    return w[0].isupper()


def _acronym(tok: Token) -> bool:
    w = tok.text.replace("-", "").replace(".", "")
    return len(w) >= 2 and w.isupper() and w.isalpha()


def _namey(tok: Token) -> bool:
    """Capitalised and not a function/common word, title or anonymous head."""
    if not is_cap(tok):
        return False
    b = bare(tok.text)
    if _acronym(tok):
        return True
    return b not in LATIN_STOP and b not in cues.TITLE_WORDS and b not in cues.ANON_HEADS_LOWER


def trim_name(toks: list[Token], lang: str) -> list[Token]:
    """Drop leading determiners, titles and German role nouns from a capitalised run, and
    trailing calendar words or honorifics ("Modi Ji")."""
    while len(toks) > 1 and bare(toks[-1].text) in cues.NOT_NAMES:
        toks = toks[:-1]
    i = 0
    while i < len(toks) - 1:
        b = bare(toks[i].text)
        german_role = lang == "de" and (
            "-" in toks[i].text or b.endswith(("in", "er", "ent", "chef", "leiter"))
        )
        if (
            b in LATIN_STOP
            or b in cues.TITLE_WORDS
            or b.rstrip(".") in cues.TITLE_WORDS
            or german_role
        ):
            i += 1
        else:
            break
    return toks[i:]


def _span(toks: list[Token]) -> tuple[int, int]:
    return toks[0].start, toks[-1].end


def _words(toks: list[Token]) -> list[Token]:
    return [t for t in toks if t.kind == "w"]


def _postmod_index(toks: list[Token], lang: str) -> int:
    """Index of the first post-modifier word ("close to", "in", "of", "du"…), or len."""
    for i in range(1, len(toks)):
        t = toks[i]
        if t.kind != "w":
            continue
        low = t.low
        if (
            lang in ("es", "fr", "de", "pt")
            and low in ("de", "del", "da", "von", "van", "du")
            and is_cap(toks[i - 1])
            and i + 1 < len(toks)
            and is_cap(toks[i + 1])
        ):
            continue  # a name particle: "Juan de la Cruz"
        nxt = [x.low for x in toks[i + 1 : i + 3]]
        two = " ".join([low, *nxt[:1]])
        three = " ".join([low, *nxt])
        if low.startswith(("d'", "d’")) and i > 0:
            return i  # "le secrétaire d'État", "l'agence d'État"
        if (
            cues.CLOSE_TO.fullmatch(two)
            or cues.POSTMOD.fullmatch(three)
            or cues.POSTMOD.fullmatch(low)
            or low == "familiar"
        ):
            return i
    return len(toks)


def _group_from_postmod(
    text: str, mod: list[Token]
) -> tuple[str | None, tuple[int, int] | None, bool]:
    """(group, group_name span, pronoun?) from a post-modifier such as "close to him"."""
    if not mod:
        return None, None, False
    j = 1
    if len(mod) > 1 and cues.CLOSE_TO.fullmatch(f"{mod[0].low} {mod[1].low}"):
        obj = _words(mod[2:])
        if not obj:
            return None, None, False
        if obj[0].low in cues.ALL_PRONOUNS:
            return "close to", (obj[0].start, obj[0].end), True
        name = _cap_run(obj)
        gs = (name[0].start, name[-1].end) if name else (obj[0].start, obj[-1].end)
        return f"close to {text[obj[0].start : obj[-1].end]}", gs, False
    if mod[0].low in ("familiar",):
        return None, None, False
    if mod[0].low in ("au", "au sein"):
        j = 3
    obj = []
    for t in mod[j:]:
        if t.kind == "p" and t.text in ",;()":
            break
        if obj and t.kind == "w" and t.low in ("in", "at", "from", "near", "who", "which", "with"):
            break
        obj.append(t)
    obj = _words(obj)
    while obj and (
        obj[0].low in cues.DEFINITE or bare(obj[0].text) in ("the", "a", "an", "la", "el", "le")
    ):
        obj = obj[1:]
    if not obj:
        return None, None, False
    caps = [t for t in obj if _namey(t) or (is_cap(t) and bare(t.text) in _NON_PERSON)]
    org = any(bare(t.text) in cues.ORG_NOUNS for t in obj)
    if not caps and not org:
        return None, None, False
    gtext = text[obj[0].start : obj[-1].end]
    return gtext, (obj[0].start, obj[-1].end), False


def _cap_run(toks: list[Token]) -> list[Token]:
    """The last run of capitalised words in ``toks`` (initials and hyphens included)."""
    run: list[Token] = []
    best: list[Token] = []
    for t in toks:
        if t.kind == "w" and (
            is_cap(t) or (run and bare(t.text) in ("de", "del", "von", "van", "bin", "al"))
        ):
            run.append(t)
        else:
            if run:
                best = run
            run = []
    if run:
        best = run
    while best and not is_cap(best[-1]):
        best = best[:-1]
    return best


def _body(hw: list[Token], start: int, end: int, head: str) -> Source:
    """An institution named by a common noun ("the ministry", "The Uttar Pradesh
    government", "police"): its words without the determiner are its name."""
    n = 0
    while n < len(hw) - 1 and bare(hw[n].text) in cues.DEFINITE | _DE_ARTICLES:
        n += 1
    return Source("body", start, end, name=(hw[n].start, hw[-1].end), head=head, role=head)


def analyse_latin(
    text: str, toks: list[Token], lang: str, midcaps: frozenset[str]
) -> Source | None:
    """Classify a Latin-script source phrase (``toks`` = its tokens, no quotations)."""
    toks = [t for t in toks if t.kind != "q"]
    while toks and toks[0].kind == "p":
        toks = toks[1:]
    while toks and toks[-1].kind == "p" and toks[-1].text not in ")'’":
        toks = toks[:-1]
    words = _words(toks)
    if not words or len(words) > 14:
        return None
    start, end = toks[0].start, toks[-1].end
    if len(words) == 1 and (words[0].low in cues.ALL_PRONOUNS or (
            lang == "en" and words[0].low == "it")):
        return Source("pronoun", start, end, head=words[0].low)  # "it said": an organisation
    k = _postmod_index(toks, lang)
    head_part, mod = toks[:k], toks[k:]
    hw = _words(head_part)
    if not hw:
        return None
    head = hw[-1]
    hb = bare(head.text)
    if (
        len(hw) == 2
        and (bare(hw[0].text) in cues.DEFINITE or hw[0].low.startswith(("l'", "l’")))
        and hb in cues.ANAPHOR_HEADS
    ):
        return Source("anaphor", start, end, head=hb)
    if hw[0].low in ("i", "you", "we", "it", "me", "us") or not hb.replace("-", "").isalpha():
        return None
    if hb in cues.NOT_NAMES and len(hw) > 1:
        hw = hw[:-1]
        head, hb = hw[-1], bare(hw[-1].text)
    if hb in cues.NOT_NAMES:
        return None
    if hb in cues.DOCUMENT_HEADS and hb not in cues.ANON_HEADS_LOWER:
        return Source("document", start, end, head=hb)
    if hb in cues.POLICE_HEADS and not _INDEFINITE & {bare(t.text) for t in hw}:
        return _body(hw, start, end, hb)  # "police said", "la policía", "die Polizei"
    if (
        len(hw) == 2
        and bare(hw[0].text) in cues.DEFINITE | _DE_ARTICLES
        and hb in cues.INSTITUTION_HEADS
    ):
        return _body(hw, start, end, hb)  # "el Gobierno", "die Regierung"
    if lang == "de" and bare(hw[0].text) in _INDEFINITE and not _acronym(head):
        group, gname, _ = _group_from_postmod(text, mod)
        return Source("anon", start, end, group=group, group_name=gname, head=hb)
    if lang == "de" and len(hw) == 2 and bare(hw[0].text) in _DE_ARTICLES and not _acronym(head):
        # German capitalises every noun: "der Klinik", "die Polizei" are not names
        if hb in cues.ANON_HEADS_LOWER:
            return Source("anon", start, end, head=hb)
        return Source("role", start, end, head=hb, role=hb)
    is_name_head = is_cap(head) and (_acronym(head) or hb not in cues.ANON_HEADS_LOWER)
    if is_name_head and hb not in cues.TITLE_WORDS:
        run = _cap_run(hw)
        if not run or bare(run[-1].text) not in _NON_PERSON:
            run = trim_name(run, lang)  # "Union Health Ministry" keeps "Union"
        while len(run) > 1 and bare(run[0].text) in LATIN_STOP:
            run = run[1:]
        if run and len(mod) >= 2 and mod[0].low in ("of", "de", "for") and is_cap(mod[1]):
            org = [mod[0]]  # "University of California", "Ministry of Home Affairs"
            for t in mod[1:]:
                if t.kind == "w" and (is_cap(t) or t.low in ("and", "&", "of")):
                    org.append(t)
                else:
                    break
            while org and not is_cap(org[-1]):
                org.pop()
            if org:
                return Source("named", start, end, name=(run[0].start, org[-1].end), head=hb)
        if run and (
            len(run) > 1 or _acronym(run[0]) or head.text in midcaps or head.start != start
        ):
            return Source("named", start, end, name=_span(run), head=hb)
        if run and head.text in midcaps:
            return Source("named", start, end, name=_span(run), head=hb)
    # a title with the name in the modifier: "Chief Minister of Madhyanchal Harish Chandel"
    if mod:
        mrun = trim_name(_cap_run(_words(mod)), lang)
        if (
            len(mrun) >= 2
            and mod[0].low in ("of", "de", "du", "del")
            and hb not in cues.ANON_HEADS_LOWER
            and is_cap(mod[-1])
            and all(bare(t.text) in cues.TITLE_WORDS or bare(t.text) in LATIN_STOP for t in hw)
        ):
            return Source("named", start, end, name=_span(mrun), head=hb)
    indefinite = bare(hw[0].text) in _INDEFINITE
    if hb in cues.TITLE_WORDS:
        # trailing title words, possibly after a determiner: "the chief minister", "The CM"
        n = len(hw) - 1
        while n > 0 and bare(hw[n - 1].text) in cues.TITLE_WORDS:
            n -= 1
        # "the district collector", "the state health minister": ordinary words between
        # the determiner and the title are part of the role
        m = n
        while m > 0 and n - m < 4 and bare(hw[m - 1].text) not in (
                cues.DEFINITE | _INDEFINITE | _QUANT) and (
                hw[m - 1].text.islower() or hb not in cues.ANON_HEADS_LOWER):
            m -= 1
        if m < n and m > 0 and bare(hw[m - 1].text) in cues.DEFINITE:
            n = m
        det = n > 0 and bare(hw[n - 1].text) in cues.DEFINITE
        if (det or n == 0) and not (n > 0 and bare(hw[n - 1].text) in _INDEFINITE):
            first = hw[n - 1] if det else hw[n]
            role = " ".join(bare(t.text) for t in hw[n:])
            return Source("role", first.start, end, head=hb, role=role)
    if is_cap(head) and hb not in cues.ANON_HEADS_LOWER and len(hw) == 1 and not mod:
        # a lone capitalised word: a name ("Mehra said"), unless it looks like a plural
        # common noun at the start of a sentence ("Villagers said", "Doctors said")
        if hb in LATIN_STOP:
            return None
        if not hb.endswith(_PLURAL_NOUN_ENDINGS):
            return Source("named", start, end, name=(head.start, head.end), head=hb)
    definite = bare(hw[0].text) in cues.DEFINITE or hw[0].low.startswith(("l'", "l’"))
    if hb in cues.DOCUMENT_HEADS and hb not in cues.ANON_HEADS_LOWER:
        return Source("document", start, end, head=hb)
    if hb in cues.DOCUMENT_HEADS and (definite or len(hw) == 1):
        return Source("document", start, end, head=hb)
    if definite and hb in cues.INSTITUTION_HEADS and not mod:
        return _body(hw, hw[0].start, end, hb)  # "the ministry", "the Karnataka government"
    determined = indefinite or definite or bare(hw[0].text) in _QUANT
    if hb not in cues.ANON_HEADS_LOWER and (
        not determined or hb in LATIN_STOP or hb.endswith("ly") or len(hw) > 6
    ):
        return None  # "tras", "some people can", "rather than spreading the message"
    if hw[0].low in _PREPS:
        return None
    group, gname, gpron = _group_from_postmod(text, mod)
    if group is None:
        pre = hw[:-1]
        caps = [t for t in pre if _namey(t) or _acronym(t)]
        if caps:
            run = caps
            group = text[run[0].start : run[-1].end]
            gname = (run[0].start, run[-1].end)
        else:
            orgs = [t for t in pre if bare(t.text) in cues.ORG_NOUNS]
            if orgs:
                group = orgs[-1].text
                gname = (orgs[-1].start, orgs[-1].end)
    return Source("anon", start, end, group=group, group_name=gname, group_pronoun=gpron, head=hb)


_NAME_WORD = r"(?:\p{Lu}\.|\p{Lu}[\p{L}\p{M}\p{N}'’-]*)"
_CAP_RUN = regex.compile(
    rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|(?:de|del|von|van|bin)(?=[ \t]+\p{{Lu}})))*"
)
_NON_SPACE = regex.compile(r"\S+")
_CAP_WORD = regex.compile(r"(?<![\p{L}\p{M}])\p{Lu}[\p{L}\p{M}]+(?:['’]s)?")


def _word_tokens(text: str, a: int, b: int) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end(), "w") for m in _NON_SPACE.finditer(text, a, b)]


def collect_mentions(text: str, sentences: list[Sentence], lang: str) -> list[Mention]:
    """Person mentions in reading order (see the module docstring)."""
    starts = [s.start for s in sentences]
    qspans = sorted((q.start, q.end) for s in sentences for q in s.quotes)
    qstarts = [q[0] for q in qspans]

    def where(pos: int) -> tuple[int, bool]:
        si = max(0, bisect.bisect_right(starts, pos) - 1)
        qi = bisect.bisect_right(qstarts, pos) - 1
        return si, qi >= 0 and qspans[qi][0] <= pos < qspans[qi][1]

    found: list[Mention] = []
    parts: set[str] = set()
    for m in _CAP_RUN.finditer(text):
        run = _word_tokens(text, m.start(), m.end())
        if len(run) < 2:
            continue
        for n in range(len(run) - 1, 0, -1):
            # "UT’s Lt Governor G C Murmu": the name after a possessive or a title inside
            # the run
            b = bare(run[n - 1].text)
            if _POSSESSIVE.search(run[n - 1].text) or b.rstrip(".") in cues.TITLE_WORDS:
                if len(run) - n >= 2:
                    run = run[n:]
                break
        r = trim_name(run, lang)
        names = [x for x in r if _namey(x) or (len(x.text) == 2 and x.text.endswith("."))]
        if (
            len(r) >= 2
            and len(names) == len(r)
            and not any(bare(x.text) in _NON_PERSON for x in r)
            and not any(_acronym(x) for x in r)
        ):
            end = r[-1].start + len(_POSSESSIVE.sub("", r[-1].text))
            si, inq = where(r[0].start)
            found.append(Mention(text[r[0].start : end], r[0].start, end, si, inq))
            parts.update(bare(x.text) for x in r if len(x.text) > 2)
    covered = sorted((f.start, f.end) for f in found)
    cstarts = [c[0] for c in covered]
    for m in _CAP_WORD.finditer(text):
        w = _POSSESSIVE.sub("", m.group(0))
        if w.lower() not in parts:
            continue
        ci = bisect.bisect_right(cstarts, m.start()) - 1
        if ci >= 0 and covered[ci][0] <= m.start() < covered[ci][1]:
            continue
        si, inq = where(m.start())
        found.append(Mention(w, m.start(), m.start() + len(w), si, inq))
    found.sort(key=lambda x: x.start)
    return found


_MIDCAP = regex.compile(r"(?<=[\p{Ll}\p{N},;:)’'][ \t]+)\p{Lu}[\p{L}\p{M}'’-]*")


def midsentence_caps(text: str) -> frozenset[str]:
    """Capitalised words seen somewhere other than at a sentence start."""
    return frozenset(m.group(0) for m in _MIDCAP.finditer(text))
