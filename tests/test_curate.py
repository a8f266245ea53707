"""Corrections from the pages, the API and the CLI: kept by later ingests, logged, undoable."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

import storyline
from storyline.check import check
from storyline.cli import cli
from storyline.web.app import create_app

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "storyline" / "sample" / "articles.jsonl"
TOKEN = "write-token-1"
# Texts written for this test: two more reports on the same happenings as the seeds.
MORE = [
    {
        "id": "more-1",
        "title": "Prashant Kishor meets Rahul Gandhi over Gujarat polls",
        "date": "2022-04-16",
        "text": "Election strategist Prashant Kishor met Rahul Gandhi in New Delhi on Saturday "
        "to discuss the Congress campaign for the Gujarat Assembly elections, party sources "
        "said. Kishor had declined an offer to join the Congress earlier this week.\n\n"
        "The Congress is preparing for the Gujarat polls due later this year.",
    },
    {
        "id": "more-2",
        "title": "प्रशांत किशोर ने कांग्रेस का प्रस्ताव ठुकराया",
        "date": "2022-04-16",
        "text": "चुनाव रणनीतिकार प्रशांत किशोर ने कांग्रेस में शामिल होने का प्रस्ताव ठुकरा दिया है। "
        "उन्होंने कहा कि पार्टी को उनसे ज्यादा नेतृत्व की जरूरत है।\n\n"
        "कांग्रेस ने उन्हें चुनावी रणनीति के लिए बने समूह में शामिल होने का न्योता दिया था।",
    },
]


def _members(sl: storyline.Storyline, event_id: str) -> set[str]:
    return set(sl.event(event_id).article_ids)


def test_ui_merge_survives_reingest_and_is_logged(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    sl = storyline.open(db, encoder="hashing")
    sl.ingest([seeds_dir])
    arts = {a.doc_id[:3]: a for a in sl.articles()}
    a1, a3 = arts["001"], arts["002"]  # the English and the Hindi report, two events
    e1, e3 = a1.event_id or "", a3.event_id or ""
    assert e1 != e3
    client = TestClient(create_app(sl, token=TOKEN))
    page = client.get(f"/events/{e1}").text
    assert f'action="/events/{e1}/merge"' in page and 'name="token"' in page
    # the button without the token is refused; with it, the merge is done
    refused = client.post(f"/events/{e1}/merge", data={"other": e3})
    assert refused.status_code == 401
    cross = client.post(f"/events/{e1}/merge", data={"other": e3, "token": TOKEN},
                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    done = client.post(f"/events/{e1}/merge", data={"other": e3, "reason": "same offer",
                                                     "token": TOKEN}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/events/{e1}"
    assert _members(sl, e1) == {a1.id, a3.id}
    assert not sl.store.get_event(e3).alive  # type: ignore[union-attr]
    log = client.get("/api/merge-log").json()["items"]
    merge = next(m for m in log if m["kind"] == "event-merge" and m["target"] == e1)
    assert merge["sources"] == [e3] and merge["detail"]["by"] == "user"
    shown = client.get(f"/events/{e1}").text
    assert "same offer" in shown and "by a user" in shown and "Undo" in shown
    # later ingests (new reports on the same happenings, and unrelated news) keep the pair
    src = tmp_path / "more.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in MORE), encoding="utf-8")
    sl.ingest([src, SAMPLE])
    assert {a1.id, a3.id} <= _members(sl, sl.article(a1.id).event_id or "")
    assert sl.article(a1.id).event_id == sl.article(a3.id).event_id
    assert check(sl.store).ok
    sl.close()
    # a new process (the engine replays the merge log) and more news: still together
    again = storyline.open(db, encoder="hashing")
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({**MORE[0], "id": "more-3", "text": MORE[0]["text"] + " More."}),
                     encoding="utf-8")
    again.ingest([extra])
    assert again.article(a1.id).event_id == again.article(a3.id).event_id
    kinds = [m.kind for m in again.merge_log(e1)]
    assert "event-merge" in kinds
    # undo through the page button: apart again, logged
    client = TestClient(create_app(again, token=TOKEN))
    undone = client.post(f"/merge-log/{merge['seq']}/undo",
                         data={"token": TOKEN, "back": f"/events/{e1}"}, follow_redirects=False)
    assert undone.status_code == 303
    assert again.article(a1.id).event_id != again.article(a3.id).event_id
    assert any(m.kind == "undo" and m.detail["undoes"] == merge["seq"]
               for m in again.merge_log())
    assert check(again.store).ok
    again.close()


def test_cli_and_api_corrections(seeds_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    r = CliRunner()
    base = ["--db", db, "--encoder", "hashing"]
    assert r.invoke(cli, [*base, "ingest", str(seeds_dir)]).exit_code == 0
    sl = storyline.open(db, encoder="hashing")
    arts = {a.doc_id[:3]: a for a in sl.articles()}
    sl.close()
    a0, a2 = arts["000"], arts["002"]
    out = r.invoke(cli, [*base, "move", a2.id, a0.event_id or ""])
    assert out.exit_code == 0, out.output
    out = r.invoke(cli, [*base, "rename", a0.story_id or "", "Kishor and the Congress"])
    assert out.exit_code == 0 and "Kishor and the Congress" in out.output
    log = json.loads(r.invoke(cli, [*base, "log", "--json"]).output)
    assert [m["kind"] for m in log[-2:]] == ["article-move", "story-rename"]
    sl = storyline.open(db, encoder="hashing")
    assert sl.article(a2.id).event_id == a0.event_id
    client = TestClient(create_app(sl, token=TOKEN))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    sid = sl.article(a0.id).story_id or ""
    assert client.post(f"/api/stories/{sid}/rename", json={"title": "X"}).status_code == 401
    res = client.post(f"/api/stories/{sid}/rename", json={"title": "Kishor, Congress"},
                      headers=auth)
    assert res.status_code == 200 and res.json()["title"] == "Kishor, Congress"
    # the pinned title survives an ingest that touches the story
    src = tmp_path / "m.jsonl"
    src.write_text(json.dumps(MORE[0]), encoding="utf-8")
    sl.ingest([src])
    assert sl.story(sid).title == "Kishor, Congress"
    undo_seq = log[-2]["seq"]  # the move
    res = client.post(f"/api/merge-log/{undo_seq}/undo", headers=auth)
    assert res.status_code == 200 and res.json()["kind"] == "undo"
    assert sl.article(a2.id).event_id != a0.event_id
    again = client.post(f"/api/merge-log/{undo_seq}/undo", headers=auth)
    assert again.status_code == 400 and "already undone" in again.json()["error"]["message"]
    bad = client.post(f"/api/events/{a0.event_id}/merge", json={"other": "e999999"},
                      headers=auth)
    assert bad.status_code == 400 and "no live event" in bad.json()["error"]["message"]
    assert check(sl.store).ok
    sl.close()
