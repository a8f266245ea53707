"""End-to-end: a new user's journey through the web UI in a real browser (issue #4).

One store holds the three seeds (from ``../shared``, skipped when absent), the bundled sample
corpus and one hostile article written here; it is ingested once, with the real default encoder
(e5), and served by uvicorn to one headless chromium. Every page the journey visits is saved as a
full-page screenshot at 1440 px and 390 px in ``test-artifacts/screenshots/`` (gitignored), and
checked at 390 px for horizontal overflow and for Devanagari that is actually laid out.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import storyline
from browser import launch_chromium, require_chromium, serve
from storyline.api import Storyline
from storyline.model import Article
from storyline.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.encoder, pytest.mark.shared]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "data" / "seeds"
SAMPLE = Path(storyline.__file__).parent / "sample"
SHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = (1440, 390)

KISHOR_HI = "प्रशांत किशोर"  # the Devanagari form of the name (two words; not a sentence)
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
# Our own hostile article: markup in the title and the text must reach the page as text.
HOSTILE = {
    "id": "journey-xss-1",
    "title": f"Kesarganj library board {SCRIPT} approves reading room",
    "text": f"The library board of Kesarganj {SCRIPT} approved a new reading room on Thursday "
    f"after members {IMG} argued for longer opening hours.\n\nThe reading room will open in "
    "the old post office building next spring, the board's secretary said, and will hold "
    "newspapers in Hindi, Marathi and English <svg onload=alert(3)> for students and retirees.",
    "date": "2025-01-16",
    "source": "Journey <Test> Wire",
}

# Each Devanagari text node that is displayed (has a layout box) and how many of them are drawn
# with no width: a font or shaping failure shows up as zero-width runs.
DEVANAGARI_JS = """() => {
  const re = /[\\u0900-\\u097F]/;
  const skip = new Set(["TITLE", "OPTION", "SCRIPT", "STYLE", "DATALIST", "NOSCRIPT"]);
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let shown = 0, empty = 0, widest = 0, n;
  while ((n = walk.nextNode())) {
    const el = n.parentElement;
    if (!el || !re.test(n.textContent) || skip.has(el.tagName.toUpperCase())) continue;
    if (el.getClientRects().length === 0) continue;  // not displayed (closed <details>...)
    const range = document.createRange();
    range.selectNodeContents(n);
    const box = range.getBoundingClientRect();
    shown += 1;
    if (box.width <= 0 || box.height <= 0) empty += 1;
    widest = Math.max(widest, box.width);
  }
  return {shown, empty, widest};
}"""


# -- the store, the server, the browser ---------------------------------------------------------
@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    require_chromium()  # skip before loading the encoder when there is no browser
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not present (CI has ../shared beside the checkout; a clone may not)")
    s = storyline.open(tmp_path_factory.mktemp("journey") / "journey.db")  # e5, loaded once
    report = s.ingest([SEEDS, SAMPLE / "articles.jsonl"])
    assert report.quarantined == 0 and report.accepted >= 45, report.as_dict()
    line = json.dumps(HOSTILE, ensure_ascii=False) + "\n"
    hostile = s.ingest_stream(io.BytesIO(line.encode()), name="journey-hostile.jsonl")
    assert hostile.accepted == 1, hostile.as_dict()
    yield s
    s.close()


@pytest.fixture(scope="module")
def base_url(sl: Storyline) -> Iterator[str]:
    with serve(create_app(sl)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as b:  # the one launch of this module
        yield b


class Tab:
    """A page plus what went wrong on it: script errors, failed loads, dialogs."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def shoot(self, name: str, *, devanagari: bool) -> None:
        """Screenshots at each width; no sideways scrolling on a phone; Devanagari laid out."""
        page = self.page
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            if width < 500:
                wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                assert wide[0] <= wide[1], f"{name}: {wide[0]}px of content on a {width}px screen"
            deva = page.evaluate(DEVANAGARI_JS)
            assert deva["empty"] == 0, f"{name} at {width}px: zero-width Devanagari {deva}"
            if devanagari:
                assert deva["shown"] > 0 and deva["widest"] > 20, f"{name} at {width}px: {deva}"
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    t = Tab(context.new_page())
    yield t
    context.close()
    assert t.errors == [], "script errors or failed loads"
    assert t.dialogs == [], "a dialog fired"


