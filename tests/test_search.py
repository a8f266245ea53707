"""Hybrid search: tokens, query syntax, both backends, filters, pages, migration, consistency."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

import storyline
from storyline.api import Storyline
from storyline.cli import cli
from storyline.encode.base import HashingEncoder
from storyline.errors import EncoderError, StorylineError
from storyline.model import Article, DateInfo, Event, LangInfo, Provenance, Story
from storyline.search import QueryError, SearchHit, parse_query, tokenize
from storyline.search.snippet import highlight, snippet
from storyline.store import MemoryStore, SQLiteStore, Store, open_store
from storyline.store.fts import check_index
from storyline.store.schema import ARTICLE_COLUMNS, MIGRATIONS, article_row
from storyline.store.textquery import FTS_TOKENIZER, SearchFilters

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample"

# Our own sentences (not from any data set).
HI_TEXT = "प्रशांत किशोर ने कहा कि वे इस बार किसी दल के लिए चुनावी रणनीति नहीं बनाएंगे।"
HI_STORY = "कहानी अभी बाकी है और किशोर कुमार के गीत आज भी सुने जाते हैं।"


def art(
    aid: str,
    title: str,
    text: str,
    *,
    lang: str = "en",
    date: str | None = "2024-03-10",
    estimate: bool = False,
    source_name: str | None = "Example Times",
    source: str = "/feeds/example.jsonl",
    event_id: str | None = None,
    story_id: str | None = None,
    dup_of: str | None = None,
) -> Article:
    return Article(
        id=aid,
        doc_id=aid,
        provenance=Provenance(source=source, kind="jsonl", raw_sha256="h" + aid),
        title=title,
        text=text,
        source_name=source_name,
        lang=LangInfo(lang, 0.99),
        date=None if date is None else DateInfo(date, 0.9, estimate, "test", "day"),
        event_id=event_id,
        story_id=story_id,
        dup_of=dup_of,
    )


CORPUS = [
    art("a1", "Chief minister meets strategist", "The chief minister met the strategist for three "
        "hours on Wednesday. The meeting set off talk of an alliance.", event_id="e1",
        story_id="s1", date="2024-01-17"),
    art("a2", "Strategist declines offer", "The strategist said he would not join any party. "
        "He met the minister last month, the chief of staff said.", event_id="e2",
        story_id="s1", date="2024-02-26", source_name="Daily Ledger"),
    art("a3", "किशोर का इनकार", HI_TEXT, lang="hi", event_id="e2", story_id="s1",
        date="2024-02", estimate=True, source_name="दैनिक उदाहरण", source="/feeds/hindi.jsonl"),
    art("a4", "Cyclone nears the coast", "Elections were postponed as the cyclone neared the "
        "coast. Café owners closed early; the election office stayed open.", event_id="e3",
        story_id="s2", date="2024-10-21"),
    art("a5", "कहानी और गीत", HI_STORY, lang="hi", date=None, source_name=None),
    art("a6", "Minister's <b>bold</b> claim & more", "Officials said the cyclone & the floods "
        "caused <script>alert(1)</script> damage near the coast.", event_id="e3",
        story_id="s2", date="2024-10-26", source_name="Coast Herald"),
]  # fmt: skip


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store
    if request.param == "postgres":
        s = open_store(request.getfixturevalue("pg_url"))
    else:
        s = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield s
    s.close()


def fill(store: Store, articles: list[Article] = CORPUS) -> None:
    with store.transaction():
        for a in articles:
            store.put_article(a)


@pytest.fixture
def sl(store: Store) -> Storyline:
    """A Storyline over CORPUS with hashing-encoder vectors, events and stories."""
    fill(store)
    enc = HashingEncoder()
    vecs = enc.passages([f"{a.title}\n{a.text}" for a in CORPUS])
    store.put_vectors(f"article:{enc.name}", {a.id: v for a, v in zip(CORPUS, vecs, strict=True)})
    for eid, sid, members, title in [
        ("e1", "s1", ["a1"], "Meeting"),
        ("e2", "s1", ["a2", "a3"], "Offer declined"),
        ("e3", "s2", ["a4", "a6"], "Cyclone"),
    ]:
        store.put_event(Event(eid, article_ids=members, title=title, story_id=sid))
    store.put_story(Story("s1", event_ids=["e1", "e2"], title="Strategist story"))
    store.put_story(Story("s2", event_ids=["e3"], title="Cyclone story"))
    return Storyline(store, enc)


def fts_integrity(store: SQLiteStore) -> None:
    """Raises unless the FTS index matches the articles table exactly."""
    check_index(store._conn)


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


# -- tokens -----------------------------------------------------------------------------------


def fts5_tokens(texts: list[str]) -> list[list[str]]:
    """What SQLite's FTS5 (with the store's tokenizer) makes of each text."""
    con = sqlite3.connect(":memory:")
    try:
        con.execute(f'CREATE VIRTUAL TABLE t USING fts5(body, tokenize = "{FTS_TOKENIZER}")')
        con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
        con.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)", enumerate(texts, 1))
        out: list[list[tuple[int, str]]] = [[] for _ in texts]
        for doc, term, offset in con.execute("SELECT doc, term, offset FROM v"):
            out[doc - 1].append((offset, term or ""))  # an empty term reads as NULL
        return [[term for _, term in sorted(x)] for x in out]
    finally:
        con.close()


BLOCKS = [
    (0x00C0, 0x0250), (0x0370, 0x0400), (0x0400, 0x0530), (0x0600, 0x0700), (0x0900, 0x0A00),
    (0x0980, 0x0A00), (0x0B80, 0x0C00), (0x1E00, 0x1F00), (0x0300, 0x0370),
]  # fmt: skip


def test_tokenizer_twin_matches_fts5() -> None:
    texts = [
        HI_TEXT, HI_STORY, "Café CAFÉ cafe\u0301 naïve İstanbul Straße ŁÓDŹ Ærø",
        "क़ीमत कहानी, किशोर; हिंदी—उर्दू (२०२४) ১২৩ тест Ёлка ΣΊΣΥΦΟΣ ς",
        "e-mail co-op 3.5% $100 ₹200 #tag @user don't l'homme 東京都 مرحبا بالعالم",
        unicodedata.normalize("NFD", "Ñandú résumé Ångström"),
    ]  # fmt: skip
    texts += [json.loads(line)["text"] for line in (SAMPLE / "articles.jsonl").open()]
    # every letter, mark and digit of these blocks that SQLite's (older) Unicode tables know
    known = unicodedata.ucd_3_2_0
    for lo, hi in BLOCKS:
        chars = [
            chr(c)
            for c in range(lo, hi)
            if unicodedata.category(chr(c))[0] in "LMN" and known.category(chr(c)) != "Cn"
        ]
        texts.append(" ".join(f"q{c}z {c}" for c in chars))
    expected = fts5_tokens(texts)
    for text, want in zip(texts, expected, strict=True):
        assert tokenize(text) == want, text[:60]


def test_devanagari_words_stay_whole() -> None:
    terms = tokenize(HI_TEXT)
    assert "किशोर" in terms and "प्रशांत" in terms and "बनाएंगे" in terms
    assert tokenize("Ravi MEHRA's café") == ["ravi", "mehra", "s", "cafe"]


# -- query parsing ----------------------------------------------------------------------------


def test_parse_query_syntax() -> None:
    q = parse_query('"chief minister" strat* cyclone OR flood -party NOT "x y" AND')
    assert q.fts5() == (
        '("chief minister" AND "strat"* AND ("cyclone" OR "flood")) NOT ("party" OR "x y")'
    )
    assert parse_query("“curly quotes” here").fts5() == '"curly quotes" AND "here"'
    assert parse_query("co-op e-mail").fts5() == '"co" AND "op" AND "e" AND "mail"'
    assert parse_query('a* "unclosed phrase').fts5() == '"a" AND "unclosed" AND "phrase"'
    assert parse_query("-only -excluded").empty
    assert parse_query("").empty and parse_query("  ()*-\"'  ").empty


HOSTILE = [
    '"', '""', '"""', "'", "(", ")", "((a)", "a)", "AND", "OR", "NOT", "a AND", "OR b", "NOT NOT",
    "*", "**", "a**", "-", "--", "- -a", "-\"", "NEAR(a b)", "NEAR/2", "title:chief", "text : x",
    "^chief", "{title text}: chief", "a + b", "a | b", "a & b", "\\", "%", "_", ";", "\x00",
    "😀", "\u200d", "\u0301", "'); DROP TABLE articles; --", "chief\"minister", "a\"b\"c\"",
    "x" * 5000, " ".join(["chief"] * 500), "किशोर\u200d", "\ud800",
]  # fmt: skip


