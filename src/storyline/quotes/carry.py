"""Speakers carried over from the claims before: "he added", "the DM said", a quote alone.

News reports introduce a speaker once and go on with "he said", "the official added" or a
quotation paragraph of its own. The attribution rules resolve what they can inside the
sentence; :func:`carry_speakers` then gives a claim still without a speaker the speaker of
the nearest earlier claim that has one, when it is close enough:

* a pronoun or role source ("he", "she", "the DM", "the minister") — within
  :data:`PRONOUN_REACH` characters;
* an unattributed quotation — within :data:`QUOTE_REACH` characters (the next paragraph);
* a "speaker" that is a place (``Vellore`` from "the former principal of Christian Medical
  College, Vellore, said") is no speaker: treated as a role.

A claim left without a speaker keeps its source phrase ("he"), so views say the pronoun is
unresolved instead of guessing. Anonymous claims ("officials said") are never filled.
"""

from __future__ import annotations

from storyline.entities.gazetteer import ENTRIES
from storyline.quotes.claim import Claim

__all__ = ["PRONOUN_REACH", "QUOTE_REACH", "carry_speakers"]

PRONOUN_REACH = 1500
QUOTE_REACH = 600
_PLACES = frozenset(f.casefold() for e in ENTRIES if e.type == "PLACE" for f in (*e.latin, *e.deva))


def _is_place(name: str | None) -> bool:
    return bool(name) and name.strip().casefold() in _PLACES  # type: ignore[union-attr]


def carry_speakers(claims: list[Claim]) -> list[Claim]:
    """Fill missing speakers in place (claims in text order); returns the list."""
    last: Claim | None = None
    for c in claims:
        if c.speaker and _is_place(c.speaker) and not c.anonymous:
            c.speaker = c.speaker_start = c.speaker_end = None
            c.attribution = "role"
        if c.anonymous:
            continue
        if c.speaker is None and last is not None:
            reach = QUOTE_REACH if c.attribution in ("none", "continuation") else PRONOUN_REACH
            if c.attribution in ("pronoun", "role", "none", "continuation", "anaphora") and (
                c.start - last.end <= reach
            ):
                c.speaker = last.speaker
                c.speaker_start, c.speaker_end = last.speaker_start, last.speaker_end
                if c.attribution == "none":
                    c.attribution = "continuation"
        if c.speaker:
            last = c
    return claims