def _seed(sl: Storyline, prefix: str) -> Article:
    found = [a for a in sl.articles() if a.doc_id.startswith(prefix)]
    assert len(found) == 1, f"expected one seed {prefix}*, found {[a.doc_id for a in found]}"
    return found[0]


def _search(tab: Tab, query: str) -> list[str]:
    """Search through the UI as a user would (nav link, form); returns the hits' hrefs."""
    page = tab.page
    page.locator("header.top nav").get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search$"))
    page.fill("form.search-form input[name=q]", query)
    page.click("form.search-form button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    hrefs: list[str] = page.locator("li.hit h3 a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return hrefs


def _id_of(href: str) -> str:
    return href.rsplit("/", 1)[-1]


# -- the journey ---------------------------------------------------------------------------------
def test_story_list_to_story_timeline_to_event(tab: Tab, base_url: str, sl: Storyline) -> None:
    page = tab.page
    seeds = [_seed(sl, p) for p in ("000_", "001_", "002_")]
    sid = seeds[0].story_id
    assert sid and all(a.story_id == sid for a in seeds), "the three seeds tell one story"

    page.goto(base_url + "/")
    assert page.locator("ol.stories > li").count() == len(sl.stories())
    tab.shoot("stories", devanagari=True)  # the sample's Hindi-only stories have Hindi titles
    page.locator(f'li.card.story[data-story="{sid}"] h2 a').click()
    page.wait_for_url(re.compile(f"/stories/{sid}$"))
    tab.shoot("story", devanagari=True)

    tl = sl.timeline(sid)
    assert page.locator("ol.timeline > li").count() == len(tl)
    dated = [t for t in tl if t.date]
    assert page.locator(".axis-scroll circle.ev").count() == len(dated) > 0
    xs = [b["x"] for b in page.locator(".axis-scroll circle.ev").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect())")]
    assert xs == sorted(xs), "events are placed left to right by date"
    estimated_events = sum(1 for t in dated if t.is_estimate)
    assert page.locator(".axis-scroll circle.ev.est").count() == estimated_events
    assert page.locator("ol.timeline > li.tl-item.est").count() == estimated_events
    for t in tl:
        if not t.date:
            assert "undated" in page.locator(f"li#{t.event.id} .tl-date").inner_text()

    # each seed is listed under its event; an estimated publication date is marked as such
    estimated = [a for a in seeds if a.date and a.date.value and a.date.is_estimate]
    assert estimated, "a seed without a date line gets a date estimated from its text"
    for a in seeds:
        item = page.locator(f"ol.timeline li#{a.event_id} li.article").filter(
            has=page.locator(f'a[href="/articles/{a.id}"]')
        )
        assert item.count() == 1, a.doc_id
        if a in estimated:
            mark = item.locator("time.est")
            assert mark.inner_text() == f"≈{a.date.value}"
            assert "estimated" in (mark.get_attribute("title") or "")

    first = seeds[0].event_id
    page.locator(f"ol.timeline li#{first} h3 a").click()
    page.wait_for_url(re.compile(f"/events/{first}$"))
    tab.shoot("event", devanagari=False)
    ev = sl.event(first)
    assert page.locator("h1").inner_text() == (ev.title or ev.id)
    assert page.locator("li.article").count() == len(ev.article_ids)
    assert page.locator(".why-join").count() == len(sl.explain(ev.id))


def test_search_kishor_gujarat_ranks_the_hindi_seed_top3(
    tab: Tab, base_url: str, sl: Storyline
) -> None:
    hindi = _seed(sl, "002_")
    tab.page.goto(base_url + "/")
    hrefs = _search(tab, "Kishor Gujarat")
    ranked = [sl.article(_id_of(h)).doc_id for h in hrefs[:10]]
    assert hindi.id in [_id_of(h) for h in hrefs[:3]], f"top hits: {ranked}"


def test_hindi_seed_article_links_to_the_entity_page(
    tab: Tab, base_url: str, sl: Storyline
) -> None:
    page = tab.page
    hindi = _seed(sl, "002_")
    page.goto(base_url + "/")
    hrefs = _search(tab, "Kishor Gujarat")
    assert f"/articles/{hindi.id}" in hrefs, "the Hindi seed is on the first page of hits"
    tab.shoot("search", devanagari=True)
    page.locator(f'li.hit h3 a[href="/articles/{hindi.id}"]').click()
    page.wait_for_url(re.compile(f"/articles/{hindi.id}$"))
    tab.shoot("article", devanagari=True)
    body = page.locator("div.article-text")
    assert body.get_attribute("lang") == "hi"
    box = body.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100

    name = page.locator("div.article-text a.ent.t-person", has_text=re.compile(f"^{KISHOR_HI}$"))
    assert name.count() >= 1, "the Devanagari name links to its entity page"
    name.first.click()
    page.wait_for_url(re.compile(r"/entities/n\d+$"))
    tab.shoot("entity", devanagari=True)
    eid = _id_of(page.url)
    assert "Kishor" in page.locator("h1").inner_text()  # one entity across scripts
    deva = page.locator('table.aliases tr[data-script="Deva"] li').all_inner_texts()
    assert KISHOR_HI in deva
    alias = page.locator('table.aliases tr[data-script="Deva"] li', has_text=KISHOR_HI).first
    box = alias.bounding_box()
    assert box is not None and box["width"] > 30  # the Devanagari alias is drawn

    page.locator("header.top nav").get_by_role("link", name="Entities", exact=True).click()
    page.wait_for_url(re.compile(r"/entities$"))
    tab.shoot("entities", devanagari=True)
    card = page.locator(f'li.card.entity[data-entity="{eid}"]')
    assert card.count() == 1 and "Kishor" in card.inner_text()


def test_english_query_finds_hindi_articles(tab: Tab, base_url: str, sl: Storyline) -> None:
    gold = {
        d["id"]: d["event_id"]
        for d in map(json.loads, (SAMPLE / "gold.jsonl").read_text("utf-8").splitlines())
    }
    tab.page.goto(base_url + "/")
    hrefs = _search(tab, "cyclone evacuation")
    top = [sl.article(_id_of(h)) for h in hrefs[:10]]
    cyclone = {"B1", "B2"}  # the evacuation and the landfall
    hindi = [a for a in top if a.lang and a.lang.lang == "hi" and gold.get(a.doc_id) in cyclone]
    assert hindi, f"top hits: {[(a.doc_id, a.lang.lang if a.lang else None) for a in top]}"
    hit = tab.page.locator(f'li.hit:has(h3 a[href="/articles/{hindi[0].id}"])')
    assert hit.locator(".chip").first.inner_text().strip() == "hi"
    assert hit.locator("h3 a").get_attribute("lang") == "hi"


# -- hostile markup -------------------------------------------------------------------------------
def _assert_inert(tab: Tab, where: str) -> None:
    page = tab.page
    assert page.evaluate("typeof window.__xss") == "undefined", where
    assert tab.dialogs == [], where
    assert page.locator("img[src='x'], body svg[onload]").count() == 0, where
    injected = page.evaluate(
        "[...document.scripts].filter(s => s.textContent.includes('__xss')).length"
    )
    assert injected == 0, where


def test_hostile_markup_is_shown_as_text(tab: Tab, base_url: str, sl: Storyline) -> None:
    page = tab.page
    a = sl.article(HOSTILE["id"])
    assert a.event_id and a.story_id
    page.goto(f"{base_url}/articles/{a.id}")
    _assert_inert(tab, "article page")
    assert SCRIPT in page.locator("h1").inner_text()
    text = page.locator("div.article-text").inner_text()
    assert SCRIPT in text and IMG in text
    assert "Journey <Test> Wire" in page.locator(".page-head .meta").inner_text()

    for path in (f"/events/{a.event_id}", f"/stories/{a.story_id}"):
        page.goto(base_url + path)
        _assert_inert(tab, path)
        link = page.locator(f'li.article a[href="/articles/{a.id}"]')
        assert link.count() == 1 and SCRIPT in link.inner_text(), path

    page.goto(base_url + "/")
    hrefs = _search(tab, "Kesarganj library reading room")
    _assert_inert(tab, "search results")
    assert f"/articles/{a.id}" in hrefs
    hit = page.locator(f'li.hit:has(h3 a[href="/articles/{a.id}"])')
    assert SCRIPT in hit.locator("h3").inner_text()
    page.goto(f"{base_url}/search?" + urlencode({"q": f"{SCRIPT} library", "mode": "text"}))
    _assert_inert(tab, "search for markup")
    assert page.locator("input[name=q]").input_value() == f"{SCRIPT} library"
