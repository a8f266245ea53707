"""Search for the API, the search page and saved-search feeds: one call, a page and facets.

Facets (language, source, month, entity) are counted over the first :data:`FACET_WINDOW` hits of the
query with its current filters, so they describe the result set the reader is looking at.
The search itself is :meth:`storyline.api.Storyline.search`.
"""

from __future__ import annotations

import copy
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import markupsafe

from storyline.api import Storyline
from storyline.search import SearchHit
from storyline.web.app import WebState

logger = logging.getLogger(__name__)

FACET_WINDOW = 100  # hits counted for the facets (read without snippets)
ENTITY_FACET_SIZE = 12
ENTITY_FACET_ARTICLES = 400  # articles looked at for the entity facet
Kind = Literal["article", "event", "story"]
Mode = Literal["hybrid", "text", "semantic"]
QUERY_HELP = (
    'Words (all required), "a phrase", prefix*, a OR b, -excluded; works across scripts '
    "(Devanagari, Latin, Arabic...)"
)
ENTITY_HELP = "Only articles naming this entity: id (n000042), name or alias in any script"


@dataclass(frozen=True)
class SearchParams:
    q: str
    kind: str = "article"
    mode: str = "hybrid"
    lang: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None
    story: str | None = None
    event: str | None = None
    entity: str | None = None

    def call_args(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mode": self.mode,
            "lang": self.lang or None,
            "date_from": self.date_from or None,
            "date_to": self.date_to or None,
            "source": self.source or None,
            "story": self.story or None,
            "event": self.event or None,
            "entity": self.entity or None,
        }


@dataclass
class SearchResult:
    hits: list[SearchHit]
    has_more: bool
    window: int  # hits the facets were counted over
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    entity_names: dict[str, str] = field(default_factory=dict)  # ids in facets["entity"]


def _counts(values: list[str]) -> list[tuple[str, int]]:
    return sorted(Counter(v for v in values if v).items(), key=lambda kv: (-kv[1], kv[0]))


def facets_of(hits: list[SearchHit]) -> dict[str, list[tuple[str, int]]]:
    return {
        "lang": _counts([h.lang or "" for h in hits]),
        "source": _counts([h.source or "" for h in hits]),
        "month": sorted(_counts([(h.date or "")[:7] for h in hits if h.date and len(h.date) >= 7]),
                        reverse=True),
    }


def entity_facet(
    sl: Storyline, hits: list[SearchHit], *, top: int = ENTITY_FACET_SIZE
) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """Entities named in the hits' articles: ``[(entity id, hits naming it)]``, most first,
    with the entities' names. Looks at most :data:`ENTITY_FACET_ARTICLES` articles; reads
    mention ids and entity names only (two queries, no entity or mention JSON decoded)."""
    per_article: list[list[str]] = []
    budget = ENTITY_FACET_ARTICLES
    for h in hits:
        ids = [h.id] if h.kind == "article" else list(h.article_ids)
        ids = ids[: max(budget, 0)]
        budget -= len(ids)
        per_article.append(ids)
        if budget <= 0:
            break
    mentioned = sl.store.mentioned_entities({a for ids in per_article for a in ids})
    heads = sl.entity_heads({e for es in mentioned.values() for e in es})
    per_hit: Counter[str] = Counter()
    for ids in per_article:
        per_hit.update({heads[e][0] for a in ids for e in mentioned.get(a, ()) if e in heads})
    ranked = sorted(per_hit.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    name_of = dict(heads.values())
    return ranked, {eid: name_of.get(eid, eid) for eid, _ in ranked}


def run_search(
    state: WebState, params: SearchParams, *, limit: int, offset: int, entities: bool = True
) -> SearchResult:
    """One page of hits plus facets over the first FACET_WINDOW hits (``entities``: count
    the entity facet too). Results are kept while the store is unchanged
    (``STORYLINE_SEARCH_CACHE`` of them, least recently used dropped first)."""
    # "" and None filters alike: the API and the search page share their results
    key = (params.q.strip(), tuple(sorted(params.call_args().items())), limit, offset, entities)
    version = state.sl.store.version()
    cached = state.results.get(key, version)
    if cached is not None:
        return cast(SearchResult, cached)
    args = params.call_args()

    def load(sl: Storyline) -> tuple[list[SearchHit], bool, list[SearchHit], dict[str, Any],
                                     dict[str, str]]:
        # the facet window is read without snippets; only the page shown gets them
        window = sl.search(params.q, limit=FACET_WINDOW, offset=0, snippets=False, **args)
        if offset + limit <= FACET_WINDOW:
            page = window[offset : offset + limit]
            more = len(window) > offset + limit
        else:
            page = sl.search(params.q, limit=limit + 1, offset=offset, snippets=False, **args)
            more = len(page) > limit
            page = page[:limit]
        page = sl.fill_snippets([copy.copy(h) for h in page], params.q)
        facets = facets_of(window)
        names: dict[str, str] = {}
        if entities:
            facets["entity"], names = entity_facet(sl, window)
        return page, more, window, facets, names

    page, more, window, facets, names = state.run(load)
    result = SearchResult(hits=page, has_more=more, window=len(window), facets=facets,
                          entity_names=names)
    state.results.put(key, version, result)
    return result


_MARK = re.compile(r"</?mark>")


def marked(html: str) -> markupsafe.Markup:
    """Trust a search snippet only if it is escaped text with ``<mark>`` tags, else escape it."""
    rest = _MARK.sub("", html)
    if "<" in rest or ">" in rest or re.search(r"&(?!(?:amp|lt|gt|quot|#x?[0-9a-fA-F]+);)", rest):
        logger.warning("search snippet is not HTML-safe; escaping it")
        return markupsafe.escape(rest)
    return markupsafe.Markup(html)


def plain(html: str) -> str:
    """The text of a snippet (marks dropped, entities decoded) for plain-text uses."""
    return markupsafe.Markup(_MARK.sub("", html)).unescape()
