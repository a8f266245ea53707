"""Cross-document entity linking: canonical entities with stable ids, online.

:class:`EntityLinker` holds the canonical entities. :meth:`EntityLinker.link_article` finds
an article's mentions (:func:`~storyline.entities.mentions.extract_mentions`, with the
linker's entities as the known names, which is what finds a Devanagari ``ममता बनर्जी``
once ``Mamata Banerjee`` is known), groups them within the article
(:func:`~storyline.entities.coref.group_mentions`) and links each group to a canonical
entity, creating one when nothing fits:

* a group links by any of its full forms (script-neutral name keys), its gazetteer entry or
  its acronym; spelling variants of multi-word names match word by word (one edit per word
  of at least three consonants, at least one word exact);
* a surname-only (or given-name-only) group links to the one known person with that
  surname; when several fit, its mentions are dropped rather than guessed;
* a group whose forms match two canonical entities merges them (logged, reversible); so
  does a surname-only entity once a single full name with that surname appears.

Merges are logged as :class:`~storyline.model.MergeLogEntry` (``entity-merge``; undone by
:meth:`EntityLinker.unmerge`, logged as ``entity-split``). The caller persists
:meth:`changed` entities and :meth:`drain_log` entries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from itertools import count

from rapidfuzz.distance import Levenshtein

from storyline.entities.coref import DocEntity, group_mentions
from storyline.entities.gazetteer import BY_ID
from storyline.entities.keys import deva_acronym, name_key, same_word, script_of
from storyline.entities.lexicon import DEVA_NAMELIKE, DEVA_NEVER
from storyline.entities.mentions import extract_mentions
from storyline.entities.personal import is_surname
from storyline.entities.records import (
    Entity,
    EntityError,
    EntityMention,
    decide_type,
    entity_id,
)
from storyline.model import MergeLogEntry

logger = logging.getLogger(__name__)



def _near(a: str, b: str) -> bool:
    """Two word keys close enough to be transliterations of one word (``rv``/``r``,
    ``strtgs``/``strtj``), given that another word of the name matches exactly."""
    short = min(len(a), len(b))
    if short < 3:
        return short >= 1 and (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 1
    return Levenshtein.distance(a, b) <= (1 if short < 5 else 2)


def _words_of(form: str) -> tuple[str, ...]:
    return tuple(form.replace("-", " ").split())


class EntityLinker:
    """Links articles' mentions to canonical entities (see the module docstring).

    ``entities``: the entities persisted so far (merged ones included). ``alloc_id``: gives
    the next entity number (``n000042`` for 42); by default numbers continue after the
    largest id given.
    """

    def __init__(self, entities: Iterable[Entity] = (),
                 alloc_id: Callable[[], int] | None = None) -> None:
        self._entities: dict[str, Entity] = {e.id: e for e in entities}
        if alloc_id is None:
            start = max((int(i[1:]) for i in self._entities if i[1:].isdigit()), default=0)
            alloc_id = count(start + 1).__next__
        self._alloc = alloc_id
        self._by_key: dict[tuple[str, ...], set[str]] = {}
        self._by_first: dict[str, set[str]] = {}  # first word key -> multi-word forms' ids
        self._by_part: dict[str, set[str]] = {}  # surname/given-name key -> multi-word people
        self._by_acronym: dict[str, set[str]] = {}
        self._by_lex: dict[str, str] = {}
        self._seen: set[str] = set()
        self._changed: set[str] = set()
        self._log: list[MergeLogEntry] = []
        for e in self._entities.values():
            self._seen.update(e.articles)
            if e.alive:
                self._index(e)

    # ----------------------------------------------------------------- lookup

    def get(self, eid: str) -> Entity:
        try:
            return self._entities[eid]
        except KeyError:
            raise EntityError(f"no entity {eid!r}; list ids with EntityLinker.entities()") from None

    def resolve(self, eid: str) -> str:
        """The live entity an id stands for now (follows merges)."""
        seen = set()
        while (e := self._entities.get(eid)) is not None and e.merged_into and eid not in seen:
            seen.add(eid)
            eid = e.merged_into
        return eid

    def entities(self, *, alive_only: bool = True) -> list[Entity]:
        return [e for e in self._entities.values() if e.alive or not alive_only]

    def find(self, name: str) -> list[Entity]:
        """Live entities that have ``name`` (any script) among their forms."""
        key = name_key(_words_of(name))
        return [self._entities[i] for i in sorted(self._by_key.get(key, ()))]

    def known(self, words: tuple[str, ...]) -> str | None:
        """Type of the live entity these words name, if any (the extractor's ``known``).
        A single word also names the one known person with that surname."""
        ids, _ = self._match(words)
        if len(words) == 1:
            ids = {i for i in ids if self._single_ok(words[0], self._entities[i])}
            if not ids:
                ids = self._people_with(words[0], surname_only=True)
                if len(ids) != 1 or not self._single_ok(words[0], self._entities[next(iter(ids))]):
                    return None
        if not ids:
            return None
        best = max(ids, key=lambda i: self._entities[i].mentions)
        return self._entities[best].type

    def _single_ok(self, word: str, e: Entity) -> bool:
        """Whether one word of another script may name ``e`` on its own: the word was seen
        as a form of ``e`` already, or ``e`` is not a gazetteer entry (whose forms are
        listed), the word's key has at least three consonants and ``e``'s type is solid."""
        sc = script_of(word)
        if word in e.aliases.get(sc, {}):
            return True
        if e.lex_id or len(name_key((word,))[0]) < 3:
            return False
        return e.type_votes.get(e.type, 0.0) >= 2.0 and e.type != "OTHER"

    def _people_with(self, word: str, *, surname_only: bool = False) -> set[str]:
        """Live multi-word people whose surname (or given name) is ``word``; people named
        only by capitalisation (no title, role or name-list evidence) do not count, nor do
        words that are everyday words too (``Kumar``, ``राम``)."""
        key = name_key((word,))
        if not key or (is_surname(word, ambiguous=True) and not is_surname(word)):
            return set()
        if word in DEVA_NAMELIKE or word in DEVA_NEVER:
            return set()
        out = set()
        for i in self._by_part.get(key[0], ()):
            e = self._entities[i]
            if e.type_votes.get("PERSON", 0.0) < 2.0:
                continue
            if len(key[0]) < 3 and word not in e.aliases.get(script_of(word), {}):
                continue  # short words collide with everyday words: only forms seen before
            for f in self._entities[i].forms():
                w = _words_of(f)
                if len(w) >= 2 and (same_word(word, w[-1])
                                    or (not surname_only and same_word(word, w[0]))):
                    out.add(i)
                    break
        return out

    def _match(self, words: tuple[str, ...]) -> tuple[set[str], int]:
        """Live entities named by ``words`` and how strong the match is (0 none, 1 spelling
        variant or single word, else the number of words matched exactly)."""
        if len(words) == 1 and words[0].isupper() and words[0] in self._by_acronym:
            return self._by_acronym[words[0]], 10
        key = name_key(words)
        if not key:
            return set(), 0
        ids = self._by_key.get(key, set())
        if len(key) == 1:
            ids = {i for i in ids if any(same_word(words[0], f)
                                         for f in self._entities[i].forms()
                                         if len(_words_of(f)) == 1)}
            return ids, 1 if ids else 0
        if sum(map(len, key)) < 5 or max(map(len, key)) < 3:
            # short keys collide ("आइसीयू बेड" / "S A Bobde"): only forms seen before
            surface = " ".join(words)
            ids = {i for i in ids if any(surface == f for f in self._entities[i].forms())}
            return ids, len(key) if ids else 0
        if ids:
            return ids, len(key)
        fuzzy = self._fuzzy(key, script_of(" ".join(words)))
        return fuzzy, 1 if fuzzy else 0

    def _fuzzy(self, key: tuple[str, ...], script: str) -> set[str]:
        """Multi-word names in the other script that differ by one edit in some words."""
        out: set[str] = set()
        for eid in self._by_first.get(key[0], set()) | self._by_first.get(key[-1], set()):
            for f in self._entities[eid].forms():
                if script_of(f) == script:
                    continue
                k = name_key(_words_of(f))
                if len(k) != len(key):
                    continue
                pairs = list(zip(k, key, strict=True))
                exact = [a for a, b in pairs if a == b]
                if exact and sum(map(len, exact)) >= 3 and all(
                        a == b or _near(a, b) for a, b in pairs):
                    out.add(eid)
                    break
        return out

    # --------------------------------------------------------------- indexing

    def _index(self, e: Entity, remove: bool = False) -> None:
        def put(d: dict[str, set[str]], k: str) -> None:
            s = d.setdefault(k, set())
            if remove:
                s.discard(e.id)
                if not s:
                    del d[k]
            else:
                s.add(e.id)

        def put_key(k: tuple[str, ...]) -> None:
            s = self._by_key.setdefault(k, set())
            if remove:
                s.discard(e.id)
                if not s:
                    del self._by_key[k]
            else:
                s.add(e.id)

        multi = any(len(_words_of(f)) >= 2 for f in e.forms())
        for f in e.forms():
            words = _words_of(f)
            key = name_key(words)
            if not key:
                continue
            acronym = len(words) == 1 and (words[0].isupper() or deva_acronym(words[0]))
            if not acronym and (len(key) >= 2 or not (e.type == "PERSON" and multi)):
                put_key(key)
            if len(key) >= 2:
                put(self._by_first, key[0])
                if e.type == "PERSON":
                    put(self._by_part, key[0])
                    put(self._by_part, key[-1])
            if len(words) == 1 and words[0].isupper() and 2 <= len(words[0]) <= 7:
                put(self._by_acronym, words[0])
            elif len(words) == 1 and (acr := deva_acronym(words[0])):
                put(self._by_acronym, acr)
        if e.lex_id:
            if remove:
                self._by_lex.pop(e.lex_id, None)
            else:
                self._by_lex[e.lex_id] = e.id
            for f in BY_ID[e.lex_id].latin if e.lex_id in BY_ID else ():
                if f.isupper() and f.isalpha():
                    put(self._by_acronym, f)

    # ---------------------------------------------------------------- linking

    def link_article(self, article_id: str, text: str, lang: str = "und",
                     date: str | None = None, *, update: bool = True) -> list[EntityMention]:
        """Find, group and link the entity mentions of one article.

        ``update=False`` links without changing any entity (a dry run); an article id that
        was linked before is never counted twice (it is linked without updating).
        """
        if update and article_id in self._seen:
            logger.warning("article %s was linked before; not counting it again", article_id)
            update = False
        mentions = extract_mentions(text, lang, known=self.known)
        out: list[EntityMention] = []
        for g in group_mentions(mentions):
            eid = self._link_group(g, update)
            if eid is None:
                continue
            if update:
                self._record(eid, g, article_id, lang, date)
            for m in g.mentions:
                out.append(EntityMention(article_id, eid, m.surface, m.start, m.end,
                                         self._entities[eid].type if eid in self._entities
                                         else g.type, m.script, lang, m.evidence, m.role))
        if update:
            self._seen.add(article_id)
        out.sort(key=lambda x: x.start)
        return out

    def _candidates(self, g: DocEntity) -> dict[str, int]:
        """Live entities this group may be, with the strongest single piece of evidence for
        each (100 gazetteer entry, 10 acronym, n words matched exactly, 1 weak)."""
        found: dict[str, int] = {}
        if g.lex_id and (eid := self._by_lex.get(g.lex_id)):
            return {eid: 100}
        for a in g.acronyms:
            for i in self._by_acronym.get(a, ()):
                found[i] = max(found.get(i, 0), 10)
        for m in g.mentions:
            if m.is_role or (g.single_word and len(m.words) == 1 and g.type == "PERSON"):
                continue
            if len(m.words) == 1 and g.forms and all(len(f) >= 2 for f in g.forms):
                continue  # a surname inside a full-name group links through the full name
            ids, strength = self._match(m.words)
            for i in ids:
                if g.lex_id and self._entities[i].lex_id not in (None, g.lex_id):
                    continue  # two gazetteer entries are never one entity
                if (len(m.words) == 1 and not self._single_ok(m.words[0], self._entities[i])
                        and (m.script != "Latn" or self._entities[i].lex_id)
                        and not (m.evidence == "shape" and self._entities[i].type == "PLACE")):
                    continue  # (a place-shaped word, "केसरगंज", is distinctive enough)
                found[i] = max(found.get(i, 0), strength)
        return {i: c for i, c in found.items() if self._compatible(g, self._entities[i])}

    def _compatible(self, g: DocEntity, e: Entity) -> bool:
        if "OTHER" in (g.type, e.type) or g.type == e.type:
            return True
        return g.votes.get(g.type, 0.0) < 2.0 or e.type_votes.get(e.type, 0.0) < 2.0

    def _link_group(self, g: DocEntity, update: bool) -> str | None:
        found = self._candidates(g)
        if found:
            ranked = sorted(found, key=lambda i: (-found[i], -self._entities[i].mentions, i))
            best = ranked[0]
            best_lex = self._entities[best].lex_id
            strong = [i for i in ranked[1:] if found[i] >= 2 and not self._is_single_person(i)
                      and not (best_lex and self._entities[i].lex_id)]
            if update and strong and found[best] >= 2:
                self.merge(best, strong, reason="one article names them alike")
            return best
        if g.single_word and g.type in ("PERSON", "OTHER"):
            word = g.mentions[0].words[0]
            people = self._people_with(word)
            if len(people) > 1:
                return None  # a surname of several people: not guessed
            if people:
                return people.pop()
            singles, _ = self._match((word,))
            if singles:
                return max(singles, key=lambda i: (self._entities[i].mentions, i))
        if not update:
            return None
        return self._create(g)

    def _is_single_person(self, eid: str) -> bool:
        e = self._entities[eid]
        return e.type in ("PERSON", "OTHER") and all(len(_words_of(f)) == 1 for f in e.forms())

    def _create(self, g: DocEntity) -> str:
        eid = entity_id(self._alloc())
        if eid in self._entities:
            raise EntityError(f"alloc_id gave {eid}, which exists; give the linker a fresh "
                              "sequence (or the full entity table)")
        self._entities[eid] = Entity(eid, g.type, g.mentions[0].surface, lex_id=g.lex_id)
        return eid

    def _record(self, eid: str, g: DocEntity, article_id: str, lang: str,
                date: str | None) -> None:
        e = self._entities[eid]
        self._index(e, remove=True)
        for m in g.mentions:
            if not m.is_role:
                forms = e.aliases.setdefault(m.script, {})
                forms[m.surface] = forms.get(m.surface, 0) + 1
            e.langs[lang] = e.langs.get(lang, 0) + 1
            e.type_votes[m.type] = e.type_votes.get(m.type, 0.0) + m.weight
            if m.role and not m.is_role:
                e.roles[m.role] = e.roles.get(m.role, 0) + 1
        e.articles[article_id] = e.articles.get(article_id, 0) + len(g.mentions)
        if date:
            e.dates[date] = e.dates.get(date, 0) + 1
        e.lex_id = e.lex_id or g.lex_id
        self._refresh(e)
        self._index(e)
        self._changed.add(eid)
        if (e.type == "PERSON" and e.type_votes.get("PERSON", 0.0) >= 2.0
                and any(len(_words_of(f)) >= 2 for f in e.forms())):
            self._absorb_surnames(e)

    def _absorb_surnames(self, e: Entity) -> None:
        """Merge single-word person entities whose word is this person's surname or given
        name, when this is the only full name with that word."""
        for f in e.forms():
            words = _words_of(f)
            if len(words) < 2:
                continue
            for w in (words[0], words[-1]):
                key = name_key((w,))
                if not key or len(self._by_part.get(key[0], set())) != 1:
                    continue
                singles = [i for i in self._by_key.get(key, set()) if i != e.id
                           and self._is_single_person(i) and self._entities[i].type == "PERSON"
                           and any(same_word(w, x) for x in self._entities[i].forms())]
                if singles:
                    self.merge(e.id, singles, reason=f"only full name with the word {w!r}")

    def _refresh(self, e: Entity) -> None:
        e.type = decide_type(e.type_votes)
        if e.lex_id and e.lex_id in BY_ID:
            e.name = BY_ID[e.lex_id].name
            e.type = BY_ID[e.lex_id].type
            return
        latin = e.aliases.get("Latn", {})
        pool = latin or next(iter(e.aliases.values()), {})
        if not pool:
            return
        if e.type == "PERSON":
            multi = {f: c for f, c in pool.items() if len(_words_of(f)) >= 2}
            pool = multi or pool
        e.name = max(sorted(pool), key=lambda f: (pool[f], len(f)))

    # ------------------------------------------------------------ state out

    def changed(self) -> list[Entity]:
        """Entities created or modified since the last call (merged-away ones included)."""
        out = [self._entities[i] for i in sorted(self._changed)]
        self._changed.clear()
        return out

    def drain_log(self) -> list[MergeLogEntry]:
        """Merge-log entries made since the last call, for the store's merge log."""
        out, self._log = self._log, []
        return out

    @staticmethod
    def article_counts(mentions: Iterable[EntityMention],
                       resolve: Callable[[str], str] | None = None) -> dict[str, int]:
        """``{entity_id: mention count}`` of one article's linked mentions (ids passed
        through ``resolve``, e.g. ``linker.resolve``, when given)."""
        out: dict[str, int] = {}
        for m in mentions:
            eid = resolve(m.entity_id) if resolve else m.entity_id
            out[eid] = out.get(eid, 0) + 1
        return out

    # --------------------------------------------------------- merge / split

    def merge(self, target: str, sources: Iterable[str], *, reason: str = "manual"
              ) -> MergeLogEntry:
        """Merge ``sources`` into ``target`` (all live). Returns the log entry, which
        :meth:`unmerge` takes to undo it."""
        t = self.get(target)
        srcs = [self.get(s) for s in dict.fromkeys(sources) if s != target]
        for e in (t, *srcs):
            if not e.alive:
                raise EntityError(f"{e.id} was merged into {e.merged_into}; merge that one")
        if not srcs:
            raise EntityError("merge needs at least one source entity besides the target")
        detail = {"reason": reason, "target_name": t.name, "target_lex_id": t.lex_id,
                  "source_names": {s.id: s.name for s in srcs}}
        self._index(t, remove=True)
        for s in srcs:
            self._index(s, remove=True)
            t.absorb(s)
            t.lex_id = t.lex_id or s.lex_id
            s.merged_into = t.id
            self._changed.add(s.id)
        self._refresh(t)
        self._index(t)
        self._changed.add(t.id)
        entry = MergeLogEntry("entity-merge", t.id, [s.id for s in srcs], detail)
        self._log.append(entry)
        logger.info("entity merge %s <- %s (%s)", t.id, entry.sources, reason)
        return entry

    def unmerge(self, entry: MergeLogEntry) -> MergeLogEntry:
        """Undo an ``entity-merge``: the sources come back with the counts they had, and the
        target loses them. Mentions linked to the target after the merge stay with it."""
        if entry.kind != "entity-merge":
            raise EntityError(f"unmerge takes an 'entity-merge' log entry, not {entry.kind!r}")
        t = self.get(entry.target)
        if not t.alive:
            raise EntityError(f"{t.id} was later merged into {t.merged_into}; undo that "
                              "merge first")
        srcs = [self.get(s) for s in entry.sources]
        if any(s.merged_into != t.id for s in srcs):
            raise EntityError(f"entities {entry.sources} are not merged into {t.id} (already "
                              "split?)")
        self._index(t, remove=True)
        for s in srcs:
            t.absorb(s, sign=-1)
            s.merged_into = None
            self._refresh(s)
            self._index(s)
            self._changed.add(s.id)
        t.lex_id = entry.detail.get("target_lex_id")
        self._refresh(t)
        self._index(t)
        self._changed.add(t.id)
        split = MergeLogEntry("entity-split", t.id, list(entry.sources),
                              {"undoes_seq": entry.seq, "reason": "unmerge"})
        self._log.append(split)
        return split

    def script_counts(self, eid: str) -> dict[str, int]:
        """Mentions of an entity per script (``{"Latn": 12, "Deva": 5}``)."""
        e = self.get(eid)
        return {sc: sum(f.values()) for sc, f in e.aliases.items()}


__all__ = ["EntityLinker", "script_of"]
