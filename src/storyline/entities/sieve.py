"""Last pass over Latin-script mentions on real news: whole names, and no common words.

The capitalised-phrase rules of :mod:`storyline.entities.latin` cut and over-collect on real
news. This pass, run at the end of :func:`storyline.entities.mentions.extract_mentions`:

* **joins names cut at a conjunction or "of"** — "Ministry of Health" + "and" + "Family
  Welfare" is the *Ministry of Health and Family Welfare*; "All India Institute" + "of" +
  "Medical Sciences" one institute — when the first part is an organisation (an
  organisation head word, or "X of Y") and the second has no name evidence of its own;
* **drops capitalised common words** — a phrase whose every word is an ordinary English
  word (``resources/en_common.txt.gz``, built from corpus statistics by
  ``scripts/build_en_common.py``), or an organisation head with only such words before it:
  "Medical College", "Civil Hospital", "State Governments", "Family Welfare", "Former".
  A gazetteer entry, a name the caller already knows, or a person's title keeps it;
* **drops products and codes** — apps and platforms (WhatsApp, Aarogya Setu: products, not
  news actors) and acronyms with digits (FY20) or that spell a common word (HOURS).
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import replace
from functools import lru_cache
from importlib import resources

import regex

from storyline.entities.keys import name_key
from storyline.entities.lexicon import LATIN_ORG_HEADS, LATIN_ROLE_MODIFIERS
from storyline.entities.mentions import Mention
from storyline.entities.personal import is_given

logger = logging.getLogger(__name__)

__all__ = ["PRODUCTS", "common_words", "sieve"]

# apps, platforms and products: not news actors (the gold rules of the project say so)
PRODUCTS = frozenset(w.casefold() for w in (
    "WhatsApp", "Facebook", "Twitter", "Instagram", "YouTube", "Telegram", "TikTok", "Zoom",
    "Aarogya Setu", "Google Meet", "Skype", "Signal", "Snapchat", "LinkedIn", "Koo",
    "ShareChat", "Netflix", "Amazon Prime", "Hotstar", "Paytm", "PhonePe", "Google Pay",
    "Android", "iPhone", "Windows",
))
_FUNCTION = frozenset(["of", "and", "the", "&", "for", "in", "on", "to", "a", "an"])
# modifiers that make an organisation head generic ("National Institute", "Government
# Hospital") unless a name word comes with them
_GENERIC_WORDS = """national state central union district municipal regional general government govt
civil medical public private local indian international primary community new main city town
village zonal divisional special senior junior ut"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
_KEEPING_EVIDENCE = frozenset(["gazetteer", "known", "title", "names", "partial"])


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Ordinary English words (lower case), from the shipped corpus statistics."""
    try:
        ref = resources.files("storyline.resources").joinpath("en_common.txt.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            return frozenset(w.strip() for w in fh if w.strip() and not w.startswith("#"))
    except FileNotFoundError:
        logger.warning("en_common.txt.gz missing: capitalised common words are kept")
        return frozenset()


def _content(m: Mention) -> list[str]:
    return [w for w in m.surface.replace("-", " ").split() if w.casefold() not in _FUNCTION]


def _orgish(m: Mention) -> bool:
    low = [w.casefold() for w in m.surface.split()]
    return m.type == "ORG" or (len(low) > 1 and (low[-1] in LATIN_ORG_HEADS
                                                 or low[0] in LATIN_ORG_HEADS))


def _weak(m: Mention) -> bool:
    return m.lex_id is None and m.evidence not in _KEEPING_EVIDENCE and not m.is_role



def _joined_org(text: str, prev: Mention, m: Mention) -> Mention:
    """``prev`` and ``m`` with the text between them, as one organisation."""
    surface = text[prev.start : m.end]
    key = " ".join(name_key(tuple(surface.replace("-", " ").split())))
    return replace(prev, surface=surface, end=m.end, type="ORG", key=key,
                   evidence="head", lex_id=None, weight=max(prev.weight, 1.5))

def _join(text: str, ms: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in ms:
        if out and m.script == "Latn" and out[-1].script == "Latn":
            prev = out[-1]
            gap = text[prev.end : m.start]
            low_prev = prev.surface.casefold().split()
            joins_and = gap in (" and ", " & ") and " of " in prev.surface and _weak(m)
            joins_of = (gap == " of " and low_prev and low_prev[-1] in LATIN_ORG_HEADS
                        and _weak(m) and m.type != "PLACE")
            if (joins_and or joins_of) and _orgish(prev) and not prev.is_role:
                out[-1] = _joined_org(text, prev, m)
                continue
        out.append(m)
    return out


# heads of unique governing bodies: "Health Ministry", "Railway Board", "World Bank" are
# names although every word is ordinary; "Medical College", "Civil Hospital" are not
_BODY_HEAD_WORDS = """ministry board commission bank council court guards guard police army navy
force tribunal assembly parliament cabinet secretariat directorate bureau agency authority
federation"""
_BODY_HEADS = frozenset(_BODY_HEAD_WORDS.split())


def _generic(m: Mention, common: frozenset[str]) -> bool:
    words = _content(m)
    if not words or not common:
        return False
    low = [w.casefold().strip(".,’'") for w in words]
    if len(low) >= 2 and low[-1] in _BODY_HEADS:
        return False
    if m.type == "PERSON" and m.evidence == "caps" and len(low) >= 2 and any(
            w in common for w in low) and not is_given(words[0]):
        return True  # "Tenth Sikh", "Sheep Husbandary", "United Cycle": not a person's name
    if all(w in common for w in low):
        return True
    # an organisation head with only generic/common words before (or after) it
    if m.type == "ORG" and low[-1] in LATIN_ORG_HEADS and len(low) <= 3:
        return all(w in common or w in _GENERIC for w in low[:-1])
    if m.type == "ORG" and low[0] in LATIN_ORG_HEADS and len(low) <= 3:
        return all(w in common or w in _GENERIC for w in low[1:])  # "Union Territory"
    return False


_PLACE_PREP = regex.compile(
    r"(?:\b(?:in|at|near|from|across|outside|around|towards|via|between|and|of)\s+(?:the\s+)?$)",
    regex.I,
)


def _place_cue(text: str, m: Mention) -> bool:
    """An untyped name after a locative preposition ("in Yavatmal", "near Bathinda")."""
    before = text[max(0, m.start - 16) : m.start]
    if not _PLACE_PREP.search(before):
        return False
    if regex.search(r"\band\s+$", before, regex.I):  # "Wardha, Yavatmal and Amravati"
        return regex.search(r"\b(?:in|at|near|from)\s+[A-Z]", text[max(0, m.start - 80) :
                                                                m.start]) is not None
    return not regex.search(r"\bof\s+$", before) or m.start - 16 < 0


# honorifics and titles written before a person's name that are not part of it
_HONORIFIC_WORDS = """giani mufti maulana jathedar sant swami pandit pt dr baba sadhvi acharya
mahant sheikh haji hafiz sardar shri smt kumari sri range mahatma"""
_HONORIFICS = frozenset(_HONORIFIC_WORDS.split())
_ACRONYM = regex.compile(r"[A-Z]{2,5}")


def _strip_titles(m: Mention, common: frozenset[str]) -> Mention:
    """"CMO Dr Ashok Shukla" → "Ashok Shukla"; "Giani Raghbir Singh" → "Raghbir Singh"."""
    words = m.surface.split(" ")
    k = 0
    while len(words) - k > 2 and (words[k].casefold().rstrip(".") in _HONORIFICS
                                  or _ACRONYM.fullmatch(words[k])
                                  or words[k].casefold() in common):
        k += 1
    last = max((n for n, w in enumerate(words[:-2]) if w.casefold().rstrip(".") in _HONORIFICS),
               default=-1)
    k = max(k, last + 1)  # "Akal Takht Jathedar Giani Harpreet Singh" → "Harpreet Singh"
    if k == 0:
        return m
    cut = len(" ".join(words[:k])) + 1
    surface = m.surface[cut:]
    key = " ".join(name_key(tuple(surface.replace("-", " ").split())))
    return replace(m, surface=surface, start=m.start + cut, key=key,
                   title=m.title or words[k - 1])


def _modifier_acronyms(text: str, ms: list[Mention]) -> set[str]:
    """Acronyms used mostly as a modifier of a lower-case noun ("ASHA workers", "PDS shops",
    "RNA extraction"): a kind of thing, not an organisation."""
    out: set[str] = set()
    for a in {m.surface for m in ms if m.script == "Latn" and _ACRONYM.fullmatch(m.surface)}:
        uses = [mm.end for mm in ms if mm.surface == a]
        mod = sum(1 for e in uses if regex.match(r"[\s-]+\d*\s*[a-z]{3,}", text[e : e + 20])
                  and not regex.match(r"\s+(?:and|or|of|in|on|at|to|for|with|said|has|have|had|"
                                      r"is|was|will|would|which|who|that|the|a|an)\b",
                                      text[e : e + 20]))
        if mod * 2 > len(uses):
            out.add(a)
    return out


_AGENT = regex.compile(
    r"(?<![\p{L}\p{M}])(?P<n>(?:[\p{Devanagari}]+\.?\s+){0,3}[\p{Devanagari}]+)\s+ने\s+"
    r"(?:[\p{Devanagari}]+\s+){0,6}?(?:कहा|बताया|बतलाया|दावा किया|जानकारी दी|आरोप लगाया)"
    r"(?![\p{L}\p{M}])"
)
_DEVA_TITLES = frozenset(["डॉ", "डॉ.", "डा.", "डा", "श्री", "श्रीमती", "सुश्री", "प्रो", "प्रो.",
                          "कुमारी", "स्व", "स्व."])


def _deva_agents(text: str, ms: list[Mention]) -> list[Mention]:
    """"सुनील दोहरे ने बताया": two or three uncommon words before the agent marker of a speech
    verb name a person (the extractor's lists miss most given names and surnames)."""
    from storyline.entities.lexicon import DEVA_NEVER, DEVA_ORG_HEADS, DEVA_PLACE_HEADS

    taken = [(m.start, m.end) for m in ms]
    out: list[Mention] = []
    for m in _AGENT.finditer(text):
        words = m.group("n").split()
        starts = [m.start("n") + x.start() for x in regex.finditer(r"\S+", m.group("n"))]
        k = len(words)
        # the name: the trailing words that are not common words, titles or heads
        while k > 0 and words[k - 1] not in DEVA_NEVER and words[k - 1] not in _DEVA_TITLES \
                and words[k - 1] not in DEVA_ORG_HEADS and words[k - 1] not in DEVA_PLACE_HEADS:
            k -= 1
        name = words[k:]
        if not 2 <= len(name) <= 3:
            continue
        a = starts[k]
        b = m.end("n")
        if any(x < b and a < y for x, y in taken):
            continue
        surface = text[a:b]
        key = " ".join(name_key(tuple(name)))
        if key:
            out.append(Mention(surface, a, b, "PERSON", "Deva", key, "agent", 1.0))
    return out


def _deva_generic(m: Mention) -> bool:
    """"स्वास्थ्य विभाग", "राजकीय मेडिकल कॉलेज": an organisation head after ordinary words."""
    from storyline.entities.lexicon import DEVA_NEVER, DEVA_ORG_HEADS

    words = m.surface.split()
    if m.type != "ORG" or m.lex_id is not None or m.evidence in ("gazetteer", "known", "acronym"):
        return False
    if len(words) < 2:
        return False
    return all(w in DEVA_NEVER or w in DEVA_ORG_HEADS or w in _DEVA_COMMONISH for w in words)


# everyday words the corpus list misses that come before organisation heads
_DEVA_COMMONISH = frozenset(["स्वास्थ्य", "मेडिकल", "स्वयंसेवी", "पुलिस", "जिला", "जिले", "नगर",
                             "सरकारी", "राज्य", "केंद्रीय", "अस्पताल", "कॉलेज", "विभाग"])


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" \t\"“‘'(")
    return not before or before[-1] in ".!?:\n"


