"""Finding entity mentions (PERSON, ORG, PLACE, OTHER) in one text, offline and rule-based.

Latin script: runs of capitalised words, cut into titles (``Capt``), role phrases
(``Union Health Minister``) and the name itself; typed by the gazetteer, organisation and
place heads (``... Party``, ``... district``), title/role cues and common personal names.
A capitalised word at a sentence start or in a title-case headline needs more evidence.

Devanagari (no capitals): a span becomes a mention when it is in the gazetteer, spells a
known acronym (``एनडीटीवी``), follows a title/role cue (``मुख्यमंत्री हरीश चंदेल``), ends in an
organisation head (``लोक विकास पार्टी``), stands before a place head (``गंजाम जिले``), is a
given name + surname, sounds like a name the caller already knows (cross-script: ``known``,
typically the :class:`~storyline.entities.linker.EntityLinker`'s entities), or repeats a word
of a person's name found earlier in the same text (``किशोर`` after ``प्रशांत किशोर``).

``OTHER`` marks capitalised names with no PERSON/ORG/PLACE evidence; a role mention
(``the CM``) has ``role`` set and ``is_role`` true and names no one by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from storyline.entities import deva as _deva
from storyline.entities import latin as _latin
from storyline.entities.keys import name_key, script_of
from storyline.entities.tokens import Token, tokenize

logger = logging.getLogger(__name__)

TYPES = ("PERSON", "ORG", "PLACE", "OTHER")

# Given the words of a name, return the type of a matching entity the caller knows, or None.
KnownLookup = Callable[[tuple[str, ...]], "str | None"]


@dataclass(frozen=True)
class Mention:
    """One mention of a named entity in a text.

    ``surface`` is the name as written without titles or role words; ``start``/``end`` are
    its character offsets in the text. ``key`` is the script-neutral name key (space-joined
    word keys, see :func:`storyline.entities.keys.token_key`). ``weight`` is how strongly the
    evidence supports ``type`` (0.3 a bare capitalised word ... 5 a gazetteer entry).
    """

    surface: str
    start: int
    end: int
    type: str
    script: str
    key: str
    evidence: str  # gazetteer | acronym | known | title | role | names | head | caps | partial
    weight: float = 1.0
    lex_id: str | None = None  # gazetteer entry id, e.g. "ORG:Congress"
    role: str | None = None  # role bound to the person ("chief minister"), or referred to
    is_role: bool = False  # a role noun standing for a person ("the CM", "मुख्यमंत्री")
    title: str | None = None  # a title written before the name ("Capt", "श्री")
    acronym: str | None = None  # the Latin letters of an acronym mention ("NDTV")

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.surface.replace("-", " ").split())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        return cls(**d)


@dataclass
class Candidate:
    """A mention being built: token span [i, j) plus its evidence."""

    i: int
    j: int
    type: str
    evidence: str
    weight: float
    priority: int
    lex_id: str | None = None
    role: str | None = None
    is_role: bool = False
    title: str | None = None
    acronym: str | None = None


def make_mention(text: str, toks: list[Token], c: Candidate) -> Mention | None:
    start, end = toks[c.i].start, toks[c.j - 1].end
    if text.count("(", start, end) > text.count(")", start, end) and text[end : end + 1] == ")":
        end += 1  # "JD(U)"
    surface = text[start:end]
    if c.is_role:
        return Mention(surface, start, end, "PERSON", script_of(surface), "", "role",
                       c.weight, role=c.role, is_role=True)
    words = [t.text for t in toks[c.i : c.j]]
    if c.acronym:
        key = c.acronym  # letters are script-neutral; their sound keys collide ("UK"/"Kiya")
    elif len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 7:
        key = words[0]
    else:
        key = " ".join(name_key(words))
    if not key and not c.acronym:
        return None
    return Mention(surface, start, end, c.type, script_of(surface), key or c.acronym or "",
                   c.evidence, c.weight, c.lex_id, c.role, False, c.title, c.acronym)


def select(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: higher priority first, then longer spans."""
    taken: set[int] = set()
    out: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-c.priority, -(c.j - c.i), c.i)):
        span = set(range(c.i, c.j))
        if span & taken:
            continue
        taken |= span
        out.append(c)
    return sorted(out, key=lambda c: c.i)


def extract_mentions(text: str, lang: str = "und", known: KnownLookup | None = None
                     ) -> list[Mention]:
    """Entity mentions in ``text`` (any mix of Latin and Devanagari), in text order.

    ``lang`` (ISO 639-1) switches language habits: German capitalises every noun, so a lone
    capitalised German word needs other evidence; French ``M.`` is a title. ``known`` lets
    the caller vouch for names it has seen elsewhere (any script).
    """
    toks = tokenize(text)
    if not toks:
        return []
    lat_cands = _latin.candidates(text, toks, lang, known)
    deva_cands = _deva.candidates(toks, known)
    # a gazetteer name beats a shorter run inside it ("Ministry of Health" in "Ministry of
    # Health and Family Welfare")
    gaz = [(c.i, c.j) for c in lat_cands if c.evidence == "gazetteer"]
    lat_cands = [c for c in lat_cands if c.evidence == "gazetteer" or not any(
        i <= c.i and c.j <= j and j - i > c.j - c.i for i, j in gaz)]
    chosen = select(lat_cands + deva_cands)
    mentions = [m for c in chosen if (m := make_mention(text, toks, c)) is not None]
    partial = _deva.partial_names(toks, chosen, mentions)
    if partial:
        chosen = select(chosen + partial)
        mentions = [m for c in chosen if (m := make_mention(text, toks, c)) is not None]
    from storyline.entities.sieve import sieve  # imports Mention from here

    return sieve(text, mentions)
