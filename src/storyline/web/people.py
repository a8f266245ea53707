"""Entities, quotes and conflicts shaped for the API and the templates.

The functions taking a :class:`Storyline` read the store and must be called under the web
lock (inside :meth:`WebState.run`); the others are pure. Mention rows keep the entity id
current when the article was linked, so every id is passed through :class:`Resolver` to the
entity that survives later merges.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import markupsafe

from storyline.api import Storyline
from storyline.api_people import EntityProfile, Quote, entity_dict
from storyline.entities import Entity
from storyline.quotes import Claim, Conflict
from storyline.store.textquery import ArticleBrief

logger = logging.getLogger(__name__)

SCRIPT_NAMES = {
    "Latn": "Latin",
    "Deva": "Devanagari",
    "Arab": "Arabic",
    "Beng": "Bengali",
    "Guru": "Gurmukhi",
    "Gujr": "Gujarati",
    "Taml": "Tamil",
    "Telu": "Telugu",
    "Knda": "Kannada",
    "Mlym": "Malayalam",
    "Orya": "Odia",
    "Cyrl": "Cyrillic",
    "Grek": "Greek",
    "Hebr": "Hebrew",
    "Hani": "Chinese",
}
TYPE_NAMES = {"PERSON": "person", "ORG": "organisation", "PLACE": "place", "OTHER": "other"}
_SCRIPT_TAG = re.compile(r"^[A-Z][a-z]{3}$")
_PARA_BREAK = re.compile(r"\n\s*\n")


def script_name(code: str) -> str:
    return SCRIPT_NAMES.get(code, code)


def script_attrs(code: str) -> markupsafe.Markup:
    """``lang="und-Deva" dir="auto"``: unknown language, known script (helps font choice)."""
    if _SCRIPT_TAG.match(code):
        return markupsafe.Markup(f' lang="und-{code}" dir="auto"')
    return markupsafe.Markup(' dir="auto"')


def display_names(e: Entity) -> list[tuple[str, str]]:
    """One form per script other than the canonical name, fullest first: ``[("Deva", ...)]``.

    Within a script the form with most words wins (रवि मेहरा over मेहरा), then frequency.
    """
    out = []
    for script, forms in e.alias_lists().items():
        best = sorted(forms, key=lambda f: -len(f.split()))  # stable: frequency breaks ties
        if best and best[0].casefold() != e.name.casefold():
            out.append((script, best[0]))
    return sorted(out, key=lambda sf: (sf[0] != "Latn", sf[0]))


#: Entities kept decoded (shared by requests while the store is unchanged).
LIVE_ENTITIES = 2_000
_MISSING = object()


class Resolver:
    """Entity ids to the live entity they ended up in (merges followed), cached."""

    def __init__(self, sl: Storyline) -> None:
        self.sl = sl
        # shared by every request while the store is unchanged: the same popular entities (a
        # country, a capital) are on most pages, and their rows are the largest to decode
        self._live: dict[str, Entity | None] = sl._cached(("live-entities",), dict)

    def entity(self, eid: str) -> Entity | None:
        hit = self._live.get(eid, _MISSING)
        if hit is not _MISSING:
            return cast("Entity | None", hit)
        if len(self._live) >= LIVE_ENTITIES:
            self._live.clear()
        seen = {eid}
        row = self.sl.store.get_entity(eid)
        e = Entity.from_row(row) if row else None
        while e is not None and e.merged_into and e.merged_into not in seen:
            seen.add(e.merged_into)
            nxt = self.sl.store.get_entity(e.merged_into)
            if nxt is None:
                break
            e = Entity.from_row(nxt)
        for i in seen:
            self._live[i] = e
        return e


@dataclass
class KeyEntity:
    """An entity as it appears in a set of articles (a story, an event, search hits)."""

    entity: Entity
    mentions: int  # in these articles
    articles: int
    names: list[tuple[str, str]] = field(default_factory=list)  # (script, form)

    def to_dict(self) -> dict[str, Any]:
        return {
            **entity_dict(self.entity),
            "in_scope": {"mentions": self.mentions, "articles": self.articles},
            "links": entity_links(self.entity.id),
        }


def entity_links(eid: str) -> dict[str, str]:
    return {"html": f"/entities/{eid}", "api": f"/api/entities/{eid}"}


def key_entities(
    sl: Storyline, article_ids: Iterable[str], *, limit: int = 24, resolver: Resolver | None = None
) -> list[KeyEntity]:
    """Entities named in the articles, most mentioned first (ties: more articles)."""
    resolver = resolver or Resolver(sl)
    mentions: Counter[str] = Counter()
    articles: Counter[str] = Counter()
    rows_of = {aid: sl.store.article_mentions(aid) for aid in dict.fromkeys(article_ids)}
    # merges followed by id and name only; whole entities are read for the ones shown
    heads = sl.entity_heads({r["entity_id"] for rows in rows_of.values() for r in rows})
    for rows in rows_of.values():
        in_article: set[str] = set()
        for row in rows:
            head = heads.get(row["entity_id"])
            if head is None:
                continue
            mentions[head[0]] += int(row["count"])
            in_article.add(head[0])
        articles.update(in_article)
    out = []
    for i in sorted(mentions, key=lambda i: (-mentions[i], -articles[i], i))[:limit]:
        e = resolver.entity(i)
        if e is not None:
            out.append(KeyEntity(e, mentions[i], articles[i], display_names(e)))
    return out


# -- highlighted article text -----------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity_id: str
    type: str
    title: str  # tooltip: "person: Ravi Mehra"


def article_spans(sl: Storyline, article_id: str, text: str, resolver: Resolver) -> list[Span]:
    """The article's entity mentions that still match its text, linked to live entities."""
    spans = []
    for row in sl.store.article_mentions(article_id):
        e = resolver.entity(row["entity_id"])
        if e is None:
            continue
        for m in row["data"].get("mentions", []):
            start, end = m.get("start"), m.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
                continue
            if text[start:end] != m.get("surface"):
                logger.debug("mention %r of %s is off its text; not highlighted", m, article_id)
                continue
            spans.append(Span(start, end, e.id, e.type, f"{TYPE_NAMES.get(e.type, e.type)}: "
                              f"{e.name}"))
    return sorted(spans, key=lambda s: (s.start, -s.end))


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph, whitespace trimmed, as
    :func:`storyline.web.views.paragraphs` splits them."""
    out = []
    pos = 0
    for m in [*_PARA_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + len(chunk.rstrip())))
        if m:
            pos = m.end()
    return out


def highlight(
    text: str, spans: list[Span], href_of: Callable[[str], str]
) -> list[markupsafe.Markup]:
    """Paragraphs of *text* as HTML, every character escaped, each entity mention wrapped in a
    link to its entity page. Overlapping mentions keep the first; a mention that runs across a
    paragraph break is left plain."""
    out = []
    todo = list(spans)
    for p_start, p_end in _paragraph_bounds(text):
        parts: list[str] = []
        pos = p_start
        while todo and todo[0].start < p_end:
            s = todo.pop(0)
            if s.start < pos or s.end > p_end:
                continue  # overlaps the previous mention, starts before, or crosses a break
            parts.append(str(markupsafe.escape(text[pos : s.start])))
            kind = re.sub(r"[^a-z]", "", s.type.lower())
            href, title = markupsafe.escape(href_of(s.entity_id)), markupsafe.escape(s.title)
            surface = markupsafe.escape(text[s.start : s.end])
            parts.append(f'<a class="ent t-{kind}" href="{href}" title="{title}">{surface}</a>')
            pos = s.end
        parts.append(str(markupsafe.escape(text[pos:p_end])))
        out.append(markupsafe.Markup("".join(parts)))
    return out


# -- quotes and conflicts ---------------------------------------------------------------------
def quote_json(q: Quote) -> dict[str, Any]:
    d = q.to_dict()
    links = {"article": f"/articles/{q.article_id}"}
    if q.speaker_entity:
        links["speaker"] = f"/entities/{q.speaker_entity}"
    if q.group_entity:
        links["group"] = f"/entities/{q.group_entity}"
    d["links"] = links
    return d


def conflict_json(c: Conflict) -> dict[str, Any]:
    d = c.to_dict()
    d["links"] = {"article_a": f"/articles/{c.article_a}", "article_b": f"/articles/{c.article_b}"}
    return d


@dataclass
class QuoteGroup:
    event_id: str | None
    title: str
    date: str | None
    quotes: list[Quote]


def group_quotes(
    quotes: list[Quote], events: list[tuple[str, str, str | None]]
) -> list[QuoteGroup]:
    """Quotes under their events, in the order of *events* ``(id, title, date)``; quotes of
    other events (or none) come last. Within an event: named sources first, then by date."""
    by_event: dict[str | None, list[Quote]] = {}
    for q in quotes:
        by_event.setdefault(q.event_id, []).append(q)
    groups = []
    for eid, title, date in events:
        if eid in by_event:
            groups.append(QuoteGroup(eid, title, date, by_event.pop(eid)))
    for other, qs in sorted(by_event.items(), key=lambda kv: kv[0] or "~"):
        groups.append(QuoteGroup(other, other or "not in an event", None, qs))
    for g in groups:
        g.quotes.sort(key=lambda q: (q.claim.anonymous, q.date or "", q.article_id, q.claim.start))
    return groups


def claim_key(article_id: str, claim: Claim) -> str:
    """Identifies a claim within the store: its article and character span."""
    return f"{article_id}:{claim.start}:{claim.end}"


def claim_index(quotes: Iterable[Quote]) -> dict[str, Quote]:
    """Quotes by :func:`claim_key` (to find a conflict side's speaker entity)."""
    return {claim_key(q.article_id, q.claim): q for q in quotes}


def quote_entities(
    sl: Storyline, quotes: Iterable[Quote], resolver: Resolver | None = None
) -> dict[str, Entity]:
    """The speakers' and source groups' entities by the ids the quotes carry."""
    resolver = resolver or Resolver(sl)
    out = {}
    for q in quotes:
        for eid in (q.speaker_entity, q.group_entity):
            if eid and eid not in out:
                e = resolver.entity(eid)
                if e is not None:
                    out[eid] = e
    return out


def briefs_for(sl: Storyline, quotes: Iterable[Quote], *extra: str) -> dict[str, ArticleBrief]:
    """Article briefs (title, language, source) for the quotes' articles and *extra* ids."""
    ids = dict.fromkeys([*(q.article_id for q in quotes), *extra])
    return sl.store.article_briefs(ids)


def profile_json(p: EntityProfile, story_titles: dict[str, str]) -> dict[str, Any]:
    d = p.to_dict()
    d["stories"] = [
        {"id": sid, "articles": n, "title": story_titles.get(sid)} for sid, n in p.stories
    ]
    d["events"] = [{"id": eid, "articles": n} for eid, n in p.events]
    d["links"] = {
        **entity_links(p.entity.id),
        "quotes": f"/api/quotes?entity={p.entity.id}",
        "stories": f"/api/stories?entity={p.entity.id}",
    }
    return d