def _acronym_names(text: str, ms: list[Mention]) -> list[Mention]:
    """"AIIMS Rishikesh", "MJP Rohilkhand University": an organisation's acronym written
    right before a place or an organisation is one organisation (its branch or its full
    name), not two entities."""
    out: list[Mention] = []
    for m in ms:
        prev = out[-1] if out else None
        if (prev is not None and m.script == "Latn" and prev.script == "Latn"
                and _ACRONYM.fullmatch(prev.surface) and prev.type in ("ORG", "OTHER")
                and text[prev.end : m.start] == " " and m.type in ("PLACE", "ORG")
                and not m.is_role and not _ACRONYM.fullmatch(m.surface)):
            out[-1] = _joined_org(text, prev, m)
            continue
        out.append(m)
    return out


_TITLE_WORD_LIST = """secretary governor commissioner collector minister president chairman
chief gen lt col capt maj brig justice director principal officer inspector superintendent
deputy additional joint assistant senior general union state district"""
_TITLE_WORDS = _HONORIFICS | frozenset(_TITLE_WORD_LIST.split())
# honorifics that never end a person's name ("Akal Takht Jathedar"); "Kumari" may
_TITLE_FINAL = frozenset(["jathedar", "giani", "mufti", "maulana", "mahant", "sadhvi",
                          "acharya", "pandit"])