@pytest.mark.parametrize("mode", ["text", "hybrid", "semantic"])
def test_hostile_queries_never_fail(sl: Storyline, mode: str) -> None:
    for q in HOSTILE:
        for kind in ("article", "event", "story"):
            hits = sl.search(q, mode=mode, kind=kind, limit=5)
            assert isinstance(hits, list)
    assert sl.store.count_articles() == len(CORPUS)  # nothing was dropped
    assert ids(sl.search('chief"minister', mode="text")) == ["a1", "a2"]


# -- full-text matching -----------------------------------------------------------------------


def test_devanagari_query_finds_word(store: Store) -> None:
    fill(store)
    sl = Storyline(store, HashingEncoder())
    assert ids(sl.search("किशोर", mode="text")) == ["a3", "a5"]
    assert ids(sl.search("कहा", mode="text")) == ["a3"]  # a whole word: not कहानी
    assert set(ids(sl.search("कहा*", mode="text"))) == {"a3", "a5"}
    assert ids(sl.search('"प्रशांत किशोर"', mode="text")) == ["a3"]
    assert ids(sl.search('"किशोर प्रशांत"', mode="text")) == []


def test_latin_terms_are_exact_without_stemming(store: Store) -> None:
    fill(store)
    sl = Storyline(store, HashingEncoder())
    assert ids(sl.search("election", mode="text")) == ["a4"]
    assert ids(sl.search("elections", mode="text")) == ["a4"]
    assert ids(sl.search("elect", mode="text")) == []  # no stemming, no partial words
    assert ids(sl.search("elect*", mode="text")) == ["a4"]
    assert ids(sl.search("CAFE", mode="text")) == ["a4"]  # accents and case folded


