"""Within-document aliasing: group one article's mentions into document entities.

* Full names group by their script-neutral key, so ``Prashant Kishor`` and ``प्रशांत किशोर``
  are one group; gazetteer hits group by their entry (``Congress``/``कांग्रेस``/``INC``).
* A shorter form of a person's name joins the longer one when it is the only fit:
  ``Priyanka Gandhi`` → ``Priyanka Gandhi Vadra``; a single word joins the only full name
  with that surname or given name (``Kishor``, ``Amarinder``, ``Capt Singh``). A single
  word that fits several people (``Gandhi`` next to ``Sonia Gandhi`` and ``Rahul Gandhi``)
  is dropped rather than guessed.
* An acronym joins the organisation whose initials it spells (``LVP`` ↔ ``Lok Vikas Party``).
* A role mention (``the CM``) joins the one person the article gives that role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.entities.keys import is_deva, name_key, same_word
from storyline.entities.lexicon import LATIN_CONNECTORS
from storyline.entities.mentions import Mention
from storyline.entities.records import decide_type
from storyline.text.names import deva_to_latin

_STRONG_EVIDENCE = {"gazetteer", "acronym", "known", "head"}


@dataclass
class DocEntity:
    """One entity as seen inside one document."""

    mentions: list[Mention] = field(default_factory=list)
    forms: dict[tuple[str, ...], int] = field(default_factory=dict)  # strong name keys
    words: tuple[str, ...] = ()  # the longest personal name's words (for partial matches)
    lex_id: str | None = None
    acronyms: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    votes: dict[str, float] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return decide_type(self.votes)

    @property
    def single_word(self) -> bool:
        return all(len(f) == 1 for f in self.forms) and not self.lex_id and not self.acronyms

    def add(self, m: Mention, *, strong: bool) -> None:
        self.mentions.append(m)
        self.votes[m.type] = self.votes.get(m.type, 0.0) + m.weight
        if m.role:
            self.roles.add(m.role)
        if m.is_role:
            return
        if m.lex_id:
            self.lex_id = self.lex_id or m.lex_id
        if m.acronym:
            self.acronyms.add(m.acronym)
        key = tuple(m.key.split())
        if strong and key:
            self.forms[key] = self.forms.get(key, 0) + 1
        if m.type == "PERSON" and len(m.words) > len(self.words):
            self.words = m.words


def _initials(words: tuple[str, ...]) -> str:
    out = []
    for w in words:
        if w.lower() in LATIN_CONNECTORS:
            continue
        lat = deva_to_latin(w) if is_deva(w) else w
        if lat[:1].isalpha():
            out.append(lat[0].upper())
    return "".join(out)


def _is_strong(m: Mention) -> bool:
    if m.is_role:
        return False
    if m.lex_id or m.acronym:
        return True
    if len(m.words) >= 2:
        return True
    return m.type in ("ORG", "PLACE") and m.evidence in _STRONG_EVIDENCE


def _extends(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` is ``long`` with words left out, same first and last word kept
    (``Narendra Modi`` / ``Narendra Damodardas Modi``), or a prefix of at least two words
    (``Priyanka Gandhi`` / ``Priyanka Gandhi Vadra``)."""
    if len(short) >= len(long) or len(short) < 2 or short[0] != long[0]:
        return False
    if long[: len(short)] == short:
        return True
    if short[-1] != long[-1]:
        return False
    it = iter(long)
    return all(any(w == x for x in it) for w in short)


