"""REST API, feeds and server guards (FastAPI TestClient over the bundled sample corpus)."""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import storyline
from storyline.api import Storyline
from storyline.cli import cli
from storyline.web import ServeError, check_bind, create_app
from storyline.web.docs import downgrade
from storyline.web.guard import host_of, is_local_host

SAMPLE = Path(storyline.__file__).parent / "sample" / "articles.jsonl"
TOKEN = "test-token-5f2a9c"
ATOM = "{http://www.w3.org/2005/Atom}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def sl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storyline]:
    s = storyline.open(tmp_path_factory.mktemp("web") / "web.db", encoder="hashing")
    s.ingest([SAMPLE])
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(sl: Storyline) -> Iterator[TestClient]:
    with TestClient(create_app(sl, token=TOKEN)) as c:
        yield c


def _error(resp: object, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text  # type: ignore[attr-defined]
    body = resp.json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return str(body["error"]["message"])


def _jsonl(*records: dict[str, str]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


# -- reading -----------------------------------------------------------------------------------
def test_health_and_metrics(client: TestClient, sl: Storyline) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "version": storyline.__version__}
    m = client.get("/api/metrics").json()
    assert m["counts"] == sl.store.stats()
    assert m["token_required"] is True and m["read_only"] is False
    assert m["store"] == "web.db"  # the file name, not the server's path


def test_stories_listing_pagination_and_order(client: TestClient, sl: Storyline) -> None:
    full = client.get("/api/stories", params={"limit": 1000}).json()
    assert full["total"] == len(sl.stories()) == len(full["items"]) > 3
    # default order: stories of two or more articles first, each group newest activity first
    multi = [s["article_count"] >= 2 for s in full["items"]]
    assert multi == sorted(multi, reverse=True)
    for group in (True, False):
        dates = [s["last_date"] or "" for s in full["items"] if (s["article_count"] >= 2) == group]
        assert dates == sorted(dates, reverse=True)
    latest = client.get("/api/stories", params={"limit": 1000, "sort": "latest"}).json()
    dates = [s["last_date"] or "" for s in latest["items"]]
    assert dates == sorted(dates, reverse=True)
    by_size = client.get("/api/stories", params={"limit": 1000, "sort": "size"}).json()
    sizes = [s["article_count"] for s in by_size["items"]]
    assert sizes == sorted(sizes, reverse=True)
    multi_only = client.get("/api/stories", params={"limit": 1000, "min_articles": 2}).json()
    assert multi_only["items"] and all(s["article_count"] >= 2 for s in multi_only["items"])
    assert client.get("/api/stories", params={"sort": "nonsense"}).status_code == 422
    page = client.get("/api/stories", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], page["limit"], page["offset"]) == (full["total"], 2, 1)
    assert [s["id"] for s in page["items"]] == [s["id"] for s in full["items"][1:3]]
    first = full["items"][0]
    assert first["article_count"] == sum(first["languages"].values())
    assert first["links"]["atom"] == f"/feeds/story/{first['id']}.atom"


def test_stories_filter_by_language(client: TestClient) -> None:
    hi = client.get("/api/stories", params={"lang": "hi", "limit": 1000}).json()
    assert hi["total"] > 0
    assert all("hi" in s["languages"] for s in hi["items"])
    none = client.get("/api/stories", params={"lang": "xx"}).json()
    assert none == {"total": 0, "limit": 50, "offset": 0, "items": []}


def test_story_has_timeline_in_date_order(client: TestClient, sl: Storyline) -> None:
    sid = max(sl.stories(), key=lambda s: len(s.event_ids)).id
    body = client.get(f"/api/stories/{sid}").json()
    tl = body["timeline"]
    assert len(tl) > 1 and {t["event_id"] for t in tl} <= set(body["event_ids"])
    dated = [t["date"] for t in tl if t["date"]]
    assert dated == sorted(dated)
    assert all(isinstance(t["date_is_estimate"], bool) for t in tl)
    assert all(t["articles"] for t in tl)


