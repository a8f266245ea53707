"""Web UI: server-rendered pages (TestClient) and, with Debian chromium, real browser checks."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import storyline
from browser import launch_chromium, serve
from storyline.api import Storyline
from storyline.web import create_app

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"

# Our own test texts (not from any news source).
ARABIC = {
    "id": "ui-ar-1",
    "title": "افتتاح جسر جديد فوق النهر",
    "text": "أعلنت بلدية المدينة اليوم عن افتتاح جسر جديد فوق النهر بعد عامين من أعمال البناء. "
    "وقال رئيس البلدية إن الجسر سيخفف الازدحام في وسط المدينة خلال ساعات الذروة.",
    "date": "2024-12-01",
    "source": "Test Wire",
}
HOSTILE = {
    "id": "ui-xss-1",
    "title": "<script>alert('t')</script> Council <b>budget</b> vote",
    "text": "The council of Kesarganj passed its budget on Friday <img src=x onerror=alert(1)> "
    "after a long debate about roads, schools and the new water main for the old town.",
    "date": "2024-12-02",
    "source": "Test <Wire>",
}


@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    s = storyline.open(tmp_path_factory.mktemp("ui") / "ui.db", encoder="hashing")
    s.ingest([SAMPLE])
    extra = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in (ARABIC, HOSTILE))
    report = s.ingest_stream(io.BytesIO(extra.encode()), name="ui-test.jsonl")
    assert report.accepted == 2, report.as_dict()
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(sl: Storyline) -> Iterator[TestClient]:
    with TestClient(create_app(sl)) as c:
        yield c


def _biggest_story(sl: Storyline) -> str:
    return max(sl.stories(), key=lambda s: (len(s.event_ids), s.id)).id


# -- server-rendered HTML ------------------------------------------------------------------------
def test_story_list_page(client: TestClient, sl: Storyline) -> None:
    html = client.get("/").text
    stories = sl.stories()
    assert html.count('class="card story"') == len(stories)
    ids = re.findall(r'data-story="(s\d+)"', html)
    assert ids == [s.id for s in stories]  # newest activity first
    dated = [s for s in stories if any(a.date and a.date.value for a in sl.articles(story_id=s.id))]
    assert html.count('<svg class="spark"') == len(dated) > 0
    assert html.count("no dated articles") == len(stories) - len(dated)
    hi = client.get("/", params={"lang": "hi"}).text
    assert hi.count('class="card story"') == len(sl.stories(lang="hi")) < len(stories)


def test_story_page_timeline(client: TestClient, sl: Storyline) -> None:
    sid = _biggest_story(sl)
    tl = sl.timeline(sid)
    html = client.get(f"/stories/{sid}").text
    assert html.count('class="tl-item') == len(tl)
    order = re.findall(r'<li id="(e\d+)" class="tl-item', html)
    assert order == [t.event.id for t in tl]
    assert html.count('<circle class="ev') == sum(1 for t in tl if t.date)
    n_est = sum(1 for t in tl if t.date and t.is_estimate)
    assert html.count('class="tl-item est"') == n_est
    assert f'href="/feeds/story/{sid}.atom"' in html
    assert "Why these events are grouped" in html


def test_story_page_pages_its_events(
    client: TestClient, sl: Storyline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story's timeline and claims are shown a page of events at a time; the axis and the
    counts cover the whole story, and every event is on exactly one page."""
    from storyline.web import routes_ui
    from storyline.web.app import ResultCache

    sid = _biggest_story(sl)
    tl = sl.timeline(sid)
    assert len(tl) >= 3, "the sample's biggest story should have 3+ events"
    monkeypatch.setattr(routes_ui, "STORY_EVENTS", 2)
    monkeypatch.setattr(client.app.state.web, "pages", ResultCache(0))  # type: ignore[attr-defined]
    seen: list[str] = []
    quoted: list[str] = []
    for offset in range(0, len(tl), 2):
        html = client.get(f"/stories/{sid}", params={"offset": offset}).text
        order = re.findall(r'<li id="(e\d+)" class="tl-item', html)
        assert order == [t.event.id for t in tl[offset : offset + 2]]
        seen.extend(order)
        assert html.count('<circle class="ev') == sum(1 for t in tl if t.date)  # whole axis
        assert f"events {offset + 1}–{min(offset + 2, len(tl))} of {len(tl)}" in html
        assert ("later events" in html) == (offset + 2 < len(tl))
        assert ("earlier events" in html) == (offset > 0)
        quoted.extend(re.findall(r'<li class="quote', html))
    assert seen == [t.event.id for t in tl]
    assert len(quoted) == len(sl.quotes(story=sid)) > 0  # every claim on one page
    # an offset past the end shows the last page (no error); a negative one is a 4xx
    last = client.get(f"/stories/{sid}", params={"offset": 10_000}).text
    assert re.findall(r'<li id="(e\d+)" class="tl-item', last)[-1] == tl[-1].event.id
    assert client.get(f"/stories/{sid}", params={"offset": -1}).status_code == 422


