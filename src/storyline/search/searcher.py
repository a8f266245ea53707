"""Hybrid search over articles, events and stories.

A query runs up to two searches over *articles*, both restricted by the same filters:

* **text** — the store's full-text index (FTS5 in SQLite, a twin inverted index in memory):
  every word or phrase must occur (falling back to *any* of them when no article has all),
  ranked by bm25 with titles weighted above bodies;
* **semantic** — the query embedded with ``encoder.queries`` and compared (cosine) with the
  stored article vectors of that encoder (space ``article:<encoder name>``), so an English
  query finds Hindi articles and the reverse.

Semantic candidates are the nearest articles above a relative similarity floor
(:data:`SEMANTIC_FLOOR`), so that "semantic" in a hit's ``match`` means something even in a
small store. ``mode="hybrid"`` fuses the two rankings by relative score fusion (each list
min-max normalised, text weighted 0.3, semantic 0.7; better than reciprocal-rank fusion on our
measurements, see :mod:`storyline.search.fuse`). Event and story hits are ranked from their
member articles' scores (best member + half the second + a quarter of the third); each carries
its best article's snippet.
Syndicated copies (``dup_of``) are folded into their original when both are hits.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

import numpy as np
import regex

from storyline.encode.base import Encoder
from storyline.errors import EncoderError
from storyline.search.expand import expand_entities
from storyline.search.fuse import TEXT_WEIGHT, Group, Scored, fuse, group_scores, single
from storyline.search.hits import KINDS, MODES, SearchHit
from storyline.search.snippet import highlight, snippet
from storyline.search.vector import VectorIndex
from storyline.store.base import Store
from storyline.store.textquery import (
    ArticleBrief,
    QueryError,
    SearchFilters,
    TextQuery,
    parse_query,
)
from storyline.text.clean import normalize_unicode

logger = logging.getLogger(__name__)

#: Articles taken from each ranked list for an article search (at least; more for deep pages).
ARTICLE_DEPTH = 100
#: Articles taken from each ranked list when ranking events or stories.
GROUP_DEPTH = 1000
#: Semantic candidates must be this fraction of the way from the median similarity of all
#: articles to the best one (on the sample corpus 0.2 drops half of the unrelated articles and
#: none of the relevant ones; large stores are cut by the depth first).
SEMANTIC_FLOOR = 0.2
#: Added to the hybrid score of an article holding every word of a query of two or more
#: words (a user who names two things wants the articles about both first).
ALL_WORDS_BONUS = 0.2
#: Longest query text embedded (the encoder truncates anyway).
MAX_SEMANTIC_CHARS = 2000
#: Largest ``limit`` accepted.
MAX_LIMIT = 1000
#: Query embeddings kept (most recently used).
QUERY_CACHE = 256

_EXCLUDED = regex.compile(r"(?:(?<=^|\s)[-−]|\bNOT\s+)(?:[\"“„«][^\"”“»]*[\"”»]|\S+)")
_OPERATOR = regex.compile(r"\b(?:AND|OR|NOT)\b|[*\"“”„«»()]")


def semantic_text(query: str) -> str:
    """The part of a query to embed: excluded words, operators and unencodable characters
    removed, at most :data:`MAX_SEMANTIC_CHARS` characters."""
    text = (query or "").encode("utf-8", "ignore").decode("utf-8")
    text = _EXCLUDED.sub(" ", normalize_unicode(text))
    return " ".join(_OPERATOR.sub(" ", text).split())[:MAX_SEMANTIC_CHARS]


class Searcher:
    """Search bound to a store and (for semantic search) the encoder its vectors came from."""

    def __init__(self, store: Store, encoder: Encoder | None = None) -> None:
        self.store = store
        self.encoder = encoder
        self._vectors: VectorIndex | None = None
        self._warned = False
        self._query_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def search(
        self,
        query: str,
        *,
        kind: str = "article",
        lang: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        source: str | None = None,
        story: str | None = None,
        event: str | None = None,
        entity: str | None = None,
        mode: str = "hybrid",
        limit: int = 20,
        offset: int = 0,
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Hits for ``query``, best first; see :meth:`storyline.api.Storyline.search`.

        ``snippets=False`` leaves ``snippet`` and ``title_html`` empty (no article text is
        read, no title highlighted): a caller that shows only some of the hits fills those
        with :meth:`fill_snippets`.
        """
        if kind not in KINDS:
            raise QueryError(f"unknown search kind {kind!r}: use one of {', '.join(KINDS)}")
        if mode not in MODES:
            raise QueryError(f"unknown search mode {mode!r}: use one of {', '.join(MODES)}")
        if not 0 <= int(limit) <= MAX_LIMIT or int(offset) < 0:
            raise QueryError(f"limit must be 0..{MAX_LIMIT} and offset 0 or more")
        among = self._entity_articles(entity) if entity is not None else None
        filters = SearchFilters(
            lang=lang,
            date_from=date_from,
            date_to=date_to,
            source=source,
            story_id=story,
            event_id=event,
        )
        text_query = expand_entities(self.store, parse_query(query))
        if limit == 0:
            return []
        need = offset + limit
        depth = max(ARTICLE_DEPTH, 2 * need) if kind == "article" else max(GROUP_DEPTH, 20 * need)
        text_hits, every_word = (
            ([], False) if mode == "semantic" else self._text(text_query, filters, depth, among)
        )
        sem_hits = (
            [] if mode == "text" else self._semantic(query, text_query, filters, depth, mode, among)
        )
        if mode == "hybrid":
            scored = fuse(
                [("text", TEXT_WEIGHT, text_hits), ("semantic", 1.0 - TEXT_WEIGHT, sem_hits)],
                bonus={i: ALL_WORDS_BONUS for i, _ in text_hits} if every_word else None,
            )
        else:
            scored = single(mode, text_hits if mode == "text" else sem_hits)
        if not scored:
            return []
        briefs = self.store.article_briefs(s.id for s in scored)
        if kind == "article":
            hits = self._article_hits(scored, briefs, text_query, offset, limit, snippets)
        else:
            hits = self._group_hits(kind, scored, briefs, text_query, offset, limit, snippets)
        if snippets:
            self._fill(hits, text_query)
        return hits

    def fill_snippets(self, hits: list[SearchHit], query: str) -> list[SearchHit]:
        """Compute the snippets of *hits* left empty by ``search(..., snippets=False)``."""
        self._fill(hits, expand_entities(self.store, parse_query(query)))
        return hits

    def _fill(self, hits: list[SearchHit], query: TextQuery) -> None:
        for h in hits:
            if not h.title_html and h.title:
                h.title_html = highlight(h.title, query.phrases)
            if h.snippet or not h.snippet_from:
                continue
            article = self.store.get_article(h.snippet_from)
            h.snippet = snippet(article.text if article else "", query.phrases)[0]

    # -- the two rankings ------------------------------------------------------------------
    def _entity_articles(self, ref: str) -> set[str]:
        """Articles that mention an entity (id, name or alias in any script); a merged-away
        name searches its survivor's articles too."""
        from storyline.annotate import entity_chain

        chain = entity_chain(self.store, ref)
        if not chain:
            raise QueryError(f"no entity {ref!r}: `storyline entities` lists them")
        out: set[str] = set()
        for row in chain:
            out.update(self.store.entity_article_ids(row["id"]))
        return out

    def _text(
        self,
        query: TextQuery,
        filters: SearchFilters,
        depth: int,
        among: set[str] | None = None,
    ) -> tuple[list[tuple[str, float]], bool]:
        """(hits, whether they hold every word of a query of two words or more)."""
        if query.empty or (among is not None and not among):
            return [], False
        hits = self.store.search_text(query, filters=filters, among=among, limit=depth)
        if not hits and len(query.groups) > 1:
            hits = self.store.search_text(
                query.any_phrase(), filters=filters, among=among, limit=depth
            )
            return hits, False
        return hits, len(query.groups) > 1

    def _index(self) -> VectorIndex | None:
        if self.encoder is None:
            return None
        space = f"article:{self.encoder.name}"
        if self._vectors is None or self._vectors.space != space:
            self._vectors = VectorIndex(self.store, space)
        return self._vectors

    def _semantic(
        self,
        raw: str,
        query: TextQuery,
        filters: SearchFilters,
        depth: int,
        mode: str,
        among: set[str] | None = None,
    ) -> list[tuple[str, float]]:
        text = semantic_text(raw)
        if not text or query.empty:  # nothing to look for (no words, or only exclusions)
            return []
        index = self._index()
        if index is None or len(index) == 0:
            self._no_vectors(strict=mode == "semantic")
            return []
        assert self.encoder is not None
        try:
            vec = self._query_vector(text)
        except EncoderError as exc:
            if mode == "semantic":
                raise
            logger.warning("cannot embed the query (%s); searching by text only", exc)
            return []
        allowed = None if filters.empty else self.store.filter_article_ids(filters)
        if among is not None:
            allowed = among if allowed is None else allowed & among
        hits = index.search(vec, k=depth, allowed=allowed, floor=SEMANTIC_FLOOR)
        if query.excluded and hits:
            bad = self.store.search_text(
                query.exclusions(), among=[i for i, _ in hits], limit=len(hits)
            )
            gone = {i for i, _ in bad}
            hits = [h for h in hits if h[0] not in gone]
        return hits

    def _query_vector(self, text: str) -> np.ndarray:
        """The query's embedding, from a small cache (a query is often asked again: the next
        page, another filter, a feed reader polling)."""
        assert self.encoder is not None
        key = (self.encoder.name, text)
        with self._cache_lock:
            vec = self._query_cache.get(key)
            if vec is not None:
                self._query_cache.move_to_end(key)
                return vec
        vec = np.asarray(self.encoder.queries([text]), dtype=np.float32)[0]
        with self._cache_lock:
            self._query_cache[key] = vec
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vec

    def _no_vectors(self, *, strict: bool) -> None:
        name = self.encoder.name if self.encoder is not None else None
        built = self.store.get_meta("encoder")
        if self.store.count_articles() == 0:
            return
        if built and built != name:
            why = (
                f"this store's vectors come from encoder {built!r}, not {name!r}: open it "
                f"with the same encoder (storyline --encoder ...) for semantic search"
            )
        elif name is None:
            why = "semantic search needs an encoder; open the store with one"
        else:
            why = f"this store holds no article vectors of encoder {name!r}"
        if strict:
            raise QueryError(why)
        if not self._warned:
            logger.warning("%s; searching by text only", why)
            self._warned = True

    # -- hits ------------------------------------------------------------------------------
    @staticmethod
    def _fold_copies(scored: list[Scored], briefs: dict[str, ArticleBrief]) -> list[Scored]:
        """Hits without syndicated copies whose original is also a hit."""
        ids = {s.id for s in scored}
        return [
            s
            for s in scored
            if s.id in briefs and not (briefs[s.id].dup_of and briefs[s.id].dup_of in ids)
        ]

    def _article_hits(
        self,
        scored: list[Scored],
        briefs: dict[str, ArticleBrief],
        query: TextQuery,
        offset: int,
        limit: int,
        titles: bool = True,
    ) -> list[SearchHit]:
        out = []
        for s in self._fold_copies(scored, briefs)[offset : offset + limit]:
            b = briefs[s.id]
            out.append(
                SearchHit(
                    kind="article",
                    id=s.id,
                    title=b.title,
                    score=s.score,
                    snippet_from=s.id,
                    lang=b.lang,
                    date=b.date,
                    match=list(s.match),
                    article_ids=[s.id],
                    story_id=b.story_id,
                    event_id=b.event_id,
                    title_html=highlight(b.title, query.phrases) if titles else "",
                    date_is_estimate=b.date_is_estimate,
                    source=b.source_name,
                )
            )
        return out

    @staticmethod
    def _snippet_member(group: Group) -> Scored:
        """The group's best text-matching member (else its best member): its snippet."""
        return next((m for m in group.members if "text" in m.match), group.members[0])

    def _group_hits(
        self,
        kind: str,
        scored: list[Scored],
        briefs: dict[str, ArticleBrief],
        query: TextQuery,
        offset: int,
        limit: int,
        titles: bool = True,
    ) -> list[SearchHit]:
        def key(aid: str) -> str | None:
            b = briefs.get(aid)
            if b is None:
                return None
            return b.event_id if kind == "event" else b.story_id

        def copy_of_member(aid: str, members: set[str]) -> bool:
            dup = briefs[aid].dup_of
            return bool(dup and dup in members) or any(briefs[m].dup_of == aid for m in members)

        out: list[SearchHit] = []
        skipped = 0
        for group in group_scores(scored, key, skip=copy_of_member):
            hit = self._group_hit(kind, group, briefs, query, titles)
            if hit is None:
                continue
            if skipped < offset:
                skipped += 1
                continue
            out.append(hit)
            if len(out) >= limit:
                break
        return out

    def _group_hit(
        self,
        kind: str,
        group: Group,
        briefs: dict[str, ArticleBrief],
        query: TextQuery,
        titles: bool = True,
    ) -> SearchHit | None:
        if kind == "event":
            ev = self.store.get_event(group.id)
            if ev is None or not ev.alive:
                return None
            title, date, estimate = ev.title, ev.date, ev.date_is_estimate
            story_id, event_id = ev.story_id, ev.id
        else:
            st = self.store.get_story(group.id)
            if st is None or not st.alive:
                return None
            title, date, estimate = st.title, st.last_date, None
            story_id, event_id = st.id, None
        best = self._snippet_member(group)
        b = briefs[best.id]
        return SearchHit(
            kind=kind,
            id=group.id,
            title=title,
            score=group.score,
            snippet_from=best.id,
            lang=b.lang,
            date=date,
            match=list(group.match),
            article_ids=[m.id for m in group.members],
            story_id=story_id,
            event_id=event_id,
            title_html=highlight(title, query.phrases) if titles else "",
            date_is_estimate=estimate,
            source=b.source_name,
        )
