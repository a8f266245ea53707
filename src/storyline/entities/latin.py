"""Latin-script mention candidates: gazetteer hits and capitalised runs (see ``mentions``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from storyline.entities.latin_split import split_before_role, split_hyphens, split_of
from storyline.entities.lexicon import (
    FRENCH_TITLES,
    LATIN_COMMON,
    LATIN_CONNECTORS,
    LATIN_EVENT_HEADS,
    LATIN_EVENT_TAILS,
    LATIN_NEVER,
    LATIN_ORG_AFTER,
    LATIN_ORG_HEADS,
    LATIN_ORG_ROLE_AFTER,
    LATIN_PLACE_AFTER,
    LATIN_PLACE_HEADS,
    LATIN_PLACE_ROLE_AFTER,
    LATIN_ROLE_HEADS,
    LATIN_ROLE_MODIFIERS,
    LATIN_TITLES,
    ROLE_ALIASES,
    word_set,
)
from storyline.entities.personal import is_given, is_surname
from storyline.entities.tokens import Token, gazetteer_index, joined

if TYPE_CHECKING:
    from storyline.entities.mentions import Candidate, KnownLookup

_PLACE_PREPS = word_set("""
in at from near across en à dans nach aus bei
""")
_CAPITAL_WORDS = frozenset(["capital", "capitale", "hauptstadt"])
_MONTHS = word_set("""
january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec enero febrero marzo abril
mayo junio julio agosto septiembre octubre noviembre diciembre janvier février mars
avril mai juin juillet août septembre octobre novembre décembre januar februar märz
juni juli oktober dezember
""")
_PLACE_NOUNS = word_set("""
state city district town village province region estado ciudad état ville région
province provincia distrito
""")
_ROLE_WORDS = LATIN_ROLE_HEADS | LATIN_ROLE_MODIFIERS | {
    w for a in ROLE_ALIASES for w in a.split()}
# Heads that name a government: "Gobierno de Madhyanchal" is a mention of Madhyanchal.
_GOVT_HEADS = frozenset(["government", "govt", "gobierno", "gouvernement", "regierung"])
_DETERMINERS = frozenset(["the", "a", "an", "el", "la", "le", "les", "der", "die", "das"])
_MAX_NAME = 6
_CONTRACTION = re.compile(r"['’](?:m|re|ve|ll|d|t)$", re.IGNORECASE)


_KEEP = LATIN_ROLE_HEADS | LATIN_ROLE_MODIFIERS | LATIN_ORG_HEADS | LATIN_PLACE_HEADS
_STRIP_LAST = (LATIN_COMMON | LATIN_CONNECTORS) - _KEEP
# Heads after which a place name is better kept apart ("Punjab Government" -> Punjab).
_NOT_WHOLE = frozenset(["government", "govt", "cabinet", "congress"])
# Words of LATIN_NEVER cut off the front of a longer run ("État du Madhyanchal"); demonyms
# stay, as they start names ("Indian Space Exploration Agency" is taken whole earlier).
_STRIP_NEVER = frozenset(["état", "etat", "estado", "staat", "gobierno", "gouvernement"])


def _low(t: Token) -> str:
    return t.text.lower()


def _strip_first(t: Token, titles: frozenset[str], lower_seen: set[str],
                 nxt: Token | None = None) -> bool:
    """Whether the first word of a capitalised run is a function or sentence-start word."""
    w = _low(t)
    if w in titles or w in _KEEP:
        return False
    if (len(t.text) == 1 and "B" <= t.text <= "Z" and nxt is not None and len(nxt.text) == 1
            and "A" <= nxt.text <= "Z"):
        return False  # two initials ("Y V Eswar Rao"), not the Spanish "y"
    if t.initial and len(w) > 5 and (w.endswith("ing") or w.endswith("ly")):
        return True  # "Seeing", "Notably"
    return w in LATIN_COMMON or w in LATIN_CONNECTORS or (t.initial and w in lower_seen)


def _role_of(words: list[str]) -> str | None:
    """Canonical role of a role phrase (its longest known ending), or its head word."""
    low = [w.lower() for w in words]
    for k in range(len(low)):
        phrase = " ".join(low[k:])
        if phrase in ROLE_ALIASES:
            return ROLE_ALIASES[phrase]
    return low[-1] if low and low[-1] in LATIN_ROLE_HEADS else None


def _role_before(toks: list[Token], i: int) -> str | None:
    """A lower-case role phrase right before token i ("spokesperson", "chief minister")."""
    words: list[str] = []
    k = i - 1
    while k >= 0 and len(words) < 3 and not toks[k].deva and toks[k].text.islower():
        if not joined(toks, k, k + 2):
            break
        words.insert(0, toks[k].text)
        k -= 1
    while words:
        role = _role_of(words)
        if role and words[-1].lower() in LATIN_ROLE_HEADS | set(ROLE_ALIASES):
            return role
        if role and " ".join(words).lower() in ROLE_ALIASES:
            return role
        words = words[1:]
    return None


def _role_after(toks: list[Token], j: int) -> str | None:
    """An appositive role after a name: "Harish Chandel, the chief minister"."""
    if j >= len(toks) or "," not in toks[j].gap_before:
        return None
    k = j + 1 if _low(toks[j]) in _DETERMINERS else j
    words: list[str] = []
    while k < len(toks) and len(words) < 3 and not toks[k].deva:
        w = _low(toks[k])
        if w not in _ROLE_WORDS or (words and not joined(toks, k - 1, k + 1)):
            break
        words.append(toks[k].text)
        k += 1
        role = _role_of(words)
        if role:
            return role
    return None


def _context_type(toks: list[Token], idx: list[int]) -> tuple[str, float] | None:
    """Type suggested by the words around a name ("in X", "X district", "X chief minister")."""
    nxt = idx[-1] + 1
    after = _low(toks[nxt]) if nxt < len(toks) and joined(toks, nxt - 1, nxt + 1) else ""
    if after in LATIN_PLACE_AFTER:
        return "PLACE", 2.0
    if after in LATIN_ORG_AFTER:
        return "ORG", 2.0
    if after in LATIN_PLACE_ROLE_AFTER and toks[nxt].text.islower() | (after == "cm"):
        return "PLACE", 1.0
    if after in LATIN_ORG_ROLE_AFTER and (toks[nxt].text.islower() or after in ("mp", "mla")):
        return "ORG", 1.0
    if _dateline(toks, idx):
        return "PLACE", 2.0
    prev = idx[0] - 1
    if prev >= 0:
        before = _low(toks[prev])
        if before in _PLACE_PREPS and joined(toks, prev, prev + 2):
            return "PLACE", 0.7
        if before in _CAPITAL_WORDS:
            return "PLACE", 1.0
        if before in ("of", "de", "du", "del", "des") and prev >= 1 and (
                _low(toks[prev - 1]) in _PLACE_NOUNS):
            return "PLACE", 2.0  # "the state of X", "l'État du X"
    return None


def _dateline(toks: list[Token], idx: list[int]) -> bool:
    """A dateline place: "KESARGANJ, Feb 26 (UNS)", "NEW DELHI: ...", "Pune, March 3"."""
    first, nxt = idx[0], idx[-1] + 1
    if (first > 0 and "\n" not in toks[first].gap_before) or nxt >= len(toks):
        return False
    gap, after = toks[nxt].gap_before, toks[nxt].text
    if ":" in gap and all(toks[k].upper for k in idx):
        return True
    if "," not in gap:
        return False
    if after.lower().rstrip(".") in _MONTHS:
        return True
    return after.isdigit() and nxt + 1 < len(toks) and toks[nxt + 1].text.lower() in _MONTHS


def _age(toks: list[Token], idx: list[int]) -> bool:
    """A person's age in apposition: "Mehra, 46, made his name"."""
    nxt = idx[-1] + 1
    return (nxt + 1 < len(toks) and toks[nxt].gap_before.strip() == ","
            and toks[nxt].text.isdigit() and len(toks[nxt].text) <= 2
            and toks[nxt + 1].gap_before.strip() == ",")