def test_phrases_or_exclusion_and_fallback(store: Store) -> None:
    fill(store)
    sl = Storyline(store, HashingEncoder())
    assert ids(sl.search('"chief minister"', mode="text")) == ["a1"]
    assert set(ids(sl.search("chief minister", mode="text"))) == {"a1", "a2"}
    assert set(ids(sl.search("cyclone OR strategist", mode="text"))) == {"a1", "a2", "a4", "a6"}
    assert ids(sl.search("cyclone -floods", mode="text")) == ["a4"]
    assert ids(sl.search("cyclone NOT café", mode="text")) == ["a6"]
    # no article has every word: any word will do, best first
    hits = sl.search("cyclone zeppelin", mode="text")
    assert set(ids(hits)) == {"a4", "a6"} and all(h.match == ["text"] for h in hits)


def test_title_hits_weigh_more(store: Store) -> None:
    fill(
        store,
        [
            art("body", "Weather report", "A long day. The monsoon arrived late this year."),
            art("title", "Monsoon arrives", "A long day. The rain arrived late this year."),
        ],
    )
    assert [i for i, _ in store.search_text(parse_query("monsoon"))] == ["title", "body"]


@pytest.mark.parametrize(
    "other", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_backends_rank_identically(
    tmp_path: Path, request: pytest.FixtureRequest, other: str
) -> None:
    rows = [json.loads(line) for line in (SAMPLE / "articles.jsonl").open()]
    arts = [art(r["id"], r["title"], r["text"], lang=r["lang"]) for r in rows]
    target = request.getfixturevalue("pg_url") if other == "postgres" else tmp_path / "s.db"
    mem, sq = MemoryStore(), open_store(target)
    for s in (mem, sq):
        fill(s, arts)
    for q in ["Mehra", "cyclone Tara", '"Lok Vikas"', "चक्रवात", "Mehr*", "lunar OR चंद्र*",
              "Mehra -press", "the of", "mission lunar rover xyzzy", "Vik* Lok",
              "Mehra OR cyclone -Tara"]:  # fmt: skip
        query = parse_query(q)
        a, b = mem.search_text(query, limit=50), sq.search_text(query, limit=50)
        assert [i for i, _ in a] == [i for i, _ in b], q
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-9), q
        assert a or q == "mission lunar rover xyzzy"
        among = [i for i, _ in a][::2]
        for kw in ({"among": among}, {"filters": SearchFilters(lang="hi")},
                   {"filters": SearchFilters(source="herald", date_from="2024")}):  # fmt: skip
            x, y = mem.search_text(query, **kw), sq.search_text(query, **kw)  # type: ignore[arg-type]
            assert [i for i, _ in x] == [i for i, _ in y], (q, kw)
            assert [s for _, s in x] == pytest.approx([s for _, s in y], rel=1e-9), (q, kw)
    sq.close()


