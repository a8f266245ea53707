"""Fuzz harness: malformed inputs of every format, each between good records.

A :class:`Case` is one input file holding one malformed record (or being one malformed
document) with a *sentinel* — a good record whose id is known — after it: in the same file
for multi-record formats (JSON Lines, JSON arrays, RSS/Atom, WARC), as the next file for
single-document formats (text, HTML, gzip). Outcomes counted by :func:`run`:

* **crash**: an exception escaped the readers or the engine;
* **hang**: one case took longer than ``timeout`` seconds (``SIGALRM``);
* **lost**: a sentinel after a bad record was not read (reader level) or not stored
  (engine level);
* **peak memory**: the process's peak RSS.

``python -m storyline.fuzz --n 2000`` runs the readers over ``n`` cases and the engine
(hashing encoder, SQLite store, ``storyline check`` after) over a share of them; it prints
a JSON summary. ``tests/test_fuzz.py`` runs it in ``make test``; ``benchmarks/fuzz.py`` runs
100,000+. Generators are seeded: a failing case can be re-created from ``(seed, index)``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storyline.fuzz_gen import FORMATS, Case, make_case

__all__ = ["Case", "FuzzReport", "main", "run"]


@dataclass
class FuzzReport:
    cases: int = 0
    engine_cases: int = 0
    crashes: int = 0
    hangs: int = 0
    lost: int = 0
    inconsistent: int = 0  # storyline check problems after the engine run
    quarantined: int = 0
    repaired_or_kept: int = 0
    peak_rss_mb: float = 0.0
    seconds: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    memory_steps: list[str] = field(default_factory=list)
    by_format: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.crashes or self.hangs or self.lost or self.inconsistent)

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["ok"] = self.ok
        d["slowest"] = [f"{t:.2f}s {what}" for t, what in sorted(self.slowest)[-5:]]
        d["failures"] = self.failures[:30]
        d["memory_steps"] = self.memory_steps[-10:]
        return d


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def fire(_sig: int, _frame: object) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _peak_mb() -> float:
    """This process's peak RSS. ``VmHWM`` is its own address space's high-water mark;
    ``ru_maxrss`` also counts the parent's size at fork time (a process started by a big
    pytest run would report the parent's RSS), so it is only the fallback."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(case: Case, folder: Path) -> list[Path]:
    """The case's files in *folder* (their names sort in reading order)."""
    paths = []
    for name, data in case.files:
        p = folder / name
        p.write_bytes(data)
        paths.append(p)
    return paths


def _reader_case(case: Case, paths: list[Path], timeout: float, rep: FuzzReport) -> None:
    from storyline.ingest import iter_inputs
    from storyline.model import Quarantined, RawDoc

    t0 = time.perf_counter()
    try:
        with _deadline(timeout):
            items = list(iter_inputs(paths))
    except _Timeout:
        rep.hangs += 1
        rep.failures.append(f"hang: {case.describe()}")
        return
    except Exception as exc:
        rep.crashes += 1
        rep.failures.append(f"crash: {case.describe()}: {exc!r}"[:400])
        return
    finally:
        took = time.perf_counter() - t0
        rep.slowest.append((took, case.describe()))
        rep.slowest = sorted(rep.slowest)[-5:]
        peak = _peak_mb()
        if peak > rep.peak_rss_mb + 20:  # which cases raised the peak (memory hogs)
            rep.memory_steps.append(f"{rep.peak_rss_mb:.0f} -> {peak:.0f} MB: {case.describe()}")
            rep.peak_rss_mb = peak
    ids = {d.doc_id for d in items if isinstance(d, RawDoc)}
    missing = [s for s in case.sentinels if s not in ids]
    if missing:
        rep.lost += 1
        rep.failures.append(f"lost {missing} after: {case.describe()}")
    if any(isinstance(d, Quarantined) for d in items):
        rep.quarantined += 1
    else:
        rep.repaired_or_kept += 1