def _classify(toks: list[Token], idx: list[int], title: str | None, role: str | None,
              lang: str, known: KnownLookup | None) -> tuple[str, str, float] | None:
    words = [toks[k].text for k in idx]
    low = [w.lower() for w in words]
    if all(w in LATIN_NEVER or w in LATIN_COMMON for w in low):
        return None
    known_type = known(tuple(words)) if known else None
    if title:
        return "PERSON", "title", 3.0
    if len(words) == 1 and (low[0].rstrip(".") in LATIN_TITLES or low[0] in LATIN_ROLE_HEADS):
        return None  # a title or role word alone names no one
    if len(words) == 1 and toks[idx[0]].upper and len(words[0]) <= 7:
        return known_type or "ORG", "acronym", 0.2 if known_type else 1.0
    if len(words) == 1 and (low[0] in LATIN_ORG_HEADS or low[0] in LATIN_PLACE_HEADS):
        return None  # "Assembly", "Party", "Court" alone are common nouns
    if len(words) > 1 and (low[0] in LATIN_EVENT_HEADS or low[-1] in LATIN_EVENT_TAILS):
        return "OTHER", "head", 3.0
    if len(words) > 1 and all(toks[k].upper for k in idx) and not _dateline(toks, idx):
        return None  # shouting ("PLZ BOYCOTT PRINT"), not a name
    if len(words) > 1 and (low[-1] in LATIN_ORG_HEADS or low[0] in LATIN_ORG_HEADS):
        return "ORG", "head", 3.0
    if len(words) > 1 and low[-1] in LATIN_PLACE_HEADS:
        return "PLACE", "head", 3.0
    ctx = _context_type(toks, idx)
    if ctx and ctx[1] >= 2.0:
        return ctx[0], "head", ctx[1]
    if role:
        return "PERSON", "role", 2.5
    if _age(toks, idx):
        return "PERSON", "role", 2.0
    if known_type:
        return known_type, "known", 0.2  # an echo of earlier evidence, not new evidence
    hyphen = any(toks[k].gap_before == "-" for k in idx[1:])
    if hyphen:
        return "OTHER", "caps", 0.5  # "Chandra-Lumen": not how people's names are written
    if len(words) > 1 and (is_given(words[0]) or is_surname(words[-1], ambiguous=True)):
        return "PERSON", "names", 2.0
    if len(words) == 1 and is_surname(words[0]):
        return "PERSON", "names", 1.5
    if lang == "de":
        return None  # every German noun is capitalised: no evidence, no mention
    if _geo_place(words):
        return "PLACE", "geo", 1.5
    if ctx:
        return ctx[0], "caps", ctx[1]
    if 1 < len(words) <= 4:
        return "PERSON", "caps", 0.5
    return ("OTHER", "caps", 0.3) if len(words) == 1 else None


