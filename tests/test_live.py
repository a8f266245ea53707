"""Live input against a local web site only: `storyline ingest URL`, `storyline follow`,
the address checks, robots.txt, the per-host rate, size limits, timeouts and redirects."""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import storyline
from livesite import Site, article_html, rss
from storyline.cli import cli
from storyline.live import Fetcher, FetchError, FetchOptions, parse_every, poll_feed
from storyline.live.follow import MAX_TRIES, FeedState, FollowError, read_feed_list
from storyline.live.net import address_problem
from storyline.live.polite import HostRate


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield s
    s.close()


def run(db: Path, *args: str) -> Any:
    r = CliRunner().invoke(cli, ["--db", str(db), "--encoder", "hashing", *args])
    return r


def local(**kw: Any) -> Fetcher:
    return Fetcher(FetchOptions(allow_private=True, rate=0.0, timeout=5, **kw))


# -- addresses ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("addr", "problem"),
    [
        ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"), ("192.168.0.10", "private"), ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("fd00::1", "private"),
        ("0.0.0.0", "private"), ("224.0.0.1", "multicast"), ("100.64.0.1", "non-public"),
        ("2002:7f00:1::", "loopback"), ("8.8.8.8", None), ("2606:4700:4700::1111", None),
    ],
)
def test_address_problem(addr: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(addr)) == problem


def test_loopback_refused_without_allow_private(site: Site, tmp_path: Path) -> None:
    site.page("/a.html", article_html(1))
    db = tmp_path / "s.db"
    r = run(db, "ingest", "--json", f"{site.base}/a.html")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["accepted"] == 0 and rep["quarantined"] == 1
    prob = rep["problems"][0]
    assert prob["reason"] == "private-address"
    assert "--allow-private" in prob["message"] and "loopback" in prob["message"]
    assert site.requests == []  # refused before connecting, robots.txt included
    with storyline.open(db, encoder="hashing") as sl:
        assert [q.reason for q in sl.quarantine()] == ["private-address"]


