"""Issue 9's reproductions, rebuilt: each bad input among good records, ingested by the CLI.

    python benchmarks/reliability.py            # full sizes (1 GB gzip line, 50 MB lines, ...)
    python benchmarks/reliability.py --quick    # small sizes (what tests/test_repro.py runs)
    python benchmarks/reliability.py --only warc --keep /tmp/rel   # some cases, keep files

Every case writes its files (the bad record between good ones, or a bad file among good
files), runs ``storyline --encoder hashing ingest --json`` as a subprocess on a fresh store
and prints one row: exit status, whether a traceback was printed, what the bad records
became (quarantined with their reasons, or repaired and stored), good records stored /
expected, ``storyline check`` problems, the child's peak RSS, and its time: the ingest's own
seconds (from its JSON report; Python start-up and imports excluded, the first batch's model
and gazetteer loading included) and the process's wall time. A case fails when any of these
is off (exit status 1 at the end). Cases with a time limit (the 80 KB non-word line, the
300,000-line file) must add under 5 s to the baseline run's ingest (3 good records: the
start-up), which on an idle machine keeps their whole ingest under 5 s too.

The last rows use ``../shared/data/india-news-2020`` (skipped without it): a 2,000-article
ingest, then two ``storyline ingest`` processes writing the two halves of the same articles
into one store at once; each is followed by ``storyline check``, and the concurrent store's
entity mention counters and duplicate entity names are compared with the sequential one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
RSS_LIMIT_MB = 512
TIME_LIMIT_S = 5.0

_WORDS = ("council", "river", "bridge", "market", "court", "minister", "police", "school",
          "budget", "strike", "harbour", "rail", "flood", "vote", "plan", "city", "district",
          "report", "officials", "residents", "hospital", "museum", "airport", "farmers",
          "teachers", "drivers", "storm", "festival", "library", "tunnel", "factory", "port")
_PLACES = ("Aldora", "Brenmoor", "Castelva", "Dunmere", "Elsworth", "Farrow", "Glenhaven",
           "Hollin", "Istra", "Jarrow", "Kelby", "Lunmoor")


def day(i: int) -> str:
    """A publication date spread over 2021 (news arrives over time, not all on one day)."""
    return (date(2021, 1, 1) + timedelta(days=(i * 7919) % 365)).isoformat()


def good(i: int) -> dict[str, str]:
    """A made-up article (no third-party text); texts differ enough not to be duplicates."""
    r = random.Random(i)
    place = f"{r.choice(_PLACES)}{i}"
    words = " ".join(r.choices(_WORDS, k=24))
    return {"id": f"good-{i}", "title": f"{place} {r.choice(_WORDS)} {r.choice(_WORDS)} {i}",
            "text": f"Officials in {place} said on Monday that the {words}. The council of "
                    f"{place} promised a report on item {i} within a week.",
            "date": day(i)}


def jline(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


@dataclass
class Case:
    name: str
    files: list[Path]
    good: list[str]  # input ids that must be stored
    bad: int  # bad records: each must be quarantined or repaired and stored
    timed: bool = False  # must finish in under TIME_LIMIT_S
    args: list[str] = field(default_factory=list)
    db: Path | None = None  # reuse a store (re-run)
    #: the peak RSS limit holds for one bad input among a few good records; an ingest of
    #: thousands of articles also holds the clustering state of every one of them
    one_input: bool = True


class Builder:
    """Writes the case files under ``root``; ``counter`` keeps good ids unique per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def goods(self, k: int) -> list[dict[str, str]]:
        out = [good(self.n + j) for j in range(k)]
        self.n += k
        return out

    def jsonl(self, name: str, bad: list[bytes], *, gz: bool = False) -> Case:
        """A good line before and after each bad one."""
        gs = self.goods(len(bad) + 1)
        parts = [jline(gs[0])]
        for b, g in zip(bad, gs[1:], strict=True):
            parts += [b, jline(g)]
        path = self.root / f"{slug(name)}.jsonl{'.gz' if gz else ''}"
        data = b"\n".join(parts) + b"\n"
        path.write_bytes(gzip.compress(data) if gz else data)
        return Case(name, [path], [g["id"] for g in gs], len(bad))

    def among_files(self, name: str, bad: Path, ext: str = "txt") -> Case:
        """A bad file between two good files of the same kind (read in name order)."""
        gs = self.goods(2)
        files = []
        for k, g in zip(("a", "c"), gs, strict=True):
            p = self.root / f"{slug(name)}-{k}.{ext}"
            if ext == "txt":
                p.write_text(f"{g['title']}\n\n{g['text']}\n", encoding="utf-8")
            elif ext == "json":
                p.write_bytes(jline(g))
            else:
                p.write_text(page(g), encoding="utf-8")
            files.append(p)
        target = self.root / f"{slug(name)}-b.{ext}"
        bad.rename(target)
        # a file's id is its name: goods are found by their titles
        return Case(name, [files[0], target, files[1]], [g["title"] for g in gs], 1)


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:40]


