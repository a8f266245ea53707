"""Generators of malformed inputs for :mod:`storyline.fuzz`, one format at a time.

Every generator returns a :class:`Case`: its files (in reading order) and the ids of the
sentinel records that must come through. Record-level trouble (a bad JSON line, feed item or
WARC record) has its sentinel after it in the same file; file-level trouble (a binary,
truncated or undecodable file, a feed that declares entities) has it in the next file.
No third-party text: words and markup are made up here.
"""

from __future__ import annotations

import gzip
import json
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass

FORMATS = ("jsonl", "json", "text", "html", "feed", "warc", "gz")
#: relative frequency of each format (HTML is slow to extract: fewer of those)
WEIGHTS = {"jsonl": 30, "json": 12, "text": 16, "html": 6, "feed": 12, "warc": 14, "gz": 10}

_WORDS = ("council", "river", "bridge", "market", "court", "minister", "police", "school",
          "budget", "strike", "harbour", "rail", "flood", "vote", "plan", "city", "district",
          "report", "officials", "residents")
_PLACES = ("Aldora", "Brenmoor", "Castelva", "Dunmere", "Elsworth", "Farrow", "Glenhaven")


@dataclass
class Case:
    fmt: str
    category: str
    index: int
    seed: int
    files: list[tuple[str, bytes]]
    sentinels: list[str]

    def describe(self) -> str:
        return f"{self.fmt}/{self.category} (seed {self.seed}, case {self.index})"


def sentinel_text(i: int, k: int) -> str:
    place = _PLACES[(i + k) % len(_PLACES)]
    return (f"Officials in {place} said on Monday that the council approved plan {i}-{k} for "
            f"the district after a long debate about roads and schools.")


def _good(i: int, k: int) -> dict[str, str]:
    return {"id": f"s-{i}-{k}", "title": f"Plan {i}-{k} approved in {_PLACES[k % 7]}",
            "text": sentinel_text(i, k), "date": "2021-03-04"}


def _words(r: random.Random, n: int) -> str:
    return " ".join(r.choices(_WORDS, k=n))


