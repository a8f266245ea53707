"""The SQLite store's connections: opening, migrating, transactions, version, closing.

Transactions are managed by hand (``isolation_level=None``): ``transaction()`` issues
``BEGIN IMMEDIATE`` at the outermost level and ``COMMIT``/``ROLLBACK`` when it ends; nested
blocks join it. A write method called outside a block runs in a transaction of its own, so every
call is atomic and a killed process leaves the last committed state (WAL recovery discards the
rest). A file store gives each thread its own connection, so readers run side by side (WAL)
while SQLite serialises writers. The tables and rows are in :mod:`storyline.store.sqlite`.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from storyline.errors import StoreBusyError, StoreError
from storyline.store.migrate import apply_migrations, check_not_newer
from storyline.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

logger = logging.getLogger("storyline.store.sqlite")


class SQLiteConnections:
    """One SQLite file (``":memory:"`` for a throw-away one) and its per-thread connections.

    ``timeout`` is how long a write waits for another process holding the lock. The base of
    :class:`~storyline.store.sqlite.SQLiteStore`, which adds the tables.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path: Path | None
        if str(path) == ":memory:":
            self.path, target = None, ":memory:"
        else:
            self.path = Path(path).expanduser()
            target = str(self.path)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for store {self.path}: {exc}") from exc
        self._where = target
        self._timeout = timeout
        self._closed = False
        self._commits = 0
        self._external = 0  # bumped when the probe sees another connection's commit
        self._probe: sqlite3.Connection | None = None  # version()'s connection
        self._probe_dv: int | None = None
        self._probe_lock = threading.Lock()
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        #: a file store gives each thread its own connection: readers run side by side (WAL)
        #: and SQLite serialises writers; ":memory:" has one connection, callers serialise
        self.concurrent_reads = self.path is not None
        main = self._connect()
        try:
            self._configure(main, first=True)
            self._local.conn = main
            self._main = main
            self._migrate()
        except BaseException:
            main.close()
            raise
        logger.debug("opened store %s (schema %d)", target, SCHEMA_VERSION)

    def _connect(self) -> sqlite3.Connection:
        try:
            # check_same_thread=False only so that close() can close every thread's one
            conn = sqlite3.connect(
                self._where, timeout=self._timeout, isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self._where}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    @property
    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use; one shared for ":memory:")."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise StoreError(f"store {self._where} is closed; open it again")
        if not self.concurrent_reads:
            return self._main
        conn = self._connect()
        self._configure(conn, first=False)
        self._local.conn = conn
        return conn

    @property
    def _depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    def __repr__(self) -> str:
        return f"SQLiteStore({self._where!r})"

    # -- opening ---------------------------------------------------------------------------
    def _configure(self, conn: sqlite3.Connection, *, first: bool) -> None:
        try:
            # The first statement that reads the file header tells a foreign file apart.
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self._where} is not a storyline store: it is not an SQLite database ({exc}). "
                "Give the path of an existing store, or a new path to create one."
            ) from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] if first else "wal"
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot configure store {self._where}: {exc}") from exc
        if mode.lower() != "wal" and self.path is not None:
            logger.warning("store %s: journal mode is %s, not WAL", self._where, mode)
            self.concurrent_reads = False  # without WAL, readers would block the writer

    def _pragma_int(self, name: str) -> int:
        return int(self._conn.execute(f"PRAGMA {name}").fetchone()[0])

    def _check_version(self, version: int, app_id: int) -> None:
        if app_id not in (0, APPLICATION_ID):
            raise StoreError(
                f"{self._where} is an SQLite database of another application, not a "
                "storyline store. Give the path of a storyline store, or a new path."
            )
        check_not_newer(self._where, version, SCHEMA_VERSION)

    def _migrate(self) -> None:
        self._check_version(self._pragma_int("user_version"), self._pragma_int("application_id"))
        if self._pragma_int("user_version") == SCHEMA_VERSION:
            return
        with self.transaction():
            # Read again under the write lock: another process may have migrated meanwhile.
            version = self._pragma_int("user_version")
            app_id = self._pragma_int("application_id")
            self._check_version(version, app_id)
            if version == 0 and app_id == 0:
                n = self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if n:
                    raise StoreError(
                        f"{self._where} is an SQLite database but not a storyline store (it "
                        "already holds other tables). Give a new path to create a store."
                    )
            apply_migrations(
                self._where,
                version,
                MIGRATIONS,
                self._conn.execute,
                lambda v: self._conn.execute(f"PRAGMA user_version = {int(v)}"),
            )
            self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    # -- lifecycle -------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth > 0:  # join the outer block
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreBusyError(
                f"cannot write to store {self._where}: {exc} (another storyline process may "
                f"be writing to it; waited {self._timeout:g} s). Try again when it has finished."
            ) from exc
        self._depth = 1
        try:
            yield
        except BaseException as exc:
            self._depth = 0
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    f"write to store {self._where} failed and was undone: {exc}"
                ) from exc
            raise
        self._depth = 0
        try:
            self._conn.execute("COMMIT")
            self._commits += 1
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreError(f"cannot commit to store {self._where}: {exc}") from exc

    def _rollback(self) -> None:
        if not self._conn.in_transaction:  # SQLite may have rolled back already
            return
        try:
            self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            logger.exception("store %s: rollback failed", self._where)

    def version(self) -> object:
        """Our own commits plus the commits of every other connection (other threads' and
        processes'). One probe connection, shared under a lock, reads ``data_version``,
        which changes when any other connection commits: the token is the same in every
        thread, so a thread's first read (a new connection) does not invalidate caches."""
        with self._probe_lock:
            if self._closed:
                raise StoreError(f"store {self._where} is closed; open it again")
            if self._probe is None:
                self._probe = self._connect() if self.concurrent_reads else self._main
            dv = int(self._probe.execute("PRAGMA data_version").fetchone()[0])
            if self._probe_dv is not None and dv != self._probe_dv:
                self._external += 1
            self._probe_dv = dv
            return (self._external, self._commits)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            if not self._main.in_transaction:
                self._main.execute("PRAGMA optimize")  # refresh planner statistics, cheap
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]