# -- snippets ---------------------------------------------------------------------------------


def test_snippets_are_html_safe(sl: Storyline) -> None:
    (hit,) = sl.search("damage", mode="text")
    assert hit.id == "a6"
    assert "<mark>damage</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    (hit,) = sl.search("bold claim", mode="text")
    assert (
        hit.title_html
        == "Minister&#x27;s &lt;b&gt;<mark>bold</mark>&lt;/b&gt; <mark>claim</mark> &amp; more"
    )


def test_snippet_window_and_phrase_marks() -> None:
    text = " ".join(f"w{i}" for i in range(200)) + " the chief minister spoke. " + "x " * 100
    html, matched = snippet(text, parse_query('"chief minister"').phrases, words=12)
    assert matched and html.startswith("…") and html.endswith("…")
    assert "<mark>chief minister</mark>" in html
    tail = "lead words " * 3000 + "the final verdict came"  # the match lies past the scan
    html, matched = snippet(tail, parse_query("verdict").phrases, words=4)
    assert matched and html == "…the final <mark>verdict</mark> came"
    html, matched = snippet(tail, parse_query("lead").phrases, words=3)
    assert matched and html == "<mark>lead</mark> words <mark>lead</mark>…"
    lead, matched = snippet(text, parse_query("absent").phrases, words=5)
    assert not matched and lead == "w0 w1 w2 w3 w4…"
    assert highlight("Café, CAFE!", parse_query("cafe").phrases) == (
        "<mark>Café</mark>, <mark>CAFE</mark>!"
    )


# -- filters and pages ------------------------------------------------------------------------


def test_filters(sl: Storyline) -> None:
    def found(**kw: Any) -> set[str]:
        return set(ids(sl.search("the OR किशोर OR cyclone", mode="text", limit=50, **kw)))

    assert found() == {"a1", "a2", "a3", "a4", "a5", "a6"}
    assert found(lang="hi") == {"a3", "a5"}
    assert found(date_from="2024-02-15") == {"a2", "a3", "a4", "a6"}  # a3 is "2024-02"
    assert found(date_from="2024-03") == {"a4", "a6"}
    assert found(date_to="2024-02-01") == {"a1", "a3"}
    assert found(date_from="2024-02-10", date_to="2024-02-20") == {"a3"}  # estimate overlaps
    assert found(date_from="2024") == {"a1", "a2", "a3", "a4", "a6"}  # undated a5 is out
    assert found(source="ledger") == {"a2"}
    assert found(source="HINDI.JSONL") == {"a3"}  # the input path counts too
    assert found(source="दैनिक") == {"a3"}
    assert found(story="s2") == {"a4", "a6"}
    assert found(event="e2", lang="hi") == {"a3"}
    for mode in ("semantic", "hybrid"):  # the semantic list honours the filters too
        assert set(ids(sl.search("cyclone", mode=mode, lang="hi"))) <= {"a3", "a5"}
        assert set(ids(sl.search("cyclone", mode=mode, story="s1"))) <= {"a1", "a2", "a3"}


def test_bad_options_raise_clear_errors(sl: Storyline) -> None:
    with pytest.raises(QueryError, match="YYYY-MM-DD"):
        sl.search("x", date_from="last week")
    with pytest.raises(QueryError, match="not a date"):
        sl.search("x", date_to="2024-02-30")
    with pytest.raises(QueryError, match="after"):
        sl.search("x", date_from="2024-05", date_to="2024-04")
    with pytest.raises(QueryError, match="kind"):
        sl.search("x", kind="person")
    with pytest.raises(QueryError, match="mode"):
        sl.search("x", mode="fuzzy")
    with pytest.raises(QueryError, match="limit"):
        sl.search("x", limit=-1)
    with pytest.raises(StorylineError, match="no entity 'Q42'"):
        sl.search("x", entity="Q42")
    assert SearchFilters(lang=" ").empty


