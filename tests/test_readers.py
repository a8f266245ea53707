"""Tests for storyline.ingest readers: every input is built in tmp_path by the test itself."""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.ingest import count_inputs, decode_bytes, iter_inputs, read_stream
from storyline.ingest.plain import looks_like_title, split_plain
from storyline.model import Quarantined, RawDoc
from storyline.pipeline.stages import article_from_raw, default_pipeline

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def docs(items: list[RawDoc | Quarantined]) -> list[RawDoc]:
    return [i for i in items if isinstance(i, RawDoc)]


def bad(items: list[RawDoc | Quarantined]) -> list[Quarantined]:
    return [i for i in items if isinstance(i, Quarantined)]


# --------------------------------------------------------------------------- plain text / seeds


@pytest.mark.shared
def test_seed_files() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed data not found at {SEEDS} (../shared/data/seeds is optional)")
    items = list(iter_inputs([SEEDS]))
    assert not bad(items)
    by_id = {d.doc_id: d for d in docs(items)}
    assert len(by_id) == 3
    d0 = by_id["000_0f293fc39c403432.txt"]
    assert d0.date_hint == "2020-06-26"
    assert d0.date_hint_origin == 'header line " date 2020-06-26"'
    assert d0.title is None
    assert not d0.text.startswith(("date", " date")) and d0.text.startswith("The CM")
    d1 = by_id["001_00dddf6f37e0763c.txt"]
    assert d1.title is None and d1.date_hint is None
    d2 = by_id["002_68a9d7379f2badb3.txt"]
    assert d2.title and d2.title.endswith("सूत्र")
    assert d2.title not in d2.text
    for d in by_id.values():
        assert d.provenance.kind == "text" and d.provenance.encoding == "utf-8"
        assert len(d.provenance.raw_sha256) == 64


def test_plain_header_and_title_rules() -> None:
    p = split_plain(" date 2021-03-04 Caption of a photo. Another sentence here.\n\nBody text.")
    assert p.date_hint == "2021-03-04" and p.title is None
    assert p.text.startswith("Caption of a photo.")
    p = split_plain("किशोर ने राहुल गांधी से संपर्क किया: कांग्रेस सूत्र\n\nपहला पैराग्राफ।\n")
    assert p.title == "किशोर ने राहुल गांधी से संपर्क किया: कांग्रेस सूत्र"
    assert p.text == "पहला पैराग्राफ।"
    assert not looks_like_title("यह एक पूरा वाक्य है।")
    assert not looks_like_title("He said it was over.")
    assert not looks_like_title('He told reporters "it is over."')
    assert not looks_like_title("Will the Congress finally agree?")
    assert looks_like_title('Kishor on Congress offer: "I declined"')
    assert looks_like_title("Dr. Singh meets U.S. envoy in Delhi")
    assert not looks_like_title(" ".join(["word"] * 25))
    # a title line needs a blank line after it and some body text
    assert split_plain("Short headline\nBody continues here.").title is None
    assert split_plain("Only a headline\n\n").title is None


# --------------------------------------------------------------------------- encodings


def test_folder_with_good_and_bad_files(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_image.txt").write_bytes(PNG + bytes(range(256)))
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_latin1.txt").write_bytes(
        "Le café était naïve, disait-il.\n\nUne phrase de plus à Paris.\n".encode("latin-1"))
    (folder / "d_utf16.txt").write_bytes("Texte en UTF-16 avec BOM: élan.\n".encode("utf-16"))
    russian = "Москва — столица России. Президент выступил с заявлением в понедельник.\n"
    (folder / "e_cp1251.txt").write_bytes(russian.encode("cp1251"))
    (folder / "f_good.txt").write_text("A good UTF-8 file — with “quotes”.\n", "utf-8")
    (folder / "g_spaces.txt").write_bytes(b"  \n\t\n")

    items = list(iter_inputs([folder]))
    quarantined = {Path(q.source).name: q for q in bad(items)}
    assert {n: q.reason for n, q in quarantined.items()} == {
        "a_image.txt": "binary", "b_empty.txt": "empty", "g_spaces.txt": "empty"}
    q = quarantined["a_image.txt"]
    assert "PNG image" in q.message and q.sample.startswith(b"\x89PNG") and q.at
    assert len(q.raw_sha256) == 64 and "\n" not in q.message

    good = {d.doc_id: d for d in docs(items)}
    assert list(good) == ["c_latin1.txt", "d_utf16.txt", "e_cp1251.txt", "f_good.txt"]
    latin = good["c_latin1.txt"]
    assert "café" in latin.text and "naïve" in latin.text
    assert latin.provenance.encoding in ("iso-8859-1", "cp1252")
    assert good["d_utf16.txt"].text.startswith("Texte en UTF-16")
    assert good["d_utf16.txt"].provenance.encoding == "utf-16"
    assert good["e_cp1251.txt"].text == russian.strip()
    assert good["e_cp1251.txt"].provenance.encoding == "cp1251"
    assert good["f_good.txt"].provenance.encoding == "utf-8"


