"""The people side of the Python API: entities, quotes (who said what) and conflicts.

Mixed into :class:`storyline.api.Storyline`::

    sl.entities(type="PERSON", lang="hi")      # most mentioned first
    sl.entity("Ravi Mehra")                    # id, name or alias in any script
    sl.quotes(story="s000001", anonymous=True)  # claims with their sources
    sl.conflicts(story="s000001")              # claims on the same matter that disagree
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from storyline.annotate import entity_chain
from storyline.entities import Entity
from storyline.errors import NotFoundError, StorylineError
from storyline.quotes import Claim, Conflict, find_conflicts
from storyline.store.base import Store

_T = TypeVar("_T")


@dataclass
class EntityProfile:
    """An entity with where it appears: what ``storyline entity`` shows."""

    entity: Entity
    aliases: dict[str, list[str]]  # script -> forms, most frequent first
    mentions_by_lang: dict[str, int]
    first_seen: str | None
    last_seen: str | None
    stories: list[tuple[str, int]]  # (story id, articles), most articles first
    events: list[tuple[str, int]]
    article_ids: list[str]
    activity: dict[str, int]  # date -> mentions
    quotes: int = 0  # claims it is the speaker of

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["entity"] = entity_dict(self.entity)
        return d


@dataclass
class Quote:
    """A claim with its article, its source resolved to a canonical entity when named."""

    article_id: str
    claim: Claim
    speaker_entity: str | None = None
    speaker_name: str | None = None  # canonical name of the speaker entity
    group_entity: str | None = None  # entity an anonymous source is attributed to
    event_id: str | None = None
    story_id: str | None = None
    date: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def who(self) -> str:
        c = self.claim
        if c.anonymous:
            return c.source or (f"sources ({c.group})" if c.group else "unnamed sources")
        return self.speaker_name or c.speaker or "(unattributed)"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["claim"] = self.claim.to_dict()
        d["who"] = self.who
        return d


def entity_dict(e: Entity) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "mentions": e.mentions,
        "aliases": e.alias_lists(),
        "langs": dict(e.langs),
        "articles": len(e.articles),
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
        "merged_into": e.merged_into,
    }


def quote_conflicts(quotes: list[Quote]) -> list[Conflict]:
    """Conflicting claims among ``quotes``, looked for within each event, best first (for a
    caller that has the quotes already; :meth:`PeopleAPI.conflicts` fetches them)."""
    by_event: dict[str | None, list[Quote]] = {}
    for q in quotes:
        by_event.setdefault(q.event_id, []).append(q)
    out: list[Conflict] = []
    for qs in by_event.values():
        out.extend(find_conflicts([(q.article_id, q.claim) for q in qs]))
    return sorted(out, key=lambda c: -c.score)


def _claim(data: dict[str, Any]) -> Claim:
    d = {k: v for k, v in data.items() if k not in ("speaker_entity", "group_entity")}
    return Claim.from_dict(d)


class PeopleAPI:
    """Entity and quote queries over ``self.store``."""

    store: Store

    def _cached(self, key: tuple[object, ...], build: Callable[[], _T]) -> _T:
        raise NotImplementedError  # provided by Storyline

    # entities -----------------------------------------------------------------------------
    def entities(
        self, *, type: str | None = None, lang: str | None = None, limit: int = 50
    ) -> list[Entity]:
        """Canonical entities, most mentioned first; ``lang`` keeps those seen in it."""
        type = type.upper() if type else None

        def build() -> list[Entity]:
            rows = self.store.list_entities(type=type, limit=None if lang else limit)
            out = [Entity.from_row(r) for r in rows]
            if lang:
                out = [e for e in out if e.langs.get(lang)]
                out.sort(key=lambda e: (-e.langs.get(lang, 0), e.id))
            return out[:limit]

        return list(self._cached(("entities", type, lang, limit), build))

    def _resolve_entity(self, ref: str) -> Entity:
        chain = entity_chain(self.store, ref)
        if not chain:
            raise NotFoundError(
                f"no entity {ref!r}: give an id (n000042) or a name/alias; "
                "`storyline entities` lists them"
            )
        return Entity.from_row(chain[-1])  # merges followed to the survivor

    def entity(self, ref: str) -> EntityProfile:
        """An entity by id, name or alias, with its stories, events and activity."""
        e = self._resolve_entity(ref)
        ids = self.store.entity_article_ids(e.id) or sorted(e.articles)
        briefs = self.store.article_briefs(ids)
        stories = Counter(b.story_id for b in briefs.values() if b.story_id)
        events = Counter(b.event_id for b in briefs.values() if b.event_id)
        return EntityProfile(
            entity=e,
            aliases=e.alias_lists(),
            mentions_by_lang=dict(e.langs),
            first_seen=e.first_seen,
            last_seen=e.last_seen,
            stories=stories.most_common(),
            events=events.most_common(),
            article_ids=list(briefs),
            activity=dict(sorted(e.dates.items())),
            quotes=len(self.store.list_claims(speaker=e.id)),
        )

    # quotes -------------------------------------------------------------------------------
    def _scope(
        self, story: str | None, event: str | None, article: str | None
    ) -> list[str] | None:
        if article:
            row = self.store.get_article(article)
            if row is None:
                found = self.store.find_articles_by_doc_id(article)
                if not found:
                    raise NotFoundError(f"no article {article!r}")
                row = found[0]
            return [row.id]
        if event:
            ev = self.store.get_event(event)
            if ev is None:
                raise NotFoundError(f"no event {event!r}: `storyline events` lists them")
            return list(ev.article_ids)
        if story:
            st = self.store.get_story(story)
            if st is None:
                raise NotFoundError(f"no story {story!r}: `storyline stories` lists them")
            return [a.id for a in self.store.iter_articles(story_id=story)]
        return None

    def quotes(
        self,
        *,
        story: str | None = None,
        event: str | None = None,
        entity: str | None = None,
        anonymous: bool | None = None,
        article: str | None = None,
        limit: int | None = None,
    ) -> list[Quote]:
        """Claims (direct quotes and reported speech), newest article first.

        ``entity`` keeps claims whose speaker is that entity, or — for anonymous sources —
        whose source is attributed to it ("Congress sources").
        """
        scope = self._scope(story, event, article)
        speaker = self._resolve_entity(entity).id if entity else None
        rows = self.store.list_claims(article_ids=scope, anonymous=anonymous)
        if speaker:
            rows = [
                r
                for r in rows
                if r["speaker_entity"] == speaker or r["data"].get("group_entity") == speaker
            ]
        briefs = self.store.article_briefs(dict.fromkeys(r["article_id"] for r in rows))
        names: dict[str, str] = {}
        out: list[Quote] = []
        for r in rows:
            sid = r["speaker_entity"]
            if sid and sid not in names:
                ent = self.store.get_entity(sid)
                names[sid] = ent["name"] if ent else sid
            b = briefs.get(r["article_id"])
            out.append(
                Quote(
                    article_id=r["article_id"],
                    claim=_claim(r["data"]),
                    speaker_entity=sid,
                    speaker_name=names.get(sid) if sid else None,
                    group_entity=r["data"].get("group_entity"),
                    event_id=b.event_id if b else None,
                    story_id=b.story_id if b else None,
                    date=b.date if b else None,
                )
            )
        out.sort(key=lambda q: (q.date or "", q.article_id), reverse=True)
        return out[:limit] if limit is not None else out

    def conflicts(self, *, story: str | None = None, event: str | None = None) -> list[Conflict]:
        """Claims within an event that disagree on the same matter, best first.

        For a story, each of its events is searched: claims months apart are rarely about
        the same matter (a refusal in 2020 and a rumour in 2022 are not a conflict).
        """
        if not story and not event:
            raise StorylineError("conflicts needs a story or an event (--story ID / --event ID)")
        return quote_conflicts(self.quotes(story=story, event=event))