def test_events_and_event_with_join_reasons(client: TestClient, sl: Storyline) -> None:
    page = client.get("/api/events", params={"limit": 5}).json()
    assert page["total"] == len(sl.events()) and len(page["items"]) == 5
    ev = max(sl.events(), key=lambda e: len(e.article_ids))
    body = client.get(f"/api/events/{ev.id}").json()
    assert {a["id"] for a in body["articles"]} == set(ev.article_ids)
    assert {j["article_id"] for j in body["why"]} == set(ev.article_ids)
    assert any(j["new_event"] for j in body["why"])
    assert all("text" not in a for a in body["articles"])  # brief rows
    sid = ev.story_id
    in_story = client.get("/api/events", params={"story": sid, "limit": 1000}).json()
    assert all(e["story_id"] == sid for e in in_story["items"])
    assert ev.id in {e["id"] for e in in_story["items"]}


def test_articles_filters_totals_and_detail(client: TestClient, sl: Storyline) -> None:
    hi = client.get("/api/articles", params={"lang": "hi", "limit": 3}).json()
    assert hi["total"] == sum(1 for _ in sl.articles(lang="hi")) and len(hi["items"]) == 3
    assert all(a["lang"]["lang"] == "hi" for a in hi["items"])
    everything = client.get("/api/articles", params={"limit": 1}).json()
    assert everything["total"] == sl.store.count_articles()
    a = client.get("/api/articles/smp-014").json()  # by the input's own id
    assert a["doc_id"] == "smp-014" and a["lang"]["lang"] == "hi"
    assert "minhash" not in a and a["text"]
    assert client.get(f"/api/articles/{a['id']}").json()["doc_id"] == "smp-014"


def test_merge_log_and_quarantine_listings(client: TestClient, sl: Storyline) -> None:
    log = client.get("/api/merge-log").json()
    assert log["total"] == len(sl.merge_log())
    seqs = [m["seq"] for m in log["items"]]
    assert seqs == sorted(seqs, reverse=True)
    q = client.get("/api/quarantine").json()
    assert q["total"] == len(sl.quarantine())


def test_errors_are_json(client: TestClient) -> None:
    assert "s999999" in _error(client.get("/api/stories/s999999"), 404, "not_found")
    _error(client.get("/api/events/nope"), 404, "not_found")
    _error(client.get("/api/articles/nope"), 404, "not_found")
    _error(client.get("/api/no-such-endpoint"), 404, "not_found")
    msg = _error(client.get("/api/stories", params={"limit": 0}), 422, "invalid_request")
    assert "limit" in msg
    _error(client.get("/api/stories", params={"offset": -1}), 422, "invalid_request")
    _error(client.delete("/api/stories"), 405, "method_not_allowed")


def test_unexpected_failure_is_a_json_500() -> None:
    broken = storyline.open(None, encoder="hashing")

    def fail() -> dict[str, int]:
        raise RuntimeError("disk on fire")

    broken.store.stats = fail  # type: ignore[method-assign]
    with TestClient(create_app(broken), raise_server_exceptions=False) as c:
        msg = _error(c.get("/api/metrics"), 500, "internal")
    assert "disk on fire" not in msg  # internals stay in the server log


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/stories", "/api/stories/{story_id}", "/api/events/{event_id}",
              "/api/articles", "/api/search", "/api/ingest", "/api/ingest/file",
              "/api/merge-log", "/api/quarantine", "/api/health", "/api/metrics",
              "/api/entities", "/api/entities/{ref}", "/api/quotes", "/api/conflicts"):
        assert p in paths, p
    assert not any(p.startswith(("/stories", "/entities", "/docs")) for p in paths)  # UI stays out
    assert {"entity"} <= {q["name"] for q in paths["/api/stories"]["get"]["parameters"]}
    assert {"entity"} <= {q["name"] for q in paths["/api/search"]["get"]["parameters"]}


def test_docs_are_served_offline(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)["']""", page.text)
    assert len(urls) >= 4 and all(u.startswith("/") and not u.startswith("//") for u in urls)
    assert "http" not in page.text  # no CDN, no absolute URL of any kind
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split(";")[1]
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        assert f"/docs/assets/{asset}" in urls
        r = client.get(f"/docs/assets/{asset}")
        assert r.status_code == 200 and kind in r.headers["content-type"] and len(r.content) > 1000
    for other in ("index.html", "swagger-initializer.js", "../__init__.py"):
        assert client.get(f"/docs/assets/{other}").status_code == 404, other


