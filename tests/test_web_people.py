"""Entities, quotes and conflicts in the REST API and the web UI (and, with chromium, a browser).

The store holds the bundled sample corpus (our own fiction: Ravi Mehra / रवि मेहरा...) plus a
few test articles written here: two reports that disagree on one matter, and one article whose
text carries markup around entity names.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from fastapi.testclient import TestClient

import storyline
from browser import launch_chromium, serve
from storyline.api import Storyline
from storyline.web import create_app
from storyline.web.people import Span, _paragraph_bounds, highlight
from storyline.web.views import paragraphs

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"
ALL = 10**9

# Our own test texts: two reports of one matter that disagree, and hostile markup.
CONFLICT = [
    {
        "id": "pp-conf-1",
        "title": "Meera Joshi turns down Jan Seva Manch offer",
        "date": "2025-03-04",
        "source": "Test Wire",
        "text": "Kesarganj politician Meera Joshi has declined the offer to lead the Jan Seva "
        "Manch in the state election, a source close to Joshi said on Tuesday.\n\n"
        '"I will not lead the Jan Seva Manch," Meera Joshi told reporters in Kesarganj.',
    },
    {
        "id": "pp-conf-2",
        "title": "Meera Joshi to lead Jan Seva Manch, say party sources",
        "date": "2025-03-05",
        "source": "Test Daily",
        "text": "Meera Joshi has agreed to lead the Jan Seva Manch in the state election in "
        "Kesarganj, party sources said on Wednesday.\n\n"
        '"Joshi will lead the Jan Seva Manch," Jan Seva Manch spokesperson Anil Kapoor said.',
    },
]
HOSTILE = {
    "id": "pp-xss-1",
    "title": "<i>Kesarganj</i> ward talks <script>alert('t')</script>",
    "text": "Meera Joshi <script>alert(1)</script> met <b>Anil Kapoor</b> in Kesarganj on "
    'Monday to discuss the new water main.\n\n"We <img src=x onerror=alert(2)> agree on the '
    'ward budget," Anil Kapoor said after the meeting with Meera Joshi.',
    "date": "2025-03-10",
    "source": "Test <Wire>",
}


@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    s = storyline.open(tmp_path_factory.mktemp("people") / "people.db", encoder="hashing")
    s.ingest([SAMPLE])
    extra = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in [*CONFLICT, HOSTILE])
    report = s.ingest_stream(io.BytesIO(extra.encode()), name="people-test.jsonl")
    assert report.accepted == 3, report.as_dict()
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(sl: Storyline) -> Iterator[TestClient]:
    with TestClient(create_app(sl)) as c:
        yield c


@pytest.fixture(scope="module")
def mehra(sl: Storyline) -> str:
    return sl.entity("Ravi Mehra").entity.id


@pytest.fixture(scope="module")
def conflict_story(sl: Storyline) -> str:
    a, b = sl.article("pp-conf-1"), sl.article("pp-conf-2")
    assert a.event_id == b.event_id and a.story_id, "the two reports must share an event"
    return a.story_id


def _error(resp: Any, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"]["code"] == code and body["error"]["message"]
    return str(body["error"]["message"])


def _mention_counts(sl: Storyline, article_ids: list[str]) -> Counter[str]:
    """Mentions per live entity over the articles (computed here, independently)."""
    out: Counter[str] = Counter()
    for aid in article_ids:
        for row in sl.store.article_mentions(aid):
            out[sl.entity(row["entity_id"]).entity.id] += row["count"]
    return out


# -- REST ----------------------------------------------------------------------------------------
def test_entities_listing(client: TestClient, sl: Storyline) -> None:
    every = sl.entities(limit=ALL)
    full = client.get("/api/entities", params={"limit": 1000}).json()
    assert full["total"] == len(every) == len(full["items"]) > 20
    mentions = [e["mentions"] for e in full["items"]]
    assert mentions == sorted(mentions, reverse=True)  # most mentioned first
    page = client.get("/api/entities", params={"limit": 5, "offset": 3}).json()
    assert [e["id"] for e in page["items"]] == [e.id for e in every[3:8]]
    first = full["items"][0]
    assert first["links"]["html"] == f"/entities/{first['id']}"
    people = client.get("/api/entities", params={"type": "person", "limit": 1000}).json()
    assert 0 < people["total"] < full["total"]
    assert all(e["type"] == "PERSON" for e in people["items"])
    hi = client.get("/api/entities", params={"lang": "hi", "limit": 1000}).json()
    assert 0 < hi["total"] < full["total"] and all(e["langs"].get("hi") for e in hi["items"])
    in_hi = [e["langs"]["hi"] for e in hi["items"]]
    assert in_hi == sorted(in_hi, reverse=True)
    _error(client.get("/api/entities", params={"type": "martian"}), 422, "invalid_request")


def test_entity_profile_by_any_script(client: TestClient, sl: Storyline, mehra: str) -> None:
    by_id = client.get(f"/api/entities/{mehra}").json()
    assert client.get("/api/entities/रवि मेहरा").json() == by_id
    assert client.get("/api/entities/Mehra").json()["entity"]["id"] == mehra
    assert {"Latn", "Deva"} <= set(by_id["aliases"])
    assert "रवि मेहरा" in by_id["aliases"]["Deva"] and "Ravi Mehra" in by_id["aliases"]["Latn"]
    profile = sl.entity(mehra)
    assert [s["id"] for s in by_id["stories"]] == [sid for sid, _ in profile.stories]
    assert all(s["title"] for s in by_id["stories"])
    assert by_id["activity"] == profile.activity and by_id["quotes"] == profile.quotes > 0
    assert by_id["links"]["quotes"] == f"/api/quotes?entity={mehra}"
    assert "nobody-at-all" in _error(client.get("/api/entities/nobody-at-all"), 404, "not_found")


def test_quotes_filters_and_pages(client: TestClient, sl: Storyline, mehra: str) -> None:
    story = max(sl.stories(), key=lambda s: len(sl.quotes(story=s.id))).id
    everything = sl.quotes(story=story)
    body = client.get("/api/quotes", params={"story": story, "limit": 1000}).json()
    assert body["total"] == len(everything) == len(body["items"]) > 3
    assert all(q["story_id"] == story for q in body["items"])
    page = client.get("/api/quotes", params={"story": story, "limit": 2, "offset": 1}).json()
    assert [q["claim"]["text"] for q in page["items"]] == [
        q.claim.text for q in everything[1:3]
    ]
    anon = client.get("/api/quotes", params={"anonymous": "true", "limit": 1000}).json()
    named = client.get("/api/quotes", params={"anonymous": "false", "limit": 1000}).json()
    assert anon["total"] > 0 and named["total"] > 0
    assert all(q["claim"]["anonymous"] for q in anon["items"])
    assert not any(q["claim"]["anonymous"] for q in named["items"])
    assert anon["total"] + named["total"] == len(sl.quotes())
    by = client.get("/api/quotes", params={"entity": "मेहरा", "limit": 1000}).json()
    assert by["total"] == len(sl.quotes(entity=mehra)) > 0
    assert all(mehra in (q["speaker_entity"], q["group_entity"]) for q in by["items"])
    one = client.get("/api/quotes", params={"article": "pp-conf-2"}).json()
    assert one["total"] == 2 and {q["who"] for q in one["items"]} >= {"Anil Kapoor"}
    assert one["items"][0]["links"]["article"].startswith("/articles/a_")
    _error(client.get("/api/quotes", params={"story": "s999999"}), 404, "not_found")


def test_conflicts(client: TestClient, sl: Storyline, conflict_story: str) -> None:
    body = client.get("/api/conflicts", params={"story": conflict_story}).json()
    assert body["total"] == len(sl.conflicts(story=conflict_story)) >= 1
    best = body["items"][0]
    assert {best["polarity_a"], best["polarity_b"]} == {"for", "against"}
    ids = {sl.article("pp-conf-1").id, sl.article("pp-conf-2").id}
    assert {best["article_a"], best["article_b"]} == ids
    assert best["claim_a"]["text"] and best["claim_b"]["text"] and "Joshi" in best["shared"]
    event = sl.article("pp-conf-1").event_id
    by_event = client.get("/api/conflicts", params={"event": event}).json()
    assert by_event["total"] == body["total"]
    assert "story or an event" in _error(client.get("/api/conflicts"), 400, "bad_request")


def test_stories_and_search_filtered_by_entity(
    client: TestClient, sl: Storyline, mehra: str
) -> None:
    naming = dict(sl.entity(mehra).stories)
    body = client.get("/api/stories", params={"entity": "Ravi Mehra", "limit": 1000}).json()
    assert {s["id"] for s in body["items"]} == set(naming) and body["total"] == len(naming)
    assert all(s["entity_articles"] == naming[s["id"]] for s in body["items"])
    assert client.get("/api/stories", params={"limit": 1000}).json()["total"] > body["total"]
    _error(client.get("/api/stories", params={"entity": "nobody-at-all"}), 404, "not_found")
    articles = set(sl.entity(mehra).article_ids)
    q = {"q": "party", "mode": "text", "limit": 200}
    hits = client.get("/api/search", params={**q, "entity": "मेहरा"}).json()
    unfiltered = client.get("/api/search", params=q).json()
    assert hits["items"] and len(hits["items"]) < len(unfiltered["items"])
    assert all(h["id"] in articles for h in hits["items"])
    facet = dict(map(tuple, unfiltered["facets"]["entity"]))
    assert facet[mehra] == sum(1 for h in unfiltered["items"] if h["id"] in articles)
    assert unfiltered["entity_names"][mehra] == "Ravi Mehra"
    _error(client.get("/api/search", params={**q, "entity": "nobody-at-all"}), 400, "bad_request")


# -- highlighting (pure) -------------------------------------------------------------------------
def test_paragraph_bounds_match_the_paragraph_filter() -> None:
    text = "  One line\nstill one.\n\n\n  Two <b>\n \n\tThree  \n\n"
    bounds = _paragraph_bounds(text)
    assert [text[a:b] for a, b in bounds] == paragraphs(text)


def test_highlight_escapes_and_skips_bad_spans() -> None:
    text = 'A <b>Mehra</b> & "Joshi"\n\nMehra again'
    spans = [
        Span(5, 10, "n000001", "PERSON", 'person: Ravi "R" Mehra'),
        Span(7, 12, "n000002", "PERSON", "overlaps the first"),
        Span(18, 23, "n000003", "ORG", "x"),
        Span(22, 27, "n000004", "PLACE", "crosses the break"),
        Span(26, 31, "n000001", "PERSON<", "second paragraph"),
    ]
    html = highlight(text, spans, lambda eid: f"/entities/{eid}?x=<1>")
    assert all(isinstance(p, markupsafe.Markup) for p in html)
    first, second = html
    assert first.count("<a ") == 2 and second.count("<a ") == 1
    assert "&lt;b&gt;" in first and "&amp;" in first and "<b>" not in first
    assert 'title="person: Ravi &#34;R&#34; Mehra"' in first
    assert 'href="/entities/n000001?x=&lt;1&gt;"' in first
    assert 'class="ent t-person"' in second  # the type is reduced to letters
    assert markupsafe.Markup(second).striptags() == "Mehra again"


# -- pages ---------------------------------------------------------------------------------------
def test_entity_page_shows_names_in_both_scripts(
    client: TestClient, sl: Storyline, mehra: str
) -> None:
    html = client.get(f"/entities/{mehra}").text
    assert client.get("/entities/रवि मेहरा").text == html
    profile = sl.entity(mehra)
    assert re.search(r'<tr data-script="Deva">.*?रवि मेहरा', html, re.S)
    assert re.search(r'<tr data-script="Latn">.*?Ravi Mehra', html, re.S)
    assert 'lang="und-Deva"' in html  # Devanagari forms are marked by script
    for code in profile.mentions_by_lang:
        assert f'<tr data-lang="{code}">' in html
    chart = html.split('<figure class="activity">', 1)[1].split("</figure>", 1)[0]
    assert 0 < chart.count("<rect ") <= len(profile.activity)
    for sid, _ in profile.stories:
        assert f'href="/stories/{sid}"' in html
    for eid, _ in profile.events:
        assert f'href="/events/{eid}"' in html
    assert html.count('class="quote ') == len(sl.quotes(entity=mehra)) > 0
    r = client.get("/entities/nobody-at-all")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_entity_list_filters(client: TestClient, sl: Storyline) -> None:
    html = client.get("/entities", params={"limit": 500}).text
    assert html.count('class="card entity"') == len(sl.entities(limit=ALL))
    people = client.get("/entities", params={"type": "PERSON", "limit": 500}).text
    assert people.count('class="card entity"') == len(sl.entities(type="PERSON", limit=ALL))
    hi = client.get("/entities", params={"lang": "hi", "limit": 500}).text
    assert hi.count('class="card entity"') == len(sl.entities(lang="hi", limit=ALL))
    found = client.get("/entities", params={"q": "मेहरा"}).text
    ids = re.findall(r'data-entity="(n\d+)"', found)
    assert sl.entity("Ravi Mehra").entity.id in ids
    assert "रवि मेहरा" in found and "Ravi Mehra" in found


def test_story_page_entities_quotes_and_conflicts(
    client: TestClient, sl: Storyline, conflict_story: str
) -> None:
    html = client.get(f"/stories/{conflict_story}").text
    quotes = sl.quotes(story=conflict_story)
    assert html.count('<li class="quote ') == len(quotes) >= 4
    anonymous = sum(q.claim.anonymous for q in quotes)
    assert html.count("data-anonymous") == anonymous >= 1
    assert html.count('<span class="badge anon"') >= anonymous  # marked, in conflicts too
    conflicts = sl.conflicts(story=conflict_story)
    assert html.count('<li class="conflict">') == min(len(conflicts), 10) >= 1
    assert html.count('data-side="a"') == html.count('data-side="b"') >= 1
    ids = [a.id for a in sl.articles(story_id=conflict_story)]
    counts = _mention_counts(sl, ids)
    shown = re.findall(r'<li class="key-entity" data-entity="(n\d+)"', html)
    assert shown[0] == counts.most_common(1)[0][0] == sl.entity("Meera Joshi").entity.id
    assert set(shown) == set(counts)


def test_sample_story_quotes_grouped_by_event(client: TestClient, sl: Storyline) -> None:
    sid = max(sl.stories(), key=lambda s: len(sl.quotes(story=s.id))).id
    html = client.get(f"/stories/{sid}").text
    groups = re.findall(r'<section class="quote-group".*?<a href="/events/(e\d+)"', html, re.S)
    timeline = [t.event.id for t in sl.timeline(sid)]
    with_quotes = {q.event_id for q in sl.quotes(story=sid)}
    assert groups == [e for e in timeline if e in with_quotes]
    assert html.count('<li class="quote ') == len(sl.quotes(story=sid))


def test_event_page_quotes_and_entities(client: TestClient, sl: Storyline) -> None:
    event = sl.article("pp-conf-1").event_id
    html = client.get(f"/events/{event}").text
    assert html.count('<li class="quote ') == len(sl.quotes(event=event))
    assert 'class="key-entities"' in html and '<li class="conflict">' in html


def test_article_page_highlights_and_escapes(client: TestClient, sl: Storyline) -> None:
    a = sl.article("pp-xss-1")
    html = client.get(f"/articles/{a.id}").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>Anil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = html.split('<div class="article-text"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a class="ent t-(\w+)" href="/entities/(n\d+)" title="[^"]*">([^<]*)</a>',
                       text)
    surfaces = Counter(
        m["surface"] for r in sl.store.article_mentions(a.id) for m in r["data"]["mentions"]
    )
    assert Counter(s for _, _, s in links) == surfaces and len(links) >= 4
    joshi = sl.entity("Meera Joshi").entity.id
    assert ("person", joshi, "Meera Joshi") in links
    quotes = sl.quotes(article=a.id)
    assert quotes and html.count('<li class="quote ') == len(quotes)
    assert "Test &lt;Wire&gt;" in html


def test_story_list_entity_filter(client: TestClient, sl: Storyline, mehra: str) -> None:
    html = client.get("/", params={"entity": "Ravi Mehra"}).text
    ids = re.findall(r'data-story="(s\d+)"', html)
    assert set(ids) == {sid for sid, _ in sl.entity(mehra).stories} and ids
    assert f'href="/entities/{mehra}"' in html and "articles name Ravi Mehra" in html
    assert '<datalist id="entity-choices">' in html
    missing = client.get("/", params={"entity": "nobody-at-all"})
    assert missing.status_code == 200 and 'role="alert"' in missing.text
    assert 'data-story="' not in missing.text


def test_search_page_entity_facet_and_filter(client: TestClient, sl: Storyline, mehra: str) -> None:
    html = client.get("/search", params={"q": "party", "mode": "text"}).text
    assert '<ul class="entity-facet">' in html and f"entity={mehra}" in html
    narrowed = client.get("/search", params={"q": "party", "mode": "text", "entity": mehra}).text
    assert 0 < narrowed.count('class="hit"') < html.count('class="hit"')
    assert "naming Ravi Mehra" in narrowed and 'class="on"' in narrowed
    assert "/entities" in client.get("/").text  # the nav links the entity list


# -- the browser ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_url(sl: Storyline) -> Iterator[str]:
    with serve(create_app(sl)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as b:  # the one launch of this module
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    yield pg
    context.close()
    assert problems == []


@pytest.mark.browser
def test_browser_story_with_quotes_and_conflicts(
    page: Any, base_url: str, sl: Storyline, conflict_story: str
) -> None:
    page.goto(f"{base_url}/stories/{conflict_story}")
    quotes = page.locator("li.quote")
    assert quotes.count() == len(sl.quotes(story=conflict_story))
    badge = page.locator("li.quote[data-anonymous] .badge.anon").first
    assert badge.is_visible() and badge.inner_text() == "anonymous source"
    a, b = page.locator("li.conflict").first.locator(".side").all()
    box_a, box_b = a.bounding_box(), b.bounding_box()
    assert abs(box_a["y"] - box_b["y"]) < 2 and box_b["x"] > box_a["x"] + box_a["width"] - 1
    page.locator("li.key-entity a.ent-link").first.click()  # the most mentioned entity
    page.wait_for_url(re.compile(r"/entities/n\d+$"))
    assert page.locator("h1").inner_text().startswith("Meera Joshi")


@pytest.mark.browser
def test_browser_entity_page(page: Any, base_url: str, mehra: str) -> None:
    page.goto(f"{base_url}/entities/{mehra}")
    deva = page.locator("tr[data-script=Deva] li", has_text="रवि मेहरा")
    assert deva.is_visible() and deva.bounding_box()["width"] > 20
    bars = page.locator("figure.activity svg rect")
    assert bars.count() > 0 and bars.first.bounding_box()["height"] > 5
    page.goto(f"{base_url}/articles/smp-014")  # a highlighted name leads to its entity
    page.locator(f'.article-text a.ent[href="/entities/{mehra}"]').first.click()
    page.wait_for_url(re.compile(f"/entities/{mehra}$"))


@pytest.mark.browser
def test_browser_docs_work_offline(page: Any, base_url: str) -> None:
    outside: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(base_url + "/docs")
    page.wait_for_selector(".opblock-tag", timeout=20000)
    assert page.locator(".opblock", has_text="/api/entities/{ref}").count() == 1
    assert outside == []


@pytest.mark.browser
def test_browser_people_pages_fit_a_phone(browser: Any, base_url: str, sl: Storyline,
                                          mehra: str, conflict_story: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    pg = context.new_page()
    try:
        for path in (f"/entities/{mehra}", "/entities", f"/stories/{conflict_story}",
                     f"/events/{sl.article('pp-conf-1').event_id}", "/articles/pp-xss-1",
                     "/articles/smp-014", f"/?entity={mehra}", "/search?q=party&mode=text"):
            pg.goto(base_url + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        pg.goto(f"{base_url}/stories/{conflict_story}")  # on a phone a conflict's sides stack
        a, b = pg.locator("li.conflict").first.locator(".side").all()
        assert b.bounding_box()["y"] > a.bounding_box()["y"] + 10
    finally:
        context.close()
