"""Speakers carried over from the claims before: "he added", "the DM said", a quote alone.

News reports introduce a speaker once and go on with "he said", "the official added" or a
quotation paragraph of its own. The attribution rules resolve what they can inside the
sentence; :func:`carry_speakers` then gives a claim still without a speaker the speaker of
the nearest earlier claim that has one, when it is close enough:

* a pronoun or role source ("he", "she", "the DM", "the minister") — within
  :data:`PRONOUN_REACH` characters; a role first goes to the person an earlier sentence
  names with it ("Hardoi DM Pulkit Khare", "Pulkit Khare, the DM") when that mention is more
  recent than the previous speaker;
* an unattributed quotation — within :data:`QUOTE_REACH` characters (the next paragraph);
* a "speaker" that is a place (``Vellore`` from "the former principal of Christian Medical
  College, Vellore, said") is no speaker: treated as a role.

A document or unnamed body with an explicit attribution ("the revised guidelines said",
"according to the MHA statement") is its own speaker. A one-word speaker takes the fuller
name an earlier sentence gives it ("Deepa" → "Deepa Cholan"). A claim left without a speaker
keeps its source phrase ("he"), so views say the pronoun is unresolved instead of guessing.
Anonymous claims ("officials said") are never filled.
"""

from __future__ import annotations

import regex

from storyline.entities.gazetteer import ENTRIES
from storyline.entities.personal import is_given, is_surname
from storyline.quotes.claim import Claim
from storyline.quotes.cues import PLURAL_PRONOUNS

__all__ = ["PRONOUN_REACH", "QUOTE_REACH", "carry_speakers"]

PRONOUN_REACH = 1500
QUOTE_REACH = 600
_PLACES = frozenset(f.casefold() for e in ENTRIES if e.type == "PLACE"
                     for f in (*(e.latin if e.match_latin else ()), *e.deva))


def is_place(name: str | None) -> bool:
    """A known place: the hand gazetteer, or a one-word town of 100,000+ people (GeoNames)
    that is not also a personal name."""
    if not name:
        return False
    if name.strip().casefold() in _PLACES:
        return True
    word = name.strip()
    if " " in word or is_given(word) or is_surname(word):
        return False
    from storyline.geo.gazetteer import gazetteer

    return any(p.population >= 100_000 for p in gazetteer().lookup(word))


_NAME = r"(?:[A-Z][\w’'.-]*\.?)(?:\s+[A-Z][\w’'.-]*\.?){1,3}"


def _role_holder(text: str, before: int, role: str) -> tuple[str, int, int] | None:
    """The person an earlier sentence names with this role ("Hardoi DM Pulkit Khare",
    "Pulkit Khare, the district magistrate"): name and offsets, latest first."""
    head = role.split()[-1] if role.split() else ""
    if len(head) < 2 or not head[0].isalpha():
        return None
    h = regex.escape(head)
    pats = (
        rf"(?<![\w])(?i:{h})\s+(?P<n>{_NAME})",
        rf"(?P<n>{_NAME}),\s+(?:the\s+)?(?:[\w-]+\s+){{0,4}}(?i:{h})\b",
    )
    best: tuple[str, int, int] | None = None
    for pat in pats:
        for m in regex.finditer(pat, text[:before]):
            if best is None or m.start("n") > best[1]:
                best = (m.group("n"), m.start("n"), m.end("n"))
    return best


_CAPWORD = r"(?:[A-Z]\.|[A-Z][\w’'-]*)"  # a capitalised word or an initial, never "Nuh."


def _full_name(text: str, before: int, word: str) -> tuple[str, int, int] | None:
    """The fuller name an earlier sentence gives a one-word speaker: "Deepa" → "Deepa Cholan",
    "Jathedar" → "Akal Takht Jathedar Giani Harpreet Singh". A name written after the word
    wins (a title followed by the name), then the longest; names never cross a line or a
    sentence end, and lead words such as "But" or "The" are not part of them."""
    from storyline.quotes.cues import TITLE_WORDS
    from storyline.text.stopwords import LATIN_STOP

    w = regex.escape(word)
    pat = (rf"(?<![\w’'.-])(?P<pre>(?:{_CAPWORD}[ \t]+){{0,3}}){w}"
           rf"(?P<post>(?:[ \t]+{_CAPWORD}){{0,4}})(?![\w’'-])")
    best: tuple[tuple[bool, int], tuple[str, int, int]] | None = None
    for m in regex.finditer(pat, text[:before]):
        a = m.start()
        for part in m.group("pre").split():
            if part.lower() not in LATIN_STOP and part.lower().strip(".") not in TITLE_WORDS:
                break
            a = text.index(part, a) + len(part)
            while a < m.end() and text[a] in " \t":
                a += 1
        name = text[a : m.end()]
        if name == word or len(name.split()) < 2:
            continue
        key = (bool(m.group("post")), len(name.split()))
        if best is None or key > best[0]:
            best = (key, (name, a, m.end()))
    return best[1] if best is not None else None


def _ends_in_title(name: str) -> bool:
    """"Akal Takht Jathedar", "Udhampur Deputy Commissioner": a title, not yet a name."""
    from storyline.quotes.cues import TITLE_WORDS

    words = name.split()
    return len(words) > 1 and words[-1].lower().strip(".") in TITLE_WORDS | {"jathedar"}


def carry_speakers(claims: list[Claim], text: str | None = None) -> list[Claim]:
    """Fill missing speakers in place (claims in text order); returns the list. With the
    ``text``, a role source ("the DM said") goes to the person named with that role."""
    last: Claim | None = None
    for c in claims:
        if c.speaker and is_place(c.speaker) and not c.anonymous:
            c.speaker = c.speaker_start = c.speaker_end = None
            c.attribution = "role"
        if c.anonymous:
            continue
        if c.speaker is None and c.attribution == "explicit" and c.source:
            # a document or an unnamed body that speaks for itself ("the revised guidelines",
            # "the MHA statement"): the source phrase is the speaker
            c.speaker, c.speaker_start, c.speaker_end = c.source, c.source_start, c.source_end
        if c.speaker is None and c.attribution == "role" and text and c.source:
            holder = _role_holder(text, c.sentence_start, c.source)
            recent = last.start if last is not None and c.start - last.end <= PRONOUN_REACH else -1
            if holder is not None and holder[1] > recent:  # the latest of the two is meant
                c.speaker, c.speaker_start, c.speaker_end = holder
        group_pronoun = c.attribution == "pronoun" and (c.source or "").strip().lower() in (
            PLURAL_PRONOUNS | {"it"})  # "they"/"it" are never the last person who spoke
        if c.speaker is None and last is not None and not group_pronoun:
            reach = QUOTE_REACH if c.attribution in ("none", "continuation") else PRONOUN_REACH
            if c.attribution in ("pronoun", "role", "none", "continuation", "anaphora") and (
                c.start - last.end <= reach
            ):
                c.speaker = last.speaker
                c.speaker_start, c.speaker_end = last.speaker_start, last.speaker_end
                if c.attribution == "none":
                    c.attribution = "continuation"
        if c.speaker and text and c.speaker[:1].isupper() and c.speaker.isascii() and (
                " " not in c.speaker.strip() or _ends_in_title(c.speaker)):
            full = _full_name(text, c.sentence_start, c.speaker.strip())
            if full is not None:
                c.speaker, c.speaker_start, c.speaker_end = full
        if c.speaker:
            last = c
    return claims