def page(g: dict[str, str]) -> str:
    return (f"<html><head><title>{g['title']}</title></head><body><article><h1>{g['title']}"
            f"</h1><p>{g['text']}</p><p>{g['text']}</p></article></body></html>")


def warc(records: list[tuple[bytes, str | None, str]], uri0: int) -> bytes:
    """WARC response records: (HTTP body, Content-Length override, extra HTTP header)."""
    out = b""
    for k, (body, length, extra) in enumerate(records):
        block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                 + extra.encode() + b"\r\n" + body)
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.test/{uri0 + k}"
                f"\r\nWARC-Record-ID: <urn:uuid:{uri0 + k}>\r\nContent-Type: application/http; "
                f"msgtype=response\r\nContent-Length: {length or len(block)}\r\n\r\n")
        out += head.encode() + block + b"\r\n\r\n"
    return out


def warc_case(b: Builder, name: str, bad_body: bytes, length: str | None, extra: str) -> Case:
    gs = b.goods(2)
    recs = [(page(gs[0]).encode(), None, ""), (bad_body, length, extra),
            (page(gs[1]).encode(), None, "")]
    path = b.root / f"{slug(name)}.warc"
    path.write_bytes(warc(recs, b.n * 10))
    return Case(name, [path], [g["title"] for g in gs], 1)


