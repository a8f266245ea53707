"""Persistent state: the :class:`Store` interface, its backends and :func:`open_store`."""

from __future__ import annotations

from pathlib import Path

from storyline.errors import StoreError
from storyline.store.base import Store
from storyline.store.memory import MemoryStore
from storyline.store.sqlite import SQLiteStore

__all__ = ["MemoryStore", "SQLiteStore", "Store", "open_store"]

_POSTGRES = ("postgresql://", "postgres://", "postgresql+psycopg://", "postgresql+psycopg2://")


def open_store(url_or_path: str | Path | None) -> Store:
    """Open the store named by a path or URL.

    * ``None`` or ``"memory://"``: a fresh :class:`MemoryStore`;
    * a file path, ``":memory:"`` or ``"sqlite:///path"``: a :class:`SQLiteStore` (created when
      missing). As in SQLAlchemy, ``sqlite:///rel/store.db`` is relative and
      ``sqlite:////abs/store.db`` absolute; ``"sqlite://"`` is an in-memory SQLite store;
    * ``postgresql://user:password@host:port/database`` (or ``postgres://``): a
      :class:`~storyline.store.postgres.PostgresStore` (``pip install 'storyline[postgres]'``).
    """
    if url_or_path is None:
        return MemoryStore()
    if isinstance(url_or_path, Path):
        return SQLiteStore(url_or_path)
    text = url_or_path.strip()
    lowered = text.lower()
    if lowered == "memory://":
        return MemoryStore()
    if lowered.startswith(_POSTGRES):
        from storyline.store.postgres import PostgresStore

        return PostgresStore(text)
    if lowered.startswith("sqlite://"):
        rest = text[len("sqlite://") :]
        if rest in ("", "/", "/:memory:"):
            return SQLiteStore(":memory:")
        if not rest.startswith("/"):
            raise StoreError(f"bad store URL {text!r}: write sqlite:///path/to/store.db")
        return SQLiteStore(rest[1:])
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise StoreError(
            f"unknown store URL scheme {scheme!r} in {text!r}; use a file path, "
            "sqlite:///path, postgresql://user@host/db or memory://"
        )
    if not text:
        raise StoreError("empty store path; give a file path such as storyline.db")
    return SQLiteStore(text)