def test_decode_bytes_unit() -> None:
    assert decode_bytes("naïve".encode("utf-8-sig")) == ("naïve", "utf-8-sig")
    assert decode_bytes("ok".encode("utf-32")) == ("ok", "utf-32")
    assert decode_bytes("Ελληνικά κείμενο για δοκιμή της κωδικοποίησης.".encode("cp1253"))[1] \
        == "cp1253"
    for data, reason in [(b"", "empty"), (b" \n ", "empty"), (b"%PDF-1.7\n...", "binary"),
                         (b"text\x00with\x00nul\x01\x02\x03", "binary"),
                         (b"abc \x80\x81\x82\x83\x84 def \xa4\xa6\xa8 x", "undecodable")]:
        with pytest.raises(InputError) as exc:
            decode_bytes(data)
        assert exc.value.reason == reason, data


def test_missing_path_and_order(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_text("hidden folder\n")
    (root / ".hidden.txt").write_text("hidden file\n")
    for rel in ["b.txt", "a.txt", "sub/c.txt", "sub/a.txt", "z.txt"]:
        (root / rel).write_text(f"Document {rel}\n")
    ids = [d.doc_id for d in docs(list(iter_inputs([root])))]
    assert ids == ["a.txt", "b.txt", "a.txt", "c.txt", "z.txt"]
    assert ids == [d.doc_id for d in docs(list(iter_inputs([str(root)])))]  # deterministic
    assert [d.doc_id for d in docs(list(iter_inputs([root], recursive=False)))] == \
        ["a.txt", "b.txt", "z.txt"]
    items = list(iter_inputs([tmp_path / "nope.txt", root / "z.txt"]))
    assert isinstance(items[0], Quarantined) and items[0].reason == "not-found"
    assert isinstance(items[1], RawDoc)
    assert count_inputs([root]) == 5


# --------------------------------------------------------------------------- JSON Lines / JSON


def test_jsonl_bad_line_and_extras(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 17, "title": "T1", "body": "First text.", "published":
                    "2021-05-10T08:00:00+02:00", "language": "de-DE", "outlet": "Zeit",
                    "author": "A. B.", "tags": ["x"]}),
        '{"id": 2, "text": "broken',  # malformed JSON
        "",
        "[1, 2]",  # not an object
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Third text, no id.", "date": "10 मई 2021",
                    "source": {"id": "bbc", "name": "BBC"}}),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    items = list(iter_inputs([path]))
    assert [type(i).__name__ for i in items] == ["RawDoc", "Quarantined", "Quarantined",
                                                 "Quarantined", "RawDoc"]
    first, last = docs(items)
    assert first.doc_id == "17" and first.text == "First text." and first.title == "T1"
    assert first.date_hint == "2021-05-10" and "published" in (first.date_hint_origin or "")
    assert first.lang_hint == "de" and first.source_name == "Zeit"
    assert first.extra == {"author": "A. B.", "tags": ["x"]}
    assert first.provenance.line == 1 and first.provenance.offset == 0
    assert last.doc_id == "in.jsonl:6" and last.provenance.line == 6
    assert last.provenance.offset == data.index(b'{"text": "Third')
    assert last.date_hint == "10 मई 2021" and last.source_name == "BBC"
    q = bad(items)
    assert [(x.reason, x.line) for x in q] == [("bad-json", 2), ("bad-json", 4), ("no-text", 5)]
    assert q[0].sample.startswith(b'{"id": 2') and "line 2" in q[0].message
    assert count_inputs([path]) == 6


