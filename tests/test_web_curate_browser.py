"""The correction buttons of the event and story pages, clicked in a real browser: merge two
events, move an article, rename and merge stories, undo; a wrong token changes nothing; a merge
survives a later ingest and shows in the merge log.

The store is the bundled sample corpus with the hashing encoder (no model, no ../shared).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
from browser import launch_chromium, require_chromium, serve
from storyline.api import Storyline
from storyline.model import Provenance, RawDoc
from storyline.web import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"
TOKEN = "curate-test-token"


@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    require_chromium()
    s = storyline.open(tmp_path_factory.mktemp("curate") / "c.db", encoder="hashing")
    s.ingest([SAMPLE])
    yield s
    s.close()


@pytest.fixture(scope="module")
def base_url(sl: Storyline) -> Iterator[str]:
    with serve(create_app(sl, token=TOKEN)) as url:
        yield url


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with launch_chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        p = ctx.new_page()
        p.set_default_timeout(15_000)
        yield p
        ctx.close()


def _submit(page: Any, form: Any, token: str = TOKEN, **fields: str) -> None:
    page.locator("details.curate summary").first.click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=token]").fill(token)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _log_rows(page: Any) -> list[str]:
    return [" ".join(t.split()) for t in page.locator("table.log tbody tr").all_inner_texts()]


def _two_events(sl: Storyline) -> tuple[str, str]:
    evs = sorted((e for e in sl.events() if e.alive), key=lambda e: e.id)
    return evs[0].id, evs[-1].id


def test_merge_events_in_the_ui_survives_an_ingest(page: Any, base_url: str,
                                                   sl: Storyline) -> None:
    target, source = _two_events(sl)
    moved = set(sl.event(source).article_ids)
    page.goto(f"{base_url}/events/{target}")
    form = page.locator(f"form[action$='/events/{target}/merge']")
    _submit(page, form, other=source, reason="same happening, seen by an editor")
    assert page.url.endswith(f"/events/{target}")
    rows = _log_rows(page)
    assert any("event-merge" in r and source in r and "by a user" in r for r in rows), rows
    assert moved <= set(sl.event(target).article_ids) and not sl.event(source).alive
    # a later ingest of new articles does not undo it
    docs = [RawDoc(text=("The district court adjourned the hearing on the water dispute to "
                         f"next month, lawyers said on day {i}. The petitioners asked for an "
                         "interim order on the canal releases.\n\nOfficials declined to comment."),
                   provenance=Provenance(source="curate-test", kind="jsonl", line=i,
                                         raw_sha256=f"{i:064x}"),
                   doc_id=f"curate-new-{i}", title=f"Water dispute hearing adjourned {i}",
                   date_hint="2024-05-0" + str(i))
            for i in (1, 2)]
    assert sl.ingest_docs(docs).accepted == 2
    assert moved <= set(sl.event(target).article_ids) and not sl.event(source).alive
    page.goto(f"{base_url}/events/{target}")
    assert any("event-merge" in r and source in r for r in _log_rows(page))
    assert any(m.kind == "event-merge" and source in m.sources for m in sl.merge_log(target))


def test_move_article_and_undo(page: Any, base_url: str, sl: Storyline) -> None:
    target, _ = _two_events(sl)
    other = next(e for e in sorted(sl.events(), key=lambda e: e.id)
                 if e.alive and e.id != target and e.article_ids)
    art = other.article_ids[0]
    page.goto(f"{base_url}/events/{target}")
    _submit(page, page.locator(f"form[action$='/events/{target}/move']"), article=art,
            reason="belongs here")
    assert art in sl.event(target).article_ids
    assert any("article-move" in r and other.id in r and "belongs here" in r
               for r in _log_rows(page))
    # undo the move from the merge log's button
    row = page.locator("table.log tbody tr", has_text="article-move").first
    row.locator("[name=token]").fill(TOKEN)
    with page.expect_navigation():
        row.locator("button", has_text="Undo").click()
    assert art not in sl.event(target).article_ids
    assert any("undo" in r for r in _log_rows(page))


def test_rename_and_merge_stories(page: Any, base_url: str, sl: Storyline) -> None:
    stories = sorted((s for s in sl.stories() if s.alive), key=lambda s: s.id)
    keep, gone = stories[0].id, stories[-1].id
    page.goto(f"{base_url}/stories/{keep}")
    _submit(page, page.locator(f"form[action$='/stories/{keep}/rename']"),
            title="Mehra and the Lok Vikas Party, as the desk calls it")
    assert page.locator("h1").inner_text() == "Mehra and the Lok Vikas Party, as the desk calls it"
    assert sl.story(keep).title == "Mehra and the Lok Vikas Party, as the desk calls it"
    _submit(page, page.locator(f"form[action$='/stories/{keep}/merge']"), other=gone,
            reason="one storyline")
    assert not sl.story(gone).alive
    assert any("story-merge" in r and gone in r for r in _log_rows(page))
    assert page.locator("h1").inner_text() == "Mehra and the Lok Vikas Party, as the desk calls it"


def test_wrong_token_changes_nothing(page: Any, base_url: str, sl: Storyline) -> None:
    stories = sorted((s for s in sl.stories() if s.alive), key=lambda s: s.id)
    sid, before = stories[0].id, stories[0].title
    page.goto(f"{base_url}/stories/{sid}")
    form = page.locator(f"form[action$='/stories/{sid}/rename']")
    page.locator("details.curate summary").first.click()
    form.locator("[name=title]").fill("A title nobody may set")
    form.locator("[name=token]").fill("wrong-token")
    with page.expect_navigation() as nav:
        form.locator("button[type=submit]").click()
    assert nav.value.status in (401, 403)
    assert "token" in page.locator("body").inner_text().lower()  # says what is wrong
    assert sl.story(sid).title == before