_GEO_MIN_POPULATION = 50_000


def _geo_place(words: list[str]) -> bool:
    """A capitalised name with no other evidence that GeoNames knows as a country, a
    region or district, or a town of 50,000+ (``resources/places.tsv.gz``), and that is
    not also a personal name ("Laos", "Yavatmal", "Wardha"; not "Kumar")."""
    if len(words) == 1 and (is_given(words[0]) or is_surname(words[0], ambiguous=True)):
        return False
    if words[0].lower() in LATIN_COMMON or words[-1].lower() in LATIN_COMMON:
        return False
    from storyline.geo.gazetteer import gazetteer

    return any(p.kind != "city" or p.population >= _GEO_MIN_POPULATION
               for p in gazetteer().lookup(" ".join(words)))


def _abbrev_joined(toks: list[Token], k: int, titles: frozenset[str]) -> bool:
    """Token k follows an abbreviation ("Sh. Prashant", "S. Venkatesh") on the same line."""
    prev = toks[k - 1]
    if toks[k].gap_before not in (". ", ".", ".\u00a0"):
        return False
    return prev.text.lower() in titles or (len(prev.text) == 1 and prev.text.isupper())


def _runs(toks: list[Token], used: list[bool], titles: frozenset[str]) -> list[list[int]]:
    runs: list[list[int]] = []
    cur: list[int] = []
    n = len(toks)
    k = 0
    while k < n:
        t = toks[k]
        ok = not t.deva and not used[k] and t.cap and not _CONTRACTION.search(t.text) and not (
            k + 1 < n and toks[k + 1].gap_before == "-" and toks[k + 1].text[:1].islower())
        if (ok and cur and not joined(toks, cur[-1], k + 1, strict=True)
                and not (cur[-1] == k - 1 and _abbrev_joined(toks, k, titles))):
            runs.append(cur)
            cur = []
        if ok:
            cur.append(k)
        elif t.text[:1].islower() and t.gap_before == "-" and cur and cur[-1] == k - 1:
            cur.pop()  # "European-built": an adjective, not a name
            runs.append(cur)
            cur = []
        elif (cur and not t.deva and not used[k] and _low(t) in LATIN_CONNECTORS and k + 1 < n
              and toks[k + 1].cap and not toks[k + 1].deva and not used[k + 1]
              and joined(toks, cur[-1], k + 2, strict=True)):
            cur.append(k)
        elif cur:
            runs.append(cur)
            cur = []
        k += 1
    if cur:
        runs.append(cur)
    return runs