def gzip_stream(path: Path, head: bytes, fill: bytes, size: int, tail: bytes) -> None:
    """``head`` + ``size`` bytes of ``fill`` repeated + ``tail``, gzip level 9, streamed."""
    chunk = fill * ((1 << 20) // len(fill))
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(head)
        left = size
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
        f.write(tail)


def cases(root: Path, quick: bool) -> list[Case]:
    b = Builder(root)
    big = (64 << 20) if quick else (1 << 30)  # what the bombs inflate to
    one_line = (10 << 20) if quick else (50 << 20)  # the one-line inputs
    out: list[Case] = []
    sur = ['"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800 x"']
    fields = ["id", "title", "text", "source", "lang", "url", "date", "author", "extra"]
    bad = [jline({**good(900 + k), "id": f"sur-{f}"})[:-1] + f', "{f}": {sur[k % 3]}}}'.encode()
           for k, f in enumerate(fields)]
    bad.append(b'{"id": "sur-key", "text": "A text long enough to keep after cleaning, in '
               b'words.", "k\\ud83d": "\\ud800"}')
    bad.append(b'{"id": "\\ud800", "title": "\\ud800", "text": "\\ud800 every field \\udfff '
               b'has one", "source": "\\ud800", "lang": "\\ud800", "url": "\\ud800", '
               b'"date": "\\ud800", "\\ud800": "\\ud800"}')
    out.append(b.jsonl("\\ud800 escapes in every field", bad))
    out.append(b.jsonl("deep nesting (100,000 levels)", [
        b'{"id": "d1", "text": "x", "k": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"id": "d2", "text": "x", "k": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"}"]))
    out.append(b.jsonl("integers of 4,301 and 50,000 digits", [
        b'{"id": "n1", "text": "x", "n": ' + b"9" * 4301 + b"}",
        b'{"id": "n2", "text": "x", "n": -' + b"1" * 50_000 + b"}"]))
    out.append(b.jsonl("400-digit date", [
        b'{"id": "dt1", "text": "Plenty of words in this text to keep it.", "date": '
        + b"9" * 400 + b"}",
        b'{"id": "dt2", "text": "Plenty of words in this text to keep it.", "date": "'
        + b"9" * 400 + b'"}']))
    c = b.jsonl("NUL bytes in the first 4 KB of a JSONL file", [
        b'{"id": "z1", "text": "a\x00b"}', b"\x00\x00\x00 not json \x00"])
    out.append(c)
    for length in ("-1", "-100", "99999999999"):
        out.append(warc_case(b, f"WARC Content-Length {length}",
                             page(good(950)).encode(), length, ""))
    # 1 GB (quick: 64 MB) one-line record inside a ~1-2 MB .jsonl.gz
    gs = b.goods(2)
    p = root / "bomb-line.jsonl.gz"
    gzip_stream(p, jline(gs[0]) + b'\n{"id": "big", "text": "', b"a", big,
                b'"}\n' + jline(gs[1]) + b"\n")
    out.append(Case(f".jsonl.gz ({p.stat().st_size / 1e6:.1f} MB) -> one {big >> 20} MB line",
                    [p], [g["id"] for g in gs], 1))
    # WARC whose gzip-encoded body inflates to 1 GB (quick: 64 MB)
    tmp = root / "body.gz"
    gzip_stream(tmp, b"<html><body><p>", b"a", big, b"</p></body></html>")
    body = tmp.read_bytes()
    tmp.unlink()
    c = warc_case(b, f"WARC ({len(body) / 1e6:.1f} MB) gzip body -> {big >> 20} MB", body, None,
                  "Content-Encoding: gzip\r\n")
    out.append(c)
    words = " ".join(_WORDS).encode() + b" "
    line_text = (words * (one_line // len(words) + 1))[:one_line]
    mb = one_line >> 20
    out.append(b.jsonl(f"{mb} MB one-line JSONL record",
                       [b'{"id": "long", "text": "' + line_text + b'"}']))
    for ext in ("txt", "html", "json"):
        p = root / f"one-line.{ext}"
        if ext == "txt":
            p.write_bytes(line_text)
        elif ext == "html":
            p.write_bytes(b"<html><body><p>" + line_text + b"</p></body></html>")
        else:
            p.write_bytes(b'{"id": "long-json", "text": "' + line_text + b'"}')
        out.append(b.among_files(f"{mb} MB one-line .{ext} file", p, ext))
    r = random.Random(80)
    nonword = "".join(r.choices("!@#$%^&*()-+=[]{};:'\",.<>/?|~` ", k=80_000))
    c = b.jsonl("80 KB non-word line", [jline({"id": "nonword", "title": "Punctuation",
                                                "text": nonword + " and then words"})])
    c.timed = True
    out.append(c)
    p = root / "nonword.txt"
    p.write_text(nonword.replace(" ", "") + "\n", encoding="utf-8")
    c = b.among_files("80 KB non-word line (.txt)", p)
    c.timed, c.bad = True, 0  # kept or quarantined: either is fine, it must be fast
    out.append(c)
    n_lines = 300_000
    short = "\n".join(f"{_WORDS[k % len(_WORDS)]} {k}" for k in range(n_lines))
    p = root / "short-lines.txt"
    p.write_text(short + "\n", encoding="utf-8")
    c = b.among_files(f"{n_lines:,} short lines (.txt)", p)
    c.timed, c.bad = True, 0
    out.append(c)
    c = b.jsonl(f"{n_lines:,} short lines (JSONL text)",
                [jline({"id": "short", "title": "Lines", "text": short})])
    c.timed, c.bad = True, 0
    out.append(c)
    out += packs(b, 4 if quick else 16, 50 if quick else 500)
    return out


def packs(b: Builder, n_files: int, per_file: int) -> list[Case]:
    """The fuzz run as the issue packed it: malformed JSON lines, 500 to a file, about 30 %
    good ones among them; then the same files again into the same store (a re-run)."""
    from storyline.fuzz_gen import bad_json_record

    r = random.Random(9)
    files, goods, n_bad = [], [], 0
    for f in range(n_files):
        lines = []
        for k in range(per_file):
            if r.random() < 0.304:
                g = b.goods(1)[0]
                goods.append(g["id"])
                lines.append(jline(g))
            else:  # the generator dates every record 2021-03-04: spread them as well
                bad = bad_json_record(r, f * per_file + k)[1]
                bad = bad.replace('"2021-03-04"', f'"{day(f * per_file + k)}"')
                lines.append(bad.encode("utf-8", "surrogatepass"))
                n_bad += 1
        p = b.root / f"pack-{f:02d}.jsonl"
        p.write_bytes(b"\n".join(lines) + b"\n")
        files.append(p)
    name = f"{n_files} files x {per_file} malformed/good lines"
    return [Case(name, files, goods, n_bad, one_input=False),
            Case("same files again (re-run)", files, goods, n_bad,
                 db=b.root / f"{slug(name)}.db", one_input=False)]


# -- running --------------------------------------------------------------------------------
def run_cli(args: list[str], timeout: float = 3600) -> tuple[int, str, str, float, float]:
    """(exit status, stdout, stderr, wall seconds, peak RSS MB) of a ``storyline`` child."""
    cmd = [sys.executable, "-c", "from storyline.cli import main; main()", *args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        deadline = t0 + timeout
        hwm = 0.0  # the child's own high-water mark, read while it runs (see _hwm_mb)
        while True:
            hwm = max(hwm, _hwm_mb(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), wall,
                hwm or usage.ru_maxrss / 1024)


def _hwm_mb(pid: int) -> float:
    """``VmHWM`` of a running process: its own peak RSS. (A child's ``ru_maxrss`` also
    counts the parent's size at fork: under a big pytest process every case read 700 MB.)
    Polled every 20 ms, it can miss growth in a process's last 20 ms only."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def store_facts(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT doc_id, title, data FROM articles").fetchall()
        quarantine = con.execute("SELECT reason, count(*) FROM quarantine GROUP BY reason")
        reasons = dict(quarantine.fetchall())
        missing_reason = con.execute("SELECT count(*) FROM quarantine WHERE reason = '' OR "
                                     "message = ''").fetchone()[0]
        dup_names = con.execute(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM entities WHERE "
            "alive = 1 GROUP BY type, name HAVING n > 1)").fetchone()[0]
        counted = con.execute("SELECT coalesce(sum(mentions), 0) FROM entities "
                              "WHERE alive = 1").fetchone()[0]
        mention_rows = con.execute("SELECT coalesce(sum(count), 0) FROM mentions").fetchone()[0]
    finally:
        con.close()
    repaired = sum(1 for _, _, d in rows if '"_repaired"' in d)
    return {"ids": {r[0] for r in rows}, "titles": {r[1] for r in rows}, "articles": len(rows),
            "reasons": reasons, "unexplained": missing_reason, "repaired": repaired,
            "dup_names": dup_names, "mentions": counted, "mention_rows": mention_rows}


def check_store(db: Path) -> int:
    """Problems ``storyline check`` finds in the store (the same function, in this process)."""
    import storyline
    from storyline.check import check

    with storyline.open(db, encoder="hashing") as sl:
        return len(check(sl.store).problems)


@dataclass
class Row:
    name: str
    rc: int
    traceback: bool
    bad: str
    stored: int
    expected: int
    problems: int
    rss_mb: float
    seconds: float  # the ingest's own (report), or the wall time where there is no report
    wall: float = 0.0
    timed: bool = False
    ok_extra: bool = True
    one_input: bool = True
    #: the baseline run's ingest seconds (start-up: first batch's gazetteer and models);
    #: a timed case must add less than TIME_LIMIT_S to it (on an idle machine the whole
    #: ingest is under TIME_LIMIT_S too; on a loaded one the start-up alone can exceed it)
    base_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (self.rc == 0 and not self.traceback and self.stored == self.expected
                and self.problems == 0 and self.ok_extra
                and (not self.one_input or self.rss_mb <= RSS_LIMIT_MB)
                and (not self.timed or self.seconds - self.base_seconds < TIME_LIMIT_S))


def run_case(case: Case, root: Path) -> Row:
    db = case.db or root / f"{slug(case.name)}.db"
    before = store_facts(db) if db.exists() else None
    rc, out, err, wall, rss = run_cli(["--db", str(db), "--encoder", "hashing", "ingest",
                                       "--json", "--no-progress", *case.args,
                                       *map(str, case.files)])
    tb = "Traceback (most recent call last)" in out + err
    facts = store_facts(db) if db.exists() else {"ids": set(), "titles": set(), "reasons": {},
                                                   "repaired": 0, "unexplained": 1,
                                                   "articles": 0}
    have = facts["ids"] | facts["titles"]
    stored = sum(1 for g in case.good if g in have)
    n_q = sum(facts["reasons"].values())
    # a bad record is quarantined, or stored (repaired, or with the bad field left out)
    handled = n_q + facts["articles"] - stored
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(facts["reasons"].items()))
    bad = f"{n_q} quarantined ({reasons})" if n_q else "none quarantined"
    if facts["articles"] > stored:
        bad += (f"; {facts['articles'] - stored} stored ({facts['repaired']} with a field "
                "repaired)")
    ok_extra = facts["unexplained"] == 0 and handled >= case.bad
    if before is not None:  # a re-run adds nothing
        ok_extra = ok_extra and facts["articles"] == before["articles"]
        bad += f"; articles {before['articles']} -> {facts['articles']}"
    try:
        seconds = float(json.loads(out[out.index("{"):])["seconds"])
    except (ValueError, KeyError):
        seconds, ok_extra = wall, False
    return Row(name=case.name, rc=rc, traceback=tb, bad=bad, stored=stored,
               expected=len(case.good), problems=check_store(db), rss_mb=rss, seconds=seconds,
               wall=wall, timed=case.timed, ok_extra=ok_extra, one_input=case.one_input)


PHANTOM = r"""
import json, sys
import storyline, storyline.errors
from storyline.model import Provenance, RawDoc
sys.path.insert(0, sys.argv[2])
from reliability import good
sl = storyline.open(sys.argv[1], encoder="hashing")
store, real = sl.store, sl.store.put_article
def flaky(a):
    if a.doc_id == "good-3":
        raise storyline.errors.StoreError("injected write failure")
    return real(a)
def docs(ks):
    return [RawDoc(text=good(k)["text"], title=good(k)["title"], doc_id=good(k)["id"],
                   date_hint="2021-03-04", provenance=Provenance(source="p", kind="api", line=k,
                   raw_sha256=f"sha{k}")) for k in ks]
store.put_article = flaky
r1 = sl.ingest_docs(docs(range(8)))
store.put_article = real
r2 = sl.ingest_docs(docs(range(8, 16)))
phantoms = [a for a in sl.engine.events.article_event if store.get_article(a) is None]
print(json.dumps({"accepted": r1.accepted + r2.accepted, "quarantined": r1.quarantined,
                  "reasons": [q.reason for q in r1.problems], "phantoms": phantoms}))
sl.close()
"""


def phantom_row(root: Path) -> Row:
    """A long-lived process: one article's write fails (the batch rolls back and is retried
    one by one), then the same engine ingests more; no article it forgot may stay a member."""
    db = root / "phantom.db"
    cmd = [sys.executable, "-c", PHANTOM, str(db), str(HERE)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    try:
        got = json.loads(res.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        got = {"accepted": 0, "quarantined": 0, "reasons": [], "phantoms": ["?"]}
    bad = (f"{got['quarantined']} quarantined ({', '.join(got['reasons'])}); "
           f"{len(got['phantoms'])} phantom members")
    return Row(name="write fails, batch rolled back (long-lived process)", rc=res.returncode,
               traceback="Traceback" in res.stderr, bad=bad, stored=got["accepted"], expected=15,
               problems=check_store(db), rss_mb=0.0, seconds=wall,
               ok_extra=not got["phantoms"] and got["quarantined"] == 1)


def real_rows(root: Path, n: int) -> list[Row]:
    """``n`` real articles in one process, then two processes writing the halves at once."""
    src = DATA / "india-news-2020" / "english_articles.jsonl.gz"
    if not src.exists():
        print(f"skipped: {src} not found (the real-news rows read ../shared/data)")
        return []
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        lines = [ln for _, ln in zip(range(n), fh, strict=False)]
    whole = root / "real.jsonl"
    whole.write_text("".join(lines), encoding="utf-8")
    halves = []
    for k in range(2):
        p = root / f"real-half{k}.jsonl"
        p.write_text("".join(lines[k::2]), encoding="utf-8")
        halves.append(p)
    ids = sorted({json.loads(ln)["id"] for ln in lines})
    seq = root / "real-seq.db"
    rows = [run_case(Case(f"{n:,} real articles, one writer", [whole], ids, 0,
                          one_input=False), root)]
    shutil.move(str(root / f"{slug(rows[0].name)}.db"), seq)
    conc = root / "real-conc.db"
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", "from storyline.cli import main; main()",
                               "--db", str(conc), "--encoder", "hashing", "ingest", "--json",
                               "--no-progress", str(p)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for p in halves]
    outs = [p.communicate() for p in procs]
    wall = time.perf_counter() - t0
    a, s = store_facts(conc), store_facts(seq)
    stored = sum(1 for i in ids if i in a["ids"])
    bad = (f"mention counters {a['mentions']} = rows {a['mention_rows']}; duplicate entity "
           f"names {a['dup_names']} (one writer: {s['dup_names']})")
    rows.append(Row(name=f"two writers at once, {n // 2:,} + {n - n // 2:,} real articles",
                    rc=max(p.returncode for p in procs),
                    traceback=any("Traceback" in e for _, e in outs), bad=bad, stored=stored,
                    expected=len(ids), problems=check_store(conc), rss_mb=0.0, seconds=wall,
                    ok_extra=a["mentions"] == a["mention_rows"]
                    and a["dup_names"] <= s["dup_names"] + 2))
    return rows


SECURITY = ("x-content-type-options", "referrer-policy", "content-security-policy")


def _request(base: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bool, float]:
    """(status, whether the security headers came, seconds) of one request."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(base + path, data=body, headers=headers or {},
                                 method="POST" if body is not None else "GET")
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            status, got = resp.status, resp.headers
            resp.read()
    except urllib.error.HTTPError as err:
        status, got = err.code, err.headers
    return status, all(h in got for h in SECURITY), time.perf_counter() - t0


def http_rows(root: Path) -> list[Row]:
    """:func:`http_requests` as table rows: fails on a 5xx, missing security headers, or
    another status than the one expected."""
    out = []
    for name, status, sec, note, fine in http_requests(root):
        want = int(note[:3]) if note[:3].isdigit() else None
        ok = status < 500 and sec and fine and (want is None or status == want)
        out.append(Row(name=name, rc=0, traceback=False,
                       bad=f"HTTP {status}, security headers {'yes' if sec else 'NO'}"
                           + (f"; {note}" if note else ""),
                       stored=1, expected=1, problems=0, rss_mb=0.0, seconds=0.0, ok_extra=ok))
    return out


def http_requests(root: Path) -> list[tuple[str, int, bool, str, bool]]:
    """The issue's request reproductions against ``storyline serve`` (a real server on a
    small store): (request, status, security headers, note); any 5xx fails."""
    import socket
    import threading

    db = root / "http.db"
    p = root / "http.jsonl"
    p.write_bytes(b"\n".join(jline(good(5000 + k)) for k in range(6)) + b"\n")
    run_cli(["--db", str(db), "--encoder", "hashing", "ingest", "--no-progress", str(p)])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "reliability-token"
    proc = subprocess.Popen([sys.executable, "-c", "from storyline.cli import main; main()",
                             "--db", str(db), "--encoder", "hashing", "serve", "--port",
                             str(port), "--token", token, "--max-body-mb", "0.1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    rows: list[tuple[str, int, bool, str, bool]] = []
    try:
        for _ in range(600):
            try:
                if _request(base, "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        big = 2**63
        for path in (f"/api/articles?offset={big}", f"/api/search?q=council&offset={big}",
                     f"/search?q=council&offset={big}", "/events?story=a/b"):
            st, sec, _ = _request(base, path)
            rows.append((f"GET {path}", st, sec, "", True))
        text = "Officials said on Monday that the river flood affected many residents."
        for field in ("title", "id", "source", "lang", "k\\ud800"):
            value = '"\\ud800"' if field != "k\\ud800" else "1"
            body = (f'[{{"text": "{text}", "id": "h-{field[:2]}", "{field}": {value}}}]'
                    ).encode()
            st, sec, _ = _request(base, "/api/ingest", body, auth)
            rows.append((f"POST /api/ingest, surrogate in {field!r}", st, sec, "", True))
        body = f'[{{"text": "{text} again", "id": "h-extra", "extra": [1, {{"a": 2}}]}}]'
        st, sec, _ = _request(base, "/api/ingest", body.encode(), auth)
        rows.append(("POST /api/ingest, an extra key", st, sec, "", True))
        st, sec, _ = _request(base, "/api/health", headers={"Host": "evil.example"})
        rows.append(("GET /api/health, Host: evil.example (host guard)", st, sec,
                     "400 expected", True))
        st, sec, _ = _request(base, "/api/ingest", b"[" + b" " * 200_000 + b"]", auth)
        rows.append(("POST /api/ingest, 200 KB body over a 100 KB limit", st, sec,
                     "413 expected", True))
        # an 80 KB non-word line posted while pages are read: no page waits for it
        r = random.Random(80)
        nonword = "".join(r.choices("!@#$%^&*()-+=[]{};:',.<>/?|~` ", k=80_000))
        body = json.dumps([{"id": "nw", "title": "Punctuation", "text": nonword}]).encode()
        waits: list[float] = []
        stop = threading.Event()

        def reader() -> None:
            while not stop.is_set():
                waits.append(_request(base, "/api/stories")[2])

        t = threading.Thread(target=reader)
        t.start()
        st, sec, took = _request(base, "/api/ingest", body, auth)
        stop.set()
        t.join()
        slowest = max(waits, default=0.0)
        rows.append(("POST /api/ingest, 80 KB non-word line, pages read meanwhile", st, sec,
                     f"200 expected; took {took:.1f} s; {len(waits)} /api/stories reads "
                     f"meanwhile, slowest {slowest:.2f} s (< {TIME_LIMIT_S:.0f})",
                     st == 200 and slowest < TIME_LIMIT_S))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (the test's run)")
    ap.add_argument("--only", help="cases whose name contains this (case-insensitive)")
    ap.add_argument("--skip", help="leave out cases whose name contains this")
    ap.add_argument("--real", type=int, default=2000, help="real articles (0: skip)")
    ap.add_argument("--keep", help="write files and stores here and keep them")
    args = ap.parse_args(argv)
    root = Path(args.keep or tempfile.mkdtemp(prefix="storyline-rel-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        rows = run_all(root, args.quick, args.only, args.real, args.skip)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    failed = [r.name for r in rows if not r.ok]
    print(f"{len(rows) - len(failed)}/{len(rows)} cases pass"
          + (f"; failing: {'; '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def run_all(root: Path, quick: bool, only: str | None, n_real: int,
            skip: str | None = None) -> list[Row]:
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}, "
          f"{'quick' if quick else 'full'} sizes; limits: peak RSS <= {RSS_LIMIT_MB} MB, "
          f"timed cases < {TIME_LIMIT_S:.0f} s", flush=True)
    rows = []
    base = Builder(root / "base")
    base.root.mkdir(exist_ok=True)
    gs = base.goods(3)
    p = base.root / "good.jsonl"
    p.write_bytes(b"\n".join(jline(g) for g in gs) + b"\n")
    todo: list[Callable[[], list[Row]]] = [
        lambda: [run_case(Case("baseline: 3 good records only", [p],
                               [g["id"] for g in gs], 0), base.root)]]
    todo += [lambda c=c: [run_case(c, root)] for c in cases(root, quick)
             if (not only or only.lower() in c.name.lower())
             and not (skip and skip.lower() in c.name.lower())]
    if not only or only.lower() in "write fails rolled back long-lived phantom":
        todo.append(lambda: [phantom_row(root)])
    if n_real and (not only or only.lower() in "real articles writers"):
        todo.append(lambda: real_rows(root, n_real))
    if not only or only.lower() in "http requests get post":
        todo.append(lambda: http_rows(root))
    print("| case | exit | traceback | bad records | good stored | check | peak RSS MB | "
          "s: ingest / process |")
    print("|---|---|---|---|---|---|---|---|")
    for fn in todo:
        got = fn()
        for r in got:
            if r.timed and rows:
                r.base_seconds = rows[0].seconds
            print_rows_one(r)
        rows += got
    return rows


def print_rows_one(r: Row) -> None:
    rss = f"{r.rss_mb:.0f}" if r.rss_mb else "-"
    if r.rss_mb and not r.one_input:
        rss += " (many inputs)"
    sec = f"{r.seconds:.1f}"
    if r.timed:
        sec += f" (+{r.seconds - r.base_seconds:.1f} over the baseline, < {TIME_LIMIT_S:.0f})"
    if not r.seconds:
        sec = "-"
    if r.wall:
        sec += f" / {r.wall:.1f}"
    flag = "" if r.ok else " **FAIL**"
    print(f"| {r.name}{flag} | {r.rc} | {'yes' if r.traceback else 'no'} | {r.bad} | "
          f"{r.stored}/{r.expected} | {r.problems} | {rss} | {sec} |", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