def test_truncated_jsonl_gz(tmp_path: Path) -> None:
    records = [json.dumps({"id": i, "text": f"Article number {i} " + "x" * 2000})
               for i in range(50)]
    blob = gzip.compress("\n".join(records).encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])
    items = list(iter_inputs([path]))
    assert isinstance(items[-1], Quarantined) and items[-1].reason == "truncated"
    got = docs(items)
    assert got and [d.doc_id for d in got] == [str(i) for i in range(len(got))]
    assert len(bad(items)) == 1
    whole = tmp_path / "whole.jsonl.gz"
    whole.write_bytes(blob)
    assert len(docs(list(iter_inputs([whole])))) == 50


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "arr.json"
    path.write_text(json.dumps([{"id": "a", "content": "Text A"}, "oops",
                                {"article": "Text C", "lang": "fr"}]))
    items = list(iter_inputs([path]))
    assert [getattr(i, "doc_id", None) for i in items] == ["a", None, "arr.json:3"]
    assert isinstance(items[1], Quarantined) and items[1].reason == "bad-json"
    assert isinstance(items[2], RawDoc) and items[2].lang_hint == "fr"


# --------------------------------------------------------------------------- HTML

PAGE = """<!DOCTYPE html>
<html lang="fr-FR">
<head>
<meta charset="utf-8">
<title>Grève à Paris : les transports perturbés | Le Journal</title>
<meta property="og:title" content="Grève à Paris : les transports perturbés">
<meta property="og:site_name" content="Le Journal">
<meta property="article:published_time" content="2021-05-10T08:00:00+02:00">
<link rel="canonical" href="https://example.org/2021/greve-paris">
</head>
<body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/politique">Politique</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>Grève à Paris : les transports perturbés</h1>
<p>Les syndicats de la RATP ont appelé à une grève massive lundi, provoquant d'importantes
perturbations sur l'ensemble du réseau de métro parisien et des lignes de bus.</p>
<p>Selon la direction, seul un train sur trois circulait aux heures de pointe. Les usagers
ont été invités à reporter leurs déplacements ou à privilégier le télétravail.</p>
<p>Le ministre des Transports a déclaré qu'il recevrait les représentants syndicaux dans la
semaine pour tenter de trouver une issue au conflit.</p>
</article>
<footer><p>© 2021 Le Journal — Tous droits réservés. Mentions légales.</p></footer>
</body></html>
"""


def test_html_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, "utf-8")
    (d,) = list(iter_inputs([path]))
    assert isinstance(d, RawDoc)
    assert d.text.startswith("Les syndicats de la RATP") and "conflit." in d.text
    for boiler in ("Accueil", "Politique", "Tous droits", "Mentions"):
        assert boiler not in d.text
    assert d.title == "Grève à Paris : les transports perturbés"
    assert d.date_hint == "2021-05-10" and d.date_hint_origin is not None
    assert d.date_hint_origin.startswith("html page: ")
    assert "article:published_time" in d.date_hint_origin
    assert d.date_hint_confidence is not None and d.date_hint_confidence >= 0.9
    assert d.lang_hint == "fr" and d.url == "https://example.org/2021/greve-paris"
    assert d.source_name == "Le Journal" and d.provenance.kind == "html"
    assert d.doc_id == "page.html"

    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress(PAGE.encode("utf-8")))
    (dz,) = list(iter_inputs([gz]))
    assert isinstance(dz, RawDoc) and dz.text == d.text
    assert dz.provenance.raw_sha256 == d.provenance.raw_sha256

    legacy = tmp_path / "legacy.htm"
    legacy.write_bytes(PAGE.replace("utf-8", "windows-1252").encode("cp1252"))
    (dl,) = list(iter_inputs([legacy]))
    assert isinstance(dl, RawDoc) and "Grève" in (dl.title or "")
    assert dl.provenance.encoding == "cp1252"


def test_html_without_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>Nothing</title></head><body><nav><a href='/'>Home</a>"
                    "</nav><script>var x = 1;</script></body></html>")
    (q,) = list(iter_inputs([path]))
    assert isinstance(q, Quarantined) and q.reason == "no-text"