def test_redirect_to_private_address_refused(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each hop is checked: 127.0.0.1 counts as public here, 127.0.0.2 as private."""
    import storyline.live.net as net

    monkeypatch.setattr(net, "address_problem",
                        lambda ip: "private" if str(ip) == "127.0.0.2" else None)
    site.routes["/go"] = (302, {"Location": f"http://127.0.0.2:{site.port}/a.html"}, b"")
    f = Fetcher(FetchOptions(rate=0.0, timeout=5))
    with pytest.raises(FetchError) as err:
        f.get_ok(f"{site.base}/go")
    assert err.value.reason == "private-address" and "127.0.0.2" in err.value.message
    assert site.hits("/go") == 1


def test_redirects_bounded_and_loops(site: Site) -> None:
    for i in range(8):
        site.routes[f"/r{i}"] = (301, {"Location": f"/r{i + 1}"}, b"")
    site.page("/r8", article_html(1))
    with pytest.raises(FetchError) as err:
        local(max_redirects=3).get_ok(f"{site.base}/r0")
    assert err.value.reason == "too-many-redirects"
    assert local(max_redirects=8).get_ok(f"{site.base}/r0").url == f"{site.base}/r8"
    site.routes["/x"] = (302, {"Location": "/y"}, b"")
    site.routes["/y"] = (302, {"Location": "/x"}, b"")
    with pytest.raises(FetchError) as err:
        local().get_ok(f"{site.base}/x")
    assert err.value.reason == "redirect-loop"


def test_bad_urls_refused() -> None:
    for url in ("ftp://example.org/a", "file:///etc/passwd", "http:///nohost", "http://a:99999/"):
        with pytest.raises(FetchError) as err:
            local().get(url)
        assert err.value.reason == "bad-url"


# -- limits --------------------------------------------------------------------------------------
def test_size_limit_declared_and_streamed(site: Site) -> None:
    big = b"<html><body><p>" + b"x" * 50_000 + b"</p></body></html>"
    site.page("/big", big)
    site.routes["/chunked"] = (200, {"Content-Type": "text/html", "Content-Length": "10"}, big)
    site.page("/bomb", gzip.compress(b" " * 5_000_000), **{"Content-Encoding": "gzip"})
    for path in ("/big", "/bomb"):
        with pytest.raises(FetchError) as err:
            local(max_bytes=20_000).get_ok(site.base + path)
        assert err.value.reason == "too-large" and "limit" in err.value.message
    # a server that lies about the length: only what it declared is read
    assert len(local(max_bytes=20_000).get_ok(f"{site.base}/chunked").body) == 10


def test_gzip_body_decoded(site: Site) -> None:
    site.page("/z.html", gzip.compress(article_html(2)), **{"Content-Encoding": "gzip"})
    assert local().get_ok(f"{site.base}/z.html").body == article_html(2)


def test_timeout(site: Site) -> None:
    def slow(headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        time.sleep(2.0)
        return 200, {"Content-Type": "text/html"}, article_html(1)

    site.routes["/slow"] = slow
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        Fetcher(FetchOptions(allow_private=True, rate=0, timeout=0.3)).get_ok(f"{site.base}/slow")
    assert err.value.reason == "timeout" and err.value.transient
    assert time.monotonic() - t0 < 1.8


def test_http_errors_are_reasons(site: Site) -> None:
    site.routes["/gone"] = (410, {}, b"gone")
    site.routes["/down"] = (503, {}, b"down")
    with pytest.raises(FetchError) as err:
        local().get_ok(f"{site.base}/gone")
    assert (err.value.reason, err.value.transient) == ("http-410", False)
    with pytest.raises(FetchError) as err:
        local().get_ok(f"{site.base}/down")
    assert (err.value.reason, err.value.transient) == ("http-503", True)


# -- politeness ----------------------------------------------------------------------------------
def test_robots_respected(site: Site, tmp_path: Path) -> None:
    site.page("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    site.page("/private/a.html", article_html(1))
    site.page("/news/b.html", article_html(2))
    db = tmp_path / "s.db"
    r = run(db, "ingest", "--json", "--allow-private", "--rate", "0",
            f"{site.base}/private/a.html", f"{site.base}/news/b.html")
    rep = json.loads(r.output)
    assert rep["accepted"] == 1 and rep["quarantined"] == 1
    assert rep["problems"][0]["reason"] == "robots"
    assert site.hits("/private/a.html") == 0 and site.hits("/robots.txt") == 1


def test_robots_statuses(site: Site) -> None:
    site.page("/news/a.html", article_html(1))
    site.routes["/robots.txt"] = (403, {}, b"")
    with pytest.raises(FetchError) as err:
        local().get_ok(f"{site.base}/news/a.html")
    assert err.value.reason == "robots"
    site.routes["/robots.txt"] = (500, {}, b"")
    with pytest.raises(FetchError) as err:
        local().get_ok(f"{site.base}/news/a.html")
    assert err.value.reason == "robots-unavailable" and err.value.transient
    del site.routes["/robots.txt"]  # 404: no rules
    assert local().get_ok(f"{site.base}/news/a.html").status == 200


def test_per_host_rate(site: Site) -> None:
    for i in range(3):
        site.page(f"/p{i}", article_html(i))
    f = Fetcher(FetchOptions(allow_private=True, rate=0.25, timeout=5))
    for i in range(3):
        f.get_ok(f"{site.base}/p{i}")
    times = [r["at"] for r in site.requests if r["path"].startswith("/p")]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # spacing is kept where requests start; arrival times here jitter a little on a busy box
    assert len(gaps) == 2 and min(gaps) >= 0.15 and sum(gaps) >= 0.45


def test_crawl_delay_slows_the_host() -> None:
    now = [0.0]
    waits: list[float] = []
    rate = HostRate(1.0, clock=lambda: now[0], sleep=waits.append)
    rate.slow_down("a.example", 5.0)
    rate.wait("a.example")
    rate.wait("a.example")
    rate.wait("b.example")
    assert waits == [5.0]  # the second request to a.example waits its Crawl-delay, b does not


# -- ingest URL ----------------------------------------------------------------------------------
def test_ingest_page_then_again(site: Site, tmp_path: Path) -> None:
    site.page("/news/1.html", article_html(1))
    db = tmp_path / "s.db"
    url = f"{site.base}/news/1.html"
    rep = json.loads(run(db, "ingest", "--json", "--allow-private", url).output)
    assert rep["accepted"] == 1, rep
    with storyline.open(db, encoder="hashing") as sl:
        a = sl.article(url)
        assert a.title == "City council approves new bus routes"
        assert a.url == url and a.provenance.source == url
        assert "Northfield" in a.text and "Copyright" not in a.text
        assert a.date is not None and a.date.value.startswith("2024-03-02")
    again = json.loads(run(db, "ingest", "--json", "--allow-private", url).output)
    assert again["accepted"] == 0 and again["duplicates"] == 1
    assert site.hits("/news/1.html") == 1  # not fetched again


def test_ingest_feed_url_fetches_item_pages(site: Site, tmp_path: Path) -> None:
    site.page("/feed.xml", rss(site.base, [1, 2]), "application/rss+xml")
    site.page("/news/1.html", article_html(1))
    site.routes["/news/2.html"] = (404, {}, b"")
    db = tmp_path / "s.db"
    rep = json.loads(run(db, "ingest", "--json", "--allow-private", f"{site.base}/feed.xml")
                     .output)
    assert rep["accepted"] == 2, rep
    with storyline.open(db, encoder="hashing") as sl:
        full = sl.article(f"{site.base}/news/1.html")
        assert "final vote" in full.text  # the page's text, not the feed summary
        short = sl.article(f"{site.base}/news/2.html")
        assert short.text.startswith("Feed summary of story 2")
        assert short.extra["page_error"].startswith("http-404")


def test_unsupported_type_quarantined(site: Site, tmp_path: Path) -> None:
    site.page("/doc.pdf", b"%PDF-1.4 binary", "application/pdf")
    rep = json.loads(run(tmp_path / "s.db", "ingest", "--json", "--allow-private",
                         f"{site.base}/doc.pdf").output)
    assert rep["problems"][0]["reason"] == "unsupported-type"


# -- follow --------------------------------------------------------------------------------------
def test_follow_conditional_get_and_restart(site: Site, tmp_path: Path) -> None:
    site.feed("/feed.xml", [1, 2], etag='"v1"')
    for n in (1, 2, 3):
        site.page(f"/news/{n}.html", article_html(n))
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# my feeds\n{site.base}/feed.xml\n\n")
    db = tmp_path / "s.db"
    args = ["follow", str(feeds), "--once", "--allow-private", "--rate", "0"]
    r = run(db, *args)
    assert r.exit_code == 0, r.output
    assert "2 items, 2 new; 2 accepted" in r.output
    r = run(db, *args)  # a new process: state from the store, 304
    assert "not modified" in r.output
    feed_reqs = [q for q in site.requests if q["path"] == "/feed.xml"]
    assert feed_reqs[1]["headers"].get("if-none-match") == '"v1"'
    assert feed_reqs[1]["headers"].get("if-modified-since", "").endswith("GMT")
    site.feed("/feed.xml", [3, 2, 1], etag='"v2"')
    r = run(db, *[*args[:-2], "--json", "--rate", "0"])
    round_ = json.loads(r.output.strip().splitlines()[-1])[0]
    assert (round_["items"], round_["new"], round_["ingest"]["accepted"]) == (3, 1, 1)
    assert [site.hits(f"/news/{n}.html") for n in (1, 2, 3)] == [1, 1, 1]
    status = json.loads(run(db, "follow", str(feeds), "--status", "--json").output)
    assert status[0]["seen"] == 3 and status[0]["etag"] == '"v2"'


def test_follow_transient_page_failure_retried_then_feed_text(site: Site) -> None:
    site.feed("/feed.xml", [1], etag='"a"')
    site.routes["/news/1.html"] = (503, {}, b"busy")
    sl = storyline.open(None, encoder="hashing")
    url = f"{site.base}/feed.xml"
    for n in range(1, MAX_TRIES):
        site.feed("/feed.xml", [1], etag=f'"a{n}"')  # changed each round: not a 304
        r = poll_feed(sl, local(), url)
        assert (r.new, r.deferred) == (0, 1)
        assert FeedState.load(sl.store, url).tries
    site.feed("/feed.xml", [1], etag='"last"')
    r = poll_feed(sl, local(), url)
    assert (r.new, r.deferred) == (1, 0) and r.report and r.report.accepted == 1
    a = sl.article(f"{site.base}/news/1.html")
    assert a.extra["page_error"].startswith("http-503")
    assert site.hits("/news/1.html") == MAX_TRIES
    assert not FeedState.load(sl.store, url).tries


def test_follow_feed_errors_reported(site: Site) -> None:
    site.page("/notfeed", article_html(1))
    site.page("/broken", b"<rss><channel><item>", "application/rss+xml")
    sl = storyline.open(None, encoder="hashing")
    r = poll_feed(sl, local(), f"{site.base}/notfeed")
    assert r.status == "error" and "not an RSS/Atom feed" in (r.error or "")
    r = poll_feed(sl, local(), f"{site.base}/missing")
    assert r.status == "error" and "404" in (r.error or "")
    assert FeedState.load(sl.store, f"{site.base}/missing").failures == 1


def test_feed_list_and_interval(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_text("https://a.example/rss  # comment\n# x\n\nhttps://a.example/rss\nhttp://b/x\n")
    assert read_feed_list(p) == ["https://a.example/rss", "http://b/x"]
    p.write_text("a.example/rss\n")
    with pytest.raises(FollowError, match=r"f.txt:1"):
        read_feed_list(p)
    assert parse_every("15m") == 900 and parse_every("2h") == 7200 and parse_every("30") == 30
    for bad in ("soon", "0s", "15 parsecs"):
        with pytest.raises(FollowError):
            parse_every(bad)


def test_follow_killed_mid_round_resumes(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A round stopped during its ingest saved no state: the next round does it again, and
    what an earlier run did store is not fetched twice."""
    site.feed("/feed.xml", [1, 2], etag='"v1"')
    for n in (1, 2):
        site.page(f"/news/{n}.html", article_html(n))
    sl = storyline.open(None, encoder="hashing")
    url = f"{site.base}/feed.xml"
    real = sl.ingest_docs

    def killed(docs: Any, **kw: Any) -> Any:
        real(list(docs)[:1], **kw)  # the first article is committed, then the process dies
        raise KeyboardInterrupt

    monkeypatch.setattr(sl, "ingest_docs", killed)
    with pytest.raises(KeyboardInterrupt):
        poll_feed(sl, local(), url)
    assert FeedState.load(sl.store, url).etag is None  # state not saved
    monkeypatch.setattr(sl, "ingest_docs", real)
    r = poll_feed(sl, local(), url)
    assert r.new == 2 and r.report is not None and r.report.accepted == 1
    assert sl.store.count_articles() == 2
    assert site.hits("/news/1.html") == 1 and site.hits("/news/2.html") == 2
    assert poll_feed(sl, local(), url).status == "not-modified"