def test_pagination(sl: Storyline) -> None:
    for mode in ("text", "hybrid", "semantic"):
        everything = ids(sl.search("the OR किशोर OR cyclone", mode=mode, limit=100))
        assert len(everything) >= (4 if mode == "text" else 2)
        pages = [
            ids(sl.search("the OR किशोर OR cyclone", mode=mode, limit=2, offset=o))
            for o in range(0, len(everything) + 2, 2)
        ]
        assert [i for page in pages for i in page] == everything
        assert pages[-1] == [] and sl.search("the", mode=mode, limit=0) == []


# -- hybrid, events, stories ------------------------------------------------------------------


def test_hybrid_says_how_each_hit_matched(sl: Storyline) -> None:
    hits = sl.search("strategist", limit=10)
    by_id = {h.id: h for h in hits}
    assert {"a1", "a2"} <= set(by_id)
    assert by_id["a1"].match[0] == "text" and by_id["a2"].match[0] == "text"
    text_only = {h.id for h in sl.search("strategist", mode="text")}
    assert all("text" not in h.match for h in hits if h.id not in text_only)
    assert all(h.match == ["semantic"] for h in sl.search("strategist", mode="semantic"))
    d = hits[0].to_dict()
    assert d["kind"] == "article" and d["article_ids"] == [hits[0].id] and "snippet" in d


def test_event_and_story_hits(sl: Storyline) -> None:
    events = sl.search("strategist OR किशोर", kind="event", mode="text")
    assert ids(events)[:2] == ["e2", "e1"]  # e2 holds two matching articles
    e2 = events[0]
    assert e2.kind == "event" and e2.title == "Offer declined" and e2.story_id == "s1"
    assert set(e2.article_ids) == {"a2", "a3"} and "<mark>" in e2.snippet
    stories = sl.search("strategist OR किशोर", kind="story", mode="text")
    assert ids(stories) == ["s1"] and set(stories[0].article_ids) == {"a1", "a2", "a3"}
    assert ids(sl.search("cyclone", kind="story", mode="text")) == ["s2"]
    # a dead event is not listed; offsets count the listed events
    dead = sl.store.get_event("e1")
    assert dead is not None
    sl.store.put_event(dataclasses.replace(dead, alive=False))
    assert ids(sl.search("strategist OR किशोर", kind="event", mode="text")) == ["e2"]
    assert sl.search("strategist OR किशोर", kind="event", mode="text", offset=1) == []


def test_syndicated_copies_fold_into_their_original(store: Store) -> None:
    text = "The relief package for the coastal districts was announced on Saturday."
    fill(store, [
        art("orig", "Relief announced", text, event_id="e1", source_name="Agency"),
        art("copy", "Relief announced", text, event_id="e1", dup_of="orig", source_name="Reprint"),
        art("other", "Relief camps", "Relief camps opened.", event_id="e2"),
    ])  # fmt: skip
    store.put_event(Event("e1", article_ids=["orig", "copy"]))
    store.put_event(Event("e2", article_ids=["other"]))
    sl = Storyline(store, HashingEncoder())
    assert ids(sl.search("relief package", mode="text")) == ["orig"]
    assert ids(sl.search("relief package", mode="text", source="reprint")) == ["copy"]
    (e1,) = sl.search("relief package", kind="event", mode="text")
    assert e1.article_ids == ["orig"]


def test_semantic_without_vectors(store: Store) -> None:
    fill(store)
    store.set_meta("encoder", "some-other-model")
    sl = Storyline(store, HashingEncoder())
    with pytest.raises(QueryError, match="some-other-model"):
        sl.search("cyclone", mode="semantic")
    hits = sl.search("cyclone")  # hybrid degrades to text
    assert set(ids(hits)) == {"a4", "a6"} and all(h.match == ["text"] for h in hits)


class BrokenEncoder(HashingEncoder):
    def queries(self, texts: list[str]) -> np.ndarray:
        raise EncoderError("model cannot be loaded here")


def test_hybrid_survives_a_broken_encoder(sl: Storyline) -> None:
    broken = Storyline(sl.store, BrokenEncoder())
    assert set(ids(broken.search("cyclone"))) == {"a4", "a6"}
    with pytest.raises(EncoderError):
        broken.search("cyclone", mode="semantic")


