"""Full-text search in the PostgreSQL store: a ``tsvector`` per article, ranked with bm25.

The ``tsvector`` is built here from storyline's own tokens (:func:`textquery.tokenize`, the
twin of the SQLite store's FTS5 tokenizer) and handed to PostgreSQL as a literal, so it is
language-neutral like the ``simple`` configuration (no stemming, no stop words) and splits
Hindi, Latin and every other script exactly as the other backends do: PostgreSQL's own parser
is never involved. Title tokens carry weight ``A`` at positions 1..n, body tokens follow after a
gap of one position (so no phrase spans title and body). Queries become a ``tsquery``
(phrases with ``<->``, prefixes with ``:*``, ``&``, ``|``, ``!``) answered through a GIN index.

Ranking is the same bm25 as FTS5 and the memory store (:func:`textindex.bm25`), computed from
the positions of the query's lexemes in the matching rows: the three backends return the same
hits with the same scores. What is lost against FTS5 comes from ``tsvector``'s limits:

* a lexeme keeps at most 256 positions per article, so a word repeated more often counts 256;
* positions stop at 16,383: words past that point of a very long article (~100 kB) still match
  as words but not inside phrases, and add nothing to its score;
* a single token longer than 2,046 bytes is not indexed;
* scoring runs in Python over every match (fine for thousands of hits; a query matching most
  of a million-article store is slower than FTS5's in-engine bm25).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from storyline.store.filter_sql import and_all, filter_conditions
from storyline.store.pg_schema import dec
from storyline.store.textindex import bm25, phrase_idf
from storyline.store.textquery import (
    BRIEF_COLUMNS,
    ArticleBrief,
    Phrase,
    SearchFilters,
    TextQuery,
    contains,
    tokenize,
)

MAX_POS = 16383  # tsvector's largest position
MAX_POSITIONS = 256  # positions kept per lexeme
MAX_LEXEME_BYTES = 2046


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title: str, text: str) -> tuple[str, int]:
    """The ``tsvector`` text of an article and its length in tokens (title + text)."""
    title_terms, text_terms = tokenize(title), tokenize(text)
    positions: dict[str, list[str]] = {}
    for offset, terms, weight in (
        (1, title_terms, "A"),
        (len(title_terms) + 2, text_terms, ""),
    ):
        for i, term in enumerate(terms):
            if not term or len(term.encode("utf-8")) > MAX_LEXEME_BYTES:
                continue
            pos = positions.setdefault(term, [])
            p = offset + i
            if p <= MAX_POS and len(pos) < MAX_POSITIONS:
                pos.append(f"{p}{weight}")
    parts = [_quote(term) + (":" + ",".join(pos) if pos else "") for term, pos in positions.items()]
    return " ".join(parts), len(title_terms) + len(text_terms)


def _phrase_tsquery(p: Phrase) -> str:
    terms = [_quote(t) for t in p.terms]
    if p.prefix:
        terms[-1] += ":*"
    return terms[0] if len(terms) == 1 else "(" + " <-> ".join(terms) + ")"


def _indexable(p: Phrase) -> bool:
    """Whether any article can hold ``p`` (a term too long for a tsvector never can)."""
    return all(len(t.encode("utf-8")) <= MAX_LEXEME_BYTES for t in p.terms)


def tsquery_text(query: TextQuery) -> str:
    """The ``tsquery`` of a parsed query (empty when the query can match nothing)."""
    groups = [[p for p in group if _indexable(p)] for group in query.groups]
    if not groups or not all(groups):
        return ""
    parts = ["(" + " | ".join(_phrase_tsquery(p) for p in group) + ")" for group in groups]
    expr = " & ".join(parts)
    excluded = [p for p in query.excluded if _indexable(p)]
    if excluded:
        expr = f"({expr}) & !({' | '.join(_phrase_tsquery(p) for p in excluded)})"
    return expr


def filter_sql(filters: SearchFilters | None) -> tuple[str, list[Any]]:
    """``AND ...`` conditions on ``articles AS a`` for every filter but ``source`` (which
    :func:`source_ok` applies in Python, with the same case folding as the other backends)."""
    where, params = filter_conditions(filters, "%s")
    return and_all(where), params


def source_ok(filters: SearchFilters | None, source_name: str | None, source: str) -> bool:
    if filters is None or filters.source is None:
        return True
    return contains(dec(source_name), filters.source) or contains(dec(source), filters.source)


def _count(where: dict[int, tuple[str, bool]], phrase: Phrase) -> tuple[int, int]:
    """(title, body) occurrences of ``phrase`` given a row's ``position -> (term, in title)``."""
    counts = [0, 0]
    terms, last = phrase.terms, len(phrase.terms) - 1

    def ok(term: str | None, k: int) -> bool:
        if term is None:
            return False
        return term.startswith(terms[k]) if (phrase.prefix and k == last) else term == terms[k]

    for p, (term, in_title) in where.items():
        rest = range(1, last + 1)
        if ok(term, 0) and all(ok(where.get(p + k, (None, False))[0], k) for k in rest):
            counts[0 if in_title else 1] += 1
    return counts[0], counts[1]