def test_pages_rendered_once_per_store_version(
    client: TestClient, sl: Storyline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.web import routes_ui

    rendered: list[str] = []
    real = routes_ui.render

    def counting(request: Any, name: str, context: dict[str, Any]) -> Any:
        rendered.append(name)
        return real(request, name, context)

    monkeypatch.setattr(routes_ui, "render", counting)
    sid = _biggest_story(sl)
    first = client.get("/", params={"sort": "span"})
    again = client.get("/", params={"sort": "span"})
    assert first.text == again.text and rendered == ["stories.html"]
    assert again.headers["content-type"].startswith("text/html")
    assert again.headers.get("x-content-type-options") == "nosniff"  # headers still added
    client.get(f"/stories/{sid}", params={"lang": "en"})
    client.get(f"/stories/{sid}", params={"lang": "en"})
    assert rendered == ["stories.html", "story.html"]
    row = sl.store.list_entities(limit=1)[0]
    with sl.store.transaction():  # any change to the store: pages are rendered again
        sl.store.put_entity(row)
    client.get("/", params={"sort": "span"})
    assert rendered == ["stories.html", "story.html", "stories.html"]


def test_event_page_shows_join_reasons(client: TestClient, sl: Storyline) -> None:
    ev = max(sl.events(), key=lambda e: len(e.article_ids))
    html = client.get(f"/events/{ev.id}").text
    assert html.count('class="article"') == len(ev.article_ids)
    why = sl.explain(ev.id)
    assert html.count('class="why-join"') == len(why) > 1
    founders = sum(1 for j in why if j.new_event)
    assert html.count("founded the event") == founders >= 1
    assert html.count("joined with score") == len(why) - founders
    for code in ev.languages:
        assert f'data-lang="{code}"' in html


def test_article_page_hindi(client: TestClient, sl: Storyline) -> None:
    a = sl.article("smp-014")
    html = client.get("/articles/smp-014").text
    assert re.search(r'<div class="article-text" lang="hi" dir="auto">', html)
    assert "मेहरा" in html
    assert f"confidence {a.lang.confidence:.2f}" in html  # type: ignore[union-attr]
    assert "evidence:" in html or "no date" in html


def test_article_page_boilerplate_and_provenance(client: TestClient, sl: Storyline) -> None:
    a = next(a for a in sl.articles() if a.removed and a.date and not a.date.is_estimate)
    html = client.get(f"/articles/{a.id}").text
    assert html.count("<tr><td><code>") == len(a.removed)
    for r in a.removed:
        assert f"<code>{r.rule}</code>" in html
    assert "given by the input" in html
    assert f"{a.provenance.source}:{a.provenance.line}" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_arabic_article_is_marked_rtl_capable(client: TestClient, sl: Storyline) -> None:
    a = sl.article("ui-ar-1")
    assert a.lang is not None and a.lang.lang == "ar"
    html = client.get("/articles/ui-ar-1").text
    assert '<h1 lang="ar" dir="auto">' in html
    assert '<div class="article-text" lang="ar" dir="auto">' in html


def test_untrusted_text_is_escaped(client: TestClient, sl: Storyline) -> None:
    a = sl.article("ui-xss-1")
    for page in (f"/articles/{a.id}", f"/events/{a.event_id}", f"/stories/{a.story_id}", "/"):
        html = client.get(page).text
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "<b>budget</b>" not in html, page
    html = client.get("/search", params={"q": "<script>alert(1)</script> budget"}).text
    assert "<script>alert(1)" not in html


def test_search_page(client: TestClient) -> None:
    empty = client.get("/search").text
    assert 'name="q"' in empty and 'class="hits"' not in empty
    html = client.get("/search", params={"q": "Tara", "mode": "text"}).text
    assert html.count('class="hit"') > 2 and "<mark>Tara</mark>" in html
    assert 'class="facets"' in html and "/feeds/search.atom?q=Tara" in html
    es = client.get("/search", params={"q": "Tara", "mode": "text", "lang": "es"}).text
    assert 0 < es.count('class="hit"') < html.count('class="hit"')
    bad = client.get("/search", params={"q": "Tara", "date_from": "someday"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text


def test_html_errors(client: TestClient) -> None:
    r = client.get("/stories/s999999")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "s999999" in r.text
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/no/such/page").status_code == 404


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
    assert problems == []  # no script errors, no blocked or missing resources


@pytest.mark.browser
def test_browser_story_list(page: Any, base_url: str, sl: Storyline) -> None:
    page.goto(base_url + "/")
    assert page.locator("ol.stories > li").count() == len(sl.stories())
    first = page.locator("ol.stories > li h2 a").first
    assert first.inner_text() == (sl.stories()[0].title or sl.stories()[0].id)
    assert page.locator("svg.spark rect").count() > 0
    page.select_option("select[name=lang]", "hi")  # app.js submits the filter on change
    page.wait_for_url(re.compile(r"lang=hi"))
    assert page.locator("ol.stories > li").count() == len(sl.stories(lang="hi"))


@pytest.mark.browser
def test_browser_story_timeline(page: Any, base_url: str, sl: Storyline) -> None:
    sid = _biggest_story(sl)
    tl = sl.timeline(sid)
    page.goto(f"{base_url}/stories/{sid}")
    assert page.locator("ol.timeline > li").count() == len(tl)
    dots = page.locator(".axis-scroll circle.ev")
    assert dots.count() == sum(1 for t in tl if t.date)
    xs = [dots.nth(i).bounding_box()["x"] for i in range(dots.count())]
    assert xs == sorted(xs)  # placed left to right by date
    dots.last.click()  # a dot jumps to its event
    assert page.url.endswith("#" + [t for t in tl if t.date][-1].event.id)
    langs = {a.lang.lang for t in tl for a in t.articles if a.lang}
    if len(langs) > 1:  # app.js adds language toggles
        code = sorted(langs)[0]
        page.locator(".lang-filter label", has_text=code).locator("input").uncheck()
        assert page.locator(f".lang-group[data-lang={code}]").first.is_hidden()


@pytest.mark.browser
def test_browser_hindi_article(page: Any, base_url: str) -> None:
    page.goto(base_url + "/articles/smp-014")
    body = page.locator("div.article-text")
    assert body.get_attribute("lang") == "hi" and body.get_attribute("dir") == "auto"
    assert "मेहरा" in body.inner_text()
    assert page.locator("h1").get_attribute("lang") == "hi"
    box = body.bounding_box()
    assert box is not None and box["height"] > 40  # the Devanagari text is laid out


@pytest.mark.browser
def test_browser_arabic_runs_right_to_left(page: Any, base_url: str) -> None:
    page.goto(base_url + "/articles/ui-ar-1")
    direction = page.locator("div.article-text p").first.evaluate(
        "el => getComputedStyle(el).direction"
    )
    assert direction == "rtl"


@pytest.mark.browser
def test_browser_search(page: Any, base_url: str) -> None:
    page.goto(base_url + "/search")
    page.fill("form.search-form input[name=q]", "Tara")
    page.check("input[name=kind][value=event]")
    page.select_option("select[name=mode]", "text")
    page.click("form.search-form button[type=submit]")
    page.wait_for_url(re.compile(r"q=Tara"))
    hits = page.locator("li.hit")
    assert hits.count() > 0
    assert all(k == "event" for k in hits.evaluate_all("els => els.map(e => e.dataset.kind)"))
    assert page.locator("li.hit mark").count() > 0
    page.locator(".facets a").first.click()  # narrow by the first language facet
    page.wait_for_url(re.compile(r"lang="))
    assert page.locator(".active-filters").count() == 1


@pytest.mark.browser
def test_browser_phone_width_has_no_horizontal_overflow(
    browser: Any, base_url: str, sl: Storyline
) -> None:
    sid = _biggest_story(sl)
    ev = max(sl.events(), key=lambda e: len(e.article_ids)).id
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    pg = context.new_page()
    try:
        top = sl.entities(limit=1)[0].id
        for path in ("/", f"/stories/{sid}", f"/events/{ev}", "/articles/smp-014",
                     "/articles/ui-ar-1", "/events", "/search?q=Tara&mode=text", "/quarantine",
                     "/entities", f"/entities/{top}", "/entities/रवि मेहरा"):
            pg.goto(base_url + path)
            width = pg.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide on a 360px screen"
    finally:
        context.close()