def _gazetteer(toks: list[Token], used: list[bool]) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    gaz = gazetteer_index()
    out: list[Candidate] = []
    n = len(toks)
    i = 0
    while i < n:
        longest = (gaz.first.get(toks[i].text, 0) or gaz.first.get(toks[i].text.lower(), 0)
                   or gaz.first.get(toks[i].text.capitalize(), 0))
        if toks[i].deva or not longest:
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            if not joined(toks, i, i + size) or any(t.deva for t in toks[i : i + size]):
                continue
            words = tuple(t.text for t in toks[i : i + size])
            e = gaz.latin.get(words) or gaz.latin_lower.get(tuple(w.lower() for w in words))
            if e is None and (size > 1 or len(words[0]) > 3) and all(
                    t.upper for t in toks[i : i + size]):
                e = gaz.latin.get(tuple(w.capitalize() for w in words))  # "NEW DELHI"
            if e is None:
                continue
            out.append(Candidate(i, i + size, e.type, "gazetteer", 5.0, 6, lex_id=e.lex_id))
            for k in range(i, i + size):
                used[k] = True
            i += size - 1
            break
        i += 1
    return out


def _named_after_place(toks: list[Token], idx: list[int], titles: frozenset[str]) -> bool:
    """A word before a country or city that makes a name of its own ("Air India",
    "Team India"), not a qualifier of the place ("North Delhi") or a person's title."""
    gaz = gazetteer_index()
    first, place = toks[idx[0]], toks[idx[1]]
    entry = gaz.latin.get((place.text,))
    if entry is None or entry.type != "PLACE" or (first.text,) in gaz.latin:
        return False
    w = _low(first)
    if w in LATIN_NEVER or w in LATIN_COMMON or w in titles or w in _ROLE_WORDS:
        return False
    return not (first.initial or is_given(first.text) or is_surname(first.text, ambiguous=True))


def _org_runs(toks: list[Token], titles: frozenset[str], used: list[bool], lang: str
              ) -> list[Candidate]:
    """Organisation names that contain a gazetteer name ("Indian Space Exploration Agency",
    "Delhi Police"): taken whole before the gazetteer would cut them up."""
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    for run in _runs(toks, [False] * len(toks), titles):
        idx = list(run)
        while idx and _low(toks[idx[0]]) in LATIN_COMMON - _KEEP:
            idx.pop(0)
        if len(idx) < 2 or len(idx) > _MAX_NAME:
            continue
        low = [_low(toks[k]) for k in idx]
        of = low.index("of") if "of" in low[1:-1] else 0
        if of and (low[of - 1] in LATIN_ORG_HEADS or low[of - 1] in _GOVT_HEADS) and (
                len(idx) - of - 1 <= 3 and low[-1] not in LATIN_ROLE_HEADS):
            # "Fasteners Suppliers Association of Ludhiana", "Government of India": the
            # place is part of the organisation's name
            out.append(Candidate(idx[0], idx[-1] + 1, "ORG", "head", 3.0, 7))
            for k in idx:
                used[k] = True
            continue
        if low[-1] in _NOT_WHOLE or low[-1] in LATIN_ROLE_HEADS or low[0] in _GOVT_HEADS:
            continue
        if len(split_of(toks, idx)) > 1:
            continue  # "Sunil Kumar Aledia of Centre …": a person of an organisation
        if low[-1] in LATIN_ORG_HEADS or (low[0] in LATIN_ORG_HEADS and len(idx) >= 3):
            out.append(Candidate(idx[0], idx[-1] + 1, "ORG", "head", 3.0, 7))
            for k in idx:
                used[k] = True
        elif len(idx) == 2 and lang != "de" and _named_after_place(toks, idx, titles):
            out.append(Candidate(idx[0], idx[-1] + 1, "ORG", "caps", 1.0, 7))
            used[idx[0]] = used[idx[1]] = True
    return out


def _role_nouns(toks: list[Token]) -> list[Candidate]:
    """Lower-case role mentions standing for a person: "the chief minister", "le président"
    (not when a name follows: that is handled as a cue)."""
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    for i, t in enumerate(toks):
        if t.deva or _low(t) not in _DETERMINERS:
            continue
        for size in (3, 2, 1):
            j = i + 1 + size
            if j > len(toks) or not joined(toks, i, j, strict=True):
                continue
            words = [toks[k].text for k in range(i + 1, j)]
            if not all(w.islower() for w in words) or " ".join(words) not in ROLE_ALIASES:
                continue
            if j < len(toks) and toks[j].cap and joined(toks, j - 1, j + 1, strict=True):
                break  # "the chief minister Harish Chandel"
            out.append(Candidate(i + 1, j, "PERSON", "role", 1.0, 2,
                                 role=ROLE_ALIASES[" ".join(words)], is_role=True))
            break
    return out


