"""Watchlists end to end: a local webhook receiver, signatures, the Atom feed, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import storyline
from storyline.cli import cli
from storyline.watch import Delivery
from storyline.web.app import create_app

SECRET = "test-secret-123"
ATOM = "{http://www.w3.org/2005/Atom}"
OTHER = (
    "The municipal corporation opened three new public libraries in the eastern wards on "
    "Tuesday, the mayor said. Each library will hold twenty thousand books and offer free "
    "reading rooms for students preparing for examinations.\n\nOfficials said the buildings "
    "were renovated over eighteen months with funds from the state government."
)


class Receiver:
    """A local HTTP server recording every POST; answers with the queued status codes."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                receiver.posts.append({"path": self.path, "headers": dict(self.headers),
                                       "body": body})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if code in (301, 302, 307):
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _valid(post: dict[str, Any]) -> bool:
    want = "sha256=" + hmac.new(SECRET.encode(), post["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(post["headers"].get("X-Storyline-Signature", ""), want)


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def test_kishor_watchlist_fires_once(
    seeds_dir: Path, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYLINE_WEBHOOK_SECRET", SECRET)
    db = str(tmp_path / "w.db")
    r = CliRunner()
    seeds = sorted(seeds_dir.glob("*.txt"))
    first = tmp_path / "first"
    first.mkdir()
    (first / seeds[1].name).write_bytes(seeds[1].read_bytes())  # Kishor is known before
    base = ["--db", db, "--encoder", "hashing"]
    assert r.invoke(cli, [*base, "ingest", str(first)]).exit_code == 0
    out = r.invoke(cli, [*base, "watch", "add", "kishor", "--entity", "Kishor",
                         "--webhook", receiver.url])
    assert out.exit_code == 0, out.output
    out = r.invoke(cli, [*base, "watch", "add", "kq", "--query", "Kishor"])
    assert out.exit_code == 0, out.output
    # an article that does not name him: no alert, no POST
    other = _jsonl(tmp_path / "other.jsonl", [{"id": "lib", "title": "New libraries open",
                                                "text": OTHER, "date": "2022-04-20"}])
    assert r.invoke(cli, [*base, "ingest", str(other)]).exit_code == 0
    assert receiver.posts == []
    # a new article naming him (the seed of 2020-06-26): one alert, one signed POST
    new = tmp_path / "new"
    new.mkdir()
    (new / seeds[0].name).write_bytes(seeds[0].read_bytes())
    assert r.invoke(cli, [*base, "ingest", str(new)]).exit_code == 0
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    assert _valid(post) and post["path"] == "/hook"
    body = json.loads(post["body"])
    assert body["watch"] == "kishor" and len(body["alerts"]) == 1
    alert = body["alerts"][0]
    assert "Kishor" in alert["title"] and alert["matched"].startswith("names ")
    # running again, re-ingesting the same files: nothing fires twice
    assert r.invoke(cli, [*base, "ingest", str(new), str(other)]).exit_code == 0
    ran = json.loads(r.invoke(cli, [*base, "watch", "run", "--json"]).output)
    assert all(x["alerts"] == [] for x in ran)
    assert len(receiver.posts) == 1
    alerts = json.loads(r.invoke(cli, [*base, "watch", "alerts", "kishor", "--json"]).output)
    assert len(alerts) == 1 and alerts[0]["delivery"]["status"] == "delivered"
    assert alerts[0]["delivery"]["attempts"][-1]["status"] == 200
    q_alerts = json.loads(r.invoke(cli, [*base, "watch", "alerts", "kq", "--json"]).output)
    assert [a["article_id"] for a in q_alerts] == [alert["article_id"]]
    # the Atom feed holds that one entry
    sl = storyline.open(db, encoder="hashing")
    try:
        client = TestClient(create_app(sl))
        res = client.get("/feeds/watch/kishor.atom")
        assert res.status_code == 200 and "atom" in res.headers["content-type"]
        entries = ET.fromstring(res.content).findall(f"{ATOM}entry")
        assert len(entries) == 1
        link = entries[0].find(f"{ATOM}link").get("href")  # type: ignore[union-attr]
        assert link.endswith(f"/articles/{alert['article_id']}")  # type: ignore[union-attr]
        assert client.get("/feeds/watch/nope.atom").status_code == 404
        listed = client.get("/api/watches").json()
        assert {w["name"] for w in listed["items"]} == {"kishor", "kq"}
    finally:
        sl.close()
    assert r.invoke(cli, [*base, "watch", "remove", "kq"]).exit_code == 0
    listed = json.loads(r.invoke(cli, [*base, "watch", "list", "--json"]).output)
    assert [w["name"] for w in listed] == ["kishor"]


def test_webhook_retries_then_logs_failure(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    sl = storyline.open(tmp_path / "r.db", encoder="hashing")
    sl.watch_delivery = Delivery(attempts=3, backoff=0.01, timeout=5)
    sl.add_watch("lib", query="libraries", webhook=receiver.url, secret_env="HOOK_SECRET")
    receiver.codes = [503, 500, 502]
    sl.ingest([_jsonl(tmp_path / "a.jsonl", [{"id": "a", "title": "Libraries", "text": OTHER}])])
    assert len(receiver.posts) == 3 and all(_valid(p) for p in receiver.posts)
    (a,) = sl.alerts("lib")
    assert a["delivery"]["status"] == "failed"
    assert [x["status"] for x in a["delivery"]["attempts"]] == [503, 500, 502]
    # a redirect is not followed (the body goes only to the configured URL), nor retried
    receiver.codes = [302]
    text2 = OTHER.replace("three", "four")
    sl.ingest([_jsonl(tmp_path / "b.jsonl", [{"id": "b", "title": "Libraries", "text": text2}])])
    assert len(receiver.posts) == 4
    newest = sl.alerts("lib")[0]
    assert newest["delivery"]["status"] == "failed"
    assert newest["delivery"]["attempts"][-1]["status"] == 302
    sl.close()


def test_watch_add_refuses_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYLINE_WEBHOOK_SECRET", raising=False)
    db = str(tmp_path / "b.db")
    r = CliRunner()
    base = ["--db", db, "--encoder", "hashing", "watch", "add"]
    for args, msg in [
        (["x"], "exactly one"),
        (["x", "--query", "a", "--entity", "b"], "exactly one"),
        (["bad name", "--query", "a"], "bad watchlist name"),
        (["x", "--story", "s999"], "no story"),
        (["x", "--query", "a", "--webhook", "ftp://h/x"], "not an http"),
        (["x", "--query", "a", "--webhook", "http://127.0.0.1:1/x"], "STORYLINE_WEBHOOK_SECRET"),
    ]:
        out = r.invoke(cli, [*base, *args])
        assert out.exit_code == 2 and msg in out.output, (args, out.output)
    assert r.invoke(cli, [*base, "x", "--query", "a"]).exit_code == 0
    again = r.invoke(cli, [*base, "x", "--query", "a"])
    assert again.exit_code == 2 and "exists" in again.output