def search_text(
    conn: Any,
    query: TextQuery,
    *,
    filters: SearchFilters | None = None,
    among: Iterable[str] | None = None,
    limit: int = 100,
) -> list[tuple[str, float]]:
    """``(article id, -bm25)`` of the best matches, best first (ties in ingest order)."""
    expr = tsquery_text(query)
    if not expr or limit <= 0:
        return []
    phrases = query.phrases
    exact = sorted({t for p in phrases for t in (p.terms[:-1] if p.prefix else p.terms)})
    prefixes = sorted({p.terms[-1] for p in phrases if p.prefix})
    cond, params = filter_sql(filters)
    if among is not None:
        cond += " AND a.id = ANY(%s)"
        params.append(list(dict.fromkeys(among)))
    rows = conn.execute(
        "SELECT a.id, a.ingest_seq, a.ntok, a.source_name, a.source, u.lexeme, u.positions, "
        "u.weights FROM articles AS a CROSS JOIN LATERAL unnest(a.tsv) AS u "
        f"WHERE a.tsv @@ %s::tsquery{cond} AND (u.lexeme = ANY(%s) OR EXISTS "
        "(SELECT 1 FROM unnest(%s::text[]) AS p(x) WHERE starts_with(u.lexeme, p.x)))",
        [expr, *params, exact, prefixes],
    ).fetchall()
    docs: dict[str, tuple[int, int, dict[int, tuple[str, bool]]]] = {}
    for r in rows:
        if not source_ok(filters, r["source_name"], r["source"]):
            continue
        doc = docs.setdefault(r["id"], (int(r["ingest_seq"]), int(r["ntok"]), {}))
        for pos, weight in zip(r["positions"] or (), r["weights"] or (), strict=True):
            doc[2][int(pos)] = (r["lexeme"], weight == "A")
    if not docs:
        return []
    n_docs, total = (
        conn.execute("SELECT count(*) AS n, coalesce(sum(ntok), 0) AS t FROM articles")
        .fetchone()
        .values()
    )
    avgdl = float(total) / float(n_docs)
    with_phrase = [_phrase_docs(conn, p) if _indexable(p) else 0 for p in phrases]
    idf = [phrase_idf(int(n_docs), n) for n in with_phrase]
    scored = []
    for aid, (seq, ntok, where) in docs.items():
        counts: list[tuple[int, int] | None] = []
        for p in phrases:
            c = _count(where, p)
            counts.append(c if (c[0] or c[1]) else None)
        scored.append((-bm25(counts, idf, ntok, avgdl), seq, aid))
    scored.sort()
    return [(aid, -neg) for neg, _, aid in scored[:limit]]


def _phrase_docs(conn: Any, phrase: Phrase) -> int:
    """Number of articles holding ``phrase`` (bm25's document frequency)."""
    row = conn.execute(
        "SELECT count(*) AS n FROM articles WHERE tsv @@ %s::tsquery", [_phrase_tsquery(phrase)]
    ).fetchone()
    return int(row["n"])


def filter_article_ids(conn: Any, filters: SearchFilters) -> set[str]:
    cond, params = filter_sql(filters)
    rows = conn.execute(
        f"SELECT a.id, a.source_name, a.source FROM articles AS a WHERE TRUE{cond}", params
    )
    return {
        str(r["id"]) for r in rows.fetchall() if source_ok(filters, r["source_name"], r["source"])
    }


def article_briefs(conn: Any, ids: Sequence[str]) -> dict[str, ArticleBrief]:
    wanted = list(dict.fromkeys(ids))
    rows = conn.execute(
        f"SELECT {', '.join(BRIEF_COLUMNS)} FROM articles WHERE id = ANY(%s)", [wanted]
    ).fetchall()
    found = {r["id"]: ArticleBrief.from_row({k: dec(v) for k, v in r.items()}) for r in rows}
    return {i: found[i] for i in wanted if i in found}