def test_vector_cache_sees_new_articles(sl: Storyline) -> None:
    enc = HashingEncoder()
    assert "new" not in ids(sl.search("glacier melt", mode="semantic"))
    fill(sl.store, [art("new", "Glacier melt", "The glacier melt accelerated this summer.")])
    sl.store.put_vectors(f"article:{enc.name}", {"new": enc.passages(["Glacier melt"])[0]})
    assert ids(sl.search("glacier melt", mode="semantic"))[0] == "new"


# -- index consistency ------------------------------------------------------------------------


def test_index_follows_updates_and_rollbacks(store: Store) -> None:
    fill(store)
    with pytest.raises(RuntimeError), store.transaction():
        store.put_article(art("ghost", "Ghost ship", "A ghost ship was seen."))
        store.put_article(dataclasses.replace(CORPUS[0], title="Renamed headline"))
        assert [i for i, _ in store.search_text(parse_query("ghost"))] == ["ghost"]
        raise RuntimeError("boom")
    assert store.text_index_count() == store.count_articles() == len(CORPUS)
    assert store.search_text(parse_query("ghost")) == []
    assert store.search_text(parse_query("renamed")) == []
    assert [i for i, _ in store.search_text(parse_query('"meets strategist"'))] == ["a1"]
    # an update re-indexes the new words; an event move keeps the index as it is
    store.put_article(dataclasses.replace(CORPUS[0], title="Renamed headline"))
    store.put_article(dataclasses.replace(CORPUS[1], event_id="e9"))
    assert [i for i, _ in store.search_text(parse_query("renamed"))] == ["a1"]
    assert store.search_text(parse_query('"meets strategist"')) == []
    assert {i for i, _ in store.search_text(parse_query("declines"))} == {"a2"}
    assert store.text_index_count() == store.count_articles()
    if isinstance(store, SQLiteStore):
        fts_integrity(store)