# --------------------------------------------------------------------------- feeds

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example News</title><link>https://news.example.com/</link><language>en-gb</language>
  <item>
    <title>Floods hit the north</title>
    <link>https://news.example.com/floods</link>
    <guid isPermaLink="false">item-1</guid>
    <description>&lt;p&gt;Heavy rain caused &lt;b&gt;floods&lt;/b&gt;.&lt;/p&gt;
      &lt;p&gt;Roads closed.&lt;/p&gt;</description>
    <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
    <dc:creator>Jane Doe</dc:creator>
  </item>
  <item>
    <title>Second story</title>
    <link>https://news.example.com/second</link>
    <description>Short summary.</description>
    <content:encoded><![CDATA[<p>Full <i>content</i> of the second story.</p>]]></content:encoded>
  </item>
  <item><guid>empty-1</guid></item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="es">
  <title>Noticias</title>
  <entry>
    <title>Elecciones en Madrid</title>
    <link rel="alternate" href="https://example.es/elecciones"/>
    <id>urn:uuid:1234</id>
    <updated>2021-05-04T20:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Los votantes acudieron
      a las urnas.</p><p>La participación fue alta.</p></div></content>
  </entry>
</feed>
"""


def test_rss_and_atom(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_text(RSS, "utf-8")
    (tmp_path / "b.atom").write_text(ATOM, "utf-8")
    items = list(iter_inputs([tmp_path]))
    first, second, atom = docs(items)
    assert first.title == "Floods hit the north" and first.doc_id == "item-1"
    assert first.text == "Heavy rain caused floods.\nRoads closed."
    assert first.date_hint == "2003-06-10" and "pubDate" in (first.date_hint_origin or "")
    assert first.url == "https://news.example.com/floods" and first.lang_hint == "en"
    assert first.source_name == "Example News" and first.extra["authors"] == ["Jane Doe"]
    assert first.provenance.kind == "feed" and first.provenance.line
    assert second.text == "Full content of the second story."
    assert second.doc_id == "https://news.example.com/second"
    assert first.provenance.raw_sha256 != second.provenance.raw_sha256
    (q,) = bad(items)
    assert q.reason == "no-text"
    assert atom.title == "Elecciones en Madrid" and atom.doc_id == "urn:uuid:1234"
    assert atom.text.startswith("Los votantes acudieron a las urnas.")
    assert "participación" in atom.text and atom.lang_hint == "es"
    assert atom.date_hint == "2021-05-04" and atom.url == "https://example.es/elecciones"


def test_feed_with_entities_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
                    "<rss><channel><item><title>&b;</title></item></channel></rss>")
    (q,) = list(iter_inputs([path]))
    assert isinstance(q, Quarantined) and q.reason == "bad-xml"


# --------------------------------------------------------------------------- WARC


def warc_record(rtype: str, uri: str, block: bytes, content_type: str, date: str) -> bytes:
    head = (f"WARC/1.1\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri))}>\r\n"
            f"WARC-Date: {date}\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n")
    return head.encode("ascii") + block + b"\r\n\r\n"


def http_response(body: bytes, ctype: str) -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
            .encode("ascii") + body)


def test_warc(tmp_path: Path) -> None:
    undated = PAGE.replace('<meta property="article:published_time" '
                           'content="2021-05-10T08:00:00+02:00">', "")
    records = [
        warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields",
                    "2022-01-01T00:00:00Z"),
        warc_record("request", "https://example.org/a", b"GET /a HTTP/1.1\r\n\r\n",
                    "application/http; msgtype=request", "2022-01-01T00:00:00Z"),
        warc_record("response", "https://example.org/a",
                    http_response(PAGE.encode("utf-8"), "text/html; charset=utf-8"),
                    "application/http; msgtype=response", "2022-01-02T00:00:00Z"),
        warc_record("response", "https://example.org/logo.png",
                    http_response(PNG, "image/png"), "application/http; msgtype=response",
                    "2022-01-02T00:00:00Z"),
        warc_record("response", "https://example.org/b",
                    http_response(undated.encode("utf-8"), "text/html"),
                    "application/http; msgtype=response", "2022-01-03T10:00:00Z"),
    ]
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(b"".join(records))
    gz = tmp_path / "crawl.warc.gz"
    gz.write_bytes(b"".join(gzip.compress(r) for r in records))  # one member per record
    for path in (plain, gz):
        items = list(iter_inputs([path]))
        assert not bad(items)
        a, b = docs(items)
        assert a.url == "https://example.org/a" and a.date_hint == "2021-05-10"
        assert a.text.startswith("Les syndicats") and a.provenance.kind == "warc"
        assert a.doc_id.startswith("urn:uuid:") and a.provenance.offset is not None
        # the crawl date is when the page was fetched, never its publication date
        assert b.date_hint is None and b.extra["crawl_date"] == "2022-01-03"
        art = default_pipeline().run(article_from_raw(b))
        assert art.date is not None and art.date.is_estimate
        assert art.date.value != "2022-01-03" and art.date.latest == "2022-01-03"
        assert "crawled 2022-01-03" in art.date.evidence
    cut = tmp_path / "cut.warc"
    cut.write_bytes(b"".join(records)[:-200])
    items = list(iter_inputs([cut]))
    assert len(docs(items)) == 1 and bad(items)[-1].reason == "truncated"


# --------------------------------------------------------------------------- stdin


def test_read_stream_detection() -> None:
    jsonl = b'\n{"id": "x1", "text": "One."}\n{"text": "Two."}\nnot json\n'
    items = list(read_stream(io.BytesIO(jsonl)))
    assert [getattr(i, "doc_id", None) for i in items] == ["x1", "<stdin>:3", None]
    assert isinstance(items[2], Quarantined) and items[2].line == 4
    assert items[2].source == "<stdin>"

    (h,) = list(read_stream(io.BytesIO(PAGE.encode("utf-8")), name="page"))
    assert isinstance(h, RawDoc) and h.provenance.kind == "html" and h.lang_hint == "fr"

    (t,) = list(read_stream(io.BytesIO(b" date 2020-01-02\nHeadline here\n\nBody.\n")))
    assert isinstance(t, RawDoc) and t.title == "Headline here" and t.text == "Body."
    assert t.date_hint == "2020-01-02" and t.doc_id == "<stdin>"

    (r,) = list(read_stream(io.BytesIO(b"<p>just text</p>"), fmt="text"))
    assert isinstance(r, RawDoc) and r.text == "<p>just text</p>"
    gz = list(read_stream(io.BytesIO(gzip.compress(jsonl))))
    assert len(docs(gz)) == 2
    (e,) = list(read_stream(io.BytesIO(b"")))
    assert isinstance(e, Quarantined) and e.reason == "empty"
    with pytest.raises(InputError):
        list(read_stream(io.BytesIO(b"x"), fmt="pdf"))


# --------------------------------------------------------------------------- robustness


def test_gzip_edge_cases_and_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blob = gzip.compress(PAGE.encode("utf-8") * 3)
    (tmp_path / "a_cut.html.gz").write_bytes(blob[: len(blob) // 2])
    (tmp_path / "b_damaged.jsonl.gz").write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    (tmp_path / "c_notgz.txt.gz").write_text("Plain text despite the .gz name.\n")
    lossy = ("Un texte en UTF-8 avec des accents: é è à ç ô. " * 10).encode() + b"\xe9!"
    (tmp_path / "d_lossy.txt").write_bytes(lossy)
    (tmp_path / "e_html.jsonl").write_text(json.dumps({"id": "h1", "html": PAGE}) + "\n")
    items = list(iter_inputs([tmp_path]))
    assert [getattr(i, "reason", None) for i in items] == ["truncated", "bad-gzip", None, None,
                                                           None]
    assert all(len(q.raw_sha256) == 64 for q in bad(items))
    plain, lossy_doc, from_html = docs(items)
    assert plain.text.startswith("Plain text")
    assert lossy_doc.provenance.encoding == "utf-8-lossy" and "\ufffd" in lossy_doc.text
    assert from_html.doc_id == "h1" and from_html.lang_hint == "fr"
    assert from_html.text.startswith("Les syndicats") and from_html.date_hint == "2021-05-10"

    import storyline.ingest.readers as readers

    def boom(path: str | Path) -> Iterator[RawDoc | Quarantined]:
        yield from ()
        raise RuntimeError("bug")

    monkeypatch.setattr(readers, "read_file", boom)
    items = list(iter_inputs([tmp_path / "c_notgz.txt.gz", tmp_path / "missing"]))
    assert [getattr(i, "reason", None) for i in items] == ["reader-error", "not-found"]


def test_stdin_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b'{"id": 1, "text": "from stdin"}\n'))
    monkeypatch.setattr("sys.stdin", fake)
    (d,) = list(iter_inputs(["-"]))
    assert isinstance(d, RawDoc) and d.doc_id == "1" and d.provenance.source == "<stdin>"
