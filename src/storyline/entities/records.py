"""The entity layer's records: canonical entities and linked mentions, JSON-serialisable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storyline.errors import StorylineError

ENTITY_TYPES = ("PERSON", "ORG", "PLACE", "OTHER")


class EntityError(StorylineError):
    """An entity operation cannot be done (unknown id, merge that cannot be undone...)."""


def decide_type(votes: dict[str, float]) -> str:
    """PERSON/ORG/PLACE by the weight of evidence; OTHER only when none of them has at
    least one solid vote (a bare capitalised word weighs 0.3)."""
    best = max(ENTITY_TYPES[:3], key=lambda t: (votes.get(t, 0.0), -ENTITY_TYPES.index(t)))
    if votes.get(best, 0.0) >= 1.0 or votes.get(best, 0.0) >= votes.get("OTHER", 0.0):
        return best if votes.get(best, 0.0) > 0 else "OTHER"
    return "OTHER"


def entity_id(n: int) -> str:
    return f"n{n:06d}"


def _add(into: dict[str, Any], other: dict[str, Any], sign: int = 1) -> None:
    for k, v in other.items():
        nv = into.get(k, 0) + sign * v
        if sign < 0 and nv <= 1e-9:
            into.pop(k, None)
        else:
            into[k] = nv


@dataclass
class Entity:
    """A canonical person, organisation or place (``OTHER``: a name of unknown kind).

    Counts are kept so that merges can be undone exactly: ``aliases`` maps a script
    (``Latn``, ``Deva``...) to the forms seen in it with their mention counts, ``articles``
    an article id to its mention count, ``dates`` a publication date to the number of
    articles of that date. ``merged_into`` is set on an entity that was merged into another
    (it keeps its own counts so the merge can be reversed).
    """

    id: str
    type: str
    name: str
    aliases: dict[str, dict[str, int]] = field(default_factory=dict)
    langs: dict[str, int] = field(default_factory=dict)  # mentions per language
    articles: dict[str, int] = field(default_factory=dict)
    dates: dict[str, int] = field(default_factory=dict)
    type_votes: dict[str, float] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)  # "chief minister" -> times bound
    lex_id: str | None = None  # gazetteer entry this entity is ("ORG:Congress")
    merged_into: str | None = None

    @property
    def alive(self) -> bool:
        return self.merged_into is None

    @property
    def mentions(self) -> int:
        return sum(self.langs.values())

    @property
    def first_seen(self) -> str | None:
        return min(self.dates) if self.dates else None

    @property
    def last_seen(self) -> str | None:
        return max(self.dates) if self.dates else None

    def forms(self, script: str | None = None) -> list[str]:
        """Alias forms, most frequent first (of one script, or of all)."""
        counts: dict[str, int] = {}
        for sc, forms in self.aliases.items():
            if script is None or sc == script:
                for f, c in forms.items():
                    counts[f] = counts.get(f, 0) + c
        return sorted(counts, key=lambda f: (-counts[f], f))

    def alias_lists(self) -> dict[str, list[str]]:
        """``{"Latn": [...], "Deva": [...]}``, most frequent first."""
        return {sc: self.forms(sc) for sc in sorted(self.aliases)}

    def absorb(self, other: Entity, sign: int = 1) -> None:
        """Add (``sign=1``) or take away (``-1``) another entity's counts."""
        for sc, forms in other.aliases.items():
            mine = self.aliases.setdefault(sc, {})
            _add(mine, forms, sign)
            if not mine:
                del self.aliases[sc]
        _add(self.langs, other.langs, sign)
        _add(self.articles, other.articles, sign)
        _add(self.dates, other.dates, sign)
        _add(self.type_votes, other.type_votes, sign)
        _add(self.roles, other.roles, sign)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "aliases": {sc: dict(f) for sc, f in self.aliases.items()},
            "langs": dict(self.langs),
            "articles": dict(self.articles),
            "dates": dict(self.dates),
            "type_votes": dict(self.type_votes),
            "roles": dict(self.roles),
            "lex_id": self.lex_id,
            "merged_into": self.merged_into,
            # derived, for readers of the JSON (ignored by from_dict)
            "mentions": self.mentions,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }

    def to_row(self) -> dict[str, Any]:
        """The store's entity row (``storyline.store.entity_tables``)."""
        return {"id": self.id, "name": self.name, "type": self.type,
                "mentions": self.mentions, "alive": self.alive, "names": self.forms(),
                "data": self.to_dict()}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Entity:
        return cls.from_dict(row["data"])

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(
            id=d["id"],
            type=d["type"],
            name=d["name"],
            aliases={sc: dict(f) for sc, f in d.get("aliases", {}).items()},
            langs=dict(d.get("langs", {})),
            articles=dict(d.get("articles", {})),
            dates=dict(d.get("dates", {})),
            type_votes=dict(d.get("type_votes", {})),
            roles=dict(d.get("roles", {})),
            lex_id=d.get("lex_id"),
            merged_into=d.get("merged_into"),
        )


@dataclass(frozen=True)
class EntityMention:
    """A mention in an article, linked to a canonical entity (the id current at link time:
    pass it through :meth:`EntityLinker.resolve` after later merges)."""

    article_id: str
    entity_id: str
    surface: str
    start: int
    end: int
    type: str
    script: str
    lang: str
    evidence: str
    role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "entity_id": self.entity_id,
            "surface": self.surface,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "script": self.script,
            "lang": self.lang,
            "evidence": self.evidence,
            "role": self.role,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EntityMention:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


def mention_rows(mentions: list[EntityMention]) -> list[dict[str, Any]]:
    """The store's mention rows: one per (article, entity) with its count and mentions."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for m in mentions:
        row = rows.setdefault((m.article_id, m.entity_id), {
            "article_id": m.article_id, "entity_id": m.entity_id, "count": 0,
            "data": {"mentions": []}})
        row["count"] += 1
        row["data"]["mentions"].append(m.to_dict())
    return list(rows.values())
