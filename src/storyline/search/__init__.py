"""Hybrid (full-text + semantic) search over articles, events and stories.

>>> import storyline
>>> sl = storyline.open("news.db")
>>> for hit in sl.search("किशोर", kind="event", date_from="2022"):
...     print(hit.id, hit.title, hit.match, hit.snippet)

See :mod:`storyline.search.searcher` for how hits are ranked and
:mod:`storyline.store.textquery` for the query syntax (words, ``"phrases"``, ``prefix*``,
``OR``, ``-excluded``).
"""

from __future__ import annotations

from storyline.search.hits import KINDS, MODES, SearchHit
from storyline.search.searcher import Searcher, semantic_text
from storyline.search.snippet import highlight, snippet
from storyline.store.textquery import (
    ArticleBrief,
    Phrase,
    QueryError,
    SearchFilters,
    TextQuery,
    parse_query,
    tokenize,
)

__all__ = [
    "KINDS",
    "MODES",
    "ArticleBrief",
    "Phrase",
    "QueryError",
    "SearchFilters",
    "SearchHit",
    "Searcher",
    "TextQuery",
    "highlight",
    "parse_query",
    "semantic_text",
    "snippet",
    "tokenize",
]
