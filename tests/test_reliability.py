"""No bad record stops an ingest: each reproduction sits among good records, the bad one is
quarantined with a reason, every good one is stored, and the store passes `storyline check`."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline
import storyline.errors
import storyline.model
from storyline.check import check
from storyline.cli import cli
from storyline.ingest import iter_inputs, read_stream
from storyline.ingest.limits import Limits, parse_limits, using_limits
from storyline.model import Quarantined, RawDoc
from storyline.store.memory import MemoryStore

TOPICS = ["river flood", "budget vote", "rail strike", "court ruling", "port fire", "school exam",
          "bridge repair", "power cut", "bus crash", "tax reform"]


def good(i: int) -> dict[str, str]:
    topic = TOPICS[i % len(TOPICS)]
    return {"id": f"good-{i}", "title": f"Officials report {topic} number {i}",
            "text": f"Officials in the district said on Monday that the {topic} number {i} "
                    f"affected many residents. The {topic} was discussed at length by the "
                    f"council, which promised a report within a week. Item {i}.",
            "date": "2020-04-15"}


def line(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def jsonl_among_good(bad: list[str], tmp: Path, name: str = "mixed.jsonl") -> tuple[Path, int]:
    """A file with a good record before and after each bad line; (path, number of good)."""
    lines = []
    n = 0
    for b in bad:
        lines.append(line(good(n)))
        n += 1
        lines.append(b)
    lines.append(line(good(n)))
    n += 1
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    return path, n


def ingest_ok(paths: list[Path], tmp: Path, n_good: int, n_bad: int | None = None) -> None:
    """Through the CLI: exit 0, every good record stored, the bad ones quarantined, check OK."""
    db = tmp / "store.db"
    runner = CliRunner()
    res = runner.invoke(cli, ["--db", str(db), "--encoder", "hashing", "ingest", "--json",
                              "--no-progress", *map(str, paths)])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout[res.stdout.index("{"):])
    with storyline.open(db, encoder="hashing") as sl:
        stored = {a.doc_id for a in sl.store.iter_articles()}
        assert {f"good-{i}" for i in range(n_good)} <= stored, report["problems"]
        quarantined = sl.store.list_quarantine()
        assert all(q.reason and q.message for q in quarantined)
        if n_bad is not None:
            assert len(quarantined) == n_bad, [(q.line, q.reason) for q in quarantined]
        assert check(sl.store).ok, check(sl.store).problems[:5]


def test_bad_json_lines_are_repaired_or_quarantined(tmp_path: Path) -> None:
    deep = '{"id": "deep", "text": "x", "k": ' + "[" * 100_000 + "]" * 100_000 + "}"
    bad = [
        '{"id": "s1", "text": "A text with a lone \\ud800 surrogate in it, long enough to keep '
        'after cleaning for sure", "title": "t"}',
        '{"id": "s2", "text": "Good text with enough words to be kept by the cleaner here", '
        '"title": "bad \\udc00 title", "source": "\\ud800", "lang": "\\ud800", '
        '"url": "\\udfff", "extra\\ud800key": "\\ud800"}',
        '{"id": "\\ud800", "text": "Another good text with enough words to be kept here ok"}',
        deep,
        '{"id": "n1", "text": "x", "n": ' + "9" * 5000 + "}",
        '{"id": "n2", "text": "y", "date": ' + "9" * 400 + "}",
        '{"id": "n3", "text": "Plenty of words in this text so that it stays after cleaning", '
        '"date": 1e400, "x": NaN}',
        '{"id": "nul", "text": "raw \x00 NUL in a line"}',
        "[1, 2, 3]",
        "{not json",
    ]
    path, n = jsonl_among_good(bad, tmp_path)
    ingest_ok([path], tmp_path, n)
    with storyline.open(tmp_path / "store.db", encoder="hashing") as sl:
        reasons = {q.line: q.reason for q in sl.store.list_quarantine()}
        assert reasons[8] == "too-deep"
        assert reasons[10] == "number-too-large"
        assert reasons[12] == "number-too-large"
        by_id = {a.doc_id: a for a in sl.store.iter_articles()}
        assert "\ufffd" in by_id["s1"].text and by_id["s1"].extra["_repaired"] == ["text"]
        assert "\ufffd" in by_id["s2"].title
        assert "n3" in by_id  # a non-finite number is dropped, the record kept


def test_nul_byte_in_jsonl_head_quarantines_one_line(tmp_path: Path) -> None:
    path, n = jsonl_among_good(['{"id": "z", "text": "a\x00b"}', "\x00\x00garbage"], tmp_path)
    ingest_ok([path], tmp_path, n, n_bad=2)


def test_long_line_in_gzip_is_skipped_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write((line(good(0)) + "\n").encode())
        f.write(b'{"id": "big", "text": "' + b"a" * (30 << 20) + b'"}\n')
        f.write((line(good(1)) + "\n").encode())
    with using_limits(Limits(max_line_bytes=1 << 20)):
        items = list(iter_inputs([path]))
    assert [d.doc_id for d in items if isinstance(d, RawDoc)] == ["good-0", "good-1"]
    (q,) = [d for d in items if isinstance(d, Quarantined)]
    assert q.reason == "too-large" and q.line == 2 and "max_line_bytes" in q.message


def test_decompressed_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "z.txt.gz"
    path.write_bytes(gzip.compress(b"word " * 400_000))
    with using_limits(Limits(max_decompressed_bytes=1 << 20)):
        (q,) = list(iter_inputs([path]))
    assert isinstance(q, Quarantined) and q.reason == "too-large"


def test_text_size_limit_and_limits_option(tmp_path: Path) -> None:
    big = dict(good(99), id="huge", text="Word and more words. " * 30_000)
    path, n = jsonl_among_good([line(big)], tmp_path)
    ingest_ok([path], tmp_path, n, n_bad=1)
    assert parse_limits(["max_text_chars=5"]).max_text_chars == 5
    with pytest.raises(storyline.errors.InputError, match="unknown limit"):
        parse_limits(["nope=1"])


def test_json_array_items_one_by_one(tmp_path: Path) -> None:
    items = [line(good(0)), '{"id": "d", "text": "x", "k": ' + "[" * 200 + "]" * 200 + "}",
             line(good(1)), '{"id": "n", "n": ' + "1" * 500 + "}", line(good(2)), "17",
             line(good(3))]
    path = tmp_path / "arr.json"
    path.write_text("[\n" + ",\n".join(items) + "\n]")
    got = list(iter_inputs([path]))
    assert [d.doc_id for d in got if isinstance(d, RawDoc)] == [f"good-{i}" for i in range(4)]
    assert [q.reason for q in got if isinstance(q, Quarantined)] == [
        "too-deep", "number-too-large", "bad-json"]


def warc(records: list[tuple[dict[str, str], bytes]]) -> bytes:
    out = b""
    for headers, block in records:
        head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        out += head.encode() + b"\r\n" + block + b"\r\n\r\n"
    return out


def page(i: int) -> bytes:
    g = good(i)
    html = (f"<html><head><title>{g['title']}</title></head><body><article><h1>{g['title']}"
            f"</h1><p>{g['text']}</p><p>{g['text']}</p></article></body></html>")
    return html.encode()


def response(body: bytes, extra: str = "") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" + extra.encode()
            + b"\r\n" + body)


def rec(i: int, block: bytes, length: str | None = None) -> tuple[dict[str, str], bytes]:
    h = {"WARC-Type": "response", "WARC-Target-URI": f"http://x.test/{i}",
         "WARC-Record-ID": f"<urn:uuid:{i}>", "Content-Type": "application/http; msgtype=response",
         "Content-Length": str(len(block)) if length is None else length}
    if length == "":
        del h["Content-Length"]
    return h, block


@pytest.mark.parametrize("length", ["-1", "-100", "99999999999", "", "abc", "10", "+5"])
def test_warc_content_length_edge_cases(length: str) -> None:
    data = warc([rec(0, response(page(0))), rec(1, response(page(1)), length),
                 rec(2, response(page(2)))])
    got = list(read_stream(io.BytesIO(data), name="t.warc"))
    urls = [d.url for d in got if isinstance(d, RawDoc)]
    assert "http://x.test/0" in urls and "http://x.test/2" in urls, got
    assert [q.reason for q in got if isinstance(q, Quarantined)] == ["bad-warc"], got


def test_warc_length_a_bit_too_large_keeps_the_next_record() -> None:
    r1 = rec(1, response(page(1)))
    r1[0]["Content-Length"] = str(len(r1[1]) + 40)
    data = warc([rec(0, response(page(0))), r1, rec(2, response(page(2)))])
    got = list(read_stream(io.BytesIO(data), name="t.warc"))
    assert [d.url for d in got if isinstance(d, RawDoc)] == [f"http://x.test/{i}"
                                                                for i in range(3)]


def test_warc_gzip_body_is_bounded() -> None:
    bomb = gzip.compress(b"<p>" + b"a" * (8 << 20) + b"</p>")
    deflated = zlib.compress(page(3))
    data = warc([rec(0, response(page(0))), rec(1, response(bomb, "Content-Encoding: gzip\r\n")),
                 rec(3, response(deflated, "Content-Encoding: deflate\r\n")),
                 rec(2, response(page(2)))])
    with using_limits(Limits(max_record_bytes=1 << 20)):
        got = list(read_stream(io.BytesIO(data), name="t.warc"))
    assert [d.url for d in got if isinstance(d, RawDoc)] == [
        "http://x.test/0", "http://x.test/3", "http://x.test/2"]
    assert [q.reason for q in got if isinstance(q, Quarantined)] == ["too-large"]


def test_warc_oversized_record_is_skipped_as_it_streams() -> None:
    data = warc([rec(0, response(page(0))), rec(1, response(b"<p>" + b"b" * (3 << 20))),
                 rec(2, response(page(2)))])
    with using_limits(Limits(max_record_bytes=1 << 20)):
        got = list(read_stream(io.BytesIO(data), name="t.warc"))
    assert [d.url for d in got if isinstance(d, RawDoc)] == ["http://x.test/0",
                                                             "http://x.test/2"]
    assert [q.reason for q in got if isinstance(q, Quarantined)] == ["too-large"]


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE r SYSTEM "http://example.invalid/evil.dtd">',
    '<!-- ' + "c" * 70_000 + ' --><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
])
def test_feed_entity_tricks(doctype: str) -> None:
    feed = (f'<?xml version="1.0"?>{doctype}<rss><channel><title>T</title>'
            f"<item><title>one &x; &b;</title><description>Officials said the river flood "
            f"affected many residents on Monday.</description></item></channel></rss>")
    got = list(read_stream(io.BytesIO(feed.encode()), name="f.xml"))
    assert got
    for d in got:
        if isinstance(d, RawDoc):
            assert "root:" not in d.text and "aaaaaaaaaa" not in (d.title or "")


def test_failed_batch_is_retried_one_by_one_without_phantoms(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write failing for one article: the batch rolls back, each article is tried alone,
    the failing one is quarantined and no trace of it stays in the long-lived engine."""
    sl = storyline.open(tmp_path / "s.db", encoder="hashing")
    store = sl.store
    real = store.put_article

    def flaky(a: storyline.model.Article) -> bool:
        if a.doc_id == "good-3":
            raise storyline.errors.StoreError("disk says no")
        return real(a)

    monkeypatch.setattr(store, "put_article", flaky)
    docs = [RawDoc(text=g["text"], title=g["title"], doc_id=g["id"], date_hint=g["date"],
                   provenance=storyline.model.Provenance(source="t", kind="api", line=i,
                                                         raw_sha256=f"sha{i}"))
            for i, g in enumerate(good(i) for i in range(8))]
    report = sl.ingest_docs(docs)
    assert report.accepted == 7 and report.quarantined == 1
    assert report.problems[0].reason == "store-error"
    engine = sl.engine
    bad_ids = {a for a, _ in engine.events.article_event.items()
               if store.get_article(a) is None}
    assert not bad_ids  # no phantom member in the engine's memory
    monkeypatch.setattr(store, "put_article", real)
    sl.ingest_docs([RawDoc(text=good(20)["text"], doc_id="good-20", title="x",
                           provenance=storyline.model.Provenance(source="t", kind="api",
                                                                 raw_sha256="sha20"))])
    assert check(store).ok, check(store).problems
    sl.close()


def test_memory_store_engine_survives_a_bad_article(monkeypatch: pytest.MonkeyPatch) -> None:
    sl = storyline.Storyline(MemoryStore(), "hashing")
    from storyline.pipeline import stages

    real = stages.names.fn

    def boom(a: storyline.model.Article) -> storyline.model.Article:
        if a.doc_id == "good-1":
            raise RecursionError("a stage bug")
        return real(a)

    monkeypatch.setattr(stages.names, "fn", boom)
    docs = [RawDoc(text=good(i)["text"], doc_id=f"good-{i}", title=good(i)["title"],
                   provenance=storyline.model.Provenance(source="t", kind="api",
                                                         raw_sha256=f"m{i}"))
            for i in range(3)]
    report = sl.ingest_docs(docs)
    assert report.accepted == 2
    assert [q.reason for q in report.problems] == ["pipeline-error"]
    assert check(sl.store).ok
