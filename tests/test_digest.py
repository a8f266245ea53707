"""Story digests (storyline.digest): a story page reads its summary and its events' conflicts
from the store when they are current, and always shows what computing them would show."""

from __future__ import annotations

import io
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from storyline import digest
from storyline.api import Storyline
from storyline.api_people import quote_conflicts
from storyline.web.app import create_app
from test_web_people import CONFLICT  # two reports of one matter that disagree

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"



@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the sample corpus plus two reports that disagree, closed (one ingest)."""
    db = tmp_path_factory.mktemp("digest") / "built.db"
    s = storyline.open(db, encoder="hashing")
    s.ingest([SAMPLE])
    extra = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in CONFLICT)
    assert s.ingest_stream(io.BytesIO(extra.encode()), name="conflict.jsonl").accepted == 2
    s.close()
    return db


def _copy(built: Path, to: Path) -> Storyline:
    shutil.copyfile(built, to / "s.db")
    return storyline.open(to / "s.db", encoder="hashing")


@pytest.fixture(scope="module")
def sl(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    s = _copy(built, tmp_path_factory.mktemp("digest-sl"))
    yield s
    s.close()


def _conflicts(cs: list[object]) -> list[dict[str, object]]:
    return [c.to_dict() for c in cs]  # type: ignore[attr-defined]


def test_ingest_stores_a_digest_of_every_live_story_and_event(sl: Storyline) -> None:
    stories = [s for s in sl.store.list_stories() if s.alive]
    events = [e for e in sl.store.list_events() if e.alive and e.story_id]
    assert set(sl.store.derived_fingerprints(digest.SUMMARY)) == {s.id for s in stories}
    assert set(sl.store.derived_fingerprints(digest.CONFLICTS)) == {e.id for e in events}
    again = sl.refresh_digests()  # nothing changed: nothing computed
    assert (again.stories, again.summaries, again.events, again.removed) == (len(stories), 0, 0, 0)


def test_stored_digests_equal_the_long_way(sl: Storyline) -> None:
    n_conflicts = 0
    for s in sl.stories():
        tl = sl.timeline(s.id)
        assert sl.summary(s.id).as_dict() == digest.compute_story_summary(sl, s, tl).as_dict()
        quotes = sl.quotes(story=s.id)
        want = _conflicts(quote_conflicts(quotes))
        n_conflicts += len(want)
        assert _conflicts(digest.conflicts_of(sl, quotes, [t.event for t in tl])) == want
        for t in tl:
            q = sl.quotes(event=t.event.id)
            got = digest.conflicts_of(sl, q, [t.event])
            assert _conflicts(got) == _conflicts(quote_conflicts(q))
    assert n_conflicts > 0  # the sample corpus has conflicting claims: the test compares some


def test_a_current_digest_is_read_and_a_stale_one_is_not(built: Path, tmp_path: Path) -> None:
    sl = _copy(built, tmp_path)
    story = max(sl.stories(), key=lambda s: len(s.event_ids))
    tl = sl.timeline(story.id)
    fp, value = sl.store.get_derived(digest.SUMMARY, [story.id])[story.id]
    assert fp == digest.story_fingerprint(story, [t.event for t in tl])
    value["paragraphs"], value["sentences"] = [], []  # a marker: "read from the store"
    sl.store.put_derived(digest.SUMMARY, {story.id: (fp, value)})
    assert digest.story_summary(sl, story, tl).sentences == []
    # the story changes (an event renamed): the stored digest no longer applies
    ev = sl.store.get_event(tl[0].event.id)
    assert ev is not None
    ev.title = ev.title + " (renamed)"
    sl.store.put_event(ev)
    fresh = digest.story_summary(sl, story, sl.timeline(story.id))
    assert fresh.sentences and fresh.as_dict() == digest.compute_story_summary(
        sl, story, sl.timeline(story.id)
    ).as_dict()
    report = sl.refresh_digests()  # only that story is computed again
    assert report.summaries == 1
    assert sl.store.get_derived(digest.SUMMARY, [story.id])[story.id][1]["sentences"]
    sl.close()


def test_digests_of_dead_stories_are_forgotten(built: Path, tmp_path: Path) -> None:
    sl = _copy(built, tmp_path)
    s = sl.stories()[0]
    s.alive = False
    sl.store.put_story(s)
    report = sl.refresh_digests()
    assert report.removed >= 1
    assert s.id not in sl.store.derived_fingerprints(digest.SUMMARY)
    sl.close()


def test_force_recomputes_every_story(built: Path, tmp_path: Path) -> None:
    sl = _copy(built, tmp_path)
    n = len([s for s in sl.store.list_stories() if s.alive])
    assert sl.refresh_digests(force=True).summaries == n
    sl.close()


def test_story_pages_same_with_and_without_digests(sl: Storyline) -> None:
    """The rendered story and event pages do not depend on where their parts came from."""
    from fastapi.testclient import TestClient

    stories = [s.id for s in sl.stories()]
    events = [e.id for e in sl.events()]
    rng = random.Random(1)
    pages = [f"/stories/{i}" for i in stories] + [f"/events/{i}" for i in rng.sample(events, 8)]
    with_digests = {p: TestClient(create_app(sl)).get(p).text for p in pages}
    saved = {k: sl.store.derived_fingerprints(k) for k in (digest.SUMMARY, digest.CONFLICTS)}
    for kind, fps in saved.items():  # drop every digest: pages compute everything
        sl.store.put_derived(kind, dict.fromkeys(fps))
    try:
        without = {p: TestClient(create_app(sl)).get(p).text for p in pages}
    finally:
        sl.refresh_digests()
    assert with_digests == without


def test_no_digests_after_ingest_where_the_store_cannot_keep_them(
    built: Path, tmp_path: Path
) -> None:
    """A store without a table for them (the PostgreSQL one so far) would lose them when a
    batch ingest ends: none are computed, and its pages compute everything as before."""
    sl = _copy(built, tmp_path)
    sl.store.keeps_derived = False  # type: ignore[misc]
    doc = {"id": "dg-1", "title": "Harbour bridge reopens after repairs", "date": "2025-06-02",
           "text": "The harbour bridge in Kesarganj reopened on Tuesday after six weeks of "
                   "repairs, officials said, and traffic returned to normal by the evening."}
    before = sl.store.derived_fingerprints(digest.SUMMARY)
    report = sl.ingest_stream(io.BytesIO((json.dumps(doc) + "\n").encode()), name="one.jsonl")
    assert report.accepted == 1 and "digests" not in report.timings
    assert sl.store.derived_fingerprints(digest.SUMMARY) == before
    story = next(a.story_id for a in sl.articles() if a.doc_id == "dg-1")
    assert story
    s = sl.story(story)  # new or changed: no current digest, its page computes the summary
    assert before.get(story) != digest.story_fingerprint(s, [t.event for t in sl.timeline(story)])
    assert sl.summary(story).as_dict() == digest.compute_story_summary(
        sl, s, sl.timeline(story)
    ).as_dict()
    sl.close()