def test_docs_spec_is_openapi_30(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    old = client.get("/docs/openapi-3.0.json").json()
    assert spec["openapi"].startswith("3.1") and old["openapi"] == "3.0.3"
    assert old["paths"].keys() == spec["paths"].keys()
    text = json.dumps(old)
    assert '"type": "null"' not in text and '"const"' not in text
    lang = next(q for q in old["paths"]["/api/stories"]["get"]["parameters"]
                 if q["name"] == "lang")
    assert lang["schema"]["nullable"] is True and lang["schema"]["type"] == "string"


def test_docs_downgrade_rewrites_31_forms() -> None:
    schema = {
        "anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}],
        "properties": {
            "a": {"type": ["integer", "null"], "exclusiveMinimum": 0},
            "b": {"const": "x", "examples": ["x"]},
            "c": {"type": "string", "contentMediaType": "application/octet-stream"},
        },
    }
    out = downgrade(schema)
    assert out["nullable"] is True and out["allOf"] == [{"$ref": "#/components/schemas/X"}]
    assert out["properties"]["a"] == {"type": "integer", "nullable": True, "minimum": 0,
                                      "exclusiveMinimum": True}
    assert out["properties"]["b"] == {"enum": ["x"], "example": "x"}
    assert out["properties"]["c"] == {"type": "string", "format": "binary"}


# -- search --------------------------------------------------------------------------------------
def test_search_articles_with_facets(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Tara", "mode": "text", "limit": 3}).json()
    assert body["items"] and len(body["items"]) <= 3
    hit = body["items"][0]
    assert hit["kind"] == "article" and "<mark>" in hit["snippet"]
    langs = dict(body["facets"]["lang"])
    assert sum(langs.values()) == body["facet_window"] >= len(body["items"])
    only_es = client.get("/api/search", params={"q": "Tara", "mode": "text", "lang": "es"}).json()
    assert only_es["items"] and all(h["lang"] == "es" for h in only_es["items"])
    assert len(only_es["items"]) == langs["es"]


def test_search_kinds_and_bad_input(client: TestClient) -> None:
    stories = client.get("/api/search", params={"q": "Tara", "kind": "story", "mode": "text"})
    assert stories.status_code == 200 and all(h["kind"] == "story" for h in stories.json()["items"])
    _error(client.get("/api/search", params={"q": "x", "kind": "bogus"}), 422, "invalid_request")
    _error(client.get("/api/search", params={"q": ""}), 422, "invalid_request")
    bad_date = client.get("/api/search", params={"q": "Tara", "date_from": "someday"})
    _error(bad_date, 400, "bad_request")


# -- feeds ---------------------------------------------------------------------------------------
def _feed(resp: object) -> ET.Element:
    assert resp.status_code == 200, resp.text  # type: ignore[attr-defined]
    assert resp.headers["content-type"].startswith("application/atom+xml")  # type: ignore[attr-defined]
    root = ET.fromstring(resp.content)  # type: ignore[attr-defined]
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    return root


def test_story_feed_is_atom_newest_first(client: TestClient, sl: Storyline) -> None:
    story = max(sl.stories(), key=lambda s: sum(s.languages.values()))
    root = _feed(client.get(f"/feeds/story/{story.id}.atom"))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == sum(len(t.articles) for t in sl.timeline(story.id))
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [e.findtext(f"{ATOM}id") or "" for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    for e in entries:
        link = e.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and "/articles/a_" in link.get("href", "")
    assert root.findtext(f"{ATOM}updated") == updated[0]
    again = _feed(client.get(f"/feeds/story/{story.id}.atom"))  # ids are stable
    assert [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")] == ids
    _error(client.get("/feeds/story/s999999.atom"), 404, "not_found")


def test_search_feed_is_atom(client: TestClient) -> None:
    root = _feed(client.get("/feeds/search.atom", params={"q": "Tara", "mode": "text"}))
    entries = root.findall(f"{ATOM}entry")
    assert entries
    assert all("Tara" in (e.findtext(f"{ATOM}summary") or "") + (e.findtext(f"{ATOM}title") or "")
               for e in entries)
    assert all("<mark>" not in (e.findtext(f"{ATOM}summary") or "") for e in entries)


# -- writing -------------------------------------------------------------------------------------
NEW = {"id": "web-new-1", "title": "Harbour bridge reopens after repairs",
       "text": "The harbour bridge in Kesarganj reopened on Monday after six weeks of repairs.",
       "date": "2024-12-02", "lang": "en", "source": "Test Wire", "desk": "city"}


def test_ingest_needs_the_token(client: TestClient) -> None:
    resp = client.post("/api/ingest", json=[NEW])
    _error(resp, 401, "unauthorized")
    assert resp.headers["www-authenticate"] == "Bearer"
    _error(client.post("/api/ingest", json=[NEW], headers={"Authorization": "Bearer wrong"}),
           401, "unauthorized")
    _error(client.post("/api/ingest/file", files={"file": ("a.jsonl", _jsonl(NEW))}),
           401, "unauthorized")


def test_ingest_json_then_duplicate(client: TestClient, sl: Storyline) -> None:
    before = sl.store.count_articles()
    report = client.post("/api/ingest", json=[NEW], headers=AUTH).json()
    assert (report["read"], report["accepted"], report["quarantined"]) == (1, 1, 0)
    a = client.get("/api/articles/web-new-1").json()
    assert a["provenance"]["kind"] == "api" and a["source_name"] == "Test Wire"
    assert a["extra"]["desk"] == "city"  # unknown fields are kept
    again = client.post("/api/ingest", json=[NEW], headers=AUTH).json()
    assert again["accepted"] == 0 and again["duplicates"] == 1
    assert sl.store.count_articles() == before + 1
    found = client.get("/api/search", params={"q": "harbour bridge", "mode": "text"}).json()
    assert [h["id"] for h in found["items"]] == [a["id"]]  # searchable at once
    _error(client.post("/api/ingest", json=[{"title": "no text"}], headers=AUTH),
           422, "invalid_request")
    _error(client.post("/api/ingest", json={"text": "not a list"}, headers=AUTH),
           422, "invalid_request")


def test_upload_reads_the_body_never_a_path(client: TestClient, sl: Storyline) -> None:
    rec = {"id": "web-up-1", "text": "Kesarganj municipal council approves a new bus depot.",
           "title": "Bus depot approved", "date": "2024-12-03"}
    files = [("file", ("../../../etc/passwd", _jsonl(rec), "application/x-ndjson")),
             ("file", ("notes.txt", b"", "text/plain"))]
    report = client.post("/api/ingest/file", files=files, headers=AUTH).json()
    assert report["accepted"] == 1 and report["quarantined"] == 1
    assert report["problems"][0]["source"] == "upload:notes.txt"
    a = sl.article("web-up-1")
    assert a.provenance.source == "upload:passwd"  # base name only, and only as a label
    assert not any(a.text.startswith("root:") for a in sl.articles())
    # a JSON body naming a server path is just text, never opened
    text = "The council clerk keeps the minutes in /etc/hostname on the old office server."
    report = client.post("/api/ingest", json=[{"id": "web-path", "text": text}],
                         headers=AUTH).json()
    assert report["accepted"] == 1
    assert sl.article("web-path").text == text


def test_upload_with_unknown_format_is_400(client: TestClient) -> None:
    resp = client.post("/api/ingest/file", files={"file": ("a.jsonl", _jsonl(NEW))},
                       data={"format": "bogus"}, headers=AUTH)
    assert "bogus" in _error(resp, 400, "bad_request")


def test_body_size_limit(sl: Storyline) -> None:
    with TestClient(create_app(sl, max_body=2000)) as c:
        big = [{**NEW, "id": "big", "text": "word " * 1000}]
        assert "limit" in _error(c.post("/api/ingest", json=big), 413, "too_large")
        upload = {"file": ("big.jsonl", b"x" * 5000)}
        _error(c.post("/api/ingest/file", files=upload), 413, "too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
            for _ in range(10):
                yield b"[" + b" " * 500

        streamed = c.post("/api/ingest", content=chunks(),
                          headers={"content-type": "application/json"})
        _error(streamed, 413, "too_large")
        assert c.get("/api/health").status_code == 200
    assert not sl.store.find_articles_by_doc_id("big")


def test_read_only_and_cross_site_writes_refused(sl: Storyline) -> None:
    with TestClient(create_app(sl, read_only=True)) as c:
        assert "read-only" in _error(c.post("/api/ingest", json=[NEW]), 403, "forbidden")
        assert c.get("/api/stories").status_code == 200
    with TestClient(create_app(sl)) as c:  # no token: local writes are open...
        evil = {"Origin": "http://evil.example"}
        _error(c.post("/api/ingest", json=[NEW], headers=evil), 403, "forbidden")
        _error(c.post("/api/ingest", json=[NEW], headers={"Sec-Fetch-Site": "cross-site"}),
               403, "forbidden")
        same = {"Origin": "http://testserver"}
        assert c.post("/api/ingest", json=[NEW], headers=same).status_code == 200


def test_host_guard_blocks_dns_rebinding(sl: Storyline) -> None:
    app = create_app(sl, allowed_hosts=["127.0.0.1", "localhost"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/health").status_code == 200
        _error(c.get("/api/health", headers={"Host": "rebind.example:8000"}), 400, "bad_request")
    assert host_of("[::1]:8000") == "::1" and host_of("localhost:80") == "localhost"


def test_static_files_and_path_traversal(client: TestClient) -> None:
    css = client.get("/static/app.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    for probe in ("/static/..%2fapp.py", "/static/..%2f..%2fapi.py", "/static/%2e%2e/app.py",
                  "/static/%2e%2e%2f%2e%2e%2f__init__.py", "/static//etc/passwd",
                  "/static/..%5capp.py", "/feeds/story/..%2f..%2fapp.py.atom"):
        resp = client.get(probe)
        assert resp.status_code == 404, probe
        assert "def create_app" not in resp.text and "root:" not in resp.text


def test_security_headers(client: TestClient) -> None:
    h = client.get("/").headers
    assert h["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in h["content-security-policy"]


def test_concurrent_requests_do_not_corrupt_the_store(sl: Storyline) -> None:
    errors: list[str] = []
    before = sl.store.count_articles()
    with TestClient(create_app(sl, token=TOKEN)) as c:

        def write(i: int) -> None:
            doc = {"id": f"conc-{i}", "text": f"Ward {i} of Kesarganj gets a new water main "
                   f"after council vote number {i * 7}.", "date": "2024-12-05"}
            r = c.post("/api/ingest", json=[doc], headers=AUTH)
            if r.status_code != 200 or r.json()["accepted"] != 1:
                errors.append(r.text)

        def read() -> None:
            for path in ("/api/stories", "/api/events", "/", "/api/articles"):
                r = c.get(path)
                if r.status_code != 200:
                    errors.append(f"{path}: {r.status_code}")

        threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
        threads += [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert errors == []
    assert sl.store.count_articles() == before + 6
    assert {a.doc_id for a in sl.articles()} >= {f"conc-{i}" for i in range(6)}


# -- binding ---------------------------------------------------------------------------------------
def test_check_bind() -> None:
    for host in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"):
        assert is_local_host(host)
        check_bind(host, token=None)
    for host in ("0.0.0.0", "::", "192.168.1.4", "example.org"):
        assert not is_local_host(host)
        with pytest.raises(ServeError, match="token"):
            check_bind(host, token=None)
        check_bind(host, token=TOKEN)
        check_bind(host, token=None, read_only=True)
    with pytest.raises(ServeError, match="empty"):
        check_bind("127.0.0.1", token="  ")


def test_serve_command_refuses_public_bind_without_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    db = tmp_path / "never.db"
    res = CliRunner().invoke(cli, ["--db", str(db), "serve", "--host", "0.0.0.0"])
    assert res.exit_code == 2 and "refusing to serve on 0.0.0.0" in res.output
    assert not db.exists()  # refused before opening anything
    res = CliRunner().invoke(cli, ["serve", "--help"])
    assert "--token" in res.output and "STORYLINE_TOKEN" in res.output
