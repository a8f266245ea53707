"""Web load benchmark: the real server over a store of ~20,000 news articles.

Builds (once, cached at benchmarks/.cache/load-<encoder>.db with a .json sidecar) a store from
../shared/data/india-news-2020: all 19,499 English articles, the 37 Hindi articles of
window_2020-03-24_25_docs.jsonl.gz, and Hindi articles segmented from the Hindi paper-day files
(headline = a short stand-alone line without a danda; the window's two days are skipped because
the window already holds them), about 20,500 inputs in all. Then starts ``storyline serve
--read-only`` in a subprocess on a free port and drives it with concurrent requests (asyncio +
httpx), one endpoint group after another, and prints per group: requests, errors (non-2xx or
exceptions), p50/p95/p99 latency, throughput and the server's CPU milliseconds per request
(``cpu ms``: the cost of a request, which other work on a shared machine hardly changes,
while it inflates the latencies).

The build uses ``--encoder hashing`` by default: embedding 20k articles with the bundled e5
model takes hours on a 2-core machine. ``--encoder e5`` builds an e5 store (and then searches
embed each query with e5, which is what dominates /api/search latency).

    python benchmarks/load.py [--encoder hashing] [--concurrency 8] [--requests 400]
    python benchmarks/load.py --build-only --build-minutes 40   # stop feeding after 40 min
    python benchmarks/load.py --resume                          # finish a partial build
    python benchmarks/load.py --compare-serial    # also run with every read under one lock

A build stopped by --build-minutes leaves a consistent (smaller) store; the load test then runs
on what was built and says so. ``--resume`` feeds the inputs again (stored ones are skipped as
duplicates).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
CACHE = HERE / ".cache"
NEWS = "india-news-2020"
WINDOW_DAYS = ("2020-03-24", "2020-03-25")

#: Search queries: words, names and phrases in English and Hindi (what a reader would type).
# fmt: off
QUERIES = [
    "lockdown", "Modi", "कोरोना", "Kejriwal migrant workers", "migrant workers", "quarantine",
    "Tablighi Jamaat", "ventilators", "PPE kits", "vaccine trial", "Wuhan", "Donald Trump",
    "Sensex", "RBI repo rate", "Shaheen Bagh", "Delhi riots", "Galwan China border",
    "Uddhav Thackeray", "Dharavi", "hydroxychloroquine", "Jyotiraditya Scindia",
    "Madhya Pradesh floor test", "लॉकडाउन", "प्रवासी मजदूर", "योगी आदित्यनाथ", "संक्रमित मरीज",
    "दिल्ली", "अस्पताल", "मास्क", "Shramik trains",
]
# fmt: on

_BLANK = re.compile(r"\n[ \t]*\n")


def segment_hindi(text: str, *, min_body: int = 300) -> list[tuple[str, str]]:
    """(headline, body) pairs of a Hindi paper-day file whose article boundaries are unmarked.

    A headline is a block (between blank lines) of one line, at most 150 characters, with no
    danda and no final full stop; the blocks after it up to the next headline are its body.
    Bodies shorter than ``min_body`` characters (captions, fragments) are dropped.
    """
    out: list[tuple[str, str]] = []
    head: str | None = None
    body: list[str] = []
    for block in (b.strip() for b in _BLANK.split(text)):
        if not block:
            continue
        if "\n" not in block and len(block) <= 150 and "।" not in block and block[-1] not in ".?":
            if head is not None and body:
                out.append((head, "\n\n".join(body)))
            head, body = block, []
        elif head is not None:
            body.append(block)
    if head is not None and body:
        out.append((head, "\n\n".join(body)))
    return [(h, b) for h, b in out if len(b) >= min_body]


def corpus(data: Path) -> Iterator[dict[str, Any]]:
    """The load corpus as JSON records (id, source, lang, date, title, text)."""
    keys = ("id", "source", "lang", "date", "title", "text")
    with gzip.open(data / NEWS / "english_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            yield {k: r.get(k) for k in keys}
    window = data / NEWS / "window_2020-03-24_25_docs.jsonl.gz"
    with gzip.open(window, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("lang") == "hi":
                yield {k: r.get(k) for k in keys}
    with gzip.open(data / NEWS / "hindi_daily_files.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["date"] in WINDOW_DAYS:
                continue
            for n, (title, body) in enumerate(segment_hindi(r["text"])):
                yield {
                    "id": f"{r['file']}#{n}",
                    "source": r["newspaper"],
                    "lang": "hi",
                    "date": r["date"],
                    "title": title,
                    "text": body,
                }


def _until(items: Iterable[Any], deadline: float | None) -> Iterator[Any]:
    for item in items:
        if deadline is not None and time.monotonic() > deadline:
            return
        yield item


def store_mb(db: Path) -> float:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6


def build(
    db: Path, encoder: str, data: Path, minutes: float | None, resume: bool
) -> dict[str, Any]:
    """Ingest the corpus into ``db`` unless a complete build is there; returns the sidecar."""
    import storyline
    from storyline.ingest import iter_inputs

    meta_path = db.with_suffix(".json")
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if db.exists() and meta and (meta.get("complete") or not resume):
        return meta
    if db.exists() and not meta and not resume:
        raise SystemExit(
            f"{db} exists without {meta_path.name} (an interrupted build): rerun with --resume "
            "to finish it, or delete it to rebuild"
        )
    before = float(meta.get("build_seconds", 0.0))
    runs = int(meta.get("runs", 0)) + 1
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "load.jsonl"
        n_in = 0
        with inp.open("w", encoding="utf-8") as out:
            for rec in corpus(data):
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n_in += 1
        print(f"build: {n_in} inputs -> {db} (encoder {encoder}, run {runs})", file=sys.stderr)
        sl = storyline.open(str(db), encoder=encoder)
        meta = {"encoder": encoder, "inputs": n_in, "runs": runs, "complete": False}

        def save(seconds: float, **more: Any) -> None:
            """The sidecar, kept current so that a killed build still counts its time."""
            meta.update(build_seconds=round(before + seconds, 1), **more)
            meta["accepted"] = sl.store.count_articles()
            meta_path.write_text(json.dumps(meta, indent=1))

        save(0.0)
        read = 0
        t0 = last = time.perf_counter()
        last_read = 0

        def progress(n: int) -> None:
            nonlocal last, last_read, read
            read += n
            now = time.perf_counter()
            if now - last >= 30 or read >= n_in:
                rate = (read - last_read) / (now - last)
                eta = (n_in - read) / rate if rate > 0 else 0.0
                print(
                    f"  ingest {read}/{n_in} read, {rate:.1f}/s lately, {now - t0:.0f}s "
                    f"elapsed, ETA {eta / 60:.0f} min",
                    file=sys.stderr,
                    flush=True,
                )
                last, last_read = now, read
                save(now - t0)

        deadline = time.monotonic() + minutes * 60 if minutes else None
        report = sl.engine.ingest(_until(iter_inputs([inp]), deadline), progress=progress)
        save(
            report.seconds,
            complete=report.read >= n_in,
            quarantined=sl.store.stats()["quarantined"],
            last_run={"read": report.read, "accepted": report.accepted,
                      "seconds": round(report.seconds, 1)},
            timings={k: round(v, 1) for k, v in report.timings.items()},
        )
        sl.close()
    return meta


def digests(db: Path, encoder: str) -> None:
    """Store the story digests the build did not (it drives the engine directly): what
    ``storyline ingest`` does after every ingest; nothing when they are current."""
    import storyline

    sl = storyline.open(str(db), encoder=encoder)
    try:
        t0 = time.process_time()
        rep = sl.refresh_digests()
        print(f"digests: {rep.summaries} story summaries and {rep.events} events' conflicts "
              f"computed ({rep.stories} live stories) in {rep.seconds:.1f} s "
              f"({time.process_time() - t0:.1f} s CPU)")
    finally:
        sl.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


TARGETS = {"/ (story list page)": 150, "/stories/{id}": 150, "/api/stories": 150,
           "/api/search?q=": 300, "/search?q= (page)": 300}  # p95 ms at 8 clients (issue 9)


def start_server(db: Path, encoder: str, port: int, log: Path, serial: bool = False,
                 search_cache: bool = True, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, STORYLINE_WEB_SERIAL="1" if serial else "0")
    if not search_cache:  # every search computed afresh (no result kept per store version)
        env["STORYLINE_SEARCH_CACHE"] = "0"
    cmd = [
        sys.executable, "-c", "from storyline.cli import main; main()",
        "--db", str(db), "--encoder", encoder,
        "serve", "--read-only", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers),
    ]  # fmt: skip
    with log.open("wb") as fh:
        return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env)


async def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    import httpx

    end = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}; see its log")
            try:
                if (await client.get("/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)
    raise SystemExit(f"server not ready after {timeout:.0f}s")


async def all_ids(client: Any, path: str) -> list[str]:
    ids: list[str] = []
    while True:
        r = await client.get(path, params={"limit": 1000, "offset": len(ids)})
        r.raise_for_status()
        page = r.json()
        ids += [item["id"] for item in page["items"]]
        if not page["items"] or len(ids) >= page["total"]:
            return ids


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return float("nan")
    k = max(0, min(len(sorted_ms) - 1, round(q / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[k]


async def drive(client: Any, urls: list[str], concurrency: int) -> dict[str, Any]:
    """Request ``urls`` with ``concurrency`` workers; latency in ms, errors, throughput."""
    import httpx

    queue: asyncio.Queue[str] = asyncio.Queue()
    for u in urls:
        queue.put_nowait(u)
    lat: list[float] = []
    errors: dict[str, int] = {}

    async def worker() -> None:
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t = time.perf_counter()
            try:
                r = await client.get(url)
                await r.aread()
                ok = 200 <= r.status_code < 300
                why = str(r.status_code)
            except httpx.HTTPError as exc:
                ok, why = False, type(exc).__name__
            lat.append((time.perf_counter() - t) * 1000)
            if not ok:
                errors[why] = errors.get(why, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - t0
    lat.sort()
    return {
        "requests": len(urls),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "p99": percentile(lat, 99),
        "rps": len(urls) / wall if wall > 0 else float("nan"),
    }


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its descendants (``--workers``: the worker
    processes) have used so far, all their threads (Linux)."""
    if _stat(pid) is None:
        return float("nan")
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and (f := _stat(int(d.name))) is not None:
            parent[int(d.name)] = int(f[1])
    tree, added = {pid}, True
    while added:
        more = {p for p, pp in parent.items() if pp in tree} - tree
        tree |= more
        added = bool(more)
    total = 0.0
    for p in tree:
        f = _stat(p)
        if f is not None:
            total += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def load_test(base: str, args: argparse.Namespace,
                    pid: int) -> list[tuple[str, dict[str, Any]]]:
    """Each group's latencies, and the server's CPU time per request (``cpu_ms``: what the
    requests cost, unlike latencies hardly changed by other work on a busy machine)."""
    import httpx

    rng = random.Random(args.seed)
    n = args.requests
    conns = args.concurrency
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    timeout = httpx.Timeout(args.timeout)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        stories = await all_ids(client, "/api/stories")
        events = await all_ids(client, "/api/events")
        print(f"server: {len(stories)} stories, {len(events)} events", flush=True)

        def q() -> str:
            return quote(rng.choice(QUERIES))

        n_pages = max(1, len(stories) // 50)
        groups = {
            "/ (story list page)": lambda: "/",
            "/stories/{id}": lambda: f"/stories/{rng.choice(stories)}",
            "/events/{id}": lambda: f"/events/{rng.choice(events)}",
            "/api/stories": lambda: f"/api/stories?limit=50&offset={50 * rng.randrange(n_pages)}",
            "/api/search?q=": lambda: f"/api/search?q={q()}&mode={args.mode}",
            "/search?q= (page)": lambda: f"/search?q={q()}&mode={args.mode}",
        }
        results = []
        for name, make in groups.items():
            with contextlib.suppress(httpx.HTTPError):  # warm-up (caches, vectors): not counted
                await client.get(make())
            urls = [make() for _ in range(n)]
            cpu0 = cpu_seconds(pid)
            res = await drive(client, urls, args.concurrency)
            res["cpu_ms"] = (cpu_seconds(pid) - cpu0) * 1000 / max(1, len(urls))
            results.append((name, res))
            print(
                f"{name:22s} {res['requests']:5d} {res['errors']:4d} {res['p50']:8.1f} "
                f"{res['p95']:8.1f} {res['p99']:8.1f} {res['rps']:7.1f} {res['cpu_ms']:7.1f}",
                flush=True,
            )
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--encoder", default="hashing", help="hashing (default) or e5")
    ap.add_argument("--db", help="store path (default benchmarks/.cache/load-<encoder>.db)")
    ap.add_argument("--build-minutes", type=float, help="stop feeding the build after this")
    ap.add_argument("--resume", action="store_true", help="continue a partial build")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--requests", type=int, default=400, help="per endpoint group")
    ap.add_argument("--mode", default="hybrid", help="search mode of the search groups")
    ap.add_argument("--timeout", type=float, default=60.0, help="per request, seconds")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-search-cache", action="store_true",
                    help="serve with STORYLINE_SEARCH_CACHE=0 (repeated queries computed again)")
    ap.add_argument("--workers", type=int, default=1,
                    help="server processes (storyline serve --workers)")
    ap.add_argument("--no-digests", action="store_true",
                    help="serve without storing story digests first (pages compute them)")
    ap.add_argument("--compare-serial", action="store_true",
                    help="run the load twice: as served, and with every read under one lock")
    args = ap.parse_args()
    data = Path(args.data)
    if not (data / NEWS / "english_articles.jsonl.gz").exists():
        print(f"skipped: {data / NEWS} not found (the benchmark reads ../shared/data)")
        return 0
    CACHE.mkdir(exist_ok=True)
    db = Path(args.db) if args.db else CACHE / f"load-{args.encoder}.db"
    meta = build(db, args.encoder, data, args.build_minutes, args.resume)
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}"
    )
    state = "complete" if meta.get("complete") else "PARTIAL (build stopped; --resume)"
    runs = meta.get("runs", 1)
    print(
        f"store: {db.name}, {meta['accepted']} articles of {meta['inputs']} inputs ({state}), "
        f"{store_mb(db):.0f} MB, encoder {meta['encoder']}, built in "
        f"{meta['build_seconds'] / 60:.1f} min over {runs} run{'s' if runs > 1 else ''}"
    )
    if args.encoder == "hashing":
        print("note: hashing encoder (e5 would take hours to embed 20k articles on 2 cores), so "
              "semantic/hybrid search here is not e5-quality and embeds no query with a model")
    if args.build_only:
        return 0
    if not args.no_digests:
        digests(db, args.encoder)
    modes = [False, True] if args.compare_serial else [False]
    tables: dict[bool, list[tuple[str, dict[str, Any]]]] = {}
    for serial in modes:
        tables[serial] = serve_and_load(db, args, serial)
    results = tables[False]
    print("targets (p95 at 8 clients): " + ", ".join(
        f"{name} {res['p95']:.0f} ms {'<=' if res['p95'] <= TARGETS[name] else '>'} "
        f"{TARGETS[name]}" for name, res in results if name in TARGETS))
    if args.compare_serial:
        print("p95 with every read under one lock / p95 with concurrent readers (same run): "
              + ", ".join(f"{name} {s['p95'] / c['p95']:.1f}x" for (name, c), (_, s)
                          in zip(tables[False], tables[True], strict=True) if c["p95"] > 0))
    for name, res in results:
        if res["error_kinds"]:
            print(f"errors in {name}: {res['error_kinds']}")
    return 1 if any(res["errors"] for _, res in results) else 0


def serve_and_load(db: Path, args: argparse.Namespace,
                   serial: bool) -> list[tuple[str, dict[str, Any]]]:
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"storyline-load-server-{port}.log"
    proc = start_server(db, args.encoder, port, log, serial, not args.no_search_cache,
                        args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_ready(base, proc))
        print(
            f"load{' (SERIAL: every read under one lock)' if serial else ''}: concurrency "
            f"{args.concurrency}, {args.requests} requests per group, search mode {args.mode}, "
            f"{args.workers} server process{'es' if args.workers > 1 else ''}"
            f"{', search cache OFF' if args.no_search_cache else ''}, "
            f"load average {os.getloadavg()[0]:.1f}, server log {log}"
        )
        print(f"{'group':22s} {'req':>5s} {'err':>4s} {'p50 ms':>8s} {'p95 ms':>8s} "
              f"{'p99 ms':>8s} {'req/s':>7s} {'cpu ms':>7s}")
        return asyncio.run(load_test(base, args, proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