def group_mentions(mentions: list[Mention]) -> list[DocEntity]:
    """Group one document's mentions into entities (mentions that fit none are dropped)."""
    groups: list[DocEntity] = []
    by_form: dict[tuple[str, ...], DocEntity] = {}
    by_lex: dict[str, DocEntity] = {}
    weak: list[Mention] = []
    roles: list[Mention] = []
    for m in mentions:
        if m.is_role:
            roles.append(m)
            continue
        if not _is_strong(m):
            weak.append(m)
            continue
        key = tuple(m.key.split())
        g = by_lex.get(m.lex_id) if m.lex_id else by_form.get(key)
        if g is None and m.acronym:
            g = next((x for x in groups if m.acronym in x.acronyms), None)
        if g is None:
            g = DocEntity()
            groups.append(g)
        g.add(m, strong=True)
        by_form.setdefault(key, g)
        if m.lex_id:
            by_lex.setdefault(m.lex_id, g)
    groups = _merge_extensions(groups)
    groups = _merge_acronyms(groups)
    singles: dict[tuple[str, ...], DocEntity] = {}
    people = [g for g in groups if g.type == "PERSON" and len(g.words) >= 2]
    named = [(g, g.type) for g in groups if any(len(x.words) >= 2 for x in g.mentions)]
    for m in weak:
        found = _person_for_word(people, named, m)
        if found is False:
            continue  # fits several people: dropped, not guessed
        g = found if isinstance(found, DocEntity) else None
        if g is None:
            key = tuple(m.key.split())
            g = next((x for x in groups if key in x.forms), None) or singles.get(key)
        if g is None and _single_ok(m):
            g = DocEntity()
            groups.append(g)
            singles[tuple(m.key.split())] = g
        if g is not None:
            g.add(m, strong=len(g.forms) == 0 or tuple(m.key.split()) in g.forms)
            if len(g.forms) == 0:
                g.forms[tuple(m.key.split())] = 1
    for m in roles:
        fits = [g for g in groups if m.role in g.roles and g.type == "PERSON"]
        if len(fits) == 1:
            fits[0].add(m, strong=False)
    return [g for g in groups if g.mentions]


def _single_ok(m: Mention) -> bool:
    """Whether a single word that matches no fuller name stands on its own as an entity."""
    if m.evidence in ("title", "role", "names", "known", "partial", "shape"):
        return True
    return m.type in ("OTHER", "PLACE") and m.script == "Latn"


def _person_for_word(people: list[DocEntity], named: list[tuple[DocEntity, str]],
                     m: Mention) -> DocEntity | bool | None:
    """The one multi-word person (``people``) whose surname (else given name) this single
    word is; else the one multi-word organisation or event (``named``) it shortens;
    False when it fits several people, None when it fits none."""
    if len(m.words) != 1 or m.type not in ("PERSON", "OTHER", "PLACE"):
        return None
    if m.type == "PLACE" and m.weight >= 1.0:
        return None
    w = m.words[0]
    for part in (-1, 0):
        fits = [g for g in people if same_word(w, g.words[part])]
        if len(fits) == 1:
            return fits[0]
        if fits:
            return False
    if m.type == "PERSON" and m.weight >= 1.0:
        return None
    # "Sahyadri" for "Sahyadri Sports Club", "Tara" for "Cyclone Tara"
    for typ, part in (("ORG", 0), ("OTHER", -1)):
        fits = [g for g, t in named if t == typ and any(
            len(x.words) >= 2 and same_word(w, x.words[part]) for x in g.mentions)]
        if len(fits) == 1:
            return fits[0]
    return None


def _merge_extensions(groups: list[DocEntity]) -> list[DocEntity]:
    people = [g for g in groups if g.type == "PERSON"]
    keyed = [(tuple(name_key(g.words)), g) for g in people if len(g.words) >= 2]
    gone: set[int] = set()
    for short, g in sorted(keyed, key=lambda x: len(x[0])):
        longer = [h for k, h in keyed if h is not g and id(h) not in gone and _extends(short, k)]
        if len(longer) == 1:
            _fold(longer[0], g)
            gone.add(id(g))
    return [g for g in groups if id(g) not in gone]


def _merge_acronyms(groups: list[DocEntity]) -> list[DocEntity]:
    gone: set[int] = set()
    for g in groups:
        if not g.acronyms or g.lex_id:
            continue
        fits = [h for h in groups if h is not g and id(h) not in gone and h.type != "PERSON"
                and any(_initials(tuple(m.words)) in g.acronyms for m in h.mentions
                        if len(m.words) >= 2)]
        if len(fits) == 1:
            _fold(fits[0], g)
            gone.add(id(g))
    return [g for g in groups if id(g) not in gone]


def _fold(into: DocEntity, g: DocEntity) -> None:
    into.mentions.extend(g.mentions)
    for k, c in g.forms.items():
        into.forms[k] = into.forms.get(k, 0) + c
    for t, v in g.votes.items():
        into.votes[t] = into.votes.get(t, 0.0) + v
    into.acronyms |= g.acronyms
    into.roles |= g.roles
    into.lex_id = into.lex_id or g.lex_id
    if len(g.words) > len(into.words):
        into.words = g.words
