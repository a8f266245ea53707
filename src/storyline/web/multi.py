"""``storyline serve --workers N``: several server processes over one store.

One Python process runs one request's Python code at a time (the GIL), so a busy server
uses one core whatever the number of clients. With ``--workers N`` uvicorn starts N
processes on the same port; each opens the store itself. SQLite readers in WAL mode run side
by side and SQLite serialises writers (as it does between any two storyline processes), so
nothing else is shared. Each worker keeps its own caches (pages, searches, views); each
notices another worker's writes through the store's version token (``PRAGMA data_version``).
Of the workers, only the one holding the watch lock (a lock file beside the temporary files,
keyed by the store) runs the watchlists on a schedule, so an alert is not delivered N times.

A worker reads the same settings as the command that started it: the store, encoder,
configuration file (read again, with the same environment) and ingest limits are handed to
it in :data:`ENV`. An in-memory store cannot be shared between processes.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any

from fastapi import FastAPI

from storyline.web.guard import ServeError, check_bind, is_local_host

__all__ = ["ENV", "limit_blas_threads", "serve_workers", "worker_app"]

ENV = "STORYLINE_SERVE_WORKER"
HEALTHCHECK_S = 120  # seconds a worker may take to answer the supervisor (start included)
_held: list[Any] = []  # what a worker keeps for its lifetime (watch lock, limits, store)


def limit_blas_threads() -> None:
    """One BLAS thread per server process (``STORYLINE_BLAS_THREADS``, 0: leave as is).

    Requests are served by threads side by side; a BLAS call that also spreads over every
    core (OpenBLAS's default) spins its threads against the others' work: a vector search
    over 16,000 vectors cost 7.5 ms of CPU with 2 BLAS threads on a busy 2-core machine
    and 0.9 ms with one."""
    n = int(os.environ.get("STORYLINE_BLAS_THREADS", "1") or 0)
    if n <= 0:
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it nothing changes
        return
    threadpool_limits(limits=n, user_api="blas")


def serve_workers(
    db: str,
    encoder: str,
    *,
    workers: int,
    config_path: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    read_only: bool = False,
    max_body: int,
    log_level: str = "info",
    watch_every: float = 0.0,
) -> None:
    """Run ``workers`` server processes of the store ``db`` until interrupted."""
    import uvicorn

    from storyline.ingest.limits import limits

    if workers < 2:
        raise ServeError(f"serve_workers needs 2 or more workers, not {workers}")
    if db in ("", ":memory:"):
        raise ServeError(
            "an in-memory store cannot be served by several processes: give --db a file "
            "or a PostgreSQL URL, or serve with --workers 1"
        )
    check_bind(host, token=token, read_only=read_only)
    os.environ[ENV] = json.dumps({
        "db": db, "encoder": encoder, "config": config_path, "host": host, "token": token,
        "read_only": read_only, "max_body": max_body, "watch_every": watch_every,
        "limits": dataclasses.asdict(limits()),
    })  # fmt: skip
    uvicorn.run(
        "storyline.web.multi:worker_app", factory=True, workers=workers, host=host, port=port,
        log_level=log_level,
        # a worker answers the supervisor's pings between Python steps: importing storyline
        # and opening the store on a loaded machine took over uvicorn's default of 5 s, and
        # the supervisor killed and restarted the worker
        timeout_worker_healthcheck=HEALTHCHECK_S,
    )


def _watch_lock(db: str) -> IO[bytes] | None:
    """The open lock file if this process is the one that runs the watchlists, else None."""
    key = hashlib.sha1(str(Path(db).expanduser().resolve()).encode()).hexdigest()[:16]
    fh = (Path(tempfile.gettempdir()) / f"storyline-watch-{key}.lock").open("ab")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh


def worker_app() -> FastAPI:
    """The application of one worker process (uvicorn calls it in each; see :data:`ENV`)."""
    from storyline.cli.base import Ctx
    from storyline.config import load_config
    from storyline.ingest.limits import Limits, using_limits
    from storyline.web.app import create_app, local_host_names

    raw = os.environ.get(ENV)
    if not raw:
        raise ServeError(f"worker_app is started by `storyline serve --workers N` ({ENV} unset)")
    cfg = json.loads(raw)
    limit_blas_threads()
    limits = using_limits(Limits(**cfg["limits"]))
    limits.__enter__()  # the limits of the command that started the workers, for good
    ctx = Ctx(cfg["db"], cfg["encoder"], load_config(cfg["config"]))
    lock = _watch_lock(cfg["db"]) if cfg["watch_every"] > 0 else None
    _held.extend([limits, ctx.sl, lock])
    host = cfg["host"]
    return create_app(
        ctx.sl, token=cfg["token"], read_only=cfg["read_only"], max_body=cfg["max_body"],
        allowed_hosts=local_host_names(host) if is_local_host(host) else None,
        watch_every=cfg["watch_every"] if lock is not None else 0.0,
    )
