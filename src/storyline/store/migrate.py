"""Schema migrations: one runner for the SQLite and PostgreSQL stores.

Each backend lists its steps (:class:`storyline.store.schema.Migration`: version, description,
statements) and records the version reached its own way (SQLite: ``PRAGMA user_version``;
PostgreSQL: the ``storyline_schema`` table). The runner applies, inside the caller's opening
transaction, every step above the store's version, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from storyline.errors import StoreError

logger = logging.getLogger(__name__)


class Step(Protocol):
    @property
    def version(self) -> int: ...

    @property
    def description(self) -> str: ...

    @property
    def statements(self) -> tuple[str, ...]: ...


def check_not_newer(where: str, version: int, latest: int) -> None:
    """Refuse a store written by a newer storyline (its schema is unknown here)."""
    if version > latest:
        raise StoreError(
            f"store {where} has schema version {version}, written by a newer "
            f"storyline; this storyline reads versions up to {latest}. "
            "Upgrade storyline (pip install -U storyline) to open it."
        )


def apply_migrations(
    where: str,
    version: int,
    steps: Iterable[Step],
    execute: Callable[[str], object],
    record: Callable[[int], object],
) -> int:
    """Run the steps above ``version`` (``execute`` each statement, then ``record`` the step's
    version); the version reached."""
    for step in steps:
        if step.version <= version:
            continue
        logger.info("store %s: schema %d: %s", where, step.version, step.description)
        for statement in step.statements:
            execute(statement)
        record(step.version)
        version = step.version
    return version
