"""The one migration runner both SQL stores use."""

from __future__ import annotations

import pytest

from storyline.errors import StoreError
from storyline.store.migrate import apply_migrations, check_not_newer
from storyline.store.pg_schema import PG_MIGRATIONS
from storyline.store.schema import MIGRATIONS, Migration

STEPS = (
    Migration(1, "one", ("a1", "b1")),
    Migration(2, "two", ("a2",)),
    Migration(3, "three", ("a3", "b3")),
)


def test_runs_the_steps_above_the_version_in_order_and_records_each() -> None:
    done: list[object] = []
    reached = apply_migrations("x", 1, STEPS, done.append, lambda v: done.append(v))
    assert done == ["a2", 2, "a3", "b3", 3]
    assert reached == 3
    assert apply_migrations("x", 3, STEPS, done.append, done.append) == 3
    assert done[-1] == 3  # nothing more ran


def test_a_newer_store_is_refused_with_what_to_do() -> None:
    check_not_newer("x", 3, 3)
    with pytest.raises(StoreError, match=r"schema version 4.*pip install -U storyline"):
        check_not_newer("x", 4, 3)


def test_both_backends_list_contiguous_steps() -> None:
    for steps in (MIGRATIONS, PG_MIGRATIONS):
        assert [s.version for s in steps] == list(range(1, len(steps) + 1))
        assert all(isinstance(s, Migration) and s.statements for s in steps)