def _engine_run(cases: list[tuple[Case, list[Path]]], db: Path, timeout: float,
                rep: FuzzReport) -> None:
    """Ingest every case's files (in order) into one store; sentinels must all be stored."""
    import storyline
    from storyline.check import check
    from storyline.ingest import iter_inputs

    sl = storyline.open(db, encoder="hashing")
    rep.engine_cases += len(cases)
    try:
        try:  # all in one run (as one big ingest would go); on trouble, case by case
            with _deadline(timeout * max(1, len(cases) // 4)):
                sl.engine.ingest(iter_inputs([p for _, ps in cases for p in ps]))
            one_by_one: list[tuple[Case, list[Path]]] = []
        except _Timeout:
            one_by_one = cases  # the per-case runs name the case that hangs
        except Exception as exc:  # an ingest run stopped: a crash, whichever case did it
            rep.crashes += 1
            rep.failures.append(f"engine crash in the whole run: {exc!r}"[:400]
                                + traceback.format_exc(limit=3)[-300:])
            one_by_one = cases
        for case, paths in one_by_one:
            try:
                with _deadline(timeout):
                    sl.engine.ingest(iter_inputs(paths))
            except _Timeout:
                rep.hangs += 1
                rep.failures.append(f"engine hang: {case.describe()}")
            except Exception as exc:
                rep.crashes += 1
                rep.failures.append(f"engine crash: {case.describe()}: {exc!r}"[:400]
                                    + traceback.format_exc(limit=3)[-300:])
        stored = {a.doc_id for a in sl.store.iter_articles()}
        for case, _ in cases:
            missing = [s for s in case.sentinels if s not in stored]
            if missing:
                rep.lost += 1
                rep.failures.append(f"engine lost {missing} after: {case.describe()}")
        result = check(sl.store)
        rep.inconsistent += len(result.problems)
        rep.failures.extend(f"check: {p.code} {p.subject} {p.message}"
                            for p in result.problems[:5])
    finally:
        sl.close()


#: A page whose text holds a year-like number ("2007-0"): htmldate hands it to dateparser,
#: whose first call loads every locale (3–8 s of CPU, once per process).
_WARM_PAGE = (
    b"<html><head><title>Plan 2007-0 approved</title></head><body><article><h1>Plan 2007-0 "
    b"approved</h1><p>Officials said on Monday that the council approved plan 2007-0 for the "
    b"district after a long debate about roads and schools.</p></article></body></html>"
)


def _warm_up(folder: Path) -> None:
    """Read one page through every lazy one-time load (dateparser's locales) before any case
    is timed: whichever case came first would otherwise carry seconds of library loading
    (case ~2000 of every seed: its "plan 2007-0" looks like a year) and, on a loaded
    machine, come close to the hang limit."""
    from storyline.ingest import iter_inputs

    page = folder / "warm-up.html"
    page.write_bytes(_WARM_PAGE)
    list(iter_inputs([page]))
    page.unlink()


def run(n: int, *, seed: int = 0, engine_share: float = 0.25, timeout: float = 20.0,
        formats: tuple[str, ...] = FORMATS,
        progress: Callable[[int], None] | None = None) -> FuzzReport:
    """Generate *n* cases; readers over all of them, the engine over ``engine_share``."""
    rep = FuzzReport()
    rng = random.Random(seed)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="storyline-fuzz-") as tmp:
        folder = Path(tmp)
        _warm_up(folder)
        engine_cases: list[tuple[Case, list[Path]]] = []
        for i in range(n):
            case = make_case(rng, i, seed, formats)
            rep.by_format[case.fmt] = rep.by_format.get(case.fmt, 0) + 1
            paths = _write(case, folder)
            rep.cases += 1
            _reader_case(case, paths, timeout, rep)
            if rng.random() < engine_share:
                engine_cases.append((case, paths))
            else:
                for p in paths:
                    p.unlink()
            if progress and i % 1000 == 999:
                progress(i + 1)
        if engine_cases:
            _engine_run(engine_cases, folder / "fuzz.db", timeout * 3, rep)
    rep.seconds = round(time.perf_counter() - t0, 1)
    peak = _peak_mb()
    if peak > rep.peak_rss_mb + 20:
        rep.memory_steps.append(f"{rep.peak_rss_mb:.0f} -> {peak:.0f} MB: the engine run")
    rep.peak_rss_mb = round(peak, 1)
    return rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m storyline.fuzz", description=__doc__)
    ap.add_argument("--n", type=int, default=2000, help="cases to generate")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--engine-share", type=float, default=0.25,
                    help="share of the cases also ingested by the engine")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds before a case hangs")
    ap.add_argument("--formats", default=",".join(FORMATS))
    args = ap.parse_args(argv)
    import faulthandler
    import logging

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints where a slow run is

    logging.disable(logging.CRITICAL)  # quarantine/repair messages by the thousand
    rep = run(args.n, seed=args.seed, engine_share=args.engine_share, timeout=args.timeout,
              formats=tuple(f for f in args.formats.split(",") if f),
              progress=lambda k: print(f"  {k} cases", file=sys.stderr, flush=True))
    print(json.dumps(rep.as_dict(), indent=1, ensure_ascii=True))
    return 0 if rep.ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