def candidates(text: str, toks: list[Token], lang: str, known: KnownLookup | None
               ) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    titles = LATIN_TITLES | (FRENCH_TITLES if lang == "fr" else frozenset())
    used = [False] * len(toks)
    out = _org_runs(toks, titles, used, lang)
    out += _gazetteer(toks, used)
    lower_seen = {t.text.lower() for t in toks if not t.deva and t.text[:1].islower()}
    caps_mid = {t.text for t in toks if not t.deva and t.cap and not t.initial}
    runs = [part for run in _runs(toks, used, titles) for part in split_hyphens(toks, run)]
    runs = [part for run in runs for part in split_of(toks, run)]
    runs = [part for run in runs for part in split_before_role(toks, run, titles)]
    out += _role_nouns(toks)
    for run in runs:
        idx = list(run)
        # leading function words and sentence-initial common words are not names
        while idx and (_strip_first(toks[idx[0]], titles, lower_seen,
                                    toks[idx[1]] if len(idx) > 1 else None) or (len(idx) > 1 and (
                _low(toks[idx[0]]) in _GOVT_HEADS or _low(toks[idx[0]]) in _STRIP_NEVER))):
            idx.pop(0)
        if (len(idx) >= 3 and toks[idx[0]].initial and toks[idx[0]].text not in caps_mid
                and not is_given(toks[idx[0]].text)
                and _low(toks[idx[0]]) not in titles | LATIN_ROLE_HEADS | LATIN_ROLE_MODIFIERS
                and (is_given(toks[idx[1]].text) or is_surname(toks[idx[-1]].text))):
            idx.pop(0)  # "Opener Omkar Jadhav": a capitalised noun starting the sentence
        while idx and _low(toks[idx[-1]]) in _STRIP_LAST:
            idx.pop()
        if not idx:
            continue
        # a role phrase inside the run: "Union Health Minister Harsh Vardhan", "The CM"
        role = None
        heads = [p for p, k in enumerate(idx) if _low(toks[k]) in LATIN_ROLE_HEADS]
        if heads:
            h = heads[-1]
            mods = idx[:h]
            if all(_low(toks[k]) in LATIN_ROLE_MODIFIERS | LATIN_ROLE_HEADS | LATIN_NEVER
                   or _low(toks[k]).rstrip(".") in titles or toks[k].upper for k in mods):
                role = _role_of([toks[k].text for k in idx[: h + 1]])
                if h == len(idx) - 1:
                    out.append(Candidate(idx[0], idx[-1] + 1, "PERSON", "role", 1.0, 3,
                                         role=role, is_role=True))
                    continue
                idx = idx[h + 1 :]
        role = role or _role_before(toks, idx[0])
        title = None
        while idx and _low(toks[idx[0]]).rstrip(".") in titles and len(idx) > 1:
            title = toks[idx[0]].text
            idx.pop(0)
        while title and len(idx) > 1 and _low(toks[idx[0]]) in LATIN_ROLE_HEADS:
            idx.pop(0)  # "Lt Governor G C Murmu": the rank, then the role, then the name
        if title and all(_low(toks[k]).rstrip(".") in titles | LATIN_ROLE_HEADS
                         | LATIN_ROLE_MODIFIERS for k in idx):
            continue  # "the Lt Governor", "Gen": a title names no one
        if len(idx) > _MAX_NAME:
            continue
        role = role or _role_after(toks, idx[-1] + 1)
        cls = _classify(toks, idx, title, role, lang, known)
        if cls is None and lang == "de" and len(idx) > 1:
            # "der Stadt Gopalpur", "den Krater Malapert": a noun, then a name
            for k in range(1, len(idx)):
                cls = _classify(toks, idx[k:], None, None, lang, known)
                if cls is not None:
                    idx = idx[k:]
                    break
        if cls is None:
            continue
        typ, evidence, weight = cls
        first = toks[idx[0]]
        uncertain = all(toks[k].initial for k in idx)
        if uncertain and evidence in ("caps",) and len(idx) == 1 and first.text not in caps_mid:
            continue
        if uncertain and len(idx) > 3 and evidence == "caps":
            continue
        if typ != "PERSON":
            role = None
        out.append(Candidate(idx[0], idx[-1] + 1, typ, evidence, weight, 4, role=role,
                             title=title,
                             acronym=first.text if evidence == "acronym" else None))
    return out