# -- strange text ----------------------------------------------------------------------------
def weird_text(r: random.Random) -> tuple[str, str]:
    """(category, text) of a pathological article body."""
    n = r.choice([10, 1000, 20_000, 80_000])
    kinds: list[tuple[str, Callable[[], str]]] = [
        ("non-word run", lambda: "!@#$%^&*()"[r.randrange(10)] * n + " " + _words(r, 8)),
        ("mixed punctuation", lambda: "".join(r.choices("!?.,;:-—()[]{}\"'«»", k=n))
         + " end of it all here now"),
        ("short lines", lambda: "\n".join(_words(r, 2) for _ in range(n // 8))),
        ("one long sentence", lambda: _words(r, n // 6)),
        ("no spaces", lambda: "x" * n + " a b c d e"),
        ("tag lines", lambda: _words(r, 12) + ".\n" + "\n".join("Tags: x" for _ in range(n // 8))),
        ("also read", lambda: "\n".join(f"Also read: {_words(r, 5)}" for _ in range(n // 30))),
        ("quotes", lambda: " ".join(f'"{_words(r, 4)}," he said.' for _ in range(n // 30))),
        ("open quote", lambda: 'He said "' + _words(r, n // 6)),
        ("nested brackets", lambda: "(" * (n // 2) + _words(r, 6) + ")" * (n // 2)),
        ("devanagari", lambda: "मंत्री ने कहा कि नदी " * (n // 20)),
        ("mixed scripts", lambda: " ".join(r.choice(["नदी", "río", "река", "نهر", "河", "river"])
                                           for _ in range(n // 5))),
        ("zero-width and bidi", lambda: ("a\u200b\u200c\u200d\u202e\u2066b " * (n // 8))
         + _words(r, 8)),
        ("combining marks", lambda: "e" + "\u0301" * n + " " + _words(r, 8)),
        ("digits", lambda: "1" * n + " " + _words(r, 6)),
        ("dates", lambda: " ".join(f"on {r.randint(0, 40)} March {r.randint(0, 99999)}"
                                   for _ in range(n // 20))),
        ("capitals", lambda: " ".join(f"{w.title()} {r.choice(_PLACES)}"
                                      for w in _words(r, n // 12).split())),
        ("control characters", lambda: "".join(
            a + b for a, b in zip(r.choices([chr(c) for c in range(32)], k=n // 8),
                                  r.choices(_WORDS, k=n // 8), strict=True))),
        ("noncharacters", lambda: "\ufffe\uffff\ufdd0 " * (n // 8) + _words(r, 8)),
        ("date header junk", lambda: " date 9999-99-99\n" + _words(r, 20)),
        ("emoji", lambda: "\U0001F600\U0001F4A9 " * (n // 4) + _words(r, 8)),
    ]
    cat, fn = r.choice(kinds)
    return cat, fn()


# -- JSON records ----------------------------------------------------------------------------
def bad_json_record(r: random.Random, i: int) -> tuple[str, str, bool]:
    """(category, one line of JSON text, whether brackets stay balanced)."""
    field = r.choice(["id", "title", "text", "date", "lang", "source", "url", "extra"])
    base = dict(_good(i, 9))
    base["id"] = f"bad-{i}"

    def with_raw(raw: str) -> str:
        body = json.dumps(base)[:-1]
        return body + f', "{field}": {raw}' + "}"

    depth = r.choice([65, 500, 5000, 100_000])
    kinds: list[tuple[str, Callable[[], str], bool]] = [
        ("surrogate", lambda: with_raw(r.choice(['"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"'])),
         True),
        ("surrogate key", lambda: json.dumps(base)[:-1] + ', "k\\ud83d": 1}', True),
        ("deep nesting", lambda: with_raw("[" * depth + "]" * depth), True),
        ("deep objects", lambda: with_raw('{"a":' * depth + "1" + "}" * depth), True),
        ("huge integer", lambda: with_raw("9" * r.choice([101, 400, 4301, 50_000])), True),
        ("huge float", lambda: with_raw(r.choice(["1e400", "-1e999", "1" * 300 + ".5e10"])),
         True),
        ("nan", lambda: with_raw(r.choice(["NaN", "Infinity", "-Infinity"])), True),
        ("raw control", lambda: with_raw('"a' + chr(r.randrange(0, 32)) + 'b"'), True),
        ("wrong type", lambda: with_raw(r.choice(["[1, 2]", "{}", "true", "null", "0",
                                                  '{"name": {"x": 1}}'])), True),
        ("text wrong type", lambda: json.dumps({**base, "text": r.choice([5, [], {}, True])}),
         True),
        ("empty text", lambda: json.dumps({**base, "text": r.choice(["", "   ", "!!", "\n"])}),
         True),
        ("weird text", lambda: json.dumps({**base, "text": weird_text(r)[1]}), True),
        ("huge text", lambda: json.dumps({**base, "text": _words(r, 90_000)}), True),
        ("html field", lambda: json.dumps({"id": base["id"], "html": r.choice([
            "<html>" + "<div>" * 3000 + "x", "<p>\x00</p>", "<script>x</script>",
            "<html><body><p>" + _words(r, 40) + "</p></body></html>"])}), True),
        ("not an object", lambda: r.choice(["[1, 2]", "7", '"text"', "null", "true"]), True),
        ("duplicate keys", lambda: json.dumps(base)[:-1] + ', "text": "x"}', True),
        ("truncated", lambda: json.dumps(base)[: r.randrange(1, 60)], False),
        ("not json", lambda: r.choice(["{'a': 1}", "{a: 1}", "<html>", "{,}", "}{"]), False),
    ]
    cat, fn, balanced = r.choice(kinds)
    return cat, fn(), balanced


def jsonl_case(r: random.Random, i: int, seed: int) -> Case:
    cat, line, _ = bad_json_record(r, i)
    raw = line.encode("utf-8", "surrogatepass")
    extra = r.random()
    if extra < 0.08:
        raw = raw + b"\xff\xfe\xc0\x80"  # invalid UTF-8 after it
        cat += " + invalid utf-8"
    elif extra < 0.12:
        raw = b"\x00" + raw
        cat += " + NUL"
    elif extra < 0.13:
        raw = b'{"id": "long", "text": "' + b"a" * (9 << 20) + b'"}'
        cat = "line over the limit"
    eol = r.choice([b"\n", b"\r\n"])
    data = (json.dumps(_good(i, 0)).encode() + eol + raw + eol
            + json.dumps(_good(i, 1)).encode() + eol)
    return Case("jsonl", cat, i, seed, [(f"{i:06d}-0-x.jsonl", data)], [f"s-{i}-0", f"s-{i}-1"])


def json_case(r: random.Random, i: int, seed: int) -> Case:
    cat, item, balanced = bad_json_record(r, i)
    text = "[" + json.dumps(_good(i, 0)) + ",\n" + item + ",\n" + json.dumps(_good(i, 1)) + "]"
    sentinels = [f"s-{i}-0"] + ([f"s-{i}-1"] if balanced else [])
    if r.random() < 0.15:
        text = json.dumps({"articles": [_good(i, 0), _good(i, 1)]})
        cat, sentinels = "wrapped list", [f"s-{i}-0", f"s-{i}-1"]
    name = f"{i:06d}-0-x.json"
    return Case("json", cat, i, seed, [(name, text.encode("utf-8", "surrogatepass"))],
                sentinels)


def _next_file(i: int, ext: str = "txt") -> tuple[str, bytes, str]:
    """A good plain-text file that sorts after the case's bad file: (name, bytes, doc id)."""
    g = _good(i, 1)
    name = f"{i:06d}-9-sentinel.{ext}"
    return name, f"{g['title']}\n\n{g['text']}\n".encode(), name


def text_case(r: random.Random, i: int, seed: int) -> Case:
    choice = r.random()
    if choice < 0.6:
        cat, body = weird_text(r)
        data = body.encode("utf-8", "surrogatepass")
    else:
        raw_kinds: list[tuple[str, Callable[[], bytes]]] = [
            ("binary magic", lambda: b"\x89PNG\r\n\x1a\n" + r.randbytes(500)),
            ("random bytes", lambda: r.randbytes(2000)),
            ("empty", lambda: b""), ("whitespace", lambda: b" \n\t\r\n "),
            ("utf-16 no bom", lambda: _words(r, 40).encode("utf-16-le")),
            ("utf-16 bad", lambda: b"\xff\xfe" + b"\x00\xd8a\x00" * 50),
            ("cp1251", lambda: "Министр сказал, что мост закрыт на ремонт".encode("cp1251")),
            ("mixed invalid utf-8", lambda: _words(r, 30).encode() + b"\xc3\x28\xa0\xa1" * 5),
            ("lone cr", lambda: _words(r, 30).replace(" ", "\r").encode()),
            ("bom only", lambda: b"\xef\xbb\xbf"),
            ("nul in text", lambda: _words(r, 20).encode() + b"\x00" + _words(r, 20).encode()),
        ]
        cat, make = r.choice(raw_kinds)
        data = make()
    name, good, sid = _next_file(i)
    return Case("text", cat, i, seed, [(f"{i:06d}-0-x.txt", data), (name, good)], [sid])


def html_case(r: random.Random, i: int, seed: int) -> Case:
    words = _words(r, 60)
    kinds: list[tuple[str, Callable[[], str]]] = [
        ("deep nesting", lambda: "<html><body>" + "<div>" * r.choice([300, 3000]) + words
         + "</body>"),
        ("unclosed", lambda: "<html><body><p>" + words + "<div><table><tr><td>" + words),
        ("scripts only", lambda: "<html><head><script>var x=1;</script></head><body></body>"
         "</html>"),
        ("nul bytes", lambda: "<html><body><p>" + words.replace(" ", "\x00 ") + "</p></body>"
         "</html>"),
        ("charset lie", lambda: '<html><head><meta charset="koi8-r"></head><body><p>' + words
         + "</p></body></html>"),
        ("huge attribute", lambda: '<html><body><p class="' + "x" * 200_000 + '">' + words
         + "</p>"),
        ("comment", lambda: "<html><body><!-- " + words + " <p>never closed"),
        ("entities", lambda: "<html><body><p>&#0; &#xD800; &#x110000; &#99999999999; &bogus; "
         + words + "</p></body></html>"),
        ("weird text", lambda: "<html><body><article><p>" + weird_text(r)[1][:50_000]
         + "</p></article></body></html>"),
        ("base and forms", lambda: '<html><head><base href="javascript:x"></head><body><form>'
         + words + "</form></body></html>"),
    ]
    cat, make = r.choice(kinds)
    page = make()
    name, good, sid = _next_file(i)
    return Case("html", cat, i, seed, [(f"{i:06d}-0-x.html",
                                        page.encode("utf-8", "surrogatepass")), (name, good)],
                [sid])


def _item(g: dict[str, str]) -> str:
    return (f"<item><guid>{g['id']}</guid><title>{g['title']}</title>"
            f"<description>{g['text']}</description><pubDate>Thu, 04 Mar 2021 10:00:00 GMT"
            "</pubDate></item>")


def feed_case(r: random.Random, i: int, seed: int) -> Case:
    s0, s1 = _good(i, 0), _good(i, 1)
    bad_items: list[tuple[str, Callable[[], str]]] = [
        ("no title or text", lambda: "<item><guid>x</guid></item>"),
        ("bad char refs", lambda: "<item><title>&#0;&#xD800;&#x110000;</title><description>"
         "&#1;</description></item>"),
        ("deep nesting", lambda: "<item><description>" + "<b>" * 2000 + "x" + "</b>" * 2000
         + "</description></item>"),
        ("cdata html", lambda: "<item><title>t</title><description><![CDATA[<script>alert(1)"
         "</script><p>" + _words(r, 30) + "</p>]]></description></item>"),
        ("huge description", lambda: "<item><title>t</title><description>"
         + _words(r, 30_000) + "</description></item>"),
        ("unknown entity", lambda: "<item><title>&nbsp;&bogus;</title><description>&copy;"
         + _words(r, 20) + "</description></item>"),
        ("weird date", lambda: "<item><title>t</title><description>" + _words(r, 20)
         + "</description><pubDate>" + r.choice(["9" * 400, "Mon, 99 Foo 99999", "\x01"])
         + "</pubDate></item>"),
        ("unclosed tag", lambda: "<item><title>t<description>" + _words(r, 20) + "</item>"),
    ]
    file_level = [
        ("billion laughs", '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
         + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                   for p, c in zip("abcdefg", "bcdefgh", strict=True)) + "]>"),
        ("xxe", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        ("external dtd", '<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd">'),
        ("parameter entity", '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://example.invalid/p">%p;]>'),
        ("encoding lie", ""),
    ]
    if r.random() < 0.7:
        cat, make = r.choice(bad_items)
        bad = make()
        xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F'
               f"</title>{_item(s0)}{bad}{_item(s1)}</channel></rss>")
        return Case("feed", cat, i, seed, [(f"{i:06d}-0-x.rss", xml.encode("utf-8",
                                                                          "surrogatepass"))],
                    [s0["id"], s1["id"]])
    cat, doctype = r.choice(file_level)
    decl = '<?xml version="1.0" encoding="utf-16"?>' if cat == "encoding lie" else \
        '<?xml version="1.0"?>'
    xml = f"{decl}{doctype}<rss><channel><title>&a;&h;&x;</title>{_item(s0)}</channel></rss>"
    name, good, sid = _next_file(i)
    return Case("feed", cat, i, seed, [(f"{i:06d}-0-x.rss", xml.encode()), (name, good)],
                [sid])


def _warc_record(i: int, block: bytes, length: str | None = None,
                 rtype: str = "response", ctype: str = "application/http; msgtype=response"
                 ) -> bytes:
    head = (f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Target-URI: http://x.test/{i}\r\n"
            f"WARC-Record-ID: <urn:fuzz:{i}>\r\nContent-Type: {ctype}\r\n")
    if length != "omit":
        head += f"Content-Length: {len(block) if length is None else length}\r\n"
    return head.encode() + b"\r\n" + block + b"\r\n\r\n"


def _http(body: bytes, extra: str = "", status: str = "200 OK") -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n{extra}\r\n"
            .encode() + body)


def _page(g: dict[str, str]) -> bytes:
    return (f"<html><head><title>{g['title']}</title></head><body><article><h1>{g['title']}"
            f"</h1><p>{g['text']}</p><p>{g['text']}</p></article></body></html>").encode()


_BOMB = gzip.compress(b"<p>" + b"a" * (20 << 20), compresslevel=9)  # 20 KB -> 20 MB
_BOMB_LINE = gzip.compress(b"x" * (12 << 20) + b"\n", compresslevel=9)


def warc_case(r: random.Random, i: int, seed: int) -> Case:
    s0, s1 = _good(i, 0), _good(i, 1)
    body = _page(_good(i, 5))
    kinds: list[tuple[str, Callable[[], bytes]]] = [
        ("content-length -1", lambda: _warc_record(i, _http(body), "-1")),
        ("content-length -100", lambda: _warc_record(i, _http(body), "-100")),
        ("content-length huge", lambda: _warc_record(i, _http(body), "99999999999")),
        ("content-length too large", lambda: _warc_record(i, _http(body),
                                                          str(len(_http(body)) + 50))),
        ("content-length too small", lambda: _warc_record(i, _http(body), "40")),
        ("content-length missing", lambda: _warc_record(i, _http(body), "omit")),
        ("content-length junk", lambda: _warc_record(i, _http(body), r.choice(["abc", "1e3",
                                                                               "+5", " "]))),
        ("gzip bomb body", lambda: _warc_record(i, _http(_BOMB, "Content-Encoding: gzip\r\n"))),
        ("bad gzip body", lambda: _warc_record(i, _http(b"\x1f\x8bjunk",
                                                        "Content-Encoding: gzip\r\n"))),
        ("deflate body", lambda: _warc_record(i, _http(zlib.compress(body),
                                                       "Content-Encoding: deflate\r\n"))),
        ("unknown encoding", lambda: _warc_record(i, _http(body, "Content-Encoding: br\r\n"))),
        ("bad chunked", lambda: _warc_record(i, _http(b"zz\r\nabc\r\n",
                                                      "Transfer-Encoding: chunked\r\n"))),
        ("not http", lambda: _warc_record(i, b"garbage block")),
        ("bad status", lambda: _warc_record(i, _http(body, status="abc"))),
        ("binary payload", lambda: _warc_record(i, _http(bytes(range(256)) * 20))),
        ("garbage between", lambda: b"this is not a warc header\r\n" + bytes(range(256))),
        ("many headers", lambda: b"WARC/1.0\r\n" + b"X-A: b\r\n" * 5000
         + b"Content-Length: 0\r\n\r\n\r\n\r\n"),
    ]
    cat, fn = r.choice(kinds)
    data = (_warc_record(1000 + i, _http(_page(s0))).replace(
        f"<urn:fuzz:{1000 + i}>".encode(), f"<{s0['id']}>".encode())
        + fn()
        + _warc_record(2000 + i, _http(_page(s1))).replace(
            f"<urn:fuzz:{2000 + i}>".encode(), f"<{s1['id']}>".encode()))
    return Case("warc", cat, i, seed, [(f"{i:06d}-0-x.warc", data)], [s0["id"], s1["id"]])


def gz_case(r: random.Random, i: int, seed: int) -> Case:
    lines = (json.dumps(_good(i, 0)) + "\n").encode()
    full = gzip.compress(lines + b'{"id": "z", "text": "' + b"b" * 200_000 + b'"}\n')
    kinds: list[tuple[str, Callable[[], bytes], bool]] = [
        ("truncated", lambda: full[: len(full) // 2], True),
        ("corrupt", lambda: full[:20] + r.randbytes(50) + full[70:], False),
        ("header only", lambda: full[:10], False),
        ("bomb line", lambda: gzip.compress(lines) + _BOMB_LINE, True),
        ("two members", lambda: full + gzip.compress(b"not json\n"), True),
        ("trailing junk", lambda: full + b"junk after the member", True),
    ]
    cat, fn, keep_first = r.choice(kinds)
    data = fn()
    name, good, sid = _next_file(i)
    sentinels = [sid] + ([f"s-{i}-0"] if keep_first and cat != "corrupt" else [])
    return Case("gz", cat, i, seed, [(f"{i:06d}-0-x.jsonl.gz", data), (name, good)], sentinels)


GENERATORS: dict[str, Callable[[random.Random, int, int], Case]] = {
    "jsonl": jsonl_case, "json": json_case, "text": text_case, "html": html_case,
    "feed": feed_case, "warc": warc_case, "gz": gz_case,
}


def make_case(rng: random.Random, index: int, seed: int, formats: tuple[str, ...]) -> Case:
    """Case *index*: its format drawn by ``WEIGHTS`` among *formats*, then its trouble."""
    fmts = [f for f in FORMATS if f in formats]
    fmt = rng.choices(fmts, weights=[WEIGHTS[f] for f in fmts])[0]
    r = random.Random(f"{seed}:{index}")  # one case can be re-created alone
    return GENERATORS[fmt](r, index, seed)