def sieve(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions with Latin names joined and common words, products and codes dropped."""
    ms = _acronym_names(text, _join(text, mentions))
    if "ने" in text:
        ms = sorted([*ms, *_deva_agents(text, ms)], key=lambda m: m.start)
    modifiers = _modifier_acronyms(text, ms)
    common = common_words()
    out: list[Mention] = []
    for m in ms:
        if m.script == "Deva" and _deva_generic(m):
            continue
        if m.script != "Latn" or m.is_role:
            out.append(m)
            continue
        s = m.surface.casefold()
        if s in PRODUCTS or s.removeprefix("the ") in PRODUCTS:
            continue
        if (m.evidence == "known" and " " not in m.surface and m.surface.casefold() in common
                and _sentence_start(text, m.start)):
            continue  # "Compare it against …": a capitalised common word echoing a name
        if m.lex_id is not None or m.evidence in ("gazetteer", "known"):
            out.append(m)
            continue
        if m.surface in modifiers:
            continue
        if m.type == "PERSON":
            m = _strip_titles(m, common_words())
            low = [w.casefold().rstrip(".") for w in m.surface.split()]
            if low[-1] in _TITLE_FINAL or all(w in _TITLE_WORDS for w in low):
                continue  # "Akal Takht Jathedar", "Secretary", "Gen": a title, not a person
            if len(low) == 1 and low[0] in LATIN_ROLE_MODIFIERS and not is_given(m.surface):
                continue  # "Secretary Industries & Commerce": a portfolio, not a person
        words = m.surface.split()
        if len(words) == 1 and any(ch.isdigit() for ch in words[0]):
            continue  # FY20, CY20, COVID19: codes, not names
        if len(words) == 1 and words[0].isupper() and words[0].casefold() in common:
            continue  # "HOURS": a shouted common word
        if m.evidence not in ("title", "names", "partial") and _generic(m, common):
            continue
        if m.type == "OTHER" and m.evidence == "caps" and _place_cue(text, m):
            m = replace(m, type="PLACE", weight=0.7)
        out.append(m)
    return [_with_direction(text, m) for m in out]


_DIRECTION = regex.compile(r"(?:North|South|East|West|Central|Northern|Southern|Eastern|Western|"
                           r"North-East|North-West|South-East|South-West|Northeast) $")


def _with_direction(text: str, m: Mention) -> Mention:
    """"North Karnataka", "South Asia": a compass word right before a place is part of the
    place's name (the region), not a word of the sentence."""
    if m.type != "PLACE" or m.script != "Latn":
        return m
    d = _DIRECTION.search(text, max(0, m.start - 12), m.start)
    if d is None or d.end() != m.start:
        return m
    surface = text[d.start() : m.end]
    key = " ".join(name_key(tuple(surface.replace("-", " ").split())))
    return replace(m, surface=surface, start=d.start(), key=key, lex_id=None)
