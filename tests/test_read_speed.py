"""The read paths made cheaper for the web under load: the tokenizer's fast path, snippets that
tokenize only what they show, deferred title highlighting, views and entities kept while the
store is unchanged. Each shortcut must give exactly what the long way gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import storyline
from storyline.api import VIEW_CACHE, Storyline
from storyline.search import parse_query
from storyline.search.snippet import _best_start, snippet
from storyline.store import textquery
from storyline.store.textquery import fold, fold_text, token_spans
from storyline.web.people import Resolver

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"
# Latin with accents, combining marks (some dropped by the index), Greek, Cyrillic,
# Devanagari, letter-like symbols, ligatures, private use, dotted capital I
RANGES = [(0x20, 0x250), (0x300, 0x370), (0x370, 0x500), (0x900, 0x980), (0x1E00, 0x1F00),
          (0x2100, 0x2200), (0xFB00, 0xFB50), (0xE000, 0xE010), (0x130, 0x132)]
CODES = [c for a, b in RANGES for c in range(a, b)]


def per_token(text: str) -> list[tuple[int, int, str]]:
    """The index's tokens the long way: every token folded on its own."""
    return [(m.start(), m.end(), fold(m.group())) for m in textquery._RUN.finditer(text)]


def test_token_spans_fast_path_equals_folding_each_token() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(chr(rng.choice(CODES)) if rng.random() < 0.5 else rng.choice("ab Cd,.eF")
                       for _ in range(rng.randint(0, 40)))
        assert list(token_spans(text)) == per_token(text), repr(text)
    for text in ["ΟΔΥΣΣΕΥΣ ΣΑΣ", "Straße İzmir ﬁne", "किशोर, गुजरात “Modi’s”"]:
        assert list(token_spans(text)) == per_token(text)  # final sigma: not str.lower's
    for code in range(0x20, 0x3000):
        text = f"a{chr(code)}B {chr(code)}"
        assert list(token_spans(text)) == per_token(text), hex(code)


def test_fold_text_holds_every_token_term() -> None:
    """The snippet's pre-check relies on it: a term not in fold_text(text) matches no token."""
    for text in ["Café au LAIT", "naïve coöperation", "किशोर, गुजरात में", "ΣΟΦΙΑ İstanbul", "ﬁne"]:
        folded = fold_text(text)
        for _, _, term in token_spans(text):
            assert term in folded


def naive_best_start(marks: list[tuple[int, int, int]], words: int, context: int) -> int:
    best: tuple[int, int, int] | None = None
    start = 0
    for m_first, _, _ in marks:
        first = max(0, m_first - context)
        inside = [m for m in marks if m[0] >= first and m[1] <= first + words]
        key = (len({m[2] for m in inside}), len(inside), -first)
        if best is None or key > best:
            best, start = key, first
    return start


def test_snippet_window_choice_equals_the_quadratic_rule() -> None:
    rng = random.Random(1)
    for _ in range(500):
        marks = sorted({(i, i + rng.randint(1, 3), rng.randint(0, 3))
                        for i in (rng.randint(0, 400) for _ in range(rng.randint(1, 60)))})
        words = rng.choice([8, 16, 32])
        assert _best_start(marks, words, words // 4) == naive_best_start(marks, words, words // 4)


def test_snippets_with_and_without_a_match() -> None:
    filler = "The committee met again on Tuesday to review the plans. " * 120  # > SCAN_CHARS
    late = filler + "Finally the Café Kesarganj reopened its doors."
    html, hit = snippet(late, parse_query("cafe kesarganj").phrases)
    assert hit and "<mark>Café</mark> <mark>Kesarganj</mark>" in html  # past the head
    html, hit = snippet(late, parse_query("bridge").phrases)
    assert not hit and html.startswith("The committee met") and html.endswith("…")
    assert len(html.split()) <= 33
    html, hit = snippet("Short text about a bridge.", parse_query("tunnel").phrases)
    assert (html, hit) == ("Short text about a bridge.", False)


@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Storyline:
    s = storyline.open(tmp_path_factory.mktemp("speed") / "s.db", encoder="hashing")
    s.ingest([SAMPLE])
    return s


def test_titles_highlighted_with_the_snippets(sl: Storyline) -> None:
    full = sl.search("Chandra-Lumen", limit=5)
    assert full and any("<mark>" in h.title_html for h in full)
    bare = sl.search("Chandra-Lumen", limit=5, snippets=False)
    assert [h.title_html for h in bare] == [""] * len(bare)
    filled = sl.fill_snippets(bare, "Chandra-Lumen")
    assert [(h.title_html, h.snippet) for h in filled] == [(h.title_html, h.snippet) for h in full]


def test_hot_views_survive_many_others(sl: Storyline) -> None:
    built = []

    def build() -> list[str]:
        built.append(1)
        return ["hot"]

    sl._cached(("test-hot",), build)
    for i in range(3 * VIEW_CACHE):
        sl._cached(("test-cold", i), lambda: None)
        if i % 50 == 0:
            sl._cached(("test-hot",), build)  # used now and then: stays
    assert len(built) == 1
    assert len(sl._view_cache) <= VIEW_CACHE


def test_entities_shared_by_requests_until_the_store_changes(sl: Storyline) -> None:
    row = max(sl.store.list_entities(), key=lambda r: r["mentions"])
    first = Resolver(sl).entity(row["id"])
    assert first is not None and Resolver(sl).entity(row["id"]) is first  # decoded once
    with sl.store.transaction():
        name = row["name"] + " Renamed"
        sl.store.put_entity({**row, "name": name, "data": {**row["data"], "name": name}})
    again = Resolver(sl).entity(row["id"])
    assert again is not None and again is not first and again.name.endswith(" Renamed")


def test_route_paths_equal_starlettes() -> None:
    """Paths built from each route's own format equal ``app.url_path_for``'s, for every
    named route (those of included routers too) and awkward parameter values."""
    from storyline.web import create_app
    from storyline.web.views import _named_routes, _url_path

    app = create_app(storyline.open(None, encoder="hashing"))
    routes = list(_named_routes(app.routes))
    assert {"ui_story", "ui_event", "get_story", "static"} <= {n for n, _ in routes}
    for name, route in routes:
        for value in ("s000001", "a%2Fb", "मुंबई", "x y"):
            if isinstance(route, tuple):
                params = dict.fromkeys(route[1], value)
            else:
                params = {"path": "app.css"}
            assert _url_path(app, name, params) == str(app.url_path_for(name, **params))
