"""Cutting capitalised runs of Latin-script words into names (used by
:mod:`storyline.entities.latin`):

* at hyphens joining two standalone names ("Mehra-Chandel", "India-Europe");
* at "of" between a person and an organisation or place ("Harish Chandel of Madhyanchal",
  "Sunil Kumar Aledia of Centre for …"), but not inside an organisation's or a place's name
  ("Ministry of Home Affairs", "Association of Ludhiana", "Bay of Bengal");
* before a role phrase that is followed by a name, when a place or body comes first
  ("Udhampur Deputy Commissioner Piyush Singla" → "Udhampur" + "Deputy Commissioner …").
"""

from __future__ import annotations

from itertools import pairwise

from storyline.entities.lexicon import (
    LATIN_ORG_HEADS,
    LATIN_PLACE_HEADS,
    LATIN_ROLE_HEADS,
    LATIN_ROLE_MODIFIERS,
)
from storyline.entities.personal import is_given, is_surname
from storyline.entities.tokens import Token, gazetteer_index


def _low(t: Token) -> str:
    return t.text.lower()


def _is_word_part(w: str) -> bool:
    """A word that may stand alone on either side of a hyphen ("India-Europe")."""
    ix = gazetteer_index()
    return (w,) in ix.latin or is_surname(w)


def split_hyphens(toks: list[Token], run: list[int]) -> list[list[int]]:
    """Cut a run at hyphens joining two standalone names ("Mehra-Chandel", "India-Europe")."""
    out: list[list[int]] = [[run[0]]]
    for a, b in pairwise(run):
        if (toks[b].gap_before == "-" and _is_word_part(toks[a].text)
                and _is_word_part(toks[b].text)):
            out.append([b])
        else:
            out[-1].append(b)
    return out


def split_of(toks: list[Token], run: list[int]) -> list[list[int]]:
    """Cut "Harish Chandel of Madhyanchal" at "of" unless the run names an organisation or
    place by its head ("Ministry of Home Affairs", "Bay of Bengal")."""
    low = [_low(toks[k]) for k in run]
    if "of" not in low[1:-1]:
        return [run]
    cut = low.index("of")
    if low[cut - 1] in LATIN_ORG_HEADS:
        return [run]  # "Fasteners Suppliers Association of Ludhiana"
    person = cut >= 2 and is_given(toks[run[0]].text) and not any(
        w in LATIN_ORG_HEADS | LATIN_PLACE_HEADS for w in low[:cut])
    if not person and (low[0] in LATIN_ORG_HEADS | LATIN_PLACE_HEADS
                       or low[-1] in LATIN_ORG_HEADS | LATIN_PLACE_HEADS):
        return [run]
    return [run[:cut], run[cut + 1 :]]  # "Sunil Kumar Aledia of Centre …" is a person


def split_before_role(toks: list[Token], run: list[int], titles: frozenset[str]
                       ) -> list[list[int]]:
    """"Udhampur Deputy Commissioner Piyush Singla", "UT Lt Governor G C Murmu": a place or
    body written before a role phrase that is followed by a name is a run of its own, so
    the name after the role is not lost in a run too long to be one name."""
    low = [_low(toks[k]).rstrip(".") for k in run]
    heads = [p for p, w in enumerate(low) if w in LATIN_ROLE_HEADS]
    if not heads or not 1 <= len(run) - heads[-1] - 1 <= 4:
        return [run]
    h = heads[-1]
    p = h
    while p > 0 and (low[p - 1] in LATIN_ROLE_MODIFIERS | LATIN_ROLE_HEADS or low[p - 1] in titles):
        p -= 1
    if p == 0:
        return [run]
    return [run[:p], run[p:]]
