"""SQL conditions of search filters, one definition for the SQLite and PostgreSQL stores.

Both stores keep articles in a table ``articles`` (aliased ``a``) with the same columns and
the same coarse date values (``2020``, ``2020-04`` or a full date), and both SQL dialects
have ``CASE``, ``length``, ``substr`` and ``||``: only the parameter marker differs.
"""

from __future__ import annotations

from typing import Any

from storyline.store.textquery import SearchFilters

# First and last day covered by a (possibly coarse) article date; see textquery.date_bounds.
DATE_START = (
    "CASE length(a.date_value) WHEN 4 THEN a.date_value || '-01-01' "
    "WHEN 7 THEN a.date_value || '-01' ELSE substr(a.date_value, 1, 10) END"
)
DATE_END = (
    "CASE length(a.date_value) WHEN 4 THEN a.date_value || '-12-31' "
    "WHEN 7 THEN a.date_value || '-31' ELSE substr(a.date_value, 1, 10) END"
)


def filter_conditions(filters: SearchFilters | None, mark: str) -> tuple[list[str], list[Any]]:
    """Conditions on ``articles AS a`` for every filter but ``source`` (each backend matches
    outlets with storyline's own case folding), and their parameters; ``mark`` is the
    dialect's parameter marker (``?`` or ``%s``)."""
    if filters is None or filters.empty:
        return [], []
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("lang", filters.lang),
        ("story_id", filters.story_id),
        ("event_id", filters.event_id),
    ):
        if value is not None:
            where.append(f"a.{column} = {mark}")
            params.append(value)
    if filters.first_day:
        where.append(f"a.date_value IS NOT NULL AND ({DATE_END}) >= {mark}")
        params.append(filters.first_day)
    if filters.last_day:
        where.append(f"a.date_value IS NOT NULL AND ({DATE_START}) <= {mark}")
        params.append(filters.last_day)
    return where, params


def and_all(where: list[str]) -> str:
    """`` AND c1 AND c2 ...`` (empty for no conditions)."""
    return "".join(f" AND {w}" for w in where)