def test_migration_indexes_a_version_1_store(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    con = sqlite3.connect(path)
    for statement in MIGRATIONS[0].statements:
        con.execute(statement)
    cols = ", ".join(ARTICLE_COLUMNS)
    marks = ", ".join(f":{c}" for c in ARTICLE_COLUMNS)
    for seq, a in enumerate(CORPUS, 1):
        con.execute(
            f"INSERT INTO articles (ingest_seq, {cols}) VALUES ({seq}, {marks})", article_row(a)
        )
    con.execute("PRAGMA user_version = 1")
    con.execute("PRAGMA application_id = 1398033486")
    con.commit()
    con.close()
    with SQLiteStore(path) as s:
        assert s.text_index_count() == len(CORPUS)
        assert [i for i, _ in s.search_text(parse_query("किशोर"))] == ["a3", "a5"]
        fts_integrity(s)
        s.put_article(art("a7", "Late addition", "Another cyclone formed."))
        assert {i for i, _ in s.search_text(parse_query("cyclone"))} == {"a4", "a6", "a7"}


_CHILD = textwrap.dedent(
    """
    import sys, time
    from storyline.model import Article, Provenance
    from storyline.store import SQLiteStore

    def art(i):
        return Article(id=f"a{i:04d}", doc_id=str(i), title=f"headline {i}",
                       text="monsoon " * 300 + f"marker{i}",
                       provenance=Provenance(source="s", kind="text"))

    store = SQLiteStore(sys.argv[1])
    with store.transaction():
        for i in range(5):
            store.put_article(art(i))
    with store.transaction():
        for i in range(5, 1500):
            store.put_article(art(i))
        print("ready", flush=True)
        time.sleep(60)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_index_survives_a_killed_writer(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    with SQLiteStore(path) as s:
        assert s.count_articles() == s.text_index_count() == 5
        assert len(s.search_text(parse_query("monsoon"), limit=100)) == 5
        assert s.search_text(parse_query("marker7")) == []
        fts_integrity(s)


# -- the real pipeline, the CLI ---------------------------------------------------------------


def test_seeds_hindi_word(seeds_dir: Path, tmp_path: Path) -> None:
    with Storyline(SQLiteStore(tmp_path / "seeds.db"), HashingEncoder()) as sl:
        sl.ingest(seeds_dir)
        hits = sl.search("किशोर", mode="text")
        assert hits[0].lang == "hi" and "<mark>किशोर</mark>" in hits[0].snippet
        # the entity links the scripts: the Hindi query also finds the English seeds
        assert {h.lang for h in hits} == {"hi", "en"} and len(hits) == 3
        assert all("Kishor</mark>" in h.snippet for h in hits if h.lang == "en")
        assert "Kishor" in ids_titles(sl.search("Kishor", mode="text"))
        assert {h.kind for h in sl.search("किशोर", kind="story")} == {"story"}


def ids_titles(hits: list[SearchHit]) -> str:
    return " ".join(h.title + " " + h.snippet for h in hits)


def test_cli_search(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    base = ["--db", db, "--encoder", "hashing"]
    res = runner.invoke(cli, [*base, "ingest", str(SAMPLE / "articles.jsonl")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, [*base, "search", "Mehra", "--mode", "text", "--json", "--limit", "3"])
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert len(hits) == 3
    assert all("<mark>Mehra</mark>" in h["snippet"] or "मेहरा</mark>" in h["snippet"] for h in hits)
    res = runner.invoke(cli, [*base, "search", "चक्रवात", "--kind", "event", "--lang", "hi"])
    assert res.exit_code == 0 and "1." in res.output, res.output
    res = runner.invoke(cli, [*base, "search", "x", "--from", "yesterday"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output
    res = runner.invoke(cli, [*base, "search", '((("', "--mode", "text"])
    assert res.exit_code == 0 and "(nothing)" in res.output


# -- cross-lingual, with the real encoder -----------------------------------------------------


@pytest.fixture(scope="module")
def e5_sample() -> Iterator[Storyline]:
    from storyline.encode.e5 import E5Encoder

    sl = Storyline(MemoryStore(), E5Encoder())
    sl.ingest(SAMPLE / "articles.jsonl")
    yield sl
    sl.close()


def gold_story(sl: Storyline, article_id: str) -> str:
    doc = sl.store.get_article(article_id)
    assert doc is not None
    gold = {json.loads(line)["id"]: json.loads(line) for line in (SAMPLE / "gold.jsonl").open()}
    return str(gold[doc.doc_id]["story_id"])


@pytest.mark.encoder
@pytest.mark.slow
def test_cross_lingual_semantic_search(e5_sample: Storyline) -> None:
    sl = e5_sample
    # English query, Hindi articles (no shared words)
    hits = sl.search("families moved to shelters before the storm hit", lang="hi", limit=3)
    assert hits and all(h.match == ["semantic"] for h in hits)
    assert [gold_story(sl, h.id) for h in hits[:2]] == ["B", "B"]
    # Hindi query, English articles
    hits = sl.search("चांद पर उतरा यान", lang="en", mode="semantic", limit=3)
    assert gold_story(sl, hits[0].id) == "C"
    # hybrid: an English name query ranks articles in every language, text matches first
    hits = sl.search("Mehra", limit=20)
    assert hits[0].match == ["text", "semantic"]
    assert {h.lang for h in hits if gold_story(sl, h.id) == "A"} >= {"en", "hi"}
    events = sl.search("cyclone landfall", kind="event", limit=3)
    assert events and gold_story(sl, events[0].article_ids[0]) == "B"
    assert events[0].kind == "event" and "text" in events[0].match


def test_entity_filter_keeps_articles_naming_the_entity(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample"
    with storyline.open(tmp_path / "e.db", encoder="hashing") as sl:
        sl.ingest([sample / "articles.jsonl"])
        mehra = sl.entity("Ravi Mehra").entity
        named = set(sl.store.entity_article_ids(mehra.id))
        assert len(named) >= 5
        hits = sl.search("party", mode="text", entity="Ravi Mehra", limit=50)
        assert hits and {h.id for h in hits} <= named
        # the Devanagari alias finds the same entity
        hi = sl.search("party", mode="text", entity="रवि मेहरा", limit=50)
        assert [h.id for h in hi] == [h.id for h in hits]
        everyone = sl.search("party", mode="text", limit=50)
        assert len(everyone) > len(hits)


def test_entity_names_expand_across_scripts(tmp_path: Path) -> None:
    with storyline.open(tmp_path / "x.db", encoder="hashing") as sl:
        sl.ingest([SAMPLE / "articles.jsonl"])
        latin = sl.search("Mehra", mode="text", limit=50)
        assert {"hi", "en"} <= {h.lang for h in latin}
        assert any("मेहरा</mark>" in h.snippet for h in latin if h.lang == "hi")
        # a word that names no entity is searched as written
        plain = sl.search("fishermen", mode="text", limit=50)
        assert plain and {h.lang for h in plain} <= {"en"}
